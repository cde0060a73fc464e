"""Processing snapshots into installed packages. Idempotent: safe to run twice.

On the embedded default a snapshot is processed in this process right after the response, and
every snapshot still ``received`` at start-up is processed again (nothing is lost in a crash).
Snapshots of one site are processed one at a time (an in-process lock, and on PostgreSQL a row
lock on the site across processes); one older than a snapshot already applied is marked
``processed`` with result ``superseded`` and changes nothing.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import structlog
from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.catalog import service as catalog
from patchwatch.catalog.models import Package
from patchwatch.db import Database, utcnow
from patchwatch.errors import DomainError
from patchwatch.events import service as events
from patchwatch.patching import service as patching
from patchwatch.sites import connector_format, formats
from patchwatch.sites.ingest import raw_body
from patchwatch.sites.models import InstalledPackage, Site, Snapshot
from patchwatch.status import service as status

log = structlog.get_logger(__name__)
_CHUNK = 500
_ATTEMPTS = 3
_INTERNAL = "Internal error while processing (%s); see the server log."
_site_locks: dict[int, tuple[asyncio.Lock, int]] = {}
_background: set[asyncio.Task[None]] = set()
# Snapshots processed at the same time by one process: a burst of pushes queues here instead of
# taking every connection of the pool (the pushes themselves need connections too).
CONCURRENT_PROCESSING = 4
_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(CONCURRENT_PROCESSING)
    return gate


@asynccontextmanager
async def _site_lock(site_id: int) -> AsyncIterator[None]:
    """One processing at a time per site in this process (the lock is dropped when idle)."""
    lock, users = _site_locks.get(site_id, (asyncio.Lock(), 0))
    _site_locks[site_id] = (lock, users + 1)
    try:
        async with lock:
            yield
    finally:
        lock, users = _site_locks[site_id]
        if users <= 1:
            del _site_locks[site_id]
        else:
            _site_locks[site_id] = (lock, users - 1)


def schedule(database: Database, snapshot_id: int) -> None:
    """Process a snapshot soon, in this process (keeps a reference so the task is not lost)."""
    task = asyncio.create_task(process_snapshot(database, snapshot_id))
    _background.add(task)
    task.add_done_callback(_background.discard)


async def wait_idle() -> None:
    """Wait for the snapshots scheduled in this process (shutdown, tests)."""
    while _background:
        await asyncio.gather(*list(_background), return_exceptions=True)


async def resume_pending(database: Database) -> int:
    """Schedule every snapshot that was received but never processed (after a crash)."""
    async with database.sessionmaker() as session:
        ids = list(
            await session.scalars(
                select(Snapshot.id)
                .where(Snapshot.status == "received")
                .order_by(Snapshot.received_at, Snapshot.id)
            )
        )
    for snapshot_id in ids:
        schedule(database, snapshot_id)
    if ids:
        log.info("snapshots_resumed", count=len(ids))
    return len(ids)


async def process_snapshot(database: Database, snapshot_id: int) -> None:
    """Process one snapshot; on any error roll back and mark it ``failed`` with the reason."""
    async with _gate():
        await _process_one(database, snapshot_id)


async def _process_one(database: Database, snapshot_id: int) -> None:
    async with database.sessionmaker() as session:
        site_id = await session.scalar(
            select(Snapshot.site_id).where(
                Snapshot.id == snapshot_id, Snapshot.status == "received"
            )
        )
    if site_id is None:
        return
    async with _site_lock(site_id):
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                async with database.sessionmaker() as session:
                    await _process(session, snapshot_id, site_id)
                    await session.commit()
                return
            except (OperationalError, PoolTimeout):
                if attempt == _ATTEMPTS:
                    log.exception("snapshot_failed", snapshot_id=snapshot_id)
                    await _mark_failed(database, snapshot_id, _INTERNAL % "database busy")
                    return
                # A busy or locked database (SQLite's single writer), or no free connection in
                # the pool: try again shortly.
                await asyncio.sleep(0.2 * attempt)
            except DomainError as exc:
                await _mark_failed(database, snapshot_id, exc.message)
                return
            except Exception as exc:
                log.exception("snapshot_failed", snapshot_id=snapshot_id)
                await _mark_failed(database, snapshot_id, _INTERNAL % type(exc).__name__)
                return


async def _mark_failed(database: Database, snapshot_id: int, reason: str) -> None:
    async with database.sessionmaker() as session:
        await session.execute(
            update(Snapshot)
            .where(Snapshot.id == snapshot_id, Snapshot.status == "received")
            .values(status="failed", failure_reason=reason[:2000], processed_at=utcnow())
        )
        await session.commit()


async def _newer_applied(session: AsyncSession, snapshot: Snapshot) -> uuid.UUID | None:
    """A processed snapshot of the same site that is newer (received, or collected, later)."""
    newer_collected: ColumnElement[bool] = (
        and_(
            Snapshot.collected_at.is_not(None),
            Snapshot.collected_at > snapshot.collected_at,
        )
        if snapshot.collected_at is not None
        else false()
    )
    return await session.scalar(
        select(Snapshot.uuid)
        .where(
            Snapshot.site_id == snapshot.site_id,
            Snapshot.id != snapshot.id,
            Snapshot.status == "processed",
            Snapshot.package_count.is_not(None),  # applied, not itself superseded
            or_(Snapshot.received_at > snapshot.received_at, newer_collected),
        )
        .limit(1)
    )


async def _process(session: AsyncSession, snapshot_id: int, site_id: int) -> None:
    # The site row lock serialises processing of one site across processes (PostgreSQL).
    site = await session.scalar(select(Site).where(Site.id == site_id).with_for_update())
    snapshot = await session.scalar(
        select(Snapshot).where(Snapshot.id == snapshot_id).execution_options(populate_existing=True)
    )
    if site is None or snapshot is None or snapshot.status != "received":
        return  # processed meanwhile (twice is harmless)
    now = utcnow()
    newer = await _newer_applied(session, snapshot)
    if newer is not None:
        snapshot.status, snapshot.processed_at = "processed", now
        snapshot.result = {"superseded": True, "superseded_by": str(newer)}
        return
    if snapshot.format == connector_format.FORMAT:
        inventory, full = connector_format.parse_stored(raw_body(snapshot))
    else:
        inventory, full = formats.parse(snapshot.format, raw_body(snapshot)), True
    # A version was on the site when the inventory was collected; a clock ahead of ours is not
    # believed (the future would shorten exposures).
    seen_at = min(snapshot.collected_at or now, now)
    applied = await apply_inventory(session, site, inventory.packages, seen_at=seen_at, full=full)
    await patching.reconcile_snapshot(
        session,
        site,
        snapshot_id=snapshot.id,
        observed_at=snapshot.collected_at or snapshot.received_at,
        previous_at=await _previous_observed_at(session, snapshot),
        versions=applied.versions,
        changes=applied.version_changes,
    )
    site.last_snapshot_at = snapshot.received_at
    snapshot.status, snapshot.processed_at = "processed", now
    snapshot.package_count = len(inventory.packages)
    snapshot.result = {**applied.counts, "unknown_versions": inventory.unknown_versions}


async def _previous_observed_at(session: AsyncSession, snapshot: Snapshot) -> datetime | None:
    """When the site's inventory was last seen before this snapshot (collected, else received)."""
    observed: datetime | None = await session.scalar(
        select(func.coalesce(Snapshot.collected_at, Snapshot.received_at))
        .where(
            Snapshot.site_id == snapshot.site_id,
            Snapshot.id != snapshot.id,
            Snapshot.status == "processed",
            Snapshot.package_count.is_not(None),
        )
        .order_by(Snapshot.received_at.desc(), Snapshot.id.desc())
        .limit(1)
    )
    return observed


