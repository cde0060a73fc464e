"""The ledger: append-only money entries per engineer, day figures, and the daily close.

An entry's amount is signed from the engineer's side (a fee is negative, a reward positive), so
a balance is a plain sum and a correction is one more entry. An accounting day ends at
``daily_close_hour`` in ``daily_close_timezone``; the close writes each day's statements once,
pays out the positive balances (a payout entry at the very end of the day) and lets negative
ones carry over.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import Database, utcnow
from patchwatch.errors import Invalid, PermissionDenied
from patchwatch.events import service as events
from patchwatch.identity.models import Organization, User
from patchwatch.identity.principal import Principal
from patchwatch.settings import Settings
from patchwatch.tenancy import scoped
from patchwatch.work.models import LedgerEntry, Statement

log = structlog.get_logger(__name__)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# A day is closed this long after it ended: writes begun just before the end are committed.
CLOSE_GRACE = timedelta(minutes=1)
ORGANIZATION = "organization"
# Far enough either way for any ledger, near enough that no date arithmetic overflows.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(9000, 12, 31)


def money(value: Any) -> Decimal:
    """A sum from either database as a two-decimal amount (SQLite returns floats)."""
    return Decimal(str(value if value is not None else 0)).quantize(CENT)


def _check_day(day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(
            f"Days from {FIRST_DAY} to {LAST_DAY} only.",
            code="day_out_of_range",
            details=[{"day": day.isoformat()}],
        )


@dataclass(frozen=True)
class Clock:
    """Accounting days: day D runs from D at the close hour to D+1 at the close hour, local."""

    zone: ZoneInfo
    hour: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Clock:
        return cls(ZoneInfo(settings.daily_close_timezone), settings.daily_close_hour)

    def start(self, day: date) -> datetime:
        _check_day(day)
        return datetime.combine(day, time(self.hour), tzinfo=self.zone).astimezone(UTC)

    def end(self, day: date) -> datetime:
        _check_day(day)
        following = day + timedelta(days=1)
        return datetime.combine(following, time(self.hour), tzinfo=self.zone).astimezone(UTC)

    def day_of(self, moment: datetime) -> date:
        local = moment.astimezone(self.zone) - timedelta(hours=self.hour)
        return local.date()


# --- writing --------------------------------------------------------------------------------------


def append(
    session: AsyncSession,
    *,
    organization_id: int,
    user_id: int,
    kind: str,
    amount: Decimal,
    currency: str,
    description: str = "",
    task_id: int | None = None,
    created_by: uuid.UUID | None = None,
    occurred_at: datetime | None = None,
) -> LedgerEntry:
    """Add one entry (in the caller's transaction). Entries are never changed afterwards."""
    entry = LedgerEntry(
        uuid=uuid.uuid4(),
        organization_id=organization_id,
        user_id=user_id,
        task_id=task_id,
        kind=kind,
        amount=money(amount),
        currency=currency,
        description=description[:500],
        occurred_at=occurred_at or utcnow(),
        created_by=created_by,
    )
    session.add(entry)
    return entry


# --- day figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One engineer's (or an organization's) day: opening, movements, payout, closing."""

    opening: Decimal
    debits: Decimal
    credits: Decimal
    payout: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening - self.debits + self.credits - self.payout

    @property
    def quiet(self) -> bool:
        return not any((self.opening, self.debits, self.credits, self.payout))

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.opening + other.opening,
            self.debits + other.debits,
            self.credits + other.credits,
            self.payout + other.payout,
        )


NO_FIGURES = Figures(ZERO, ZERO, ZERO, ZERO)


def day_figures_query(clock: Clock, day: date) -> Select[Any]:
    """Per user: the day's figures, from every entry up to the day's end (filter it further)."""
    start, end = clock.start(day), clock.end(day)
    in_day = LedgerEntry.occurred_at >= start
    amount = LedgerEntry.amount
    is_payout = LedgerEntry.kind == "payout"
    stmt = (
        select(
            LedgerEntry.user_id,
            func.sum(case((LedgerEntry.occurred_at < start, amount), else_=0)),
            func.sum(case((and_(in_day, amount < 0, ~is_payout), -amount), else_=0)),
            func.sum(case((and_(in_day, amount > 0), amount), else_=0)),
            func.sum(case((and_(in_day, is_payout), -amount), else_=0)),
        )
        .where(LedgerEntry.occurred_at < end)
        .group_by(LedgerEntry.user_id)
    )
    return cast("Select[Any]", stmt)


async def figures_by_user(session: AsyncSession, stmt: Select[Any]) -> dict[int, Figures]:
    rows = (await session.execute(stmt)).tuples().all()
    return {
        user_id: Figures(money(opening), money(debits), money(credits), money(payout))
        for user_id, opening, debits, credits, payout in rows
    }


async def user_day(session: AsyncSession, clock: Clock, user_id: int, day: date) -> Figures:
    stmt = day_figures_query(clock, day).where(LedgerEntry.user_id == user_id)
    return (await figures_by_user(session, stmt)).get(user_id, NO_FIGURES)


