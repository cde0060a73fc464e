"""Maintenance-window requests (bookings): submit, decide, cancel, delete; the calendar feed.

A requester asks for a window on a site; a manager accepts or rejects it. Accepted windows of
one site never overlap: checked when a request is submitted, and again (under a lock on the
site) when one is accepted, because two pending requests may overlap and only one can win.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from icalendar import Calendar, Event
from sqlalchemy import Select, false, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import insert_ignoring_conflicts, utcnow
from patchwatch.errors import Conflict, Invalid, NotFound, PermissionDenied, Unauthorized
from patchwatch.events.service import emit
from patchwatch.identity.models import User
from patchwatch.identity.principal import Principal
from patchwatch.identity.tokens import hash_token
from patchwatch.patching.models import CalendarFeed, MaintenanceRequest
from patchwatch.patching.schemas_maintenance import MaintenanceRequestCreate, State
from patchwatch.sites import service as sites
from patchwatch.sites.service import SiteRef
from patchwatch.tenancy import scoped

# Who may read every request of the organization; everyone else sees only their own.
ORG_WIDE_PERMISSIONS = ("maintenance:read", "maintenance:decide")
VIEW_PERMISSIONS = (*ORG_WIDE_PERMISSIONS, "maintenance:request")
FEED_PERMISSIONS = ("maintenance:read", "maintenance:request")
CALENDAR_TOKEN_PREFIX = "pwcal_"
# The feed shows windows that ended up to this long ago, and every later one.
FEED_HISTORY = timedelta(days=365)
MAX_CLASHES_SHOWN = 10
LOCATION_FIELDS = ("street", "city", "state", "country")


def _sees_whole_organization(actor: Principal) -> bool:
    return any(actor.has(permission) for permission in ORG_WIDE_PERMISSIONS)


def _user_id(actor: Principal) -> int | None:
    return actor.user.id if actor.user is not None else None


async def _visible(session: AsyncSession, actor: Principal) -> Select[Any]:
    """The requests the caller may see: the organization's, or only their own (requesters);
    a key bound to one site sees only that site's."""
    stmt = scoped(select(MaintenanceRequest), MaintenanceRequest.organization_id, actor)
    if not _sees_whole_organization(actor):
        user_id = _user_id(actor)
        # `requester_id == None` would match every request whose requester was deleted.
        own = MaintenanceRequest.requester_id == user_id if user_id is not None else false()
        stmt = stmt.where(own)
    if actor.site_uuid is not None:
        try:
            bound = await sites.get_site(session, actor, actor.site_uuid)
        except NotFound:
            return stmt.where(false())
        stmt = stmt.where(MaintenanceRequest.site_id == bound.id)
    return stmt


async def requests_query(
    session: AsyncSession,
    actor: Principal,
    *,
    state: State | None = None,
    site_uuid: uuid.UUID | None = None,
    window_from: datetime | None = None,
    window_to: datetime | None = None,
) -> Select[Any]:
    """The visible requests, filtered; ``window_from``/``window_to`` keep windows overlapping
    that range."""
    if window_from is not None and window_to is not None and window_from >= window_to:
        raise Invalid(
            "'from' must be before 'to'.",
            details=[{"field": "query.from", "message": "must be before 'to'"}],
        )
    stmt = await _visible(session, actor)
    if state is not None:
        stmt = stmt.where(MaintenanceRequest.state == state.value)
    if site_uuid is not None:
        site = await sites.get_site(session, actor, site_uuid)
        stmt = stmt.where(MaintenanceRequest.site_id == site.id)
    if window_from is not None:
        stmt = stmt.where(MaintenanceRequest.ends_at > window_from)
    if window_to is not None:
        stmt = stmt.where(MaintenanceRequest.starts_at < window_to)
    return stmt


async def get_request(
    session: AsyncSession, actor: Principal, request_uuid: uuid.UUID
) -> MaintenanceRequest:
    """A request the caller may see, or ``NotFound`` (also another requester's or org's)."""
    stmt = await _visible(session, actor)
    found: MaintenanceRequest | None = await session.scalar(
        stmt.where(MaintenanceRequest.uuid == request_uuid)
    )
    if found is None:
        raise NotFound("There is no such maintenance request.")
    return found


async def site_refs(
    session: AsyncSession, requests: list[MaintenanceRequest]
) -> dict[int, SiteRef]:
    """Site id -> uuid and name for a page of requests."""
    return await sites.site_refs(session, {r.site_id for r in requests})


def location_of(request: MaintenanceRequest) -> dict[str, str] | None:
    values = {field: getattr(request, f"location_{field}") for field in LOCATION_FIELDS}
    return values if all(values.values()) else None


# --- changes ----------------------------------------------------------------------------------


