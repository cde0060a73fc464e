"""The status recompute: decisions per (package, version), copied onto installed packages.

Decisions depend on the package's feed and the version only, so they are computed once per
version in use and stored in ``version_statuses``. Copying them onto installed packages, with
exposure and SLA deadlines, is set-based: a bounded number of statements, never a loop per site.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.catalog import service as catalog
from patchwatch.catalog.models import Package
from patchwatch.db import utcnow
from patchwatch.events.models import OutboxEvent
from patchwatch.sites.models import InstalledPackage, Site
from patchwatch.status.drupal import decide_drupal
from patchwatch.status.generic import decide_from_advisories, severity_rank
from patchwatch.status.models import VersionStatus
from patchwatch.status.sla import DEFAULT_SEVERITY, load_policies
from patchwatch.status.types import (
    AdvisoryRange,
    Decision,
    GenericRelease,
    ProjectFeed,
)

# Worst first: what a site's badge shows. A missing security release counts as security_update.
STATUS_RANK = {
    "security_update": 6,
    "revoked": 5,
    "unsupported": 4,
    "update_available": 3,
    "current": 2,
    "unknown": 1,
}
RANK_STATUS = {rank: status for status, rank in STATUS_RANK.items()}
COUNTED_STATUSES = tuple(STATUS_RANK)  # each has a ``sites.packages_<status>`` counter


@dataclass(frozen=True)
class ReevaluationResult:
    versions: int
    changed: int
    events: int


def _decide(
    ecosystem: str,
    feed: ProjectFeed | None,
    releases: list[GenericRelease],
    advisories: list[AdvisoryRange],
    version: str | None,
) -> Decision:
    if ecosystem == catalog.DRUPAL:
        return decide_drupal(feed, version)
    return decide_from_advisories(ecosystem, version, releases, advisories)


_LEGACY_PREFIX = re.compile(r"^\d+\.x-")


def _drupal_key(version: str) -> str:
    """A Drupal version in the form advisories (composer) use: ``8.x-1.2`` -> ``1.2.0``."""
    core, _, suffix = _LEGACY_PREFIX.sub("", version).partition("-")
    parts = [*core.split("."), "0", "0"][:3] if core.count(".") < 2 else core.split(".")
    return ".".join(parts) + (f"-{suffix}" if suffix else "")


def _severity(
    ecosystem: str, decision: Decision, advisories: list[AdvisoryRange], version: str
) -> str | None:
    """How urgent the missing security release is: the worst advisory that says so."""
    if not decision.missing_security:
        return None
    if ecosystem != catalog.DRUPAL:
        return decision.severity or DEFAULT_SEVERITY
    fixes = {_drupal_key(v) for v in decision.security_updates}
    installed = _drupal_key(version)
    named = [
        a.severity
        for a in advisories
        if not a.withdrawn
        and a.severity
        and (
            any(kind == "fixed" and _drupal_key(value) in fixes for kind, value in a.events)
            or installed in {_drupal_key(v) for v in a.versions}
        )
    ]
    if not named:  # a Drupal security release without an advisory
        return DEFAULT_SEVERITY
    return max(named, key=severity_rank)


async def compute_version_statuses(session: AsyncSession, pairs: Iterable[tuple[int, str]]) -> int:
    """(Re)compute and store the decisions of these (package id, version) pairs."""
    wanted = sorted(set(pairs))
    if not wanted:
        return 0
    package_ids = {package_id for package_id, _ in wanted}
    ecosystems = dict(
        (
            await session.execute(
                select(Package.id, Package.ecosystem).where(Package.id.in_(package_ids))
            )
        )
        .tuples()
        .all()
    )
    drupal_ids = {p for p in package_ids if ecosystems[p] == catalog.DRUPAL}
    feeds = await catalog.feeds_for(session, drupal_ids)
    releases = await catalog.generic_releases(session, package_ids - drupal_ids)
    advisories = await catalog.advisory_ranges(session, package_ids)
    decisions = {
        (package_id, version): _decide(
            ecosystems[package_id],
            feeds.get(package_id),
            releases.get(package_id, []),
            advisories[package_id],
            version,
        )
        for package_id, version in wanted
    }
    fix_pairs = {
        (package_id, decision.security_updates[-1])
        for (package_id, _), decision in decisions.items()
        if decision.security_updates
    }
    dates = await catalog.release_dates(session, fix_pairs)
    now = utcnow()
    rows = []
    for (package_id, version), decision in decisions.items():
        first_fix = decision.security_updates[-1] if decision.security_updates else None
        rows.append(
            {
                "package_id": package_id,
                "version": version,
                "status": decision.status.value,
                "recommended_version": decision.recommended_version,
                "latest_version": decision.latest_version,
                "security_updates": list(decision.security_updates),
                "reason": decision.reason,
                "severity": _severity(
                    ecosystems[package_id], decision, advisories[package_id], version
                ),
                "missing_security": decision.missing_security,
                "fix_published_at": dates.get((package_id, first_fix)) if first_fix else None,
                "computed_at": now,
            }
        )
    await _store_decisions(session, package_ids, rows)
    return len(rows)


_DECIDED = (
    "status",
    "recommended_version",
    "latest_version",
    "security_updates",
    "reason",
    "severity",
    "missing_security",
    "fix_published_at",
)


async def _store_decisions(
    session: AsyncSession, package_ids: set[int], rows: list[dict[str, Any]]
) -> None:
    """Insert the new decisions and update the changed ones; unchanged rows are not written."""
    table = cast(Table, VersionStatus.__table__)
    stored: dict[tuple[int, str], Any] = {}
    ordered = sorted(package_ids)
    for start in range(0, len(ordered), 500):
        result = await session.execute(
            select(table).where(table.c.package_id.in_(ordered[start : start + 500]))
        )
        stored.update({(row.package_id, row.version): row for row in result})
    inserts, updates = [], []
    for row in rows:
        known = stored.get((row["package_id"], row["version"]))
        if known is None:
            inserts.append(row)
        elif any(getattr(known, name) != row[name] for name in _DECIDED):
            updates.append({"_id": known.id, **{name: row[name] for name in _DECIDED}})
    for start in range(0, len(inserts), 1000):
        await session.execute(insert(table), inserts[start : start + 1000])
    if updates:
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in (*_DECIDED, "computed_at")})
        )
        now = utcnow()
        await session.execute(statement, [{**u, "computed_at": now} for u in updates])


async def _pairs_in_use(session: AsyncSession, where: ColumnElement[bool]) -> set[tuple[int, str]]:
    rows = await session.execute(
        select(InstalledPackage.package_id, InstalledPackage.version)
        .where(where, InstalledPackage.version.is_not(None))
        .distinct()
    )
    return {(package_id, version) for package_id, version in rows.tuples() if version is not None}


async def refresh_site(session: AsyncSession, site_id: int, *, seen_at: datetime) -> int:
    """Give a site's installed packages their status, exposure and deadline (after a snapshot).

    Versions never decided before (usually none: a fleet runs the same versions) are decided
    first; then the decisions are copied onto the rows they differ from.
    """
    undecided = await session.execute(
        select(InstalledPackage.package_id, InstalledPackage.version)
        .outerjoin(
            VersionStatus,
            and_(
                VersionStatus.package_id == InstalledPackage.package_id,
                VersionStatus.version == InstalledPackage.version,
            ),
        )
        .where(
            InstalledPackage.site_id == site_id,
            InstalledPackage.version.is_not(None),
            VersionStatus.id.is_(None),
        )
    )
    missing = {(package_id, version) for package_id, version in undecided.tuples() if version}
    if missing:
        await compute_version_statuses(session, missing)
    where = InstalledPackage.site_id == site_id
    # The site's counters change also when packages came or went without a status change.
    return (await _apply(session, where, now=seen_at, summarize={site_id})).changed


async def reevaluate_packages(
    session: AsyncSession, package_ids: Iterable[int]
) -> ReevaluationResult:
    """After a catalog change: recompute every version in use of these packages, fleet-wide."""
    ids = set(package_ids)
    where = InstalledPackage.package_id.in_(ids)
    pairs = await _pairs_in_use(session, where)
    versions = await compute_version_statuses(session, pairs)
    result = await _apply(session, where, now=utcnow())
    return ReevaluationResult(versions=versions, changed=result.changed, events=result.events)


_COPIED = (
    "status",
    "recommended_version",
    "latest_version",
    "security_updates",
    "reason",
    "severity",
    "missing_security",
)


async def _apply(
    session: AsyncSession,
    where: ColumnElement[bool],
    *,
    now: datetime,
    summarize: set[int] | None = None,
) -> ReevaluationResult:
    """Copy decisions onto the installed packages they differ from; events for what changed.

    Plain column rows in, one executemany UPDATE out: no ORM objects for what may be hundreds
    of thousands of rows after a security release of a popular module.
    """
    installed = InstalledPackage
    differs = or_(
        installed.status != VersionStatus.status,
        installed.missing_security != VersionStatus.missing_security,
        func.coalesce(installed.recommended_version, "")
        != func.coalesce(VersionStatus.recommended_version, ""),
        func.coalesce(installed.latest_version, "")
        != func.coalesce(VersionStatus.latest_version, ""),
        func.coalesce(installed.reason, "") != func.coalesce(VersionStatus.reason, ""),
        func.coalesce(installed.severity, "") != func.coalesce(VersionStatus.severity, ""),
    )
    rows = (
        await session.execute(
            select(
                installed.id,
                installed.site_id,
                installed.organization_id,
                installed.version,
                installed.status.label("old_status"),
                installed.missing_security.label("old_missing_security"),
                installed.status_changed_at,
                installed.exposure_started_at,
                installed.version_seen_at,
                installed.sla_breached_at,
                *(getattr(VersionStatus, name) for name in _COPIED),
                VersionStatus.fix_published_at,
                Site.criticality,
                Site.uuid.label("site_uuid"),
                Package.name.label("package_name"),
            )
            .join(
                VersionStatus,
                and_(
                    VersionStatus.package_id == installed.package_id,
                    VersionStatus.version == installed.version,
                ),
            )
            .join(Site, Site.id == installed.site_id)
            .join(Package, Package.id == installed.package_id)
            .where(where, differs)
        )
    ).all()
    unknown_sites = await _unversioned_to_unknown(session, where, now)
    # The read model of every site whose packages changed (and of those the caller names).
    touched = {row.site_id for row in rows} | set(unknown_sites) | (summarize or set())
    if not rows:
        await summarize_sites(session, touched)
        return ReevaluationResult(versions=0, changed=len(unknown_sites), events=0)
    policies = await load_policies(session, {row.organization_id for row in rows})
    updates: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for row in rows:
        change: dict[str, Any] = {"_id": row.id, **{name: getattr(row, name) for name in _COPIED}}
        change["status_changed_at"] = now if row.old_status != row.status else row.status_changed_at
        exposure = row.exposure_started_at
        if row.missing_security and not row.old_missing_security:
            starts = [t for t in (row.fix_published_at, row.version_seen_at) if t]
            exposure = max(starts) if starts else now
        elif not row.missing_security:
            exposure = None
        change["exposure_started_at"] = exposure
        # A new exposure may breach anew.
        unchanged = exposure == row.exposure_started_at
        change["sla_breached_at"] = row.sla_breached_at if unchanged else None
        change["sla_due_at"] = policies.due_at(
            exposure, row.organization_id, row.criticality, row.severity
        )
        updates.append(change)
        event_type = _event_type(row)
        if event_type:
            events.append(_event(event_type, row, change, now))
    table = cast(Table, InstalledPackage.__table__)
    statement = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({name: bindparam(name) for name in updates[0] if name != "_id"})
    )
    for start in range(0, len(updates), 5000):
        await session.execute(statement, updates[start : start + 5000])
    outbox = cast(Table, OutboxEvent.__table__)
    for start in range(0, len(events), 5000):
        await session.execute(insert(outbox), events[start : start + 5000])
    await summarize_sites(session, touched)
    return ReevaluationResult(
        versions=0, changed=len(updates) + len(unknown_sites), events=len(events)
    )


async def _unversioned_to_unknown(
    session: AsyncSession, where: ColumnElement[bool], now: datetime
) -> list[int]:
    """Packages reported without a version are ``unknown``; the sites of those that changed."""
    result = await session.execute(
        update(InstalledPackage)
        .where(where, InstalledPackage.version.is_(None), InstalledPackage.status != "unknown")
        .values(
            status="unknown",
            reason="No version reported",
            status_changed_at=now,
            missing_security=False,
            exposure_started_at=None,
            sla_due_at=None,
            sla_breached_at=None,
        )
        .returning(InstalledPackage.site_id)
    )
    return list(result.scalars())


def _event_type(row: Any) -> str | None:
    if row.missing_security and not row.old_missing_security:
        return "security_update_detected"
    if row.old_missing_security and not row.missing_security:
        return "security_update_resolved"
    if row.status == "update_available" and row.old_status != "update_available":
        return "update_available"
    return None


def _event(event_type: str, row: Any, change: dict[str, Any], now: datetime) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "uuid": uuid.uuid4(),
        "event_type": event_type,
        "version": 1,
        "aggregate_type": "site",
        "aggregate_uuid": row.site_uuid,
        "organization_id": row.organization_id,
        "occurred_at": now,
        "published_at": None,
        "payload": {
            "site_uuid": str(row.site_uuid),
            "package": row.package_name,
            "version": row.version,
            "status": row.status,
            "recommended_version": row.recommended_version,
            "security_updates": list(row.security_updates),
            "severity": row.severity,
            "exposure_started_at": iso(change.get("exposure_started_at")),
            "sla_due_at": iso(change.get("sla_due_at")),
        },
    }


async def refresh_site_summaries(
    session: AsyncSession, where: ColumnElement[bool], *, now: datetime | None = None
) -> None:
    """Recompute the read model of every site that has installed packages matching ``where``."""
    site_ids = await session.scalars(select(InstalledPackage.site_id).where(where).distinct())
    await summarize_sites(session, set(site_ids), now=now)


async def summarize_sites(
    session: AsyncSession, site_ids: Iterable[int], *, now: datetime | None = None
) -> None:
    """Recompute the read model on ``sites`` (worst status, counters, oldest exposure) of these
    sites: an aggregate query and a bulk update per 1,000 sites. The ids are given as a list,
    never as a subquery: the planner then reads just their rows through the site index."""
    ordered = sorted(set(site_ids))
    for start in range(0, len(ordered), 1000):
        await _summarize(session, ordered[start : start + 1000], now or utcnow())


async def _summarize(session: AsyncSession, site_ids: list[int], now: datetime) -> None:
    rank = case(
        (InstalledPackage.missing_security.is_(True), STATUS_RANK["security_update"]),
        else_=case(STATUS_RANK, value=InstalledPackage.status, else_=1),
    )

    def count(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    missing = InstalledPackage.missing_security.is_(True)
    rows = await session.execute(
        select(
            InstalledPackage.site_id,
            func.max(rank),
            *(count(InstalledPackage.status == name) for name in COUNTED_STATUSES),
            count(missing),
            count(and_(missing, InstalledPackage.sla_due_at < now)),
            func.min(case((missing, InstalledPackage.exposure_started_at))),
        )
        .where(InstalledPackage.site_id.in_(site_ids))
        .group_by(InstalledPackage.site_id)
    )
    summaries = []
    for site_id, worst, *counts, missing_count, overdue, oldest in rows.tuples():
        summary: dict[str, Any] = {"_id": site_id, "worst_status": RANK_STATUS[worst]}
        for name, n in zip(COUNTED_STATUSES, counts, strict=True):
            summary[f"packages_{name}"] = int(n or 0)
        summary.update(
            packages_missing_security=int(missing_count or 0),
            packages_overdue=int(overdue or 0),
            oldest_exposure_at=oldest,
        )
        summaries.append(summary)
    if not summaries:
        return
    table = cast(Table, Site.__table__)
    statement = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({name: bindparam(name) for name in summaries[0] if name != "_id"})
    )
    for start in range(0, len(summaries), 1000):
        await session.execute(statement, summaries[start : start + 1000])


# The read model of a site without packages.
EMPTY_SUMMARY: dict[str, Any] = {
    "worst_status": "unknown",
    **{f"packages_{name}": 0 for name in (*COUNTED_STATUSES, "missing_security", "overdue")},
    "oldest_exposure_at": None,
}
