"""From a pushed inventory to statuses, exposure and SLA deadlines, over real HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from patchwatch.db import Database
from patchwatch.events.models import OutboxEvent
from tests.conftest import FIXTURES
from tests.factories import (
    key_headers,
    make_api_key,
    make_org,
    poll_snapshot,
    signed_in,
)

FEEDS = FIXTURES / "drupal-release-history"
SITES = FIXTURES / "drupal-sites"
SITE = "https://www.example.org"


async def import_feed(client: httpx.AsyncClient, admin: dict[str, str], name: str) -> Any:
    response = await client.post(
        "/api/v1/catalog/drupal/release-history",
        headers={**admin, "Content-Type": "application/xml"},
        content=(FEEDS / name).read_bytes(),
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def setup(client: httpx.AsyncClient, db: Database) -> tuple[dict[str, str], dict[str, str]]:
    """A platform admin's headers, and an agent key of a client organization."""
    _, admin = await signed_in(db, client, await make_org(db, "Operators"), role="admin")
    _, manager = await signed_in(db, client, await make_org(db, "Client"))
    key = await make_api_key(
        client, manager, ["snapshots:write", "snapshots:read", "sites:write", "sites:read"]
    )
    return admin, key_headers(key)


def native(version: str, url: str = SITE) -> dict[str, Any]:
    return {
        "site": {"url": url, "name": "Example"},
        "collected_at": "2026-11-20T10:00:00Z",
        "packages": [
            {"ecosystem": "drupal", "name": "drupal", "version": version, "type": "core"},
            {"ecosystem": "drupal", "name": "unknown_module", "version": "8.x-1.0"},
        ],
    }


async def push(client: httpx.AsyncClient, key: dict[str, str], body: Any, **kw: Any) -> Any:
    response = await client.post("/api/v1/snapshots", headers=key, json=body, **kw)
    assert response.status_code == 202, response.text
    snapshot = response.json()["data"]
    return snapshot, await poll_snapshot(client, key, snapshot["uuid"])


