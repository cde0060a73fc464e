"""The catalog: packages, releases and the feeds the status engine reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.catalog.models import Advisory, AffectedPackage, Package, Release
from patchwatch.catalog.osv import ParsedAdvisory
from patchwatch.db import insert_ignoring_conflicts, utcnow
from patchwatch.status.types import AdvisoryRange, FeedRelease, GenericRelease, ProjectFeed

DRUPAL = "drupal"


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def ensure_packages(
    session: AsyncSession, ecosystem: str, names: Iterable[str]
) -> dict[str, int]:
    """The ids of these packages, creating the missing ones (safe under concurrency)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    found: dict[str, int] = {}
    for chunk_start in range(0, len(wanted), 500):
        chunk = wanted[chunk_start : chunk_start + 500]
        rows = await session.execute(
            select(Package.name, Package.id).where(
                Package.ecosystem == ecosystem, Package.name.in_(chunk)
            )
        )
        found.update({name: package_id for name, package_id in rows.tuples()})
        missing = [name for name in chunk if name not in found]
        if missing:
            import uuid

            now = utcnow()
            await session.execute(
                insert_ignoring_conflicts(_dialect(session), Package.__table__),
                [
                    {
                        "uuid": uuid.uuid4(),
                        "ecosystem": ecosystem,
                        "name": name,
                        "has_feed": False,
                        "feed_usable": False,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for name in missing
                ],
            )
            rows = await session.execute(
                select(Package.name, Package.id).where(
                    Package.ecosystem == ecosystem, Package.name.in_(missing)
                )
            )
            found.update({name: package_id for name, package_id in rows.tuples()})
    return found


def _release_row(package_id: int, position: int, release: FeedRelease) -> dict[str, Any]:
    date = release.date
    version = release.version
    branch = None
    if "." in version:
        branch = version.rsplit(".", 1)[0] + "."
    return {
        "package_id": package_id,
        "version": version[:128],
        "position": position,
        "name": release.fields.get("name"),
        "released_at": datetime.fromtimestamp(date, UTC) if date is not None else None,
        "status": release.fields.get("status", "")[:16],
        "release_types": release.release_types,
        "is_security": release.is_security,
        "is_insecure": release.is_insecure,
        "is_unsupported": release.is_unsupported,
        "is_revoked": release.fields.get("status") == "unpublished",
        "core_compatibility": (release.fields.get("core_compatibility") or None),
        "branch": branch,
        "release_link": release.fields.get("release_link"),
        "download_link": release.fields.get("download_link"),
        "extra": {"fields": release.fields, "terms": release.terms},
    }


async def store_drupal_feed(
    session: AsyncSession,
    feed: ProjectFeed,
    *,
    name: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Package:
    """Replace what the catalog knows of one Drupal project with this feed."""
    project = feed.short_name or name
    if not project:
        raise ValueError("a feed without short_name needs the project name")
    package_id = (await ensure_packages(session, DRUPAL, [project]))[project]
    package = await session.get_one(Package, package_id)
    package.has_feed = True
    package.feed_usable = feed.usable
    package.title = feed.title
    package.project_status = feed.project_status
    package.homepage = feed.link
    package.supported_branches = feed.supported_branches
    package.feed_fetched_at = utcnow()
    package.feed_etag = etag
    package.feed_last_modified = last_modified
    package.feed_error = None
    await session.execute(delete(Release).where(Release.package_id == package_id))
    rows = [_release_row(package_id, n, r) for n, r in enumerate(feed.releases) if r.version]
    if rows:
        await session.execute(insert_ignoring_conflicts(_dialect(session), Release.__table__), rows)
    await session.flush()
    return package


async def feeds_for(
    session: AsyncSession, package_ids: Iterable[int]
) -> dict[int, ProjectFeed | None]:
    """The feeds of these packages, rebuilt for the engine (None: no feed known)."""
    ids = sorted(set(package_ids))
    packages = {p.id: p for p in await session.scalars(select(Package).where(Package.id.in_(ids)))}
    releases: dict[int, list[FeedRelease]] = {package_id: [] for package_id in ids}
    rows = await session.execute(
        select(Release.package_id, Release.extra)
        .where(Release.package_id.in_(ids))
        .order_by(Release.package_id, Release.position)
    )
    for package_id, extra in rows.tuples():
        releases[package_id].append(
            FeedRelease(fields=dict(extra.get("fields", {})), terms=dict(extra.get("terms", {})))
        )
    feeds: dict[int, ProjectFeed | None] = {}
    for package_id in ids:
        package = packages.get(package_id)
        if package is None or not package.has_feed:
            feeds[package_id] = None
            continue
        feeds[package_id] = ProjectFeed(
            short_name=package.name,
            usable=package.feed_usable,
            title=package.title,
            project_status=package.project_status,
            link=package.homepage,
            supported_branches=package.supported_branches,
            releases=releases[package_id],
        )
    return feeds


async def release_dates(
    session: AsyncSession, pairs: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], datetime | None]:
    """Publication dates of (package id, version) releases."""
    wanted = set(pairs)
    package_ids = {package_id for package_id, _ in wanted}
    rows = await session.execute(
        select(Release.package_id, Release.version, Release.released_at).where(
            Release.package_id.in_(package_ids)
        )
    )
    return {
        (package_id, version): released
        for package_id, version, released in rows.tuples()
        if (package_id, version) in wanted
    }


async def store_advisories(session: AsyncSession, advisories: Iterable[ParsedAdvisory]) -> set[int]:
    """Insert or replace advisories (by id) and what they affect; the affected package ids."""
    latest: dict[str, ParsedAdvisory] = {}
    for advisory in advisories:  # a repeated id: the most recently modified one wins
        known = latest.get(advisory.external_id)
        if known is None or advisory.modified_at >= known.modified_at:
            latest[advisory.external_id] = advisory
    package_ids: set[int] = set()
    for advisory in latest.values():
        row = await session.scalar(
            select(Advisory).where(Advisory.external_id == advisory.external_id)
        )
        if row is None:
            row = Advisory(external_id=advisory.external_id)
            session.add(row)
        else:  # the packages it affected before are re-evaluated too
            package_ids.update(
                await session.scalars(
                    select(AffectedPackage.package_id).where(AffectedPackage.advisory_id == row.id)
                )
            )
        row.aliases = advisory.aliases
        row.source = "osv"
        row.title = advisory.title
        row.details = advisory.details
        row.severity = advisory.severity
        row.published_at = advisory.published_at
        row.modified_at = advisory.modified_at
        row.withdrawn_at = advisory.withdrawn_at
        row.url = advisory.url
        await session.flush()
        await session.execute(delete(AffectedPackage).where(AffectedPackage.advisory_id == row.id))
        merged: dict[int, AffectedPackage] = {}
        for entry in advisory.affected:
            package_id = (await ensure_packages(session, entry.ecosystem, [entry.name]))[entry.name]
            target = merged.get(package_id)
            if target is None:
                merged[package_id] = AffectedPackage(
                    advisory_id=row.id,
                    advisory_uuid=row.uuid,
                    package_id=package_id,
                    ranges=entry.ranges,
                    versions=entry.versions,
                    fixed_versions=entry.fixed_versions,
                )
            else:  # one package named twice in `affected`: one row, all ranges
                target.ranges = [*target.ranges, *entry.ranges]
                target.versions = [*target.versions, *entry.versions]
                target.fixed_versions = [*target.fixed_versions, *entry.fixed_versions]
        session.add_all(merged.values())
        package_ids.update(merged)
    await session.flush()
    return package_ids


async def advisory_ranges(
    session: AsyncSession, package_ids: Iterable[int]
) -> dict[int, list[AdvisoryRange]]:
    """The advisory ranges of these packages, as the status engine reads them."""
    ids = set(package_ids)
    ranges: dict[int, list[AdvisoryRange]] = {package_id: [] for package_id in ids}
    rows = await session.execute(
        select(AffectedPackage, Advisory.external_id, Advisory.severity, Advisory.withdrawn_at)
        .join(Advisory, Advisory.id == AffectedPackage.advisory_id)
        .where(AffectedPackage.package_id.in_(ids))
        .order_by(AffectedPackage.package_id, Advisory.external_id)
    )
    for affected, external_id, severity, withdrawn_at in rows.tuples():
        entries = affected.ranges or [{"type": "ECOSYSTEM", "events": []}]
        for number, entry in enumerate(entries):
            ranges[affected.package_id].append(
                AdvisoryRange(
                    advisory_id=external_id,
                    events=tuple(
                        (kind, str(value))
                        for event in entry.get("events", [])
                        for kind, value in event.items()
                    ),
                    # Listed versions belong to the entry, not to each range: once is enough.
                    versions=tuple(affected.versions) if number == 0 else (),
                    severity=severity,
                    range_type=str(entry.get("type", "ECOSYSTEM")),
                    withdrawn=withdrawn_at is not None,
                )
            )
    return ranges


async def generic_releases(
    session: AsyncSession, package_ids: Iterable[int]
) -> dict[int, list[GenericRelease]]:
    """Known releases of non-Drupal packages: the catalog's, plus versions named in advisories."""
    ids = set(package_ids)
    known: dict[int, dict[str, GenericRelease]] = {package_id: {} for package_id in ids}
    rows = await session.execute(
        select(Release.package_id, Release.version, Release.released_at, Release.is_revoked).where(
            Release.package_id.in_(ids)
        )
    )
    for package_id, version, released_at, revoked in rows.tuples():
        date = int(released_at.timestamp()) if released_at else None
        known[package_id][version] = GenericRelease(version, date, bool(revoked))
    fixes = await session.execute(
        select(AffectedPackage.package_id, AffectedPackage.fixed_versions).where(
            AffectedPackage.package_id.in_(ids)
        )
    )
    for package_id, fixed_versions in fixes.tuples():
        for version in fixed_versions or []:
            known[package_id].setdefault(version, GenericRelease(version))
    return {package_id: list(versions.values()) for package_id, versions in known.items()}
