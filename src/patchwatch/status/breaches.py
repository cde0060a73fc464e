"""SLA breaches: an exposure past its deadline becomes one `sla_breached` event.

Set-based, run by the scheduler: one query finds the exposures past their deadline that have no
breach recorded, one update marks them, one insert writes their events, and the sites concerned
get their overdue counters (the fleet summary's read model) refreshed. The status recompute
clears the mark whenever an exposure ends or starts anew, so a new exposure can breach again.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.catalog.models import Package
from patchwatch.db import utcnow
from patchwatch.events.models import OutboxEvent
from patchwatch.sites.models import InstalledPackage, Site
from patchwatch.status.service import summarize_sites

_BATCH = 5000


async def record_sla_breaches(session: AsyncSession, now: datetime | None = None) -> int:
    """Mark every exposure past its SLA deadline and emit its `sla_breached` event (once)."""
    now = now or utcnow()
    total = 0
    sites: set[int] = set()
    while True:
        rows = (
            await session.execute(
                select(
                    InstalledPackage.id,
                    InstalledPackage.site_id,
                    InstalledPackage.organization_id,
                    InstalledPackage.version,
                    InstalledPackage.severity,
                    InstalledPackage.recommended_version,
                    InstalledPackage.security_updates,
                    InstalledPackage.exposure_started_at,
                    InstalledPackage.sla_due_at,
                    Site.uuid,
                    Package.name,
                )
                .join(Site, Site.id == InstalledPackage.site_id)
                .join(Package, Package.id == InstalledPackage.package_id)
                .where(
                    InstalledPackage.missing_security.is_(True),
                    InstalledPackage.sla_due_at <= now,
                    InstalledPackage.sla_breached_at.is_(None),
                    Site.is_deleted.is_(False),
                )
                .order_by(InstalledPackage.id)
                .limit(_BATCH)
            )
        ).all()
        if not rows:
            break
        await session.execute(
            update(InstalledPackage), [{"id": row.id, "sla_breached_at": now} for row in rows]
        )
        await session.execute(insert(OutboxEvent), [_event(row, now) for row in rows])
        total += len(rows)
        sites.update(row.site_id for row in rows)
    await summarize_sites(session, sites, now=now)  # their overdue counters
    return total


async def exposures_due_between(
    session: AsyncSession, start: datetime, end: datetime, *, limit: int = _BATCH
) -> list[Any]:
    """Open exposures, not yet breached, whose SLA deadline falls in [start, end), across every
    organization (for the notifier's reminders): id, organization_id, site uuid and name,
    package, version, severity, recommended version and deadline."""
    rows = await session.execute(
        select(
            InstalledPackage.id,
            InstalledPackage.organization_id,
            Site.uuid.label("site_uuid"),
            Site.name.label("site_name"),
            Package.name.label("package"),
            InstalledPackage.version,
            InstalledPackage.severity,
            InstalledPackage.recommended_version,
            InstalledPackage.sla_due_at,
        )
        .join(Site, Site.id == InstalledPackage.site_id)
        .join(Package, Package.id == InstalledPackage.package_id)
        .where(
            InstalledPackage.missing_security.is_(True),
            InstalledPackage.sla_due_at >= start,
            InstalledPackage.sla_due_at < end,
            InstalledPackage.sla_breached_at.is_(None),
            Site.is_deleted.is_(False),
        )
        .order_by(InstalledPackage.sla_due_at, InstalledPackage.id)
        .limit(limit)
    )
    return list(rows.all())


def _event(row: Any, now: datetime) -> dict[str, Any]:
    site_uuid, package_name = row[9], row[10]
    return {
        "uuid": uuid.uuid4(),
        "event_type": "sla_breached",
        "version": 1,
        "aggregate_type": "site",
        "aggregate_uuid": site_uuid,
        "organization_id": row.organization_id,
        "occurred_at": now,
        "payload": {
            "site_uuid": str(site_uuid),
            "package": package_name,
            "version": row.version,
            "severity": row.severity,
            "recommended_version": row.recommended_version,
            "security_updates": list(row.security_updates or []),
            "exposure_started_at": row.exposure_started_at.isoformat()
            if row.exposure_started_at
            else None,
            "sla_due_at": row.sla_due_at.isoformat() if row.sla_due_at else None,
        },
    }