async def organization_day(
    session: AsyncSession, clock: Clock, organization_id: int, day: date
) -> Figures:
    stmt = day_figures_query(clock, day).where(LedgerEntry.organization_id == organization_id)
    total = NO_FIGURES
    for figures in (await figures_by_user(session, stmt)).values():
        total = total + figures
    return total


async def day_earnings(
    session: AsyncSession, clock: Clock, day: date, organization_id: int | None
) -> tuple[Decimal, Decimal]:
    """Debits (fees, negative corrections) and credits (rewards, positive corrections) of a
    day, one organization's or everyone's: management earned the difference. Payouts settle
    balances and count on neither side."""
    amount = LedgerEntry.amount
    not_payout = LedgerEntry.kind != "payout"
    stmt = select(
        func.sum(case((and_(amount < 0, not_payout), -amount), else_=0)),
        func.sum(case((and_(amount > 0, not_payout), amount), else_=0)),
    ).where(LedgerEntry.occurred_at >= clock.start(day), LedgerEntry.occurred_at < clock.end(day))
    if organization_id is not None:
        stmt = stmt.where(LedgerEntry.organization_id == organization_id)
    debits, credits = (await session.execute(stmt)).one()
    return money(debits), money(credits)


async def users_by_id(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, User]:
    ids = set(user_ids)
    if not ids:
        return {}
    users = (await session.scalars(select(User).where(User.id.in_(ids)))).unique()
    return {user.id: user for user in users}


# --- the daily close ------------------------------------------------------------------------------


def last_closable_day(clock: Clock, now: datetime) -> date:
    """The latest day that ended at least ``CLOSE_GRACE`` ago."""
    return clock.day_of(now - CLOSE_GRACE) - timedelta(days=1)


async def _days_to_close(
    session: AsyncSession, clock: Clock, organization_id: int, last: date
) -> list[date]:
    closed = await session.scalar(
        select(func.max(Statement.day)).where(
            Statement.organization_id == organization_id, Statement.owner_key == ORGANIZATION
        )
    )
    if closed is not None:
        first = closed + timedelta(days=1)
    else:
        oldest = await session.scalar(
            select(func.min(LedgerEntry.occurred_at)).where(
                LedgerEntry.organization_id == organization_id
            )
        )
        if oldest is None:
            return []
        first = clock.day_of(oldest)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _statement_payload(
    statement: Statement, org: Organization, user: User | None
) -> dict[str, Any]:
    return {
        "statement_uuid": str(statement.uuid),
        "kind": "engineer" if user else ORGANIZATION,
        "organization_uuid": str(org.uuid),
        "organization_name": org.name,
        "user_uuid": str(user.uuid) if user else None,
        "user_login": user.login if user else None,
        "day": statement.day.isoformat(),
        "opening": str(statement.opening),
        "debits": str(statement.debits),
        "credits": str(statement.credits),
        "payout": str(statement.payout),
        "closing": str(statement.closing),
        "management_earnings": None if user else str(statement.debits - statement.credits),
        "currency": statement.currency,
    }


def _write_statement(
    session: AsyncSession,
    org: Organization,
    day: date,
    figures: Figures,
    user: User | None,
) -> Statement:
    statement = Statement(
        uuid=uuid.uuid4(),
        organization_id=org.id,
        user_id=user.id if user else None,
        owner_key=str(user.id) if user else ORGANIZATION,
        day=day,
        opening=figures.opening,
        debits=figures.debits,
        credits=figures.credits,
        payout=figures.payout,
        closing=figures.closing,
        currency=org.currency,
    )
    session.add(statement)
    events.emit(
        session,
        "statement_closed",
        aggregate_type="statement",
        aggregate_uuid=statement.uuid,
        organization_id=org.id,
        payload=_statement_payload(statement, org, user),
    )
    return statement


def _pay_out(
    session: AsyncSession, clock: Clock, org: Organization, user: User, day: date, amount: Decimal
) -> None:
    entry = append(
        session,
        organization_id=org.id,
        user_id=user.id,
        kind="payout",
        amount=-amount,
        currency=org.currency,
        description=f"Payout of {day.isoformat()}",
        # The last moment of the day it settles: it counts in that day, not the next.
        occurred_at=clock.end(day) - timedelta(microseconds=1),
    )
    events.emit(
        session,
        "payout_made",
        aggregate_type="user",
        aggregate_uuid=user.uuid,
        organization_id=org.id,
        payload={
            "entry_uuid": str(entry.uuid),
            "user_uuid": str(user.uuid),
            "user_login": user.login,
            "organization_uuid": str(org.uuid),
            "day": day.isoformat(),
            "amount": str(amount),
            "currency": org.currency,
        },
    )


