"""Patch cycles: a scope of sites and a deadline; at opening the open updates on those sites are
frozen as the cycle's targets, and snapshots and patch runs move each target on."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, and_, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Conflict, Invalid, NotFound, PermissionDenied
from patchwatch.events import service as events
from patchwatch.identity import service as identity
from patchwatch.identity.principal import Principal, system_principal
from patchwatch.patching.models import Cycle, CycleTarget
from patchwatch.patching.schemas import CycleCreate, CycleScope, CycleState, CycleUpdate, Progress
from patchwatch.sites import fleet
from patchwatch.sites.models import Site
from patchwatch.tenancy import scoped

_CHUNK = 1000


def cycles_query(actor: Principal, *, state: str | None = None) -> Select[Any]:
    """The cycles the caller may see: their organization's (the platform admin: all)."""
    stmt = scoped(select(Cycle), Cycle.organization_id, actor)
    if state is not None:
        stmt = stmt.where(Cycle.state == state)
    return stmt


async def get_cycle(session: AsyncSession, actor: Principal, cycle_uuid: uuid.UUID) -> Cycle:
    cycle: Cycle | None = await session.scalar(cycles_query(actor).where(Cycle.uuid == cycle_uuid))
    if cycle is None:
        raise NotFound("There is no such cycle.")
    return cycle


async def cycle_for_run(
    session: AsyncSession, actor: Principal, cycle_uuid: uuid.UUID | None, site: Site
) -> Cycle | None:
    """The cycle a run is recorded in: visible to the caller, not closed, covering the site's
    organization."""
    if cycle_uuid is None:
        return None
    cycle: Cycle | None = await session.scalar(cycles_query(actor).where(Cycle.uuid == cycle_uuid))
    if cycle is None or cycle.organization_id not in (None, site.organization_id):
        raise NotFound(
            "There is no such cycle for this site.",
            code="unknown_cycle",
            details=[{"field": "body.cycle_uuid"}],
        )
    if cycle.state == CycleState.closed:
        raise Conflict("The cycle is closed.", code="cycle_closed")
    return cycle


async def _organization_id(
    session: AsyncSession, actor: Principal, data: CycleCreate
) -> int | None:
    if data.all_organizations or data.organization_uuid:
        if not actor.is_platform_admin:
            raise PermissionDenied(
                "Only the platform admin can plan a cycle for another or every organization.",
                code="admin_only",
            )
        if data.all_organizations:
            return None
        assert data.organization_uuid is not None
        return (await identity.get_organization(session, actor, data.organization_uuid)).id
    return actor.organization_id


async def _check_scope(
    session: AsyncSession, organization_id: int | None, scope: CycleScope
) -> None:
    """Every site named in the scope exists in the cycle's organization (404 like any other)."""
    if not scope.site_uuids:
        return
    found = await fleet.visible_site_ids(session, organization_id, scope.site_uuids)
    missing = [str(u) for u in scope.site_uuids if u not in found]
    if missing:
        raise NotFound(
            "The scope names sites that do not exist.",
            code="unknown_sites",
            details=[{"field": "body.scope.site_uuids", "site_uuids": missing[:20]}],
        )


async def create_cycle(session: AsyncSession, actor: Principal, data: CycleCreate) -> Cycle:
    organization_id = await _organization_id(session, actor, data)
    await _check_scope(session, organization_id, data.scope)
    cycle = Cycle(
        uuid=uuid.uuid4(),
        organization_id=organization_id,
        name=data.name,
        description=data.description,
        scope=data.scope.model_dump(mode="json"),
        include_all_updates=data.include_all_updates,
        starts_at=data.starts_at,
        deadline=data.deadline,
        created_by=actor.actor_uuid,
    )
    session.add(cycle)
    await session.flush()
    await _record(session, actor, cycle, "cycle.created", {"name": cycle.name})
    return cycle


