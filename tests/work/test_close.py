"""The daily close: statements per engineer and organization, positive balances paid out,
negative ones carried over, and running it twice changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select

from patchwatch.db import Database, utcnow
from patchwatch.events.models import OutboxEvent
from patchwatch.jobs import scheduler
from patchwatch.settings import Settings
from patchwatch.work import ledger
from patchwatch.work.ledger import Clock
from patchwatch.work.models import LedgerEntry, Statement
from tests.work.helpers import balance_of, create_task, entries_of, events_of, fixed_prices, team

UTC_MIDNIGHT = Clock(ZoneInfo("UTC"), 0)


def today() -> date:
    return UTC_MIDNIGHT.day_of(utcnow())


def after(day: date) -> datetime:
    """A moment when ``day`` has ended and may be closed."""
    return UTC_MIDNIGHT.end(day) + timedelta(minutes=5)


async def statements(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> Any:
    response = await client.get("/api/v1/statements", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def counts(db: Database) -> tuple[int, int, int]:
    async with db.sessionmaker() as session:
        return (
            int(await session.scalar(select(func.count(Statement.id))) or 0),
            int(await session.scalar(select(func.count(LedgerEntry.id))) or 0),
            int(await session.scalar(select(func.count(OutboxEvent.id))) or 0),
        )


async def test_a_positive_balance_is_paid_out_and_reset_to_zero(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    await fixed_prices(client, t.manager)
    task = await create_task(client, t.manager)
    await client.post(f"/api/v1/tasks/{task['uuid']}/complete", headers=t.engineer_headers[0])
    result = await ledger.close_due_days(db, UTC_MIDNIGHT, now=after(today()))
    assert result["days_closed"] == 1
    [own] = await statements(client, t.engineer_headers[0])
    assert own["day"] == today().isoformat() and own["kind"] == "engineer"
    assert (own["opening"], own["debits"], own["credits"]) == ("0.00", "10.00", "30.00")
    assert (own["payout"], own["closing"]) == ("20.00", "0.00")
    assert await balance_of(db, t.engineers[0]) == 0
    payout = (await entries_of(db, t.engineers[0]))[-1]
    assert payout.kind == "payout" and payout.amount == Decimal("-20.00")
    assert UTC_MIDNIGHT.day_of(payout.occurred_at) == today()
    [made] = await events_of(db, "payout_made")
    assert made["user_uuid"] == str(t.engineers[0].uuid) and made["amount"] == "20.00"
    assert made["day"] == today().isoformat()


async def test_each_statement_is_an_event_for_the_email(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=2)
    await create_task(client, t.manager, assignee_uuid=str(t.engineers[0].uuid))
    await ledger.close_due_days(db, UTC_MIDNIGHT, now=after(today()))
    closed = await events_of(db, "statement_closed")
    # The engineer without any entry has nothing to state; the organization always has one.
    assert sorted(c["kind"] for c in closed) == ["engineer", "organization"]
    mine = next(c for c in closed if c["kind"] == "engineer")
    assert mine["user_uuid"] == str(t.engineers[0].uuid)
    assert mine["organization_uuid"] == str(t.org.uuid) and mine["day"] == today().isoformat()
    assert mine["closing"].startswith("-") and mine["payout"] == "0.00"


async def test_closing_a_day_twice_changes_nothing(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=1)
    await fixed_prices(client, t.manager)
    task = await create_task(client, t.manager)
    await client.post(f"/api/v1/tasks/{task['uuid']}/complete", headers=t.engineer_headers[0])
    await ledger.close_due_days(db, UTC_MIDNIGHT, now=after(today()))
    before = await counts(db)
    again = await ledger.close_due_days(db, UTC_MIDNIGHT, now=after(today()))
    assert again["days_closed"] == 0
    assert await counts(db) == before


async def test_a_day_not_yet_ended_is_not_closed(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=1)
    await create_task(client, t.manager)
    result = await ledger.close_due_days(db, UTC_MIDNIGHT, now=utcnow())
    assert result["days_closed"] == 0
    assert await statements(client, t.manager) == []


async def test_a_negative_balance_carries_over_to_the_next_day(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    engineer = t.engineers[0]
    await fixed_prices(client, t.manager)
    await create_task(client, t.manager)
    day1 = today()
    day2, day3 = day1 + timedelta(days=1), day1 + timedelta(days=2)
    await ledger.close_due_days(db, UTC_MIDNIGHT, now=after(day1))
    # A reward on the third day (arranged directly: the API only writes entries at "now").
    async with db.sessionmaker() as session:
        ledger.append(
            session,
            organization_id=t.org.id,
            user_id=engineer.id,
            kind="reward",
            amount=Decimal("30.00"),
            currency=t.org.currency,
            occurred_at=UTC_MIDNIGHT.start(day3) + timedelta(hours=9),
        )
        await session.commit()
    await ledger.close_due_days(db, UTC_MIDNIGHT, now=after(day3))
    rows = await statements(client, t.engineer_headers[0], sort="day")
    figures = [(r["day"], r["opening"], r["payout"], r["closing"]) for r in rows]
    assert figures == [
        (day1.isoformat(), "0.00", "0.00", "-10.00"),
        (day2.isoformat(), "-10.00", "0.00", "-10.00"),
        (day3.isoformat(), "-10.00", "20.00", "0.00"),
    ]
    assert await balance_of(db, engineer) == 0


async def test_the_daily_close_is_a_scheduled_job(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    t = await team(db, client, engineers=1)
    yesterday = today() - timedelta(days=1)
    async with db.sessionmaker() as session:
        ledger.append(
            session,
            organization_id=t.org.id,
            user_id=t.engineers[0].id,
            kind="reward",
            amount=Decimal("25.00"),
            currency=t.org.currency,
            occurred_at=UTC_MIDNIGHT.start(yesterday) + timedelta(hours=12),
        )
        await session.commit()
    job = scheduler.jobs(settings)["daily-close"]
    first = await scheduler.run_job(db, settings, job, force=True)
    assert first is not None and first["days_closed"] == 1
    second = await scheduler.run_job(db, settings, job, force=True)
    assert second is not None and second["days_closed"] == 0
    [own] = await statements(client, t.engineer_headers[0])
    assert (own["day"], own["payout"]) == (yesterday.isoformat(), "25.00")


def test_the_day_ends_at_the_configured_hour_and_time_zone() -> None:
    berlin_six = Clock(ZoneInfo("Europe/Berlin"), 6)
    moment = datetime(2026, 11, 23, 4, 59, tzinfo=ZoneInfo("UTC"))  # 05:59 in Berlin
    assert berlin_six.day_of(moment) == date(2026, 11, 22)
    assert berlin_six.day_of(moment + timedelta(minutes=1)) == date(2026, 11, 23)
    assert berlin_six.end(date(2026, 11, 22)) == moment + timedelta(minutes=1)
