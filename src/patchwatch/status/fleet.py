"""Read views of the fleet's open security updates: by age, the oldest, and over time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.catalog.models import Package
from patchwatch.db import utcnow
from patchwatch.events.models import OutboxEvent
from patchwatch.identity.principal import Principal
from patchwatch.sites.models import InstalledPackage, Site
from patchwatch.status.service import STATUS_RANK
from patchwatch.tenancy import scoped

# Upper bounds in days of each age bucket (the last one is open-ended); ids are stable API keys.
AGE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0-7", 7),
    ("8-30", 30),
    ("31-90", 90),
    ("90+", None),
)
DETECTED, RESOLVED = "security_update_detected", "security_update_resolved"


class AgeBucket(BaseModel):
    bucket: str
    min_days: int
    max_days: int | None
    count: int
    overdue: int


class Exposure(BaseModel):
    site_uuid: UUID
    site_name: str
    package: str
    ecosystem: str
    version: str | None
    recommended_version: str | None
    severity: str | None
    exposure_started_at: datetime
    sla_due_at: datetime | None
    overdue: bool


class SecurityTrendPoint(BaseModel):
    day: str
    open: int


def _open_exposures(actor: Principal) -> Select[Any]:
    """Open security updates on live sites the caller may see."""
    stmt = (
        select(InstalledPackage)
        .join(Site, Site.id == InstalledPackage.site_id)
        .where(
            Site.is_deleted.is_(False),
            InstalledPackage.missing_security.is_(True),
            InstalledPackage.exposure_started_at.is_not(None),
        )
    )
    return scoped(stmt, InstalledPackage.organization_id, actor)


async def exposures_by_age(session: AsyncSession, actor: Principal) -> list[AgeBucket]:
    """How many open security updates have been exposed for how long, and how many are overdue."""
    now = utcnow()
    started = InstalledPackage.exposure_started_at
    whens = [(started >= now - timedelta(days=upper), name) for name, upper in AGE_BUCKETS if upper]
    # Bucketed in a subquery: PostgreSQL cannot group by an expression holding bound parameters.
    per_row = (
        _open_exposures(actor)
        .with_only_columns(
            case(*whens, else_=AGE_BUCKETS[-1][0]).label("bucket"),
            case((InstalledPackage.sla_due_at < now, 1), else_=0).label("late"),
        )
        .subquery()
    )
    rows = await session.execute(
        select(per_row.c.bucket, func.count(), func.sum(per_row.c.late)).group_by(per_row.c.bucket)
    )
    found = {name: (int(n), int(late or 0)) for name, n, late in rows.tuples()}
    out, lower = [], 0
    for name, upper in AGE_BUCKETS:
        count, late = found.get(name, (0, 0))
        out.append(
            AgeBucket(bucket=name, min_days=lower, max_days=upper, count=count, overdue=late)
        )
        lower = (upper or 0) + 1
    return out


async def oldest_exposures(session: AsyncSession, actor: Principal, limit: int) -> list[Exposure]:
    """The longest-open security updates, oldest first."""
    now = utcnow()
    rows = await session.execute(
        _open_exposures(actor)
        .add_columns(Site.uuid, Site.name, Package.name, Package.ecosystem)
        .join(Package, Package.id == InstalledPackage.package_id)
        .order_by(InstalledPackage.exposure_started_at, InstalledPackage.id)
        .limit(limit)
    )
    out = []
    for item, site_uuid, site_name, package, ecosystem in rows.tuples():
        assert item.exposure_started_at is not None
        out.append(
            Exposure(
                site_uuid=site_uuid,
                site_name=site_name,
                package=package,
                ecosystem=ecosystem,
                version=item.version,
                recommended_version=item.recommended_version,
                severity=item.severity,
                exposure_started_at=item.exposure_started_at,
                sla_due_at=item.sla_due_at,
                overdue=item.sla_due_at is not None and item.sla_due_at < now,
            )
        )
    return out


async def open_security_trend(
    session: AsyncSession, actor: Principal, days: int
) -> list[SecurityTrendPoint]:
    """Open security updates at the end of each of the last ``days`` days (UTC), today last.

    Walks back from today's open count with the ``security_update_detected`` / ``_resolved``
    events: open at t = open now - detected after t + resolved after t. Exact as long as the
    events of the window are kept; a site deleted inside the window counts until its deletion.
    """
    now = utcnow()
    current = await session.scalar(
        select(func.count()).select_from(_open_exposures(actor).subquery())
    )
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=days - 1)
    changes: list[tuple[datetime, int]] = []  # (when, what it did to the open count)
    for event_type, delta in ((DETECTED, 1), (RESOLVED, -1)):
        times = scoped(
            select(OutboxEvent.occurred_at).where(
                OutboxEvent.event_type == event_type, OutboxEvent.occurred_at >= start
            ),
            OutboxEvent.organization_id,
            actor,
        )
        changes += [(_aware(t), delta) for t in await session.scalars(times)]
    changes.sort(reverse=True)
    points, open_count, index = [], int(current or 0), 0
    for offset in range(days):
        end = today + timedelta(days=1) - timedelta(days=offset)
        while index < len(changes) and changes[index][0] >= end:
            open_count -= changes[index][1]  # undo what happened after the day's end
            index += 1
        points.append(
            SecurityTrendPoint(day=(end - timedelta(days=1)).date().isoformat(), open=open_count)
        )
    return list(reversed(points))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class VersionUsage(BaseModel):
    """One version of a package across the fleet: where it runs and how it stands."""

    version: str | None
    sites: int
    insecure: int
    worst_status: str
    statuses: dict[str, int]


async def package_versions(
    session: AsyncSession, actor: Principal, ecosystem: str, name: str
) -> list[VersionUsage] | None:
    """The versions of one package installed on live sites the caller may see, grouped in the
    database (one row per version and status, whatever the fleet's size); ``None`` when the
    catalog has no such package. Sorted by version text, unknown last; the dashboard sorts
    numerically."""
    package_id = await session.scalar(
        select(Package.id).where(Package.ecosystem == ecosystem, Package.name == name)
    )
    if package_id is None:
        return None
    grouped = (
        select(
            InstalledPackage.version,
            InstalledPackage.status,
            func.count(func.distinct(InstalledPackage.site_id)),
            func.count(case((InstalledPackage.missing_security.is_(True), 1))),
        )
        .join(Site, Site.id == InstalledPackage.site_id)
        .where(InstalledPackage.package_id == package_id, Site.is_deleted.is_(False))
        .group_by(InstalledPackage.version, InstalledPackage.status)
    )
    stmt = scoped(cast("Select[Any]", grouped), InstalledPackage.organization_id, actor)
    versions: dict[str | None, VersionUsage] = {}
    for version, status, sites, insecure in (await session.execute(stmt)).tuples():
        usage = versions.setdefault(
            version,
            VersionUsage(version=version, sites=0, insecure=0, worst_status=status, statuses={}),
        )
        usage.sites += int(sites)
        usage.insecure += int(insecure)
        usage.statuses[status] = usage.statuses.get(status, 0) + int(sites)
        if STATUS_RANK.get(status, 0) > STATUS_RANK.get(usage.worst_status, 0):
            usage.worst_status = status
    return sorted(versions.values(), key=lambda u: (u.version is None, u.version or ""))
