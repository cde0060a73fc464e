"""Processing snapshots into installed packages: set-based upsert, order, idempotency, recovery."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from patchwatch.catalog.models import Package
from patchwatch.db import Database, utcnow
from patchwatch.sites import jobs
from patchwatch.sites.models import InstalledPackage, Site, Snapshot
from tests.factories import key_headers, make_api_key, make_org, poll_snapshot, signed_in

PUSH = "/api/v1/snapshots"
SITE = "https://www.example.org"


def native(*packages: tuple[str, str | None], **extra: Any) -> dict[str, Any]:
    return {
        "site": {"url": SITE},
        "packages": [
            {"ecosystem": "drupal", "name": name, "version": version, **extra}
            for name, version in packages
        ],
    }


async def agent(client: httpx.AsyncClient, db: Database) -> dict[str, str]:
    _, manager = await signed_in(db, client, await make_org(db))
    permissions = ["snapshots:write", "snapshots:read", "sites:write", "sites:read"]
    return key_headers(await make_api_key(client, manager, permissions))


async def push(client: httpx.AsyncClient, key: dict[str, str], body: Any) -> dict[str, Any]:
    response = await client.post(PUSH, headers=key, json=body)
    assert response.status_code == 202, response.text
    snapshot = await poll_snapshot(client, key, response.json()["data"]["uuid"])
    assert snapshot["status"] == "processed", snapshot
    return snapshot


async def inventory(db: Database, site_uuid: str) -> dict[str, InstalledPackage]:
    async with db.sessionmaker() as session:
        rows = await session.execute(
            select(Package.name, InstalledPackage)
            .join(Package, Package.id == InstalledPackage.package_id)
            .join(Site, Site.id == InstalledPackage.site_id)
            .where(Site.uuid == uuid.UUID(site_uuid))
        )
        return dict(rows.tuples().all())


async def site_row(db: Database, site_uuid: str) -> Site:
    async with db.sessionmaker() as session:
        return (await session.scalars(select(Site).where(Site.uuid == uuid.UUID(site_uuid)))).one()


async def stored_snapshot(db: Database, site: Site, body: Any, **fields: Any) -> int:
    """A snapshot row as the API would have stored it, before any processing."""
    async with db.sessionmaker() as session:
        snapshot = Snapshot(
            uuid=uuid.uuid4(),
            site_id=site.id,
            organization_id=site.organization_id,
            format="patchwatch",
            content_hash=uuid.uuid4().hex + uuid.uuid4().hex,
            raw=body,
            status="received",
            result={},
            **fields,
        )
        session.add(snapshot)
        await session.commit()
        return snapshot.id


async def snapshot_row(db: Database, snapshot_id: int) -> Snapshot:
    async with db.sessionmaker() as session:
        return await session.get_one(Snapshot, snapshot_id)


async def test_removed_packages_disappear(client: httpx.AsyncClient, db: Database) -> None:
    key = await agent(client, db)
    first = await push(client, key, native(("drupal", "10.1.0"), ("token", "8.x-1.17")))
    second = await push(client, key, native(("drupal", "10.1.0")))
    assert second["result"]["removed"] == 1 and second["result"]["added"] == 0
    assert set(await inventory(db, first["site_uuid"])) == {"drupal"}


async def test_a_new_version_restarts_version_seen_but_not_first_seen(
    client: httpx.AsyncClient, db: Database
) -> None:
    key = await agent(client, db)
    first = await push(client, key, native(("drupal", "10.1.0"), ("token", "8.x-1.17")))
    before = await inventory(db, first["site_uuid"])
    reported = (await site_row(db, first["site_uuid"])).last_snapshot_at
    second = await push(client, key, native(("drupal", "10.1.1"), ("token", "8.x-1.17")))
    assert second["result"] == {"added": 0, "updated": 1, "removed": 0, "unknown_versions": 0}
    after = await inventory(db, first["site_uuid"])
    assert after["drupal"].version == "10.1.1"
    assert after["drupal"].first_seen_at == before["drupal"].first_seen_at
    assert after["drupal"].version_seen_at > before["drupal"].version_seen_at
    assert after["token"].version_seen_at == before["token"].version_seen_at
    assert after["token"].id == before["token"].id  # the same row, not replaced
    # When the site last reported its packages: every package present was in that report.
    assert (await site_row(db, first["site_uuid"])).last_snapshot_at > reported


async def test_type_and_enabled_follow_the_latest_snapshot(
    client: httpx.AsyncClient, db: Database
) -> None:
    key = await agent(client, db)
    first = await push(client, key, native(("token", "8.x-1.17"), type="module", enabled=True))
    await push(client, key, native(("token", "8.x-1.17"), type="module", enabled=False))
    token = (await inventory(db, first["site_uuid"]))["token"]
    assert token.enabled is False and token.package_type == "module"


async def test_unknown_versions_are_counted(client: httpx.AsyncClient, db: Database) -> None:
    key = await agent(client, db)
    snapshot = await push(client, key, native(("a", "dev-main"), ("b", None), ("c", "8.x-1.0")))
    assert snapshot["result"]["unknown_versions"] == 2


async def test_an_empty_inventory_empties_the_site(client: httpx.AsyncClient, db: Database) -> None:
    key = await agent(client, db)
    first = await push(client, key, native(("drupal", "10.1.0")))
    emptied = await push(client, key, native())
    assert emptied["result"]["removed"] == 1 and emptied["package_count"] == 0
    assert await inventory(db, first["site_uuid"]) == {}
    assert (await site_row(db, first["site_uuid"])).worst_status == "unknown"


async def test_processing_twice_changes_nothing(client: httpx.AsyncClient, db: Database) -> None:
    key = await agent(client, db)
    snapshot = await push(client, key, native(("drupal", "10.1.0")))
    before = await inventory(db, snapshot["site_uuid"])
    async with db.sessionmaker() as session:
        snapshot_id = await session.scalar(
            select(Snapshot.id).where(Snapshot.uuid == uuid.UUID(snapshot["uuid"]))
        )
    assert snapshot_id is not None
    await jobs.process_snapshot(db, snapshot_id)
    after = await inventory(db, snapshot["site_uuid"])
    assert after["drupal"].version_seen_at == before["drupal"].version_seen_at
    assert after["drupal"].status_changed_at == before["drupal"].status_changed_at
    assert (await snapshot_row(db, snapshot_id)).processed_at is not None


async def test_an_older_snapshot_processed_late_is_superseded(
    client: httpx.AsyncClient, db: Database
) -> None:
    key = await agent(client, db)
    current = await push(client, key, native(("drupal", "10.1.0")))
    site = await site_row(db, current["site_uuid"])
    now = utcnow()
    older = await stored_snapshot(
        db, site, native(("drupal", "9.5.0")), received_at=now - timedelta(minutes=5)
    )
    newer = await stored_snapshot(db, site, native(("drupal", "10.2.0")), received_at=now)
    await jobs.process_snapshot(db, newer)
    await jobs.process_snapshot(db, older)
    late = await snapshot_row(db, older)
    assert late.status == "processed" and late.result["superseded"] is True
    assert late.package_count is None
    assert (await inventory(db, current["site_uuid"]))["drupal"].version == "10.2.0"


async def test_a_snapshot_collected_earlier_than_the_applied_one_is_superseded(
    client: httpx.AsyncClient, db: Database
) -> None:
    key = await agent(client, db)
    current = await push(
        client, key, {**native(("drupal", "10.2.0")), "collected_at": "2026-11-20T10:00:00Z"}
    )
    late = await push(
        client, key, {**native(("drupal", "9.5.0")), "collected_at": "2026-11-19T10:00:00Z"}
    )
    assert late["result"]["superseded"] is True
    assert (await inventory(db, current["site_uuid"]))["drupal"].version == "10.2.0"


async def test_received_snapshots_are_resumed_after_a_crash(
    client: httpx.AsyncClient, db: Database
) -> None:
    key = await agent(client, db)
    first = await push(client, key, native(("drupal", "10.1.0")))
    site = await site_row(db, first["site_uuid"])
    pending = await stored_snapshot(
        db, site, native(("drupal", "10.1.1"), ("token", "8.x-1.17")), received_at=utcnow()
    )
    assert await jobs.resume_pending(db) >= 1
    await jobs.wait_idle()
    resumed = await snapshot_row(db, pending)
    assert resumed.status == "processed" and resumed.result["added"] == 1
    assert set(await inventory(db, first["site_uuid"])) == {"drupal", "token"}


async def test_a_snapshot_that_cannot_be_processed_fails_with_a_reason_and_writes_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    key = await agent(client, db)
    first = await push(client, key, native(("drupal", "10.1.0")))
    site = await site_row(db, first["site_uuid"])
    broken = await stored_snapshot(db, site, {"packages": "not a list"}, received_at=utcnow())
    await jobs.process_snapshot(db, broken)
    failed = await snapshot_row(db, broken)
    assert failed.status == "failed" and failed.failure_reason
    assert "packages" in failed.failure_reason and failed.processed_at is not None
    assert set(await inventory(db, first["site_uuid"])) == {"drupal"}
    shown = (await client.get(f"{PUSH}/{failed.uuid}", headers=key)).json()["data"]
    assert shown["status"] == "failed" and shown["failure_reason"] == failed.failure_reason


async def test_a_package_counts_as_seen_since_the_inventory_was_collected(
    client: httpx.AsyncClient, db: Database
) -> None:
    key = await agent(client, db)
    collected = (utcnow() - timedelta(days=10)).replace(microsecond=0)
    snapshot = await push(
        client, key, {**native(("drupal", "10.2.0")), "collected_at": collected.isoformat()}
    )
    installed = (await inventory(db, snapshot["site_uuid"]))["drupal"]
    assert installed.first_seen_at == collected
    assert installed.version_seen_at == collected


async def test_an_inventory_collected_in_the_future_counts_as_seen_now(
    client: httpx.AsyncClient, db: Database
) -> None:
    key = await agent(client, db)
    before = utcnow()
    future = (before + timedelta(days=30)).isoformat()
    snapshot = await push(client, key, {**native(("drupal", "10.2.0")), "collected_at": future})
    installed = (await inventory(db, snapshot["site_uuid"]))["drupal"]
    assert before <= installed.first_seen_at <= utcnow()
