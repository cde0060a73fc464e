"""Processing snapshots into installed packages. Idempotent: safe to run twice.

On the embedded default a snapshot is processed in this process right after the response, and
every snapshot still ``received`` at start-up is processed again (nothing is lost in a crash).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import structlog
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.catalog import service as catalog
from patchwatch.db import Database, utcnow
from patchwatch.events.models import OutboxEvent
from patchwatch.sites import formats
from patchwatch.sites.ingest import raw_body
from patchwatch.sites.models import InstalledPackage, Site, Snapshot
from patchwatch.status import service as status

log = structlog.get_logger(__name__)
_site_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
_background: set[asyncio.Task[None]] = set()


def schedule(database: Database, snapshot_id: int) -> None:
    """Process a snapshot soon, in this process (keeps a reference so the task is not lost)."""
    task = asyncio.create_task(process_snapshot(database, snapshot_id))
    _background.add(task)
    task.add_done_callback(_background.discard)


async def resume_pending(database: Database) -> int:
    """Schedule every snapshot that was received but never processed (after a crash)."""
    async with database.sessionmaker() as session:
        ids = list(
            await session.scalars(
                select(Snapshot.id).where(Snapshot.status == "received").order_by(Snapshot.id)
            )
        )
    for snapshot_id in ids:
        schedule(database, snapshot_id)
    return len(ids)


async def process_snapshot(database: Database, snapshot_id: int) -> None:
    async with database.sessionmaker() as session:
        snapshot = await session.get(Snapshot, snapshot_id)
        if snapshot is None or snapshot.status != "received":
            return
        site_id = snapshot.site_id
    async with _site_locks[site_id]:
        try:
            async with database.sessionmaker() as session:
                await _process(session, snapshot_id)
                await session.commit()
        except Exception as exc:
            log.exception("snapshot_failed", snapshot_id=snapshot_id)
            async with database.sessionmaker() as session:
                await session.execute(
                    update(Snapshot)
                    .where(Snapshot.id == snapshot_id)
                    .values(status="failed", failure_reason=str(exc)[:2000], processed_at=utcnow())
                )
                await session.commit()


async def _process(session: AsyncSession, snapshot_id: int) -> None:
    snapshot = await session.get_one(Snapshot, snapshot_id)
    if snapshot.status != "received":
        return
    now = utcnow()
    newer = await session.scalar(
        select(Snapshot.id).where(
            Snapshot.site_id == snapshot.site_id,
            Snapshot.status == "processed",
            Snapshot.received_at > snapshot.received_at,
        )
    )
    if newer is not None:
        snapshot.status, snapshot.processed_at = "processed", now
        snapshot.result = {"superseded": True}
        return
    inventory = formats.parse(snapshot.format, raw_body(snapshot))
    result = await apply_inventory(session, snapshot, inventory.packages, seen_at=now)
    snapshot.status, snapshot.processed_at = "processed", now
    snapshot.package_count = len(inventory.packages)
    snapshot.result = result


async def apply_inventory(
    session: AsyncSession,
    snapshot: Snapshot,
    packages: list[formats.InventoryPackage],
    *,
    seen_at: Any,
) -> dict[str, int]:
    """Make the site's installed packages match the inventory, in a few set-based statements."""
    ids: dict[tuple[str, str], int] = {}
    by_ecosystem: defaultdict[str, list[str]] = defaultdict(list)
    for package in packages:
        by_ecosystem[package.ecosystem].append(package.name)
    for ecosystem, names in by_ecosystem.items():
        for name, package_id in (await catalog.ensure_packages(session, ecosystem, names)).items():
            ids[(ecosystem, name)] = package_id
    wanted = {ids[(p.ecosystem, p.name)]: p for p in packages}
    existing = {
        row.package_id: row
        for row in await session.scalars(
            select(InstalledPackage).where(InstalledPackage.site_id == snapshot.site_id)
        )
    }
    inserts, updates = [], []
    for package_id, package in wanted.items():
        row = existing.get(package_id)
        if row is None:
            inserts.append(
                {
                    "site_id": snapshot.site_id,
                    "organization_id": snapshot.organization_id,
                    "package_id": package_id,
                    "version": package.version,
                    "package_type": package.package_type,
                    "enabled": package.enabled,
                    "status": "unknown",
                    "security_updates": [],
                    "missing_security": False,
                    "first_seen_at": seen_at,
                    "version_seen_at": seen_at,
                    "status_changed_at": seen_at,
                    "last_seen_at": seen_at,
                }
            )
            continue
        change: dict[str, Any] = {
            "id": row.id,
            "last_seen_at": seen_at,
            "package_type": package.package_type,
            "enabled": package.enabled,
        }
        if row.version != package.version:
            change.update(version=package.version, version_seen_at=seen_at)
        updates.append(change)
    removed = [row for package_id, row in existing.items() if package_id not in wanted]
    if inserts:
        await session.execute(insert(InstalledPackage), inserts)
    if updates:
        await session.execute(update(InstalledPackage), updates)
    if removed:
        await _record_resolved_by_removal(session, snapshot, removed, seen_at)
        await session.execute(
            delete(InstalledPackage).where(InstalledPackage.id.in_([r.id for r in removed]))
        )
    site = await session.get_one(Site, snapshot.site_id)
    site.last_snapshot_at = seen_at
    changed = await status.refresh_site(session, snapshot.site_id, seen_at=seen_at)
    if not wanted:
        site.worst_status = "unknown"
    return {
        "added": len(inserts),
        "updated": sum(1 for u in updates if "version" in u),
        "removed": len(removed),
        "status_changes": changed,
    }


async def _record_resolved_by_removal(
    session: AsyncSession, snapshot: Snapshot, removed: list[InstalledPackage], now: Any
) -> None:
    site = await session.get_one(Site, snapshot.site_id)
    events = [
        {
            "event_type": "security_update_resolved",
            "aggregate_type": "site",
            "aggregate_uuid": site.uuid,
            "organization_id": snapshot.organization_id,
            "occurred_at": now,
            "version": 1,
            "payload": {
                "site_uuid": str(site.uuid),
                "package_id": row.package_id,
                "version": row.version,
                "resolution": "removed",
            },
        }
        for row in removed
        if row.missing_security
    ]
    if events:
        import uuid

        for event in events:
            event["uuid"] = uuid.uuid4()
        await session.execute(insert(OutboxEvent), events)