async def close_day(session: AsyncSession, clock: Clock, org: Organization, day: date) -> bool:
    """Close one organization's day: statements, payouts, events. False if it was closed."""
    already = await session.scalar(
        select(Statement.id).where(
            Statement.organization_id == org.id,
            Statement.day == day,
            Statement.owner_key == ORGANIZATION,
        )
    )
    if already is not None:
        return False
    stmt = day_figures_query(clock, day).where(LedgerEntry.organization_id == org.id)
    per_user = await figures_by_user(session, stmt)
    users = await users_by_id(session, per_user)
    total = NO_FIGURES
    for user_id, figures in sorted(per_user.items()):
        if figures.quiet:
            continue
        if figures.closing > 0:
            _pay_out(session, clock, org, users[user_id], day, figures.closing)
            figures = Figures(
                figures.opening, figures.debits, figures.credits, figures.payout + figures.closing
            )
        _write_statement(session, org, day, figures, users[user_id])
        total = total + figures
    _write_statement(session, org, day, total, None)
    await session.flush()
    return True


async def close_due_days(
    database: Database, clock: Clock, now: datetime | None = None
) -> dict[str, Any]:
    """Close every ended day not yet closed, per organization (one transaction each).

    Safe to run twice: a day with an organization statement is skipped, and the unique
    statement per organization, day and owner refuses a concurrent second close.
    """
    last = last_closable_day(clock, now or utcnow())
    async with database.sessionmaker() as session:
        org_ids = list(
            await session.scalars(
                select(LedgerEntry.organization_id)
                .where(LedgerEntry.occurred_at < clock.end(last))
                .distinct()
            )
        )
    closed = 0
    for org_id in sorted(org_ids):
        async with database.sessionmaker() as session:
            org = await session.get(Organization, org_id)
            assert org is not None
            for day in await _days_to_close(session, clock, org_id, last):
                closed += await close_day(session, clock, org, day)
            await session.commit()
    log.info("daily_close", days_closed=closed, last_day=last.isoformat())
    return {"days_closed": closed, "last_day": last.isoformat()}


# --- reading --------------------------------------------------------------------------------------


def own_user_id(actor: Principal) -> int | None:
    """None when the caller may read the organization's bill; else only their own ledger."""
    if actor.has("billing:read"):
        return None
    if actor.user is None:
        raise PermissionDenied(
            "Only a signed-in user has a ledger of their own.", code="user_required"
        )
    return actor.user.id


def entries_query(
    actor: Principal,
    *,
    organization_id: int | None = None,
    user_id: int | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[Any]:
    """The entries the caller may read (their own, or their organization's), filtered."""
    stmt = scoped(select(LedgerEntry), LedgerEntry.organization_id, actor)
    own = own_user_id(actor)
    filters = {
        LedgerEntry.organization_id: organization_id,
        LedgerEntry.user_id: own if own is not None else user_id,
        LedgerEntry.kind: kind,
    }
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if since is not None:
        stmt = stmt.where(LedgerEntry.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(LedgerEntry.occurred_at < until)
    return stmt


def statements_query(
    actor: Principal,
    *,
    organization_id: int | None = None,
    user_id: int | None = None,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Select[Any]:
    """The statements the caller may read: their own, or every one of their organization."""
    stmt = scoped(select(Statement), Statement.organization_id, actor)
    own = own_user_id(actor)
    if own is not None or user_id is not None:
        stmt = stmt.where(Statement.user_id == (own if own is not None else user_id))
    if organization_id is not None:
        stmt = stmt.where(Statement.organization_id == organization_id)
    if kind == ORGANIZATION:
        stmt = stmt.where(Statement.user_id.is_(None))
    elif kind is not None:
        stmt = stmt.where(Statement.user_id.is_not(None))
    if since is not None:
        stmt = stmt.where(Statement.day >= since)
    if until is not None:
        stmt = stmt.where(Statement.day <= until)
    return stmt


async def balances(
    session: AsyncSession, clock: Clock, organization_id: int, day: date, engineer_ids: set[int]
) -> list[tuple[User, Figures]]:
    """Every engineer's figures for a day (those with no entries at zero), by login."""
    stmt = day_figures_query(clock, day).where(LedgerEntry.organization_id == organization_id)
    per_user = await figures_by_user(session, stmt)
    users = await users_by_id(session, set(per_user) | engineer_ids)
    rows = [(user, per_user.get(user_id, NO_FIGURES)) for user_id, user in users.items()]
    return sorted(rows, key=lambda row: row[0].login)


async def append_correction(
    session: AsyncSession,
    actor: Principal,
    user: User,
    amount: Decimal,
    reason: str,
) -> LedgerEntry:
    """A correction is one more entry, never an edit of an earlier one."""
    org = user.organization
    entry = append(
        session,
        organization_id=org.id,
        user_id=user.id,
        kind="correction",
        amount=amount,
        currency=org.currency,
        description=reason,
        created_by=actor.actor_uuid,
    )
    await session.flush()
    payload = {
        "entry_uuid": str(entry.uuid),
        "user_uuid": str(user.uuid),
        "user_login": user.login,
        "organization_uuid": str(org.uuid),
        "amount": str(entry.amount),
        "currency": entry.currency,
        "reason": reason,
        "occurred_at": entry.occurred_at.isoformat(),
    }
    events.emit(
        session,
        "ledger_corrected",
        aggregate_type="user",
        aggregate_uuid=user.uuid,
        organization_id=org.id,
        payload=payload,
    )
    await audit.record(
        session,
        actor,
        "ledger.corrected",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=org.id,
        changes={"amount": payload["amount"], "reason": reason},
    )
    return entry
