"""The catalog: packages, releases and the feeds the status engine reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.catalog.models import Package, Release
from patchwatch.db import insert_ignoring_conflicts, utcnow
from patchwatch.status.types import FeedRelease, ProjectFeed

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
