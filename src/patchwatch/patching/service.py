"""Patch runs: recorded by engineers and agents, detected from snapshots, confirmed by the next
snapshot. Cycles live in ``cycles.py``; this module's public face is these two files."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Conflict, Invalid, NotFound
from patchwatch.events import service as events
from patchwatch.identity.principal import Principal, system_principal
from patchwatch.patching import cycles
from patchwatch.patching.models import Cycle, MaintenanceRequest, PatchRun, PatchRunItem
from patchwatch.patching.schemas import (
    FINISHED,
    TRANSITIONS,
    ItemResult,
    PatchRunCreate,
    PatchRunItemIn,
    PatchRunUpdate,
    RunStatus,
)
from patchwatch.sites import service as sites
from patchwatch.sites.models import Site
from patchwatch.tenancy import scoped


@dataclass(frozen=True)
class VersionChange:
    """A package whose version a snapshot reported differently from the one before."""

    package_id: int
    ecosystem: str
    name: str
    from_version: str | None
    to_version: str | None


_DEFAULT_RESULT = {
    RunStatus.planned: ItemResult.pending,
    RunStatus.running: ItemResult.pending,
    RunStatus.succeeded: ItemResult.succeeded,
    RunStatus.failed: ItemResult.failed,
    RunStatus.rolled_back: ItemResult.failed,
}


async def _bound_site_id(session: AsyncSession, actor: Principal) -> int | None:
    """The site a site-bound API key is limited to (None: not limited)."""
    if actor.site_uuid is None:
        return None
    return (await sites.get_site(session, actor, actor.site_uuid)).id


async def patch_runs_query(
    session: AsyncSession,
    actor: Principal,
    *,
    site: Site | None = None,
    status: str | None = None,
    source: str | None = None,
    confirmation: str | None = None,
    cycle: Cycle | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[Any]:
    """The runs the caller may see, filtered (``since``/``until`` on when the run started)."""
    stmt = scoped(select(PatchRun), PatchRun.organization_id, actor)
    bound = await _bound_site_id(session, actor)
    if bound is not None:
        stmt = stmt.where(PatchRun.site_id == bound)
    filters = {
        PatchRun.site_id: site.id if site else None,
        PatchRun.status: status,
        PatchRun.source: source,
        PatchRun.confirmation: confirmation,
        PatchRun.cycle_id: cycle.id if cycle else None,
    }
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if since is not None:
        stmt = stmt.where(PatchRun.started_at >= since)
    if until is not None:
        stmt = stmt.where(PatchRun.started_at < until)
    return stmt


async def get_patch_run(session: AsyncSession, actor: Principal, run_uuid: uuid.UUID) -> PatchRun:
    stmt = await patch_runs_query(session, actor)
    run: PatchRun | None = await session.scalar(stmt.where(PatchRun.uuid == run_uuid))
    if run is None:
        raise NotFound("There is no such patch run.")
    return run


async def _maintenance_request_id(
    session: AsyncSession, site: Site, request_uuid: uuid.UUID | None
) -> int | None:
    if request_uuid is None:
        return None
    request_id = await session.scalar(
        select(MaintenanceRequest.id).where(
            MaintenanceRequest.uuid == request_uuid, MaintenanceRequest.site_id == site.id
        )
    )
    if request_id is None:
        raise NotFound(
            "There is no such maintenance request for this site.",
            code="unknown_maintenance_request",
            details=[{"field": "body.maintenance_request_uuid"}],
        )
    return request_id


def _items(items: Sequence[PatchRunItemIn], status: RunStatus) -> list[PatchRunItem]:
    return [
        PatchRunItem(
            ecosystem=item.ecosystem,
            package=item.package,
            from_version=item.from_version,
            to_version=item.to_version,
            result=(item.result or _DEFAULT_RESULT[status]).value,
        )
        for item in items
    ]


def _settle_times(run: PatchRun, now: datetime) -> None:
    """A running run has started; a finished one has finished (now, unless told when)."""
    if run.status != RunStatus.planned and run.started_at is None:
        run.started_at = run.finished_at if run.status in FINISHED and run.finished_at else now
    if run.status in FINISHED and run.finished_at is None:
        run.finished_at = now


def _await_confirmation(run: PatchRun) -> None:
    """A succeeded run that claims updates waits for the next snapshot to show them."""
    claims = any(i.result == ItemResult.succeeded and i.to_version for i in run.items)
    run.confirmation = (
        "pending" if run.status == RunStatus.succeeded and claims else "not_applicable"
    )
    run.confirmed_at = None
    for item in run.items:
        item.confirmed = None


def _payload(run: PatchRun, site: Site) -> dict[str, Any]:
    return {
        "patch_run_uuid": str(run.uuid),
        "site_uuid": str(site.uuid),
        "status": run.status,
        "source": run.source,
        "items": [
            {"package": i.package, "from": i.from_version, "to": i.to_version, "result": i.result}
            for i in run.items
        ],
    }


def _source(actor: Principal) -> str:
    return "api" if actor.kind == "api_key" else "manual"


async def record_patch_run(
    session: AsyncSession, actor: Principal, data: PatchRunCreate, *, source: str | None = None
) -> PatchRun:
    """Record a run on a site the caller may see; a succeeded one awaits confirmation."""
    site = await sites.get_site(session, actor, data.site_uuid)
    cycle = await cycles.cycle_for_run(session, actor, data.cycle_uuid, site)
    now = utcnow()
    run = PatchRun(
        uuid=uuid.uuid4(),
        organization_id=site.organization_id,
        site_id=site.id,
        cycle_id=cycle.id if cycle else None,
        maintenance_request_id=await _maintenance_request_id(
            session, site, data.maintenance_request_uuid
        ),
        source=source or _source(actor),
        status=data.status.value,
        started_at=data.started_at,
        finished_at=data.finished_at,
        log=data.log,
        external_id=data.external_id,
        actor_type=actor.kind,
        actor_uuid=actor.actor_uuid,
        actor_label=actor.label,
        items=_items(data.items, data.status),
    )
    _settle_times(run, now)
    _await_confirmation(run)
    session.add(run)
    await session.flush()
    await _after_change(session, actor, run, site, "patch_run.recorded")
    return run


async def update_patch_run(
    session: AsyncSession, actor: Principal, run: PatchRun, changes: PatchRunUpdate
) -> PatchRun:
    """Move a run on (planned → running → succeeded/failed; succeeded → rolled_back), add its
    times, log and items. A finished run's items are what happened: they no longer change."""
    site = await sites.get_site(session, actor, (await _site_uuid(session, run)))
    current = RunStatus(run.status)
    new = changes.status or current
    if new != current and new not in TRANSITIONS[current]:
        raise Conflict(
            f"A {current.value} run cannot become {new.value}.",
            code="invalid_transition",
            details=[{"field": "body.status", "from": current.value, "to": new.value}],
        )
    if changes.items is not None and current in FINISHED:
        raise Conflict("A finished run's items cannot change.", code="run_finished")
    for field in ("started_at", "finished_at", "log"):
        value = getattr(changes, field)
        if value is not None:
            setattr(run, field, value)
    if run.started_at and run.finished_at and run.finished_at < run.started_at:
        raise Invalid(
            "finished_at must not be before started_at.",
            details=[{"field": "body.finished_at"}],
        )
    run.status = new.value
    if changes.items is not None:
        run.items = _items(changes.items, new)
    elif new != current:
        for item in run.items:
            if item.result == ItemResult.pending or new == RunStatus.rolled_back:
                item.result = _DEFAULT_RESULT[new].value
    _settle_times(run, utcnow())
    if new != current or changes.items is not None:
        _await_confirmation(run)
    await session.flush()
    await _after_change(session, actor, run, site, "patch_run.updated")
    return run


