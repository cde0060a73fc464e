"""Maintenance-window requests (bookings) and the iCalendar feed of accepted windows."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status

from patchwatch.api.deps import PrincipalDep, SessionDep, require, require_user
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.errors import PermissionDenied
from patchwatch.identity.permissions import PLATFORM_ADMIN
from patchwatch.identity.principal import Principal
from patchwatch.patching import maintenance
from patchwatch.patching.models import MaintenanceRequest
from patchwatch.patching.schemas_maintenance import (
    AcceptBody,
    CalendarTokenOut,
    MaintenanceRequestCreate,
    MaintenanceRequestOut,
    RejectBody,
    State,
    UtcDatetime,
)
from patchwatch.sites.schemas import Location
from patchwatch.sites.service import SiteRef

BASE = "/maintenance-requests"


def require_any(
    *permissions: str, user_only: bool = False
) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """Authenticate the caller and check that they hold one of ``permissions``."""

    async def _check(principal: PrincipalDep) -> Principal:
        if user_only and principal.kind != "user":
            raise PermissionDenied("Only a signed-in user can do this.", code="user_required")
        if not any(principal.has(permission) for permission in permissions):
            raise PermissionDenied(
                f"This needs one of the permissions {', '.join(permissions)}.",
                details=[{"permission": permission} for permission in permissions],
            )
        return principal

    return _check


router = APIRouter(tags=["maintenance"])
Page = Annotated[PageParams, Depends(page_params)]
Reader = Annotated[Principal, Depends(require_any(*maintenance.VIEW_PERMISSIONS))]
Requester = Annotated[Principal, Depends(require_user("maintenance:request"))]
Decider = Annotated[Principal, Depends(require("maintenance:decide"))]
FeedUser = Annotated[Principal, Depends(require_any(*maintenance.FEED_PERMISSIONS, user_only=True))]
PlatformAdmin = Annotated[Principal, Depends(require(PLATFORM_ADMIN))]
SORT = {
    "starts_at": MaintenanceRequest.starts_at,
    "created_at": MaintenanceRequest.created_at,
    "state": MaintenanceRequest.state,
}


def request_out(request: MaintenanceRequest, site: SiteRef) -> MaintenanceRequestOut:
    location = maintenance.location_of(request)
    return MaintenanceRequestOut(
        uuid=request.uuid,
        site_uuid=site.uuid,
        site_name=site.name,
        topic=request.topic,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        duration_minutes=request.duration_minutes,
        contact_email=request.contact_email,
        location=Location.as_stored(location) if location else None,
        notes=request.notes,
        state=State(request.state),
        requester_uuid=request.requester_uuid,
        requester_label=request.requester_label,
        decided_by=request.decided_by,
        decided_at=request.decided_at,
        reason=request.reason,
        created_at=request.created_at,
        updated_at=request.updated_at,
    )


async def _one_out(session: SessionDep, request: MaintenanceRequest) -> MaintenanceRequestOut:
    refs = await maintenance.site_refs(session, [request])
    return request_out(request, refs[request.site_id])


@router.get(BASE, summary="Maintenance requests: the organization's, or a requester's own")
async def list_requests(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    state: State | None = None,
    site_uuid: UUID | None = None,
    window_from: Annotated[
        UtcDatetime | None, Query(alias="from", description="Windows ending after this")
    ] = None,
    window_to: Annotated[
        UtcDatetime | None, Query(alias="to", description="Windows starting before this")
    ] = None,
) -> ListEnvelope[MaintenanceRequestOut]:
    stmt = await maintenance.requests_query(
        session,
        actor,
        state=state,
        site_uuid=site_uuid,
        window_from=window_from,
        window_to=window_to,
    )
    default_order = [MaintenanceRequest.starts_at, MaintenanceRequest.id]
    rows, total = await fetch_page(session, stmt, page, SORT, default_order)
    refs = await maintenance.site_refs(session, rows)
    items = [request_out(row, refs[row.site_id]) for row in rows]
    return list_envelope(request, items, total, page)


@router.post(BASE, status_code=status.HTTP_201_CREATED, summary="Ask for a maintenance window")
async def submit_request(
    body: MaintenanceRequestCreate, session: SessionDep, actor: Requester
) -> Envelope[MaintenanceRequestOut]:
    created = await maintenance.submit_request(session, actor, body)
    await session.commit()
    return wrap(await _one_out(session, created))


# Declared before /{request_uuid}, which would otherwise claim these paths.
@router.post(
    f"{BASE}/calendar-token",
    status_code=status.HTTP_201_CREATED,
    summary="Create (or replace) your calendar feed token; shown once",
)
async def create_calendar_token(
    request: Request, session: SessionDep, actor: FeedUser
) -> Envelope[CalendarTokenOut]:
    token, created_at = await maintenance.rotate_calendar_token(session, actor)
    await session.commit()
    feed_url = request.url_for("calendar_feed").include_query_params(token=token)
    return wrap(CalendarTokenOut(token=token, feed_url=str(feed_url), created_at=created_at))


@router.get(
    f"{BASE}/calendar.ics",
    name="calendar_feed",
    summary="iCalendar feed of accepted windows (authenticated by its token alone)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}},
)
async def calendar_feed(
    session: SessionDep,
    token: Annotated[str, Query(min_length=1, max_length=200, description="The feed token")],
) -> Response:
    body = await maintenance.calendar_for_token(session, token)
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.get(f"{BASE}/{{request_uuid}}", summary="One maintenance request")
async def get_request(
    request_uuid: UUID, session: SessionDep, actor: Reader
) -> Envelope[MaintenanceRequestOut]:
    found = await maintenance.get_request(session, actor, request_uuid)
    return wrap(await _one_out(session, found))


@router.post(f"{BASE}/{{request_uuid}}/accept", summary="Accept a pending request")
async def accept_request(
    request_uuid: UUID, session: SessionDep, actor: Decider, body: AcceptBody | None = None
) -> Envelope[MaintenanceRequestOut]:
    found = await maintenance.get_request(session, actor, request_uuid)
    reason = body.reason if body else None
    await maintenance.accept_request(session, actor, found, reason)
    await session.commit()
    return wrap(await _one_out(session, found))


@router.post(f"{BASE}/{{request_uuid}}/reject", summary="Reject a pending request, saying why")
async def reject_request(
    request_uuid: UUID, body: RejectBody, session: SessionDep, actor: Decider
) -> Envelope[MaintenanceRequestOut]:
    found = await maintenance.get_request(session, actor, request_uuid)
    await maintenance.reject_request(session, actor, found, body.reason)
    await session.commit()
    return wrap(await _one_out(session, found))


@router.post(f"{BASE}/{{request_uuid}}/cancel", summary="Cancel your own request")
async def cancel_request(
    request_uuid: UUID, session: SessionDep, actor: Requester
) -> Envelope[MaintenanceRequestOut]:
    found = await maintenance.get_request(session, actor, request_uuid)
    await maintenance.cancel_request(session, actor, found)
    await session.commit()
    return wrap(await _one_out(session, found))


@router.delete(f"{BASE}/{{request_uuid}}", summary="Delete a request for good (platform admin)")
async def delete_request(
    request_uuid: UUID, session: SessionDep, actor: PlatformAdmin
) -> Envelope[MaintenanceRequestOut]:
    found = await maintenance.get_request(session, actor, request_uuid)
    gone = await _one_out(session, found)
    await maintenance.delete_request(session, actor, found)
    await session.commit()
    return wrap(gone)
