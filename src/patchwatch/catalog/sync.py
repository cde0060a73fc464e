"""`patchwatch catalog sync`: fetch the release history of every Drupal project in use.

For each Drupal package installed on some site, ``GET {base}/{project}/current`` with the
validators of the last fetch (``If-None-Match``, ``If-Modified-Since``): a 304 changes nothing,
a 200 replaces the project's releases. Fetches run a few at a time; each batch of projects is
stored and its installed packages re-evaluated (set-based) in one transaction, so a crash
loses at most the batch in flight and never leaves a feed half-stored. A project that fails
(network, HTTP error, oversized or hostile XML) keeps its last good releases and gets the reason
in ``packages.feed_error``; one ``catalog_sync_failed`` event lists the failures.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import structlog
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch import __version__
from patchwatch.catalog import service as catalog
from patchwatch.catalog.drupal_feed import MAX_FEED_BYTES, FeedError, parse_release_history
from patchwatch.catalog.models import Package
from patchwatch.db import Database, utcnow
from patchwatch.events import service as events
from patchwatch.settings import Settings
from patchwatch.sites.models import InstalledPackage
from patchwatch.status import service as status
from patchwatch.status.types import ProjectFeed

log = structlog.get_logger(__name__)

PROJECT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,127}$")  # Drupal machine names
BATCH = 50
MAX_FAILURES_IN_EVENT = 50


@dataclass(frozen=True)
class Fetched:
    """The outcome of one project's fetch."""

    project: str
    outcome: str  # updated | not_modified | failed
    feed: ProjectFeed | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


@dataclass
class SyncResult:
    checked: int = 0
    updated: int = 0
    not_modified: int = 0
    failed: int = 0
    skipped: int = 0  # names that cannot be Drupal projects (custom code reported by agents)
    installed_packages_changed: int = 0
    events: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "updated": self.updated,
            "not_modified": self.not_modified,
            "failed": self.failed,
            "skipped": self.skipped,
            "installed_packages_changed": self.installed_packages_changed,
            "events": self.events,
        }


async def _projects(session: AsyncSession, names: Sequence[str] | None) -> list[Package]:
    stmt = select(Package).where(Package.ecosystem == catalog.DRUPAL)
    if names:  # named projects are fetched even if no site runs them yet
        await catalog.ensure_packages(session, catalog.DRUPAL, names)
        await session.commit()
        stmt = stmt.where(Package.name.in_(set(names)))
    else:
        stmt = stmt.where(exists().where(InstalledPackage.package_id == Package.id))
    return list(await session.scalars(stmt.order_by(Package.name)))


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise FeedError(f"the feed is larger than {limit} bytes")
    return bytes(body)


async def fetch_one(
    http: httpx.AsyncClient, base: str, project: str, etag: str | None, last_modified: str | None
) -> Fetched:
    """Fetch one project's feed, conditionally; never raises."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    url = f"{base.rstrip('/')}/{quote(project)}/current"
    try:
        async with http.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return Fetched(project, "not_modified", etag=etag, last_modified=last_modified)
            if response.status_code != 200:
                return Fetched(project, "failed", error=f"HTTP {response.status_code} from {url}")
            body = await _read_capped(response, MAX_FEED_BYTES)
            new_etag = response.headers.get("ETag")
            new_last_modified = response.headers.get("Last-Modified")
        feed = parse_release_history(body)
    except FeedError as exc:
        return Fetched(project, "failed", error=f"refused: {exc}")
    except httpx.HTTPError as exc:
        return Fetched(project, "failed", error=f"{type(exc).__name__} fetching {url}: {exc}")
    if feed.project_status == "not-fetched":
        return Fetched(project, "failed", error=f"an empty answer from {url}")
    if feed.short_name not in (None, project):
        return Fetched(project, "failed", error=f"the feed is about {feed.short_name!r}")
    return Fetched(project, "updated", feed, new_etag, new_last_modified)


async def _store(session: AsyncSession, package: Package, fetched: Fetched) -> bool:
    """Record one fetch; True when the package's releases changed."""
    if fetched.outcome == "updated" and fetched.feed is not None:
        await catalog.store_drupal_feed(
            session,
            fetched.feed,
            name=package.name,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )
        return True
    package.feed_fetched_at = utcnow()
    if fetched.outcome == "failed":
        package.feed_error = (fetched.error or "failed")[:2000]
    else:
        package.feed_error = None
    return False


def _client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=settings.catalog_sync_timeout_seconds,
        follow_redirects=True,
        headers={"User-Agent": f"Patchwatch/{__version__} (release-history sync)"},
        limits=httpx.Limits(max_connections=settings.catalog_sync_concurrency),
    )


async def sync_drupal_catalog(
    database: Database, settings: Settings, *, projects: Sequence[str] | None = None
) -> SyncResult:
    """Fetch the feeds of the Drupal projects in use (or of ``projects``) and re-evaluate."""
    result = SyncResult()
    async with database.sessionmaker() as session:
        packages = await _projects(session, projects)
    wanted = [p for p in packages if PROJECT_NAME.match(p.name)]
    result.skipped = len(packages) - len(wanted)
    gate = asyncio.Semaphore(settings.catalog_sync_concurrency)
    base = settings.drupal_release_history_url

    async def fetch(http: httpx.AsyncClient, package: Package) -> Fetched:
        async with gate:
            return await fetch_one(
                http, base, package.name, package.feed_etag, package.feed_last_modified
            )

    async with _client(settings) as http:
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            fetched = await asyncio.gather(*(fetch(http, package) for package in batch))
            await _store_batch(database, batch, fetched, result)
    if result.failures:
        async with database.sessionmaker() as session:
            events.emit(
                session,
                "catalog_sync_failed",
                aggregate_type="catalog",
                aggregate_uuid=None,
                organization_id=None,
                payload={
                    **result.figures(),
                    "failures": result.failures[:MAX_FAILURES_IN_EVENT],
                },
            )
            await session.commit()
        result.events += 1
    log.info("catalog_sync_finished", **result.figures())
    return result


async def _store_batch(
    database: Database, batch: list[Package], fetched: list[Fetched], result: SyncResult
) -> None:
    async with database.sessionmaker() as session:
        changed = []
        for package, outcome in zip(batch, fetched, strict=True):
            attached = await session.get_one(Package, package.id)
            if await _store(session, attached, outcome):
                changed.append(package.id)
            result.checked += 1
            if outcome.outcome == "updated":
                result.updated += 1
            elif outcome.outcome == "not_modified":
                result.not_modified += 1
            else:
                result.failed += 1
                result.failures.append({"package": package.name, "error": outcome.error or ""})
        if changed:
            reevaluated = await status.reevaluate_packages(session, changed)
            result.installed_packages_changed += reevaluated.changed
            result.events += reevaluated.events
        await session.commit()