async def _site_uuid(session: AsyncSession, run: PatchRun) -> uuid.UUID:
    site_uuid = await session.scalar(select(Site.uuid).where(Site.id == run.site_id))
    if site_uuid is None:
        raise NotFound("There is no such patch run.")
    return site_uuid


async def _after_change(
    session: AsyncSession, actor: Principal, run: PatchRun, site: Site, action: str
) -> None:
    payload = _payload(run, site)
    events.emit(
        session,
        action,
        aggregate_type="patch_run",
        aggregate_uuid=run.uuid,
        organization_id=run.organization_id,
        payload=payload,
    )
    await audit.record(
        session,
        actor,
        action,
        target_type="patch_run",
        target_uuid=run.uuid,
        organization_id=run.organization_id,
        changes={k: v for k, v in payload.items() if k != "items"},
    )
    failed = [(i.ecosystem, i.package) for i in run.items if i.result == ItemResult.failed]
    if failed and run.status in FINISHED:
        await cycles.mark_failed(session, site.id, failed, run.id)


# --- what snapshots tell -------------------------------------------------------------------------


async def reconcile_snapshot(
    session: AsyncSession,
    site: Site,
    *,
    snapshot_id: int,
    observed_at: datetime,
    previous_at: datetime | None,
    versions: dict[tuple[str, str], str | None],
    changes: Sequence[VersionChange],
) -> None:
    """After a snapshot is applied: confirm (or flag) the succeeded runs that await it, record
    the version changes no run explains as a ``detected`` run, and move cycle targets on."""
    explained = await _confirm_pending(session, site, observed_at, versions)
    unexplained = [c for c in changes if (c.ecosystem, c.name, c.to_version) not in explained]
    run_of: dict[int, int] = {
        c.package_id: explained[(c.ecosystem, c.name, c.to_version)]
        for c in changes
        if (c.ecosystem, c.name, c.to_version) in explained
    }
    if unexplained:
        run = await _record_detected(
            session, site, snapshot_id, observed_at, previous_at, unexplained
        )
        run_of.update({c.package_id: run.id for c in unexplained})
    await cycles.mark_done(session, site.id, observed_at, run_of)


