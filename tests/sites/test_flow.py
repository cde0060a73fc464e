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
