"""Patch runs and cycles."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import AwareDatetime
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.api.deps import SessionDep, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import (
    PageParams,
    fetch_page,
    fetch_rows_page,
    list_envelope,
    page_params,
)
from patchwatch.identity.principal import Principal
from patchwatch.patching import cycles
from patchwatch.patching import service as patching
from patchwatch.patching.models import Cycle, CycleTarget, PatchRun, PatchRunItem
from patchwatch.patching.schemas import (
    Actor,
    Confirmation,
    CycleCreate,
    CycleOut,
    CycleScope,
    CycleSiteProgress,
    CycleState,
    CycleTargetOut,
    CycleUpdate,
    PackageUpdateOut,
    PatchRunCreate,
    PatchRunItemOut,
    PatchRunOut,
    PatchRunUpdate,
    Progress,
    RunStatus,
    Source,
)
from patchwatch.sites import fleet
from patchwatch.sites import service as sites
from patchwatch.sites.service import organization_uuids

router = APIRouter()
Page = Annotated[PageParams, Depends(page_params)]
Reader = Annotated[Principal, Depends(require("patching:read"))]
Writer = Annotated[Principal, Depends(require("patching:write"))]
CycleWriter = Annotated[Principal, Depends(require("cycles:write"))]
RUN_SORT = {
    "started_at": PatchRun.started_at,
    "finished_at": PatchRun.finished_at,
    "created_at": PatchRun.created_at,
    "status": PatchRun.status,
}
CYCLE_SORT = {
    "name": Cycle.name,
    "starts_at": Cycle.starts_at,
    "deadline": Cycle.deadline,
    "created_at": Cycle.created_at,
    "state": Cycle.state,
}


# --- patch runs -----------------------------------------------------------------------------------


def run_out(
    run: PatchRun, refs: dict[str, dict[int, UUID]], *, include_log: bool = False
) -> PatchRunOut:
    return PatchRunOut(
        uuid=run.uuid,
        site_uuid=refs["site"][run.site_id],
        source=Source(run.source),
        status=RunStatus(run.status),
        started_at=run.started_at,
        finished_at=run.finished_at,
        confirmation=Confirmation(run.confirmation),
        confirmed_at=run.confirmed_at,
        flagged=run.confirmation == Confirmation.unconfirmed,
        items=[PatchRunItemOut.model_validate(i, from_attributes=True) for i in run.items],
        log=run.log if include_log else None,
        cycle_uuid=refs["cycle"].get(run.cycle_id) if run.cycle_id else None,
        maintenance_request_uuid=(
            refs["maintenance_request"].get(run.maintenance_request_id)
            if run.maintenance_request_id
            else None
        ),
        external_id=run.external_id,
        actor=Actor(type=run.actor_type, uuid=run.actor_uuid, label=run.actor_label),
        created_at=run.created_at,
        updated_at=run.updated_at,
    )


async def _one_run_out(session: AsyncSession, run: PatchRun) -> PatchRunOut:
    return run_out(run, await patching.run_references(session, [run]), include_log=True)


@router.get("/patch-runs", tags=["patch runs"], summary="Patch runs, with filters")
async def list_patch_runs(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    site_uuid: UUID | None = None,
    cycle_uuid: UUID | None = None,
    status: RunStatus | None = None,
    source: Source | None = None,
    confirmation: Annotated[
        Confirmation | None, Query(description="`unconfirmed`: the flagged runs")
    ] = None,
    since: Annotated[AwareDatetime | None, Query(description="Started at or after")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Started before")] = None,
) -> ListEnvelope[PatchRunOut]:
    stmt = await patching.patch_runs_query(
        session,
        actor,
        site=await sites.get_site(session, actor, site_uuid) if site_uuid else None,
        cycle=await cycles.get_cycle(session, actor, cycle_uuid) if cycle_uuid else None,
        status=status,
        source=source,
        confirmation=confirmation,
        since=since,
        until=until,
    )
    default = [PatchRun.started_at.desc(), PatchRun.id.desc()]
    rows, total = await fetch_page(session, stmt, page, RUN_SORT, default)
    refs = await patching.run_references(session, rows)
    return list_envelope(request, [run_out(r, refs) for r in rows], total, page)


@router.post(
    "/patch-runs",
    tags=["patch runs"],
    status_code=status.HTTP_201_CREATED,
    summary="Record a patch run on a site",
)
async def create_patch_run(
    body: PatchRunCreate, session: SessionDep, actor: Writer
) -> Envelope[PatchRunOut]:
    run = await patching.record_patch_run(session, actor, body)
    await session.commit()
    return wrap(await _one_run_out(session, run))


@router.get("/patch-runs/{run_uuid}", tags=["patch runs"], summary="One patch run with its log")
async def get_patch_run(
    run_uuid: UUID, session: SessionDep, actor: Reader
) -> Envelope[PatchRunOut]:
    return wrap(await _one_run_out(session, await patching.get_patch_run(session, actor, run_uuid)))


@router.patch(
    "/patch-runs/{run_uuid}",
    tags=["patch runs"],
    summary="Move a run on: status, times, log, items",
)
async def update_patch_run(
    run_uuid: UUID, body: PatchRunUpdate, session: SessionDep, actor: Writer
) -> Envelope[PatchRunOut]:
    run = await patching.get_patch_run(session, actor, run_uuid)
    await patching.update_patch_run(session, actor, run, body)
    await session.commit()
    return wrap(await _one_run_out(session, run))


@router.get(
    "/sites/{site_uuid}/patch-runs",
    tags=["patch runs"],
    summary="A site's patch runs, newest first",
)
async def list_site_patch_runs(
    site_uuid: UUID, request: Request, session: SessionDep, page: Page, actor: Reader
) -> ListEnvelope[PatchRunOut]:
    site = await sites.get_site(session, actor, site_uuid)
    stmt = await patching.patch_runs_query(session, actor, site=site)
    default = [PatchRun.started_at.desc(), PatchRun.id.desc()]
    rows, total = await fetch_page(session, stmt, page, RUN_SORT, default)
    refs = await patching.run_references(session, rows)
    return list_envelope(request, [run_out(r, refs) for r in rows], total, page)


@router.get(
    "/sites/{site_uuid}/package-updates",
    tags=["patch runs"],
    summary="When each package of a site was updated, and by which run",
)
async def list_package_updates(
    site_uuid: UUID,
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    ecosystem: Annotated[str | None, Query(max_length=32)] = None,
    package: Annotated[str | None, Query(max_length=255)] = None,
) -> ListEnvelope[PackageUpdateOut]:
    site = await sites.get_site(session, actor, site_uuid)
    stmt = patching.package_updates_query(site, ecosystem=ecosystem, package=package)
    sort = {"package": PatchRunItem.package, "finished_at": PatchRun.finished_at}
    default = [PatchRun.finished_at.desc(), PatchRunItem.id.desc()]
    rows, total = await fetch_rows_page(session, stmt, page, sort, default)
    items = [
        PackageUpdateOut(
            ecosystem=item.ecosystem,
            package=item.package,
            from_version=item.from_version,
            to_version=item.to_version,
            result=item.result,
            confirmed=item.confirmed,
            patch_run_uuid=run.uuid,
            source=Source(run.source),
            status=RunStatus(run.status),
            updated_at=run.finished_at or run.started_at,
        )
        for item, run in rows
    ]
    return list_envelope(request, items, total, page)


# --- cycles ---------------------------------------------------------------------------------------


async def _cycle_out(session: AsyncSession, cycle: Cycle) -> CycleOut:
    org_uuids = await organization_uuids(
        session, [cycle.organization_id] if cycle.organization_id else []
    )
    progress = None
    if cycle.state == CycleState.closed and cycle.final_progress:
        progress = Progress.model_validate(cycle.final_progress)
    elif cycle.state != CycleState.planned:
        progress = await cycles.progress(session, cycle)
    return CycleOut(
        uuid=cycle.uuid,
        name=cycle.name,
        description=cycle.description,
        organization_uuid=org_uuids.get(cycle.organization_id) if cycle.organization_id else None,
        scope=CycleScope.model_validate(cycle.scope),
        include_all_updates=cycle.include_all_updates,
        starts_at=cycle.starts_at,
        deadline=cycle.deadline,
        state=CycleState(cycle.state),
        opened_at=cycle.opened_at,
        closed_at=cycle.closed_at,
        progress=progress,
        created_at=cycle.created_at,
        updated_at=cycle.updated_at,
    )


@router.get("/cycles", tags=["cycles"], summary="Patch cycles")
async def list_cycles(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    state: CycleState | None = None,
) -> ListEnvelope[CycleOut]:
    stmt = cycles.cycles_query(actor, state=state)
    default = [Cycle.starts_at.desc(), Cycle.id.desc()]
    rows, total = await fetch_page(session, stmt, page, CYCLE_SORT, default)
    return list_envelope(request, [await _cycle_out(session, c) for c in rows], total, page)


@router.post(
    "/cycles", tags=["cycles"], status_code=status.HTTP_201_CREATED, summary="Plan a cycle"
)
async def create_cycle(
    body: CycleCreate, session: SessionDep, actor: CycleWriter
) -> Envelope[CycleOut]:
    cycle = await cycles.create_cycle(session, actor, body)
    await session.commit()
    return wrap(await _cycle_out(session, cycle))


@router.get("/cycles/{cycle_uuid}", tags=["cycles"], summary="One cycle with its progress")
async def get_cycle(cycle_uuid: UUID, session: SessionDep, actor: Reader) -> Envelope[CycleOut]:
    return wrap(await _cycle_out(session, await cycles.get_cycle(session, actor, cycle_uuid)))


@router.patch("/cycles/{cycle_uuid}", tags=["cycles"], summary="Change a planned cycle")
async def update_cycle(
    cycle_uuid: UUID, body: CycleUpdate, session: SessionDep, actor: CycleWriter
) -> Envelope[CycleOut]:
    cycle = await cycles.get_cycle(session, actor, cycle_uuid)
    await cycles.update_cycle(session, actor, cycle, body)
    await session.commit()
    return wrap(await _cycle_out(session, cycle))


@router.delete("/cycles/{cycle_uuid}", tags=["cycles"], summary="Delete a planned cycle")
async def delete_cycle(
    cycle_uuid: UUID, session: SessionDep, actor: CycleWriter
) -> Envelope[CycleOut]:
    cycle = await cycles.get_cycle(session, actor, cycle_uuid)
    out = await _cycle_out(session, cycle)
    await cycles.delete_cycle(session, actor, cycle)
    await session.commit()
    return wrap(out)


@router.post(
    "/cycles/{cycle_uuid}/open",
    tags=["cycles"],
    summary="Open a cycle: freeze its targets (the open updates on the sites in scope)",
)
async def open_cycle(
    cycle_uuid: UUID, session: SessionDep, actor: CycleWriter
) -> Envelope[CycleOut]:
    cycle = await cycles.get_cycle(session, actor, cycle_uuid)
    await cycles.open_cycle(session, actor, cycle)
    await session.commit()
    return wrap(await _cycle_out(session, cycle))


@router.post(
    "/cycles/{cycle_uuid}/close", tags=["cycles"], summary="Close a cycle, keeping its figures"
)
async def close_cycle(
    cycle_uuid: UUID, session: SessionDep, actor: CycleWriter
) -> Envelope[CycleOut]:
    cycle = await cycles.get_cycle(session, actor, cycle_uuid)
    await cycles.close_cycle(session, actor, cycle)
    await session.commit()
    return wrap(await _cycle_out(session, cycle))


@router.get("/cycles/{cycle_uuid}/sites", tags=["cycles"], summary="A cycle's progress per site")
async def list_cycle_sites(
    cycle_uuid: UUID, request: Request, session: SessionDep, page: Page, actor: Reader
) -> ListEnvelope[CycleSiteProgress]:
    cycle = await cycles.get_cycle(session, actor, cycle_uuid)
    stmt = cycles.site_progress_query(cycle)
    rows, total = await fetch_rows_page(session, stmt, page, {}, [CycleTarget.site_id])
    by_id = await fleet.sites_by_id(session, [row[0] for row in rows])
    items = [
        CycleSiteProgress(
            site_uuid=by_id[row[0]].uuid,
            site_name=by_id[row[0]].name,
            site_url=by_id[row[0]].url,
            progress=cycles.site_progress(cycle, row),
        )
        for row in rows
    ]
    return list_envelope(request, items, total, page)


@router.get(
    "/cycles/{cycle_uuid}/targets", tags=["cycles"], summary="The updates a cycle set out to apply"
)
async def list_cycle_targets(
    cycle_uuid: UUID,
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    state: Annotated[str | None, Query(pattern="^(remaining|done|failed)$")] = None,
) -> ListEnvelope[CycleTargetOut]:
    cycle = await cycles.get_cycle(session, actor, cycle_uuid)
    stmt = cycles.targets_query(cycle, state=state)
    rows, total = await fetch_page(session, stmt, page, {}, [CycleTarget.id])
    by_id = await fleet.sites_by_id(session, [t.site_id for t in rows])
    names = await fleet.package_names(session, [t.package_id for t in rows])
    run_uuids = await patching.run_uuids(session, [t.patch_run_id for t in rows if t.patch_run_id])
    items = [
        CycleTargetOut(
            site_uuid=by_id[t.site_id].uuid,
            ecosystem=names[t.package_id][0],
            package=names[t.package_id][1],
            from_version=t.from_version,
            target_version=t.target_version,
            status_at_open=t.status_at_open,
            is_security=t.is_security,
            state=t.state,
            done_at=t.done_at,
            patch_run_uuid=run_uuids.get(t.patch_run_id) if t.patch_run_id else None,
        )
        for t in rows
    ]
    return list_envelope(request, items, total, page)
