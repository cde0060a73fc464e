"""The ledger, balances, statements and the accounting analytics."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.api.deps import SessionDep, SettingsDep, require, require_user
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.db import utcnow
from patchwatch.errors import Invalid
from patchwatch.identity import service as identity
from patchwatch.identity.principal import Principal
from patchwatch.sites.service import organization_uuids
from patchwatch.work import analytics, ledger
from patchwatch.work import service as work
from patchwatch.work.ledger import Clock, Figures
from patchwatch.work.models import LedgerEntry, Statement
from patchwatch.work.router import OrganizationParam, user_ref
from patchwatch.work.schemas import (
    BalanceOut,
    CorrectionIn,
    DayFigures,
    EarningsDay,
    EntryKind,
    LedgerEntryOut,
    OrganizationDayOut,
    StatementKind,
    StatementOut,
    WorkAnalyticsOut,
)

router = APIRouter(tags=["ledger"])
Page = Annotated[PageParams, Depends(page_params)]
Reader = Annotated[Principal, Depends(require("ledger:read"))]
OwnReader = Annotated[Principal, Depends(require_user("ledger:read"))]
BillReader = Annotated[Principal, Depends(require("billing:read"))]
Writer = Annotated[Principal, Depends(require("ledger:write"))]
Analyst = Annotated[Principal, Depends(require("analytics:read"))]
DayParam = Annotated[date | None, Query(description="The accounting day (default: today)")]
ENTRY_SORT = {"occurred_at": LedgerEntry.occurred_at, "amount": LedgerEntry.amount}
STATEMENT_SORT = {"day": Statement.day, "closing": Statement.closing}


def _clock(settings: SettingsDep) -> Clock:
    return Clock.from_settings(settings)


ClockDep = Annotated[Clock, Depends(_clock)]


def _day(clock: Clock, day: date | None) -> date:
    return day or clock.day_of(utcnow())


def _figures(day: date, figures: Figures, currency: str) -> DayFigures:
    return DayFigures(
        day=day,
        opening=figures.opening,
        debits=figures.debits,
        credits=figures.credits,
        payout=figures.payout,
        closing=figures.closing,
        currency=currency,
    )


async def _organization_id(
    session: AsyncSession, actor: Principal, organization_uuid: UUID | None
) -> int | None:
    """The organization named; for a platform admin naming none, every organization (None)."""
    if organization_uuid is None and actor.is_platform_admin:
        return None
    return (await work.target_organization(session, actor, organization_uuid)).id


@router.get("/ledger/entries", summary="Ledger entries: one's own, or (bill readers) everyone's")
async def list_entries(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    clock: ClockDep,
    user_uuid: UUID | None = None,
    kind: EntryKind | None = None,
    since: Annotated[date | None, Query(description="From this accounting day")] = None,
    until: Annotated[date | None, Query(description="Up to this accounting day, included")] = None,
    organization_uuid: OrganizationParam = None,
) -> ListEnvelope[LedgerEntryOut]:
    user = await identity.get_user(session, actor, user_uuid) if user_uuid else None
    stmt = ledger.entries_query(
        actor,
        organization_id=await _organization_id(session, actor, organization_uuid),
        user_id=user.id if user else None,
        kind=kind,
        since=clock.start(since) if since else None,
        until=clock.end(until) if until else None,
    )
    default = [LedgerEntry.occurred_at.desc(), LedgerEntry.id.desc()]
    rows, total = await fetch_page(session, stmt, page, ENTRY_SORT, default)
    users = await ledger.users_by_id(session, {e.user_id for e in rows})
    orgs = await organization_uuids(session, {e.organization_id for e in rows})
    tasks = await work.task_uuids(session, {e.task_id for e in rows if e.task_id})
    items = [
        LedgerEntryOut(
            uuid=e.uuid,
            organization_uuid=orgs[e.organization_id],
            user=user_ref(users[e.user_id]),
            kind=EntryKind(e.kind),
            amount=e.amount,
            currency=e.currency,
            description=e.description,
            task_uuid=tasks.get(e.task_id) if e.task_id else None,
            occurred_at=e.occurred_at,
            day=clock.day_of(e.occurred_at),
            created_by=e.created_by,
        )
        for e in rows
    ]
    return list_envelope(request, items, total, page)


@router.get("/ledger/balance", summary="One's own balance: the day's figures (default today)")
async def own_balance(
    session: SessionDep, actor: OwnReader, clock: ClockDep, day: DayParam = None
) -> Envelope[BalanceOut]:
    assert actor.user is not None
    the_day = _day(clock, day)
    figures = await ledger.user_day(session, clock, actor.user.id, the_day)
    base = _figures(the_day, figures, actor.user.organization.currency)
    return wrap(BalanceOut(**base.model_dump(), user=user_ref(actor.user)))


@router.get("/ledger/balances", summary="Every engineer's figures for a day (bill readers)")
async def list_balances(
    session: SessionDep,
    actor: BillReader,
    clock: ClockDep,
    day: DayParam = None,
    organization_uuid: OrganizationParam = None,
) -> Envelope[list[BalanceOut]]:
    org = await work.target_organization(session, actor, organization_uuid)
    the_day = _day(clock, day)
    engineers = {e.id for e in await work.engineers_of(session, org.id)}
    rows = await ledger.balances(session, clock, org.id, the_day, engineers)
    items = [
        BalanceOut(**_figures(the_day, figures, org.currency).model_dump(), user=user_ref(user))
        for user, figures in rows
    ]
    return wrap(items, total=len(items))


@router.get(
    "/ledger/organization",
    summary="The organization's day: its engineers' figures summed, management's earnings",
)
async def organization_day(
    session: SessionDep,
    actor: BillReader,
    clock: ClockDep,
    day: DayParam = None,
    organization_uuid: OrganizationParam = None,
) -> Envelope[OrganizationDayOut]:
    org = await work.target_organization(session, actor, organization_uuid)
    the_day = _day(clock, day)
    figures = await ledger.organization_day(session, clock, org.id, the_day)
    return wrap(
        OrganizationDayOut(
            **_figures(the_day, figures, org.currency).model_dump(),
            organization_uuid=org.uuid,
            management_earnings=figures.debits - figures.credits,
        )
    )


@router.post(
    "/ledger/corrections",
    status_code=status.HTTP_201_CREATED,
    summary="Append a correction to an engineer's balance (entries are never edited)",
)
async def add_correction(
    body: CorrectionIn, session: SessionDep, actor: Writer, clock: ClockDep
) -> Envelope[LedgerEntryOut]:
    user = await identity.get_user(session, actor, body.user_uuid)
    if user.role.name != work.ENGINEER_ROLE:
        raise Invalid(
            "Only engineers have a balance to correct.",
            code="not_an_engineer",
            details=[{"field": "body.user_uuid"}],
        )
    entry = await ledger.append_correction(session, actor, user, body.amount, body.reason)
    await session.commit()
    return wrap(
        LedgerEntryOut(
            uuid=entry.uuid,
            organization_uuid=user.organization.uuid,
            user=user_ref(user),
            kind=EntryKind.correction,
            amount=entry.amount,
            currency=entry.currency,
            description=entry.description,
            task_uuid=None,
            occurred_at=entry.occurred_at,
            day=clock.day_of(entry.occurred_at),
            created_by=entry.created_by,
        )
    )


@router.get("/statements", summary="Daily statements: one's own, or (bill readers) everyone's")
async def list_statements(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    kind: StatementKind | None = None,
    user_uuid: UUID | None = None,
    since: date | None = None,
    until: date | None = None,
    organization_uuid: OrganizationParam = None,
) -> ListEnvelope[StatementOut]:
    user = await identity.get_user(session, actor, user_uuid) if user_uuid else None
    stmt = ledger.statements_query(
        actor,
        organization_id=await _organization_id(session, actor, organization_uuid),
        user_id=user.id if user else None,
        kind=kind,
        since=since,
        until=until,
    )
    default = [Statement.day.desc(), Statement.id]
    rows, total = await fetch_page(session, stmt, page, STATEMENT_SORT, default)
    users = await ledger.users_by_id(session, {s.user_id for s in rows if s.user_id})
    orgs = await organization_uuids(session, {s.organization_id for s in rows})
    items = [
        StatementOut(
            uuid=s.uuid,
            kind=StatementKind.engineer if s.user_id else StatementKind.organization,
            organization_uuid=orgs[s.organization_id],
            user=user_ref(users[s.user_id]) if s.user_id else None,
            day=s.day,
            opening=s.opening,
            debits=s.debits,
            credits=s.credits,
            payout=s.payout,
            closing=s.closing,
            currency=s.currency,
            management_earnings=None if s.user_id else s.debits - s.credits,
            created_at=s.created_at,
        )
        for s in rows
    ]
    return list_envelope(request, items, total, page)


@router.get(
    "/analytics/work",
    tags=["analytics"],
    summary="Admins: management's earnings, engineers in the red, the most expensive tasks",
)
async def work_analytics(
    session: SessionDep,
    actor: Analyst,
    clock: ClockDep,
    day: DayParam = None,
    organization_uuid: OrganizationParam = None,
) -> Envelope[WorkAnalyticsOut]:
    organization_id = await _organization_id(session, actor, organization_uuid)
    return wrap(await analytics.work_analytics(session, clock, _day(clock, day), organization_id))


@router.get(
    "/analytics/earnings",
    tags=["analytics"],
    summary="Admins: management's earnings per day (debits - credits)",
)
async def earnings(
    session: SessionDep,
    actor: Analyst,
    clock: ClockDep,
    since: date,
    until: date,
    organization_uuid: OrganizationParam = None,
) -> Envelope[list[EarningsDay]]:
    organization_id = await _organization_id(session, actor, organization_uuid)
    days = await analytics.earnings_by_day(session, clock, since, until, organization_id)
    return wrap(days)