async def update_cycle(
    session: AsyncSession, actor: Principal, cycle: Cycle, changes: CycleUpdate
) -> Cycle:
    """A planned cycle can be changed; once open, its scope and targets are frozen."""
    if cycle.state != CycleState.planned:
        raise Conflict("Only a planned cycle can be changed.", code="cycle_not_planned")
    values = changes.model_dump(exclude_unset=True, mode="python")
    if "scope" in values:
        scope = changes.scope or CycleScope()
        await _check_scope(session, cycle.organization_id, scope)
        values["scope"] = scope.model_dump(mode="json")
    for key, value in values.items():
        if value is not None:
            setattr(cycle, key, value)
    if cycle.deadline <= cycle.starts_at:
        raise Invalid("deadline must be after starts_at.", details=[{"field": "body.deadline"}])
    await session.flush()
    await _record(session, actor, cycle, "cycle.updated", {"changed": sorted(values)})
    return cycle


async def delete_cycle(session: AsyncSession, actor: Principal, cycle: Cycle) -> None:
    if cycle.state != CycleState.planned:
        raise Conflict("Only a planned cycle can be deleted.", code="cycle_not_planned")
    await _record(session, actor, cycle, "cycle.deleted", {"name": cycle.name})
    await session.delete(cycle)


async def open_cycle(session: AsyncSession, actor: Principal, cycle: Cycle) -> Cycle:
    """Freeze the targets: every security update (or every update) open now on the sites in
    scope. Later snapshots and runs move them to done or failed."""
    if cycle.state != CycleState.planned:
        raise Conflict("Only a planned cycle can be opened.", code="cycle_not_planned")
    scope = CycleScope.model_validate(cycle.scope)
    site_ids = await fleet.site_ids_in_scope(
        session,
        cycle.organization_id,
        kinds=[k.value for k in scope.kinds],
        environments=[e.value for e in scope.environments],
        tags=scope.tags,
        site_uuids=scope.site_uuids,
    )
    findings = await fleet.open_findings(
        session, site_ids, include_all_updates=cycle.include_all_updates
    )
    rows = [
        {
            "cycle_id": cycle.id,
            "site_id": f.site_id,
            "organization_id": f.organization_id,
            "package_id": f.package_id,
            "from_version": f.version,
            "target_version": f.recommended_version,
            "status_at_open": f.status,
            "is_security": f.missing_security,
            "state": "remaining",
        }
        for f in findings
    ]
    table = cast(Table, CycleTarget.__table__)
    for start in range(0, len(rows), _CHUNK):
        await session.execute(insert(table), rows[start : start + _CHUNK])
    cycle.state, cycle.opened_at = CycleState.open.value, utcnow()
    await session.flush()
    await _record(
        session, actor, cycle, "cycle.opened", {"sites": len(site_ids), "targets": len(rows)}
    )
    return cycle


async def open_due_cycles(session: AsyncSession, now: datetime | None = None) -> int:
    """Open every planned cycle whose start has come (the scheduler's ``cycles-open`` job)."""
    due = list(
        await session.scalars(
            select(Cycle)
            .where(Cycle.state == CycleState.planned.value, Cycle.starts_at <= (now or utcnow()))
            .order_by(Cycle.starts_at, Cycle.id)
        )
    )
    for cycle in due:
        await open_cycle(session, system_principal("scheduler"), cycle)
    return len(due)


async def close_cycle(session: AsyncSession, actor: Principal, cycle: Cycle) -> Cycle:
    """Close an open cycle; its figures stay as they are now (the KPI reports read them)."""
    if cycle.state != CycleState.open:
        raise Conflict("Only an open cycle can be closed.", code="cycle_not_open")
    cycle.state, cycle.closed_at = CycleState.closed.value, utcnow()
    cycle.final_progress = (await progress(session, cycle)).model_dump()
    await session.flush()
    await _record(session, actor, cycle, "cycle.closed", cycle.final_progress)
    return cycle


async def _record(
    session: AsyncSession, actor: Principal, cycle: Cycle, action: str, changes: dict[str, Any]
) -> None:
    payload = {"cycle_uuid": str(cycle.uuid), "name": cycle.name, "state": cycle.state, **changes}
    events.emit(
        session,
        action,
        aggregate_type="cycle",
        aggregate_uuid=cycle.uuid,
        organization_id=cycle.organization_id,
        payload=payload,
    )
    await audit.record(
        session,
        actor,
        action,
        target_type="cycle",
        target_uuid=cycle.uuid,
        organization_id=cycle.organization_id,
        changes=changes,
    )


