"""The audit trail: list (admins everything, managers their organization) and verify."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime
from sqlalchemy import select

from patchwatch.api.deps import SessionDep, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.audit import service as audit
from patchwatch.audit.models import AuditEvent
from patchwatch.audit.schemas import AuditEventOut, ChainReportOut
from patchwatch.errors import PermissionDenied
from patchwatch.identity import service as identity
from patchwatch.identity.principal import Principal
from patchwatch.tenancy import scoped

router = APIRouter(tags=["audit"])
Reader = Annotated[Principal, Depends(require("audit:read"))]
SORT = {"occurred_at": AuditEvent.occurred_at, "action": AuditEvent.action}


@router.get("/audit-events", summary="Audit events, newest first")
async def list_audit_events(
    request: Request,
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    actor: Reader,
    action: Annotated[str | None, Query(max_length=64, description="e.g. user.created")] = None,
    actor_uuid: UUID | None = None,
    target_uuid: UUID | None = None,
    organization: Annotated[
        UUID | None, Query(description="Only this organization's events (admins: any)")
    ] = None,
    since: Annotated[
        AwareDatetime | None, Query(description="From this time on (inclusive), with zone")
    ] = None,
    until: Annotated[
        AwareDatetime | None, Query(description="Before this time (exclusive), with zone")
    ] = None,
) -> ListEnvelope[AuditEventOut]:
    stmt = scoped(select(AuditEvent), AuditEvent.organization_id, actor)
    if organization:
        org = await identity.get_organization(session, actor, organization)
        stmt = stmt.where(AuditEvent.organization_id == org.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor_uuid:
        stmt = stmt.where(AuditEvent.actor_uuid == actor_uuid)
    if target_uuid:
        stmt = stmt.where(AuditEvent.target_uuid == target_uuid)
    if since:
        stmt = stmt.where(AuditEvent.occurred_at >= since)
    if until:
        stmt = stmt.where(AuditEvent.occurred_at < until)
    rows, total = await fetch_page(session, stmt, page, SORT, [AuditEvent.id.desc()])
    items = [AuditEventOut.model_validate(e, from_attributes=True) for e in rows]
    return list_envelope(request, items, total, page)


@router.get("/audit-events/verify", summary="Verify the hash chain (platform admin)")
async def verify_audit_chain(session: SessionDep, actor: Reader) -> Envelope[ChainReportOut]:
    if not actor.is_platform_admin:
        raise PermissionDenied("Only the platform admin can verify the chain.", code="admin_only")
    report = await audit.verify_chain(session)
    return wrap(
        ChainReportOut(
            ok=report.ok,
            checked=report.checked,
            first_bad_uuid=report.first_bad_uuid,
            problem=report.problem,
        )
    )