async def packages_of(client: httpx.AsyncClient, key: dict[str, str], site: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/sites/{site}/packages", headers=key)
    return {p["package"]: p for p in response.json()["data"]}


async def test_a_pushed_insecure_core_turns_the_site_red(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    accepted, processed = await push(client, key, native("8.0.0"))
    assert processed["status"] == "processed"
    assert processed["result"]["added"] == 2
    packages = await packages_of(client, key, accepted["site_uuid"])
    core = packages["drupal"]
    assert core["status"] == "security_update"
    assert core["recommended_version"] == "8.0.2" and core["security_updates"] == ["8.0.2"]
    assert core["missing_security"] is True
    assert packages["unknown_module"]["status"] == "unknown"
    assert packages["unknown_module"]["reason"] == "No available releases found"
    site = (await client.get(f"/api/v1/sites/{accepted['site_uuid']}", headers=key)).json()
    assert site["data"]["worst_status"] == "security_update"


async def test_exposure_starts_at_the_later_of_fix_and_first_sight(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")  # 8.0.2 published in 2009
    accepted, _ = await push(client, key, native("8.0.0"))
    core = (await packages_of(client, key, accepted["site_uuid"]))["drupal"]
    assert core["exposure_started_at"] == core["version_seen_at"]  # first seen long after the fix
    from datetime import datetime

    exposure = datetime.fromisoformat(core["exposure_started_at"])
    due = datetime.fromisoformat(core["sla_due_at"])
    assert due - exposure == timedelta(days=7)  # severity high by default
    assert core["severity"] == "high"


async def test_a_new_feed_re_evaluates_the_fleet_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    for n in range(3):
        await push(client, key, native("8.1.1", url=f"https://site{n}.example.org"))
    before = (await client.get("/api/v1/fleet/summary", headers=key)).json()["data"]
    assert before["installed_by_status"]["unknown"] == 6
    imported = await import_feed(client, admin, "drupal.sec.8.1.2_insecure.xml")
    assert imported["installed_packages_changed"] == 3 and imported["events"] == 3
    again = await import_feed(client, admin, "drupal.sec.8.1.2_insecure.xml")
    assert again["installed_packages_changed"] == 0 and again["events"] == 0
    after = (await client.get("/api/v1/fleet/summary", headers=key)).json()["data"]
    assert after["sites_by_worst_status"]["security_update"] == 3
    assert after["missing_security"] == 3
    assert after["oldest_exposure"]["package"] == "drupal"
    async with db.sessionmaker() as session:
        detected = await session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.event_type == "security_update_detected")
        )
    assert detected == 3


async def test_updating_the_site_resolves_the_finding(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    accepted, _ = await push(client, key, native("8.0.0"))
    _, processed = await push(client, key, native("8.0.2"))
    assert processed["result"]["updated"] == 1
    core = (await packages_of(client, key, accepted["site_uuid"]))["drupal"]
    assert core["status"] == "current" and core["exposure_started_at"] is None
    async with db.sessionmaker() as session:
        kinds = list(await session.scalars(select(OutboxEvent.event_type)))
    assert "security_update_resolved" in kinds


async def test_real_composer_lock_is_ingested(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await setup(client, db)
    response = await client.post(
        "/api/v1/snapshots?format=composer-lock&site_url=https://cms.example.org",
        headers=key,
        content=(SITES / "acquia-drupal-cms-project.composer.lock").read_bytes(),
    )
    assert response.status_code == 202, response.text
    processed = await poll_snapshot(client, key, response.json()["data"]["uuid"])
    assert processed["status"] == "processed"
    packages = await client.get(
        f"/api/v1/sites/{response.json()['data']['site_uuid']}/packages?per_page=200", headers=key
    )
    names = {p["package"]: p for p in packages.json()["data"]}
    assert names["drupal"]["version"] == "11.4.5"
    assert processed["package_count"] == 242


async def test_real_drush_table_is_ingested(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await setup(client, db)
    response = await client.post(
        "/api/v1/snapshots?format=drush-pm-list-table&site_url=https://emm.example.org",
        headers={**key, "Content-Type": "text/plain"},
        content=(SITES / "emmfinalist-cms.drush-pm-list.txt").read_bytes(),
    )
    assert response.status_code == 202, response.text
    processed = await poll_snapshot(client, key, response.json()["data"]["uuid"])
    assert processed["status"] == "processed" and processed["package_count"] == 18


async def test_repeated_pushes_are_harmless(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await setup(client, db)
    first, _ = await push(client, key, native("8.0.0"))
    again = await client.post("/api/v1/snapshots", headers=key, json=native("8.0.0"))
    assert again.json()["data"] == {**first, "duplicate": True, "status": "processed"}
    keyed = {**key, "Idempotency-Key": "run-42"}
    one = await client.post("/api/v1/snapshots", headers=keyed, json=native("8.0.1"))
    two = await client.post("/api/v1/snapshots", headers=keyed, json=native("8.0.2"))
    assert one.json()["data"]["uuid"] == two.json()["data"]["uuid"]
    assert two.json()["data"]["duplicate"] is True


async def test_malformed_snapshots_are_422_with_the_path_and_store_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await setup(client, db)
    broken = await client.post(
        "/api/v1/snapshots?format=patchwatch", headers=key, content=b'{"packages": [}'
    )
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "invalid_json"
    body = native("8.0.0")
    body["packages"][1]["version"] = 12
    wrong = await client.post("/api/v1/snapshots", headers=key, json=body)
    assert wrong.status_code == 422
    assert wrong.json()["error"]["details"][0]["field"] == "packages.1.version"
    lock = await client.post(
        "/api/v1/snapshots?format=composer-lock&site_url=https://x.example.org",
        headers=key,
        json={"packages": [{"name": "drupal/core"}]},
    )
    assert lock.status_code == 422
    assert lock.json()["error"]["details"][0]["field"] == "packages.0.version"
    listed = (await client.get("/api/v1/sites", headers=key)).json()
    assert listed["meta"]["total"] == 0


async def test_a_key_without_sites_write_cannot_create_sites(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    key = key_headers(await make_api_key(client, manager, ["snapshots:write"]))
    response = await client.post("/api/v1/snapshots", headers=key, json=native("8.0.0"))
    assert response.status_code == 404


async def test_a_site_bound_key_pushes_only_for_its_site(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    site = (
        await client.post("/api/v1/sites", headers=manager, json={"url": SITE, "name": "Mine"})
    ).json()["data"]
    key = key_headers(
        await make_api_key(client, manager, ["snapshots:write"], site_uuid=site["uuid"])
    )
    own = await client.post("/api/v1/snapshots", headers=key, json=native("8.0.0"))
    assert own.status_code == 202 and own.json()["data"]["site_uuid"] == site["uuid"]
    other = await client.post(
        "/api/v1/snapshots", headers=key, json=native("8.0.0", url="https://other.example.org")
    )
    assert other.status_code == 403


async def test_sites_crud_filters_and_tenancy(client: httpx.AsyncClient, db: Database) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    _, stranger = await signed_in(db, client, await make_org(db))
    created = await client.post(
        "/api/v1/sites",
        headers=manager,
        json={
            "url": "HTTPS://Shop.Example.org/",
            "name": "Shop",
            "tags": ["eu", "shop"],
            "criticality": "high",
            "environment": "staging",
        },
    )
    assert created.status_code == 201
    site = created.json()["data"]
    assert site["url"] == "https://shop.example.org"
    clash = await client.post(
        "/api/v1/sites", headers=manager, json={"url": "https://shop.example.org", "name": "Dup"}
    )
    assert clash.status_code == 409
    for query, expected in [
        ("tag=shop", 1),
        ("tag=us", 0),
        ("q=shop", 1),
        ("criticality=low", 0),
        ("environment=staging", 1),
    ]:
        listed = (await client.get(f"/api/v1/sites?{query}", headers=manager)).json()
        assert listed["meta"]["total"] == expected, query
    assert (await client.get(f"/api/v1/sites/{site['uuid']}", headers=stranger)).status_code == 404
    patched = await client.patch(
        f"/api/v1/sites/{site['uuid']}", headers=manager, json={"name": "Webshop"}
    )
    assert patched.json()["data"]["name"] == "Webshop"
    assert (
        await client.delete(f"/api/v1/sites/{site['uuid']}", headers=manager)
    ).status_code == 200
    assert (await client.get(f"/api/v1/sites/{site['uuid']}", headers=manager)).status_code == 404


async def test_incomplete_location_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    response = await client.post(
        "/api/v1/sites",
        headers=manager,
        json={"url": SITE, "name": "X", "location": {"street": "Main 1", "city": "Oslo"}},
    )
    assert response.status_code == 422