async def _confirm_pending(
    session: AsyncSession,
    site: Site,
    observed_at: datetime,
    versions: dict[tuple[str, str], str | None],
) -> dict[tuple[str, str, str | None], int]:
    """Judge each succeeded run finished before this snapshot; what each confirmed item
    explains: (ecosystem, package, version) -> run id."""
    runs = await session.scalars(
        select(PatchRun).where(
            PatchRun.site_id == site.id,
            PatchRun.confirmation == "pending",
            PatchRun.finished_at <= observed_at,
        )
    )
    explained: dict[tuple[str, str, str | None], int] = {}
    for run in runs:
        claimed = [i for i in run.items if i.result == ItemResult.succeeded and i.to_version]
        for item in claimed:
            item.confirmed = versions.get((item.ecosystem, item.package)) == item.to_version
            if item.confirmed:
                explained[(item.ecosystem, item.package, item.to_version)] = run.id
        run.confirmation = "confirmed" if all(i.confirmed for i in claimed) else "unconfirmed"
        run.confirmed_at = observed_at
        payload = _payload(run, site)
        payload["not_shown"] = [
            {
                "package": i.package,
                "claimed": i.to_version,
                "installed": versions.get((i.ecosystem, i.package)),
            }
            for i in claimed
            if not i.confirmed
        ]
        events.emit(
            session,
            f"patch_run.{run.confirmation}",
            aggregate_type="patch_run",
            aggregate_uuid=run.uuid,
            organization_id=run.organization_id,
            payload=payload,
        )
    return explained