@dataclass(frozen=True)
class Applied:
    counts: dict[str, int]
    version_changes: list[patching.VersionChange]
    # Every package's version after applying (a partial push keeps the unreported ones).
    versions: dict[tuple[str, str], str | None]


async def _existing(session: AsyncSession, site_id: int) -> dict[tuple[str, str], Any]:
    """The site's installed packages by (ecosystem, name), with what a snapshot may change."""
    rows = await session.execute(
        select(
            InstalledPackage.id,
            InstalledPackage.package_id,
            Package.ecosystem,
            Package.name,
            InstalledPackage.version,
            InstalledPackage.package_type,
            InstalledPackage.enabled,
            InstalledPackage.version_seen_at,
            InstalledPackage.missing_security,
        )
        .join(Package, Package.id == InstalledPackage.package_id)
        .where(InstalledPackage.site_id == site_id)
    )
    return {(row.ecosystem, row.name): row for row in rows}


async def _package_ids(
    session: AsyncSession, packages: list[formats.InventoryPackage]
) -> dict[tuple[str, str], int]:
    by_ecosystem: defaultdict[str, list[str]] = defaultdict(list)
    for package in packages:
        by_ecosystem[package.ecosystem].append(package.name)
    ids: dict[tuple[str, str], int] = {}
    for ecosystem, names in by_ecosystem.items():
        for name, package_id in (await catalog.ensure_packages(session, ecosystem, names)).items():
            ids[(ecosystem, name)] = package_id
    return ids


