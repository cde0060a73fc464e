"""The per-site activity timeline: what happened to a site, newest first, in one list.

A read model fed by events (security findings, SLA breaches, patch runs, maintenance requests),
so the sites module needs to know nothing about it; the consumer writes one row per event.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.api.pagination import PageParams, fetch_page
from patchwatch.events.bus import Consumer, Event, consumer
from patchwatch.events.models import SiteActivity
from patchwatch.identity.principal import Principal
from patchwatch.sites import service as sites

SITE_EVENTS = (
    "security_update_detected",
    "security_update_resolved",
    "sla_breached",
)
PATCH_RUN_EVENTS = (
    "patch_run.recorded",
    "patch_run.updated",
    "patch_run.detected",
    "patch_run.confirmed",
    "patch_run.unconfirmed",
)
MAINTENANCE_EVENTS = (
    "maintenance_request.submitted",
    "maintenance_request.accepted",
    "maintenance_request.rejected",
    "maintenance_request.cancelled",
)
SORT = {"occurred_at": SiteActivity.occurred_at, "event_type": SiteActivity.event_type}


def summarize(event: Event) -> str:
    """One human line for the timeline."""
    payload = event.payload
    package = payload.get("package") or "a package"
    version = payload.get("version") or "?"
    kind = event.event_type
    if kind == "security_update_detected":
        return f"Security update needed: {package} {version}"
    if kind == "security_update_resolved":
        return f"Security update no longer needed: {package} {version}"
    if kind == "sla_breached":
        return f"SLA breached: {package} {version}"
    if kind.startswith("patch_run."):
        items = payload.get("items") or []
        return f"Patch run {kind.split('.', 1)[1]} ({len(items)} item(s), {payload.get('status')})"
    if kind.startswith("maintenance_request."):
        return f"Maintenance window {kind.split('.', 1)[1]}: {payload.get('starts_at')}"
    return kind


def _site_uuid(event: Event) -> uuid.UUID | None:
    raw = event.payload.get("site_uuid")
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


@consumer("site_activity", *SITE_EVENTS, *PATCH_RUN_EVENTS, *MAINTENANCE_EVENTS)
async def record_activity(session: AsyncSession, event: Event) -> None:
    """Add the event to its site's timeline (once: the event id is unique there)."""
    site_uuid = _site_uuid(event)
    if site_uuid is None:  # nothing to show it on
        return
    # Added, not executed: a batch of events becomes one multi-row INSERT at commit.
    session.add(
        SiteActivity(
            event_id=event.id,
            organization_id=event.organization_id,
            site_uuid=site_uuid,
            event_type=event.event_type,
            summary=summarize(event)[:300],
            subject_type=event.aggregate_type,
            subject_uuid=event.aggregate_uuid,
            occurred_at=event.occurred_at,
        )
    )


CONSUMERS: list[Consumer] = [record_activity]


async def list_activity(
    session: AsyncSession, actor: Principal, site_uuid: uuid.UUID, params: PageParams
) -> tuple[list[SiteActivity], int]:
    """A page of a site's timeline; ``NotFound`` for a site the caller may not see."""
    site = await sites.get_site(session, actor, site_uuid)
    stmt = select(SiteActivity).where(
        SiteActivity.site_uuid == site.uuid,
        SiteActivity.organization_id == site.organization_id,
    )
    return await fetch_page(
        session, stmt, params, SORT, [SiteActivity.occurred_at.desc(), SiteActivity.id.desc()]
    )