async def _assert_no_overlap(
    session: AsyncSession, site_id: int, starts_at: datetime, ends_at: datetime
) -> None:
    """409 when an accepted window of the site overlaps [starts_at, ends_at); touching is fine."""
    clashes = (
        await session.scalars(
            select(MaintenanceRequest)
            .where(
                MaintenanceRequest.site_id == site_id,
                MaintenanceRequest.state == State.accepted.value,
                MaintenanceRequest.starts_at < ends_at,
                MaintenanceRequest.ends_at > starts_at,
            )
            .order_by(MaintenanceRequest.starts_at, MaintenanceRequest.id)
            .limit(MAX_CLASHES_SHOWN)
        )
    ).all()
    if clashes:
        raise Conflict(
            "The window overlaps an accepted maintenance window of this site.",
            code="window_overlaps",
            details=[
                {
                    "uuid": str(clash.uuid),
                    "starts_at": clash.starts_at.isoformat(),
                    "ends_at": clash.ends_at.isoformat(),
                }
                for clash in clashes
            ],
        )


async def _record(
    session: AsyncSession, actor: Principal, action: str, request: MaintenanceRequest
) -> None:
    """The domain event and the audit event of one change (same name, same facts)."""
    ref = (await sites.site_refs(session, [request.site_id]))[request.site_id]
    facts = {
        "uuid": str(request.uuid),
        "site_uuid": str(ref.uuid),
        "starts_at": request.starts_at.isoformat(),
        "ends_at": request.ends_at.isoformat(),
        "state": request.state,
        "reason": request.reason,
    }
    name = f"maintenance_request.{action}"
    emit(
        session,
        name,
        aggregate_type="maintenance_request",
        aggregate_uuid=request.uuid,
        organization_id=request.organization_id,
        payload=facts,
    )
    await audit.record(
        session,
        actor,
        name,
        target_type="maintenance_request",
        target_uuid=request.uuid,
        organization_id=request.organization_id,
        changes=facts,
    )


async def submit_request(
    session: AsyncSession, actor: Principal, data: MaintenanceRequestCreate
) -> MaintenanceRequest:
    """A signed-in user asks for a window on a site they can see; it starts ``pending``."""
    if actor.user is None:
        raise PermissionDenied("Only a signed-in user can request a window.", code="user_required")
    site = await sites.get_site(session, actor, data.site_uuid)
    ends_at = data.starts_at + timedelta(minutes=data.duration_minutes)
    await _assert_no_overlap(session, site.id, data.starts_at, ends_at)
    location = data.location.model_dump() if data.location else {}
    request = MaintenanceRequest(
        uuid=uuid.uuid4(),
        organization_id=site.organization_id,
        site_id=site.id,
        requester_id=actor.user.id,
        requester_uuid=actor.actor_uuid,
        requester_label=actor.label,
        topic=data.topic,
        starts_at=data.starts_at,
        ends_at=ends_at,
        duration_minutes=data.duration_minutes,
        contact_email=str(data.contact_email),
        notes=data.notes,
        state=State.pending.value,
        **{f"location_{field}": location.get(field) for field in LOCATION_FIELDS},
    )
    session.add(request)
    await session.flush()
    await _record(session, actor, "submitted", request)
    return request


async def _hold(session: AsyncSession, request: MaintenanceRequest) -> None:
    """Serialise changes to the site's windows until commit, then read the request afresh
    (a concurrent change may have committed while we waited)."""
    await sites.lock_site(session, request.site_id)
    await session.refresh(request)


def _assert_pending(request: MaintenanceRequest) -> None:
    if request.state != State.pending.value:
        raise Conflict(
            f"Only a pending request can be decided; this one is {request.state}.",
            code="not_pending",
            details=[{"state": request.state}],
        )


def _assert_not_started(request: MaintenanceRequest, doing: str) -> None:
    if request.starts_at <= utcnow():
        raise Conflict(
            f"This window has already started; it cannot be {doing}.", code="window_started"
        )


def _decide(
    request: MaintenanceRequest, actor: Principal, state: State, reason: str | None
) -> None:
    request.state = state.value
    request.decided_by = actor.actor_uuid
    request.decided_at = utcnow()
    request.reason = reason


async def accept_request(
    session: AsyncSession, actor: Principal, request: MaintenanceRequest, reason: str | None
) -> MaintenanceRequest:
    """Accept a pending request whose window is still ahead and overlaps no accepted one."""
    await _hold(session, request)
    _assert_pending(request)
    _assert_not_started(request, "accepted")
    await _assert_no_overlap(session, request.site_id, request.starts_at, request.ends_at)
    _decide(request, actor, State.accepted, reason)
    await session.flush()
    await _record(session, actor, "accepted", request)
    return request


async def reject_request(
    session: AsyncSession, actor: Principal, request: MaintenanceRequest, reason: str
) -> MaintenanceRequest:
    """Reject a pending request, saying why."""
    await _hold(session, request)
    _assert_pending(request)
    _decide(request, actor, State.rejected, reason)
    await session.flush()
    await _record(session, actor, "rejected", request)
    return request