def _change(row: Any, package: formats.InventoryPackage, seen_at: datetime) -> dict[str, Any]:
    """The new values of an installed package reported differently (all columns: one shape)."""
    return {
        "_id": row.id,
        "version": package.version,
        "package_type": package.package_type,
        "enabled": package.enabled,
        # A new version restarts the clock of "since when is this version installed".
        "version_seen_at": seen_at if row.version != package.version else row.version_seen_at,
    }


async def apply_inventory(
    session: AsyncSession,
    site: Site,
    packages: list[formats.InventoryPackage],
    *,
    seen_at: datetime,
    full: bool = True,
) -> Applied:
    """Make the site's installed packages match the inventory, in a few set-based statements.

    One SELECT of what is there; bulk INSERT of the new (their catalog packages created as
    needed), one executemany UPDATE of the changed, DELETE of the absent; a package reported as
    before is not written. Then the status module recomputes statuses, exposure and deadlines.
    """
    wanted = {(p.ecosystem, p.name): p for p in packages}
    existing = await _existing(session, site.id)
    new = [package for key, package in wanted.items() if key not in existing]
    ids = await _package_ids(session, new)
    inserts = [
        {
            "site_id": site.id,
            "organization_id": site.organization_id,
            "package_id": ids[(package.ecosystem, package.name)],
            "version": package.version,
            "package_type": package.package_type,
            "enabled": package.enabled,
            "first_seen_at": seen_at,
            "version_seen_at": seen_at,
        }
        for package in new
    ]
    changes = [
        _change(row, package, seen_at)
        for key, row in existing.items()
        if (package := wanted.get(key)) is not None
        and (row.version, row.package_type, row.enabled)
        != (package.version, package.package_type, package.enabled)
    ]
    # A partial inventory (``full=False``) only adds and updates: nothing is removed.
    removed = [row for key, row in existing.items() if key not in wanted] if full else []
    table = cast(Table, InstalledPackage.__table__)
    for start in range(0, len(inserts), _CHUNK):
        await session.execute(insert(table), inserts[start : start + _CHUNK])
    if changes:
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in changes[0] if name != "_id"})
        )
        await session.execute(statement, changes)
    if removed:
        await _resolve_removed(session, site, removed, seen_at)
        removed_ids = [row.id for row in removed]
        for start in range(0, len(removed_ids), _CHUNK):
            chunk = removed_ids[start : start + _CHUNK]
            await session.execute(delete(table).where(table.c.id.in_(chunk)))
    await status.refresh_site(session, site.id, seen_at=seen_at)
    if not wanted and full:
        # Nothing left to count: the status recompute only sees sites that have packages.
        for column, value in status.EMPTY_SUMMARY.items():
            setattr(site, column, value)
    version_changes = [
        patching.VersionChange(row.package_id, *key, row.version, wanted[key].version)
        for key, row in existing.items()
        if key in wanted and row.version != wanted[key].version
    ]
    counts = {"added": len(inserts), "updated": len(version_changes), "removed": len(removed)}
    versions = {key: row.version for key, row in existing.items() if not full}
    versions.update({key: package.version for key, package in wanted.items()})
    return Applied(counts, version_changes, versions)


async def _resolve_removed(
    session: AsyncSession, site: Site, removed: list[Any], seen_at: datetime
) -> None:
    """A package removed while it missed a security release: its finding is resolved."""
    insecure = [row for row in removed if row.missing_security]
    if not insecure:
        return
    names = dict(
        (
            await session.execute(
                select(Package.id, Package.name).where(
                    Package.id.in_([row.package_id for row in insecure])
                )
            )
        )
        .tuples()
        .all()
    )
    for row in insecure:
        events.emit(
            session,
            "security_update_resolved",
            aggregate_type="site",
            aggregate_uuid=site.uuid,
            organization_id=site.organization_id,
            payload={
                "site_uuid": str(site.uuid),
                "package": names.get(row.package_id),
                "version": row.version,
                "resolution": "removed",
                "resolved_at": seen_at.isoformat(),
            },
        )
