"""Windows patch rollouts: deployments, cycles, collections, uploaded reports and their KPIs."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.api.deps import SessionDep, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import (
    PageParams,
    fetch_page,
    list_envelope,
    page_params,
)
from patchwatch.identity.principal import Principal
from patchwatch.rollouts import kpis, service
from patchwatch.rollouts.models import (
    RolloutCollection,
    RolloutCycle,
    RolloutDeployment,
)
from patchwatch.rollouts.router_reports import router as reports_router
from patchwatch.rollouts.schemas import (
    CollectionCreate,
    CollectionOut,
    CollectionUpdate,
    CycleCreate,
    CycleKpis,
    CycleOut,
    CycleUpdate,
    DeploymentCreate,
    DeploymentOut,
    DeploymentUpdate,
    Rag,
    RagSource,
)

router = APIRouter(prefix="/rollouts", tags=["rollouts"])
Page = Annotated[PageParams, Depends(page_params)]
Reader = Annotated[Principal, Depends(require("rollouts:read"))]
Writer = Annotated[Principal, Depends(require("rollouts:write"))]
DEPLOYMENT_SORT = {
    "title": RolloutDeployment.title,
    "created_at": RolloutDeployment.created_at,
    "updated_at": RolloutDeployment.updated_at,
}
CYCLE_SORT = {
    "title": RolloutCycle.title,
    "started_at": RolloutCycle.started_at,
    "deadline": RolloutCycle.deadline,
    "rag_status": RolloutCycle.rag_status,
    "created_at": RolloutCycle.created_at,
}
COLLECTION_SORT = {"name": RolloutCollection.name, "ring": RolloutCollection.ring}
_TEXT = r"^[^\x00-\x1f\x7f]+$"
Title = Annotated[str | None, Query(min_length=1, max_length=200, pattern=_TEXT)]


# --- shapes ---------------------------------------------------------------------------------


def deployment_out(deployment: RolloutDeployment, cycles: int) -> DeploymentOut:
    return DeploymentOut(
        uuid=deployment.uuid,
        title=deployment.title,
        description=deployment.description,
        excel_columns=deployment.excel_columns,
        excel_header_row=deployment.excel_header_row,
        excel_sheet=deployment.excel_sheet,
        rag_thresholds=service.thresholds_of(deployment),
        cycles=cycles,
        created_at=deployment.created_at,
        updated_at=deployment.updated_at,
    )


async def _deployment_out(session: AsyncSession, deployment: RolloutDeployment) -> DeploymentOut:
    counts = await service.count_cycles(session, [deployment.id])
    return deployment_out(deployment, counts.get(deployment.id, 0))


def cycle_out(cycle: RolloutCycle, deployment: RolloutDeployment) -> CycleOut:
    return CycleOut(
        uuid=cycle.uuid,
        deployment_uuid=deployment.uuid,
        deployment_title=deployment.title,
        title=cycle.title,
        started_at=cycle.started_at,
        deadline=cycle.deadline,
        is_active=cycle.is_active,
        rag_status=Rag(cycle.rag_status) if cycle.rag_status else None,
        rag_note=cycle.rag_note,
        rag_source=RagSource(cycle.rag_source),
        rag_changed_at=cycle.rag_changed_at,
        excel_columns=cycle.excel_columns,
        excel_header_row=cycle.excel_header_row,
        excel_sheet=cycle.excel_sheet,
        effective_layout=service.effective_layout(cycle, deployment),
        created_at=cycle.created_at,
        updated_at=cycle.updated_at,
    )


async def _cycles_out(session: AsyncSession, cycles: list[RolloutCycle]) -> list[CycleOut]:
    deployments = await service.deployments_by_id(session, {c.deployment_id for c in cycles})
    return [cycle_out(c, deployments[c.deployment_id]) for c in cycles]


def collection_out(collection: RolloutCollection, cycle: RolloutCycle) -> CollectionOut:
    return CollectionOut(
        uuid=collection.uuid,
        cycle_uuid=cycle.uuid,
        name=collection.name,
        ring=collection.ring,
        created_at=collection.created_at,
    )


# --- deployments ----------------------------------------------------------------------------


@router.get("/deployments", summary="Deployments (e.g. Win10_CU, OfficeUpdate)")
async def list_deployments(
    request: Request, session: SessionDep, page: Page, actor: Reader, title: Title = None
) -> ListEnvelope[DeploymentOut]:
    stmt = service.deployments_query(actor, title=title)
    default = [RolloutDeployment.title, RolloutDeployment.id]
    rows, total = await fetch_page(session, stmt, page, DEPLOYMENT_SORT, default)
    counts = await service.count_cycles(session, [d.id for d in rows])
    items = [deployment_out(d, counts.get(d.id, 0)) for d in rows]
    return list_envelope(request, items, total, page)


@router.post("/deployments", status_code=status.HTTP_201_CREATED, summary="Create a deployment")
async def create_deployment(
    body: DeploymentCreate, session: SessionDep, actor: Writer
) -> Envelope[DeploymentOut]:
    deployment = await service.create_deployment(
        session, actor, service.organization_of(actor), body
    )
    await session.commit()
    return wrap(deployment_out(deployment, 0))


@router.get("/deployments/{deployment_uuid}", summary="One deployment")
async def get_deployment(
    deployment_uuid: UUID, session: SessionDep, actor: Reader
) -> Envelope[DeploymentOut]:
    deployment = await service.get_deployment(session, actor, deployment_uuid)
    return wrap(await _deployment_out(session, deployment))


@router.patch(
    "/deployments/{deployment_uuid}", summary="Change a deployment: title, layout, RAG thresholds"
)
async def update_deployment(
    deployment_uuid: UUID, body: DeploymentUpdate, session: SessionDep, actor: Writer
) -> Envelope[DeploymentOut]:
    deployment = await service.get_deployment(session, actor, deployment_uuid)
    await service.update_deployment(session, actor, deployment, body)
    await session.commit()
    return wrap(await _deployment_out(session, deployment))


@router.delete(
    "/deployments/{deployment_uuid}",
    summary="Delete a deployment with its cycles, collections and reports",
)
async def delete_deployment(
    deployment_uuid: UUID, session: SessionDep, actor: Writer
) -> Envelope[DeploymentOut]:
    deployment = await service.get_deployment(session, actor, deployment_uuid)
    out = await _deployment_out(session, deployment)
    await service.delete_deployment(session, actor, deployment)
    await session.commit()
    return wrap(out)


# --- cycles ---------------------------------------------------------------------------------


@router.get("/cycles", summary="Rollout cycles of every deployment")
async def list_cycles(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    is_active: bool | None = None,
    rag_status: Rag | None = None,
) -> ListEnvelope[CycleOut]:
    stmt = service.cycles_query(actor, is_active=is_active, rag_status=rag_status)
    default = [RolloutCycle.started_at.desc(), RolloutCycle.id.desc()]
    rows, total = await fetch_page(session, stmt, page, CYCLE_SORT, default)
    return list_envelope(request, await _cycles_out(session, rows), total, page)


@router.get("/deployments/{deployment_uuid}/cycles", summary="A deployment's cycles")
async def list_deployment_cycles(
    deployment_uuid: UUID,
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    is_active: bool | None = None,
    rag_status: Rag | None = None,
) -> ListEnvelope[CycleOut]:
    deployment = await service.get_deployment(session, actor, deployment_uuid)
    stmt = service.cycles_query(
        actor, deployment=deployment, is_active=is_active, rag_status=rag_status
    )
    default = [RolloutCycle.started_at.desc(), RolloutCycle.id.desc()]
    rows, total = await fetch_page(session, stmt, page, CYCLE_SORT, default)
    return list_envelope(request, [cycle_out(c, deployment) for c in rows], total, page)


@router.post(
    "/deployments/{deployment_uuid}/cycles",
    status_code=status.HTTP_201_CREATED,
    summary="Create a cycle of a deployment",
)
async def create_cycle(
    deployment_uuid: UUID, body: CycleCreate, session: SessionDep, actor: Writer
) -> Envelope[CycleOut]:
    deployment = await service.get_deployment(session, actor, deployment_uuid)
    cycle = await service.create_cycle(session, actor, deployment, body)
    await session.commit()
    return wrap(cycle_out(cycle, deployment))


@router.get("/cycles/{rollout_cycle_uuid}", summary="One rollout cycle")
async def get_cycle(
    rollout_cycle_uuid: UUID, session: SessionDep, actor: Reader
) -> Envelope[CycleOut]:
    cycle = await service.get_cycle(session, actor, rollout_cycle_uuid)
    return wrap((await _cycles_out(session, [cycle]))[0])


@router.patch(
    "/cycles/{rollout_cycle_uuid}",
    summary="Change a cycle; a RAG status set here is manual (rag_source=rules goes back)",
)
async def update_cycle(
    rollout_cycle_uuid: UUID, body: CycleUpdate, session: SessionDep, actor: Writer
) -> Envelope[CycleOut]:
    cycle = await service.get_cycle(session, actor, rollout_cycle_uuid)
    await service.update_cycle(session, actor, cycle, body)
    await session.commit()
    return wrap((await _cycles_out(session, [cycle]))[0])


@router.delete(
    "/cycles/{rollout_cycle_uuid}", summary="Delete a cycle with its collections and reports"
)
async def delete_cycle(
    rollout_cycle_uuid: UUID, session: SessionDep, actor: Writer
) -> Envelope[CycleOut]:
    cycle = await service.get_cycle(session, actor, rollout_cycle_uuid)
    out = (await _cycles_out(session, [cycle]))[0]
    await service.delete_cycle(session, actor, cycle)
    await session.commit()
    return wrap(out)


@router.get(
    "/cycles/{rollout_cycle_uuid}/kpis",
    summary="A cycle's KPIs: its latest report by ring and collection, and the trend",
)
async def get_cycle_kpis(
    rollout_cycle_uuid: UUID, session: SessionDep, actor: Reader
) -> Envelope[CycleKpis]:
    cycle = await service.get_cycle(session, actor, rollout_cycle_uuid)
    latest = await kpis.latest_report(session, cycle)
    return wrap(
        CycleKpis(
            cycle_uuid=cycle.uuid,
            rag_status=Rag(cycle.rag_status) if cycle.rag_status else None,
            rag_source=RagSource(cycle.rag_source),
            latest=await kpis.report_kpis(session, latest) if latest else None,
            trend=await kpis.trend(session, cycle),
        )
    )


# --- collections ----------------------------------------------------------------------------


@router.get("/cycles/{rollout_cycle_uuid}/collections", summary="A cycle's collections")
async def list_collections(
    rollout_cycle_uuid: UUID,
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    ring: Annotated[int | None, Query(ge=0, le=99)] = None,
) -> ListEnvelope[CollectionOut]:
    cycle = await service.get_cycle(session, actor, rollout_cycle_uuid)
    stmt = service.collections_query(cycle, ring=ring)
    default = [RolloutCollection.ring, RolloutCollection.name]
    rows, total = await fetch_page(session, stmt, page, COLLECTION_SORT, default)
    return list_envelope(request, [collection_out(c, cycle) for c in rows], total, page)


@router.post(
    "/cycles/{rollout_cycle_uuid}/collections",
    status_code=status.HTTP_201_CREATED,
    summary="Add a collection to a cycle, in a ring",
)
async def create_collection(
    rollout_cycle_uuid: UUID, body: CollectionCreate, session: SessionDep, actor: Writer
) -> Envelope[CollectionOut]:
    cycle = await service.get_cycle(session, actor, rollout_cycle_uuid)
    collection = await service.create_collection(session, actor, cycle, body)
    await session.commit()
    return wrap(collection_out(collection, cycle))


@router.get("/collections/{collection_uuid}", summary="One collection")
async def get_collection(
    collection_uuid: UUID, session: SessionDep, actor: Reader
) -> Envelope[CollectionOut]:
    collection, cycle = await service.get_collection(session, actor, collection_uuid)
    return wrap(collection_out(collection, cycle))


@router.patch("/collections/{collection_uuid}", summary="Rename a collection or move its ring")
async def update_collection(
    collection_uuid: UUID, body: CollectionUpdate, session: SessionDep, actor: Writer
) -> Envelope[CollectionOut]:
    collection, cycle = await service.get_collection(session, actor, collection_uuid)
    await service.update_collection(session, actor, cycle, collection, body)
    await session.commit()
    return wrap(collection_out(collection, cycle))


@router.delete(
    "/collections/{collection_uuid}", summary="Delete a collection (its rows keep no collection)"
)
async def delete_collection(
    collection_uuid: UUID, session: SessionDep, actor: Writer
) -> Envelope[CollectionOut]:
    collection, cycle = await service.get_collection(session, actor, collection_uuid)
    out = collection_out(collection, cycle)
    await service.delete_collection(session, actor, cycle, collection)
    await session.commit()
    return wrap(out)


# Reports, their rows, KPIs and export: router_reports.py.
router.include_router(reports_router)