async def _record_detected(
    session: AsyncSession,
    site: Site,
    snapshot_id: int,
    observed_at: datetime,
    previous_at: datetime | None,
    changes: Sequence[VersionChange],
) -> PatchRun:
    actor = system_principal("snapshot")
    run = PatchRun(
        uuid=uuid.uuid4(),
        organization_id=site.organization_id,
        site_id=site.id,
        source="detected",
        status=RunStatus.succeeded.value,
        # Somewhere between the two snapshots: the earliest it can have started.
        started_at=previous_at or observed_at,
        finished_at=observed_at,
        confirmation="confirmed",
        confirmed_at=observed_at,
        detected_from_snapshot_id=snapshot_id,
        actor_type=actor.kind,
        actor_label=actor.label,
        items=[
            PatchRunItem(
                ecosystem=c.ecosystem,
                package=c.name,
                from_version=c.from_version,
                to_version=c.to_version,
                result=ItemResult.succeeded.value,
                confirmed=True,
            )
            for c in changes
        ],
    )
    session.add(run)
    await session.flush()
    events.emit(
        session,
        "patch_run.detected",
        aggregate_type="patch_run",
        aggregate_uuid=run.uuid,
        organization_id=run.organization_id,
        payload=_payload(run, site),
    )
    return run


# --- reading --------------------------------------------------------------------------------------


async def run_references(
    session: AsyncSession, runs: Sequence[PatchRun]
) -> dict[str, dict[int, uuid.UUID]]:
    """The uuids a list of runs names: sites, cycles, maintenance requests (one query each)."""
    site_ids = {r.site_id for r in runs}
    cycle_ids = {r.cycle_id for r in runs if r.cycle_id}
    request_ids = {r.maintenance_request_id for r in runs if r.maintenance_request_id}
    refs: dict[str, dict[int, uuid.UUID]] = {"site": {}, "cycle": {}, "maintenance_request": {}}
    if site_ids:
        rows = await session.execute(select(Site.id, Site.uuid).where(Site.id.in_(site_ids)))
        refs["site"] = dict(rows.tuples().all())
    if cycle_ids:
        rows = await session.execute(select(Cycle.id, Cycle.uuid).where(Cycle.id.in_(cycle_ids)))
        refs["cycle"] = dict(rows.tuples().all())
    if request_ids:
        rows = await session.execute(
            select(MaintenanceRequest.id, MaintenanceRequest.uuid).where(
                MaintenanceRequest.id.in_(request_ids)
            )
        )
        refs["maintenance_request"] = dict(rows.tuples().all())
    return refs


def package_updates_query(
    site: Site, *, ecosystem: str | None = None, package: str | None = None
) -> Select[Any]:
    """Every item of the site's runs (the caller has been allowed to see the site)."""
    stmt = (
        select(PatchRunItem, PatchRun)
        .join(PatchRun, PatchRun.id == PatchRunItem.patch_run_id)
        .where(PatchRun.site_id == site.id)
    )
    if ecosystem:
        stmt = stmt.where(PatchRunItem.ecosystem == ecosystem)
    if package:
        stmt = stmt.where(PatchRunItem.package == package)
    return cast("Select[Any]", stmt)


async def latest_run_changing(session: AsyncSession, site_id: int, package: str) -> PatchRun | None:
    """The newest succeeded run of a site that updated ``package`` (an item that succeeded)."""
    stmt = (
        select(PatchRun)
        .join(PatchRunItem, PatchRunItem.patch_run_id == PatchRun.id)
        .where(
            PatchRun.site_id == site_id,
            PatchRun.status == RunStatus.succeeded.value,
            PatchRunItem.package == package,
            PatchRunItem.result == ItemResult.succeeded.value,
        )
        .order_by(
            func.coalesce(PatchRun.finished_at, PatchRun.started_at, PatchRun.created_at).desc(),
            PatchRun.id.desc(),
        )
        .limit(1)
    )
    run: PatchRun | None = await session.scalar(stmt)
    return run


async def run_uuids(session: AsyncSession, run_ids: Sequence[int]) -> dict[int, uuid.UUID]:
    if not run_ids:
        return {}
    rows = await session.execute(
        select(PatchRun.id, PatchRun.uuid).where(PatchRun.id.in_(set(run_ids)))
    )
    return dict(rows.tuples().all())
