"""Automatic tasks: a security finding opens one, its resolution closes it with evidence.

One consumer for both event types, so that a site's detection and resolution reach it in the
order they happened. Both handlers are idempotent: a task is keyed by site and package while
open (a unique column), and a resolution with no open task does nothing.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.events.bus import Consumer, Event, consumer
from patchwatch.patching import service as patching
from patchwatch.sites.models import Site
from patchwatch.work import service as work
from patchwatch.work.models import Task

log = structlog.get_logger(__name__)


def open_key(site_id: int, package: str) -> str:
    return f"{site_id}:{package}"


async def _site(session: AsyncSession, payload: dict[str, Any]) -> Site | None:
    try:
        site_uuid = uuid.UUID(str(payload.get("site_uuid")))
    except ValueError:
        return None
    site: Site | None = await session.scalar(select(Site).where(Site.uuid == site_uuid))
    return site


def _due_at(payload: dict[str, Any]) -> datetime | None:
    value = payload.get("sla_due_at")
    return datetime.fromisoformat(value) if value else None


def _description(payload: dict[str, Any], site: Site) -> str:
    fixes = ", ".join(payload.get("security_updates") or []) or "unknown"
    return (
        f"{site.name} ({site.url}) runs {payload.get('package')} {payload.get('version')}, "
        f"which misses a security release (fixed in: {fixes}; severity: "
        f"{payload.get('severity') or 'unknown'}). Recommended: "
        f"{payload.get('recommended_version') or 'see the advisory'}."
    )


async def open_automatic_task(session: AsyncSession, event: Event) -> Task | None:
    """A ``security_update_detected`` event: one open task per site and package."""
    site = await _site(session, event.payload)
    package = event.payload.get("package")
    if site is None or site.is_deleted or not package:
        return None
    key = open_key(site.id, str(package))
    existing: Task | None = await session.scalar(select(Task).where(Task.open_key == key))
    if existing is not None:
        return existing
    engineers = await work.engineers_of(session, site.organization_id)
    if not engineers:
        # Nobody may hold it, and a task is never without an assignee: the finding stays on the
        # dashboard; a manager creates the task once there is an engineer.
        log.warning("automatic_task_skipped", reason="no_engineers", site_uuid=str(site.uuid))
        return None
    return await work.open_task(
        session,
        organization_id=site.organization_id,
        engineer=secrets.choice(engineers),
        title=f"Security update: {package} on {site.name}"[:200],
        description=_description(event.payload, site),
        site=site,
        package=str(package)[:255],
        due_at=_due_at(event.payload),
        source="automatic",
        open_key=key,
        actor_uuid=None,
    )


async def close_automatic_task(session: AsyncSession, event: Event) -> Task | None:
    """A ``security_update_resolved`` event: close the open task, the patch run as evidence."""
    site = await _site(session, event.payload)
    package = event.payload.get("package")
    if site is None or not package:
        return None
    task: Task | None = await session.scalar(
        select(Task).where(Task.open_key == open_key(site.id, str(package)))
    )
    if task is None:
        return None
    run = await patching.latest_run_changing(session, site.id, str(package))
    await work.finish_task(
        session,
        task,
        completed_by=None,
        evidence_run_id=run.id if run else None,
        evidence_run_uuid=run.uuid if run else None,
    )
    return task


@consumer("work.automatic_tasks", "security_update_detected", "security_update_resolved")
async def automatic_tasks(session: AsyncSession, event: Event) -> None:
    if event.event_type == "security_update_detected":
        await open_automatic_task(session, event)
    else:
        await close_automatic_task(session, event)


CONSUMERS: list[Consumer] = [automatic_tasks]