# --- progress -------------------------------------------------------------------------------------


def _progress_columns(deadline: datetime) -> list[Any]:
    state = CycleTarget.state
    done_on_time = and_(state == "done", CycleTarget.done_at <= deadline)
    return [
        func.count(),
        func.sum(case((state == "done", 1), else_=0)),
        func.sum(case((state == "remaining", 1), else_=0)),
        func.sum(case((state == "failed", 1), else_=0)),
        func.sum(case((done_on_time, 1), else_=0)),
    ]


def _progress(cycle: Cycle, row: Sequence[Any]) -> Progress:
    targets, done, remaining, failed, on_time = (int(v or 0) for v in row)
    now = cycle.closed_at or utcnow()
    return Progress(
        targets=targets,
        done=done,
        remaining=remaining,
        failed=failed,
        done_on_time=on_time,
        done_late=done - on_time,
        percent_done=round(100.0 * done / targets, 1) if targets else 100.0,
        late=now > cycle.deadline and remaining + failed > 0,
    )


async def progress(session: AsyncSession, cycle: Cycle) -> Progress:
    """Done / remaining / failed over every target, and whether the cycle is late."""
    row = (
        await session.execute(
            select(*_progress_columns(cycle.deadline)).where(CycleTarget.cycle_id == cycle.id)
        )
    ).one()
    return _progress(cycle, row)


def site_progress_query(cycle: Cycle) -> Select[Any]:
    """Per site of the cycle: the site and its counts (a page of it is a page of sites)."""
    return (
        select(CycleTarget.site_id, *_progress_columns(cycle.deadline))
        .where(CycleTarget.cycle_id == cycle.id)
        .group_by(CycleTarget.site_id)
    )


def site_progress(cycle: Cycle, row: Sequence[Any]) -> Progress:
    return _progress(cycle, row[1:])


def targets_query(cycle: Cycle, *, state: str | None = None) -> Select[Any]:
    stmt = select(CycleTarget).where(CycleTarget.cycle_id == cycle.id)
    if state is not None:
        stmt = stmt.where(CycleTarget.state == state)
    return stmt


# --- moved on by snapshots and runs --------------------------------------------------------------


async def _open_targets(session: AsyncSession, site_id: int) -> list[CycleTarget]:
    return list(
        await session.scalars(
            select(CycleTarget)
            .join(Cycle, Cycle.id == CycleTarget.cycle_id)
            .where(
                CycleTarget.site_id == site_id,
                CycleTarget.state != "done",
                Cycle.state == CycleState.open.value,
            )
        )
    )


async def mark_done(
    session: AsyncSession, site_id: int, observed_at: datetime, run_of: dict[int, int]
) -> None:
    """After a snapshot: a target whose update is no longer open (or whose package is gone) is
    done, credited to the run that changed the package."""
    targets = await _open_targets(session, site_id)
    if not targets:
        return
    installed = await fleet.installed_now(session, site_id, [t.package_id for t in targets])
    for target in targets:
        now = installed.get(target.package_id)
        still_open = now is not None and (
            now.missing_security
            if target.is_security
            else now.status in fleet.NEEDS_UPDATE and now.version == target.from_version
        )
        if not still_open:
            target.state, target.done_at = "done", observed_at
            target.patch_run_id = run_of.get(target.package_id, target.patch_run_id)


async def mark_failed(
    session: AsyncSession, site_id: int, packages: Sequence[tuple[str, str]], run_id: int
) -> None:
    """A run's failed items: the open cycles' targets for those packages on the site failed
    (until a later snapshot shows them done)."""
    ids = await fleet.package_ids_named(session, packages)
    if not ids:
        return
    open_cycles = select(Cycle.id).where(Cycle.state == CycleState.open.value)
    await session.execute(
        update(CycleTarget)
        .where(
            CycleTarget.site_id == site_id,
            CycleTarget.package_id.in_(list(ids.values())),
            CycleTarget.state == "remaining",
            CycleTarget.cycle_id.in_(open_cycles),
        )
        .values(state="failed", patch_run_id=run_id)
    )
