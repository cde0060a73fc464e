"""An exposure past its SLA deadline becomes one `sla_breached` event, then none until a new one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.events.models import OutboxEvent
from patchwatch.sites.models import InstalledPackage
from patchwatch.status.breaches import record_sla_breaches
from tests.sites.test_flow import import_feed, native, packages_of, push, setup


async def _breaches(db: Database, at: datetime) -> int:
    async with db.sessionmaker() as session:
        count = await record_sla_breaches(session, at)
        await session.commit()
    return count


async def _breach_events(db: Database) -> list[OutboxEvent]:
    async with db.sessionmaker() as session:
        stmt = (
            select(OutboxEvent)
            .where(OutboxEvent.event_type == "sla_breached")
            .order_by(OutboxEvent.id)
        )
        return list(await session.scalars(stmt))


async def _insecure_core(client: httpx.AsyncClient, db: Database) -> tuple[Any, dict[str, str]]:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    accepted, processed = await push(client, key, native("8.0.0"))
    assert processed["status"] == "processed"
    core = (await packages_of(client, key, accepted["site_uuid"]))["drupal"]
    assert core["missing_security"] is True and core["sla_due_at"]
    return core, key


async def test_nothing_breaches_before_the_deadline(
    client: httpx.AsyncClient, db: Database
) -> None:
    core, _ = await _insecure_core(client, db)
    due = datetime.fromisoformat(core["sla_due_at"])
    assert await _breaches(db, due - timedelta(minutes=1)) == 0
    assert await _breach_events(db) == []


async def test_a_breach_is_reported_once_with_what_a_consumer_needs(
    client: httpx.AsyncClient, db: Database
) -> None:
    core, key = await _insecure_core(client, db)
    summary = (await client.get("/api/v1/fleet/summary", headers=key)).json()["data"]
    assert summary["overdue"] == 0 and summary["missing_security"] == 1
    due = datetime.fromisoformat(core["sla_due_at"])
    assert await _breaches(db, due + timedelta(hours=1)) == 1
    summary = (await client.get("/api/v1/fleet/summary", headers=key)).json()["data"]
    assert summary["overdue"] == 1  # the job keeps the summary's overdue count
    assert await _breaches(db, due + timedelta(days=3)) == 0  # still the same exposure
    [event] = await _breach_events(db)
    assert event.payload["package"] == "drupal" and event.payload["version"] == "8.0.0"
    assert event.payload["severity"] == "high"
    assert event.payload["security_updates"] == ["8.0.2"]
    assert datetime.fromisoformat(event.payload["sla_due_at"]) == due
    assert str(event.aggregate_uuid) == event.payload["site_uuid"]


async def test_a_fixed_then_reintroduced_exposure_can_breach_again(
    client: httpx.AsyncClient, db: Database
) -> None:
    core, key = await _insecure_core(client, db)
    first_due = datetime.fromisoformat(core["sla_due_at"])
    assert await _breaches(db, first_due + timedelta(hours=1)) == 1

    # Updated (the exposure ends), then rolled back to the insecure version (a new exposure).
    fixed = native("8.0.2") | {"collected_at": "2026-11-21T10:00:00Z"}
    _, processed = await push(client, key, fixed)
    assert processed["status"] == "processed"
    async with db.sessionmaker() as session:
        row = await session.scalar(
            select(InstalledPackage).where(InstalledPackage.version == "8.0.2")
        )
        assert row is not None and row.missing_security is False and row.sla_due_at is None
    rolled_back = native("8.0.0") | {"collected_at": "2026-11-22T10:00:00Z"}
    accepted, processed = await push(client, key, rolled_back)
    assert processed["status"] == "processed"
    again = (await packages_of(client, key, accepted["site_uuid"]))["drupal"]
    second_due = datetime.fromisoformat(again["sla_due_at"])
    assert second_due >= first_due

    assert await _breaches(db, second_due - timedelta(minutes=1)) == 0
    assert await _breaches(db, second_due + timedelta(minutes=1)) == 1
    assert len(await _breach_events(db)) == 2
