"""Accounting analytics for platform admins: what management earned, who is in the red, the
most expensive task of a day, week and month, and the tasks open past their due date."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import utcnow
from patchwatch.errors import Invalid
from patchwatch.work import ledger
from patchwatch.work.ledger import Clock
from patchwatch.work.models import LedgerEntry, Task
from patchwatch.work.schemas import EarningsDay, ExpensiveTask, WorkAnalyticsOut

MAX_DAYS = 92


async def earnings_by_day(
    session: AsyncSession, clock: Clock, since: date, until: date, organization_id: int | None
) -> list[EarningsDay]:
    """Management's earnings (debits - credits: fees and rewards, with the corrections on the
    side they fall) for each day, oldest first."""
    if until < since:
        raise Invalid("`until` must not be before `since`.", code="invalid_period")
    if (until - since).days >= MAX_DAYS:
        raise Invalid(f"At most {MAX_DAYS} days at a time.", code="period_too_long")
    days = []
    for n in range((until - since).days + 1):
        day = since + timedelta(days=n)
        debits, credits = await ledger.day_earnings(session, clock, day, organization_id)
        days.append(
            EarningsDay(
                day=day, management_earnings=debits - credits, debits=debits, credits=credits
            )
        )
    return days


async def _negative_engineers(
    session: AsyncSession, clock: Clock, day: date, organization_id: int | None
) -> list[int]:
    stmt = (
        select(LedgerEntry.user_id)
        .where(LedgerEntry.occurred_at < clock.end(day))
        .group_by(LedgerEntry.user_id)
        .having(func.sum(LedgerEntry.amount) < 0)
        .order_by(LedgerEntry.user_id)
    )
    if organization_id is not None:
        stmt = stmt.where(LedgerEntry.organization_id == organization_id)
    return list(await session.scalars(stmt))


def periods(day: date) -> dict[str, tuple[date, date]]:
    """The day itself, its ISO week (Monday to Sunday) and its calendar month."""
    monday = day - timedelta(days=day.weekday())
    first = day.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return {
        "day": (day, day),
        "week": (monday, monday + timedelta(days=6)),
        "month": (first, next_month - timedelta(days=1)),
    }


async def most_expensive_task(
    session: AsyncSession, clock: Clock, first: date, last: date, organization_id: int | None
) -> ExpensiveTask | None:
    """The task with the highest reward among those closed in the period (earliest on a tie)."""
    stmt = (
        select(Task)
        .where(
            Task.status == "done",
            Task.completed_at >= clock.start(first),
            Task.completed_at < clock.end(last),
        )
        .order_by(Task.completion_reward.desc(), Task.completed_at, Task.id)
        .limit(1)
    )
    if organization_id is not None:
        stmt = stmt.where(Task.organization_id == organization_id)
    task = await session.scalar(stmt)
    if task is None:
        return None
    return ExpensiveTask(
        uuid=task.uuid,
        title=task.title,
        completion_reward=task.completion_reward,
        currency=task.currency,
        completed_at=task.completed_at,
    )


async def _open_past_due(session: AsyncSession, organization_id: int | None, now: datetime) -> int:
    stmt = select(func.count(Task.id)).where(Task.status == "open", Task.due_at < now)
    if organization_id is not None:
        stmt = stmt.where(Task.organization_id == organization_id)
    return int(await session.scalar(stmt) or 0)


async def work_analytics(
    session: AsyncSession,
    clock: Clock,
    day: date,
    organization_id: int | None,
    now: datetime | None = None,
) -> WorkAnalyticsOut:
    """The admin's view of one day (one organization, or every one when None)."""
    debits, credits = await ledger.day_earnings(session, clock, day, organization_id)
    negative = await _negative_engineers(session, clock, day, organization_id)
    users = await ledger.users_by_id(session, negative)
    expensive = {
        name: await most_expensive_task(session, clock, first, last, organization_id)
        for name, (first, last) in periods(day).items()
    }
    return WorkAnalyticsOut(
        day=day,
        management_earnings=debits - credits,
        negative_engineers=len(negative),
        negative_engineer_uuids=[users[user_id].uuid for user_id in negative],
        most_expensive_task=expensive,
        open_past_due=await _open_past_due(session, organization_id, now or utcnow()),
    )