async def cancel_request(
    session: AsyncSession, actor: Principal, request: MaintenanceRequest
) -> MaintenanceRequest:
    """The requester withdraws their own pending or accepted request before its window starts."""
    if actor.user is None or request.requester_id != actor.user.id:
        raise PermissionDenied(
            "Only the requester can cancel a maintenance request.", code="not_own_request"
        )
    await _hold(session, request)
    if request.state not in (State.pending.value, State.accepted.value):
        raise Conflict(
            f"Only a pending or accepted request can be cancelled; this one is {request.state}.",
            code="not_cancellable",
            details=[{"state": request.state}],
        )
    _assert_not_started(request, "cancelled")
    request.state = State.cancelled.value
    await session.flush()
    await _record(session, actor, "cancelled", request)
    return request


async def delete_request(
    session: AsyncSession, actor: Principal, request: MaintenanceRequest
) -> None:
    """Remove a request for good (platform admin); the events keep what it was."""
    await _record(session, actor, "deleted", request)
    await session.delete(request)
    await session.flush()


# --- the calendar feed ------------------------------------------------------------------------


async def rotate_calendar_token(session: AsyncSession, actor: Principal) -> tuple[str, datetime]:
    """A new feed token for the signed-in user (the old one stops working); shown once."""
    if actor.user is None:
        raise PermissionDenied("Only a signed-in user has a calendar feed.", code="user_required")
    token = CALENDAR_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    values = {"token_hash": hash_token(token), "created_at": now}
    # Insert-or-ignore, then update: two first rotations at once cannot both insert (unique).
    dialect = session.get_bind().dialect.name
    await session.execute(
        insert_ignoring_conflicts(dialect, CalendarFeed).values(user_id=actor.user.id, **values)
    )
    await session.execute(
        update(CalendarFeed).where(CalendarFeed.user_id == actor.user.id).values(**values)
    )
    await audit.record(
        session,
        actor,
        "calendar_feed.token_created",
        target_type="user",
        target_uuid=actor.actor_uuid,
        organization_id=actor.organization_id,
    )
    return token, now


async def _feed_owner(session: AsyncSession, token: str) -> User:
    """The user a feed token belongs to, while they may still sign in and read requests."""
    user_id = await session.scalar(
        select(CalendarFeed.user_id).where(CalendarFeed.token_hash == hash_token(token))
    )
    # The calendar_feeds row points at users.id; identity offers no lookup by id, so read it.
    user = await session.get(User, user_id) if user_id is not None else None
    if (
        user is None
        or not user.can_log_in
        or not any(p in user.role.permissions for p in FEED_PERMISSIONS)
    ):
        raise Unauthorized("The calendar token is not valid.", code="invalid_calendar_token")
    return user


async def _feed_windows(session: AsyncSession, owner: User) -> list[MaintenanceRequest]:
    """Accepted windows of the owner's organization: all of them for a reader, the owner's own
    for a requester (the feed shows no more than the owner could list)."""
    stmt = select(MaintenanceRequest).where(
        MaintenanceRequest.organization_id == owner.organization_id,
        MaintenanceRequest.state == State.accepted.value,
        MaintenanceRequest.ends_at > utcnow() - FEED_HISTORY,
    )
    if not any(p in owner.role.permissions for p in ORG_WIDE_PERMISSIONS):
        stmt = stmt.where(MaintenanceRequest.requester_id == owner.id)
    stmt = stmt.order_by(MaintenanceRequest.starts_at, MaintenanceRequest.id)
    return list((await session.scalars(stmt)).all())


def _event(request: MaintenanceRequest, site: SiteRef) -> Event:
    event = Event()
    event.add("uid", f"{request.uuid}@patchwatch")
    event.add("dtstamp", request.updated_at)
    event.add("dtstart", request.starts_at)
    event.add("dtend", request.ends_at)
    event.add("summary", f"{request.topic} — {site.name}")
    location = location_of(request)
    if location:
        event.add("location", ", ".join(location[field] for field in LOCATION_FIELDS))
    description = [request.notes] if request.notes else []
    description.append(f"Contact: {request.contact_email}")
    event.add("description", "\n\n".join(description))
    event.add("status", "CONFIRMED")
    return event


async def calendar_for_token(session: AsyncSession, token: str) -> bytes:
    """The iCalendar document of the accepted windows the token's owner may see."""
    owner = await _feed_owner(session, token)
    windows = await _feed_windows(session, owner)
    refs = await site_refs(session, windows)
    calendar = Calendar()
    calendar.add("prodid", "-//Patchwatch//Maintenance windows//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Maintenance windows — {owner.organization.name}")
    for window in windows:
        calendar.add_component(_event(window, refs[window.site_id]))
    ical: bytes = calendar.to_ical()
    return ical
