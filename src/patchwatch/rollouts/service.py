"""Rollout deployments, cycles and collections: create, read, change, delete, inside the
caller's organization; the cycle's RAG status by the rules or by a person."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Conflict, Invalid, NotFound, PermissionDenied
from patchwatch.events import service as events
from patchwatch.identity.principal import Principal
from patchwatch.rollouts import kpis
from patchwatch.rollouts.files import Layout as FileLayout
from patchwatch.rollouts.models import (
    RolloutCollection,
    RolloutCycle,
    RolloutDeployment,
)
from patchwatch.rollouts.parsing import parse_excel_columns
from patchwatch.rollouts.rag import decide_rag
from patchwatch.rollouts.schemas import (
    CollectionCreate,
    CollectionUpdate,
    CycleCreate,
    CycleUpdate,
    DeploymentCreate,
    DeploymentUpdate,
    Layout,
    RagSource,
    Thresholds,
)
from patchwatch.tenancy import scoped

LAYOUT_FIELDS = ("excel_columns", "excel_header_row", "excel_sheet")


def check_may_write(actor: Principal) -> None:
    """A key bound to one site cannot change rollouts (a report names many devices)."""
    if actor.site_uuid is not None:
        raise PermissionDenied(
            "A key bound to one site cannot change rollouts.", code="site_bound_key"
        )


async def flush_unique(session: AsyncSession, message: str, code: str) -> None:
    """Flush; a unique constraint that fails is a 409 (two writers, or a name taken)."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(message, code=code) from exc


async def record(
    session: AsyncSession,
    actor: Principal,
    action: str,
    *,
    target_type: str,
    target_uuid: uuid.UUID,
    organization_id: int,
    changes: dict[str, Any],
    event: str | None = None,
) -> None:
    """An audit entry, and a domain event in the outbox when ``event`` names one."""
    if event is not None:
        events.emit(
            session,
            event,
            aggregate_type=target_type,
            aggregate_uuid=target_uuid,
            organization_id=organization_id,
            payload={f"{target_type}_uuid": str(target_uuid), **changes},
        )
    await audit.record(
        session,
        actor,
        action,
        target_type=target_type,
        target_uuid=target_uuid,
        organization_id=organization_id,
        changes=changes,
    )


def organization_of(actor: Principal) -> int:
    """Rollouts are the caller's organization's (the platform admin's too)."""
    if actor.organization_id is None:
        raise PermissionDenied("Rollouts belong to an organization; the caller has none.")
    return actor.organization_id


# --- deployments ------------------------------------------------------------------------------


def thresholds_of(deployment: RolloutDeployment) -> Thresholds:
    return Thresholds(
        green_installed=deployment.rag_green_installed,
        amber_installed=deployment.rag_amber_installed,
        amber_failed=deployment.rag_amber_failed,
        red_failed=deployment.rag_red_failed,
    )


def _apply_thresholds(deployment: RolloutDeployment, thresholds: Thresholds) -> None:
    deployment.rag_green_installed = thresholds.green_installed
    deployment.rag_amber_installed = thresholds.amber_installed
    deployment.rag_amber_failed = thresholds.amber_failed
    deployment.rag_red_failed = thresholds.red_failed


def deployments_query(actor: Principal, *, title: str | None = None) -> Select[Any]:
    stmt = scoped(select(RolloutDeployment), RolloutDeployment.organization_id, actor)
    if title is not None:
        stmt = stmt.where(RolloutDeployment.title == title)
    return stmt


async def get_deployment(
    session: AsyncSession, actor: Principal, deployment_uuid: uuid.UUID
) -> RolloutDeployment:
    deployment: RolloutDeployment | None = await session.scalar(
        deployments_query(actor).where(RolloutDeployment.uuid == deployment_uuid)
    )
    if deployment is None:
        raise NotFound("There is no such deployment.")
    return deployment


async def find_deployment(
    session: AsyncSession, organization_id: int, title: str
) -> RolloutDeployment | None:
    """The organization's deployment with this title (exact)."""
    found: RolloutDeployment | None = await session.scalar(
        select(RolloutDeployment).where(
            RolloutDeployment.organization_id == organization_id,
            RolloutDeployment.title == title,
        )
    )
    return found


async def count_cycles(session: AsyncSession, deployment_ids: list[int]) -> dict[int, int]:
    if not deployment_ids:
        return {}
    rows = await session.execute(
        select(RolloutCycle.deployment_id, func.count())
        .where(RolloutCycle.deployment_id.in_(deployment_ids))
        .group_by(RolloutCycle.deployment_id)
    )
    return {deployment_id: int(n) for deployment_id, n in rows.tuples()}


async def create_deployment(
    session: AsyncSession, actor: Principal, organization_id: int, data: DeploymentCreate
) -> RolloutDeployment:
    check_may_write(actor)
    deployment = RolloutDeployment(
        uuid=uuid.uuid4(),
        organization_id=organization_id,
        title=data.title,
        description=data.description,
        excel_columns=data.excel_columns,
        excel_header_row=data.excel_header_row,
        excel_sheet=data.excel_sheet,
    )
    _apply_thresholds(deployment, data.rag_thresholds)
    session.add(deployment)
    await flush_unique(
        session, f"There is already a deployment '{data.title}'.", "deployment_exists"
    )
    await record(
        session,
        actor,
        "rollout_deployment.created",
        target_type="rollout_deployment",
        target_uuid=deployment.uuid,
        organization_id=organization_id,
        changes={"title": deployment.title},
    )
    return deployment


async def update_deployment(
    session: AsyncSession,
    actor: Principal,
    deployment: RolloutDeployment,
    changes: DeploymentUpdate,
) -> RolloutDeployment:
    check_may_write(actor)
    values = changes.model_dump(exclude_unset=True)
    for key, value in values.items():
        if key == "rag_thresholds":
            if changes.rag_thresholds is not None:
                # Only the thresholds given change; the four must still be in order.
                merged = {
                    **thresholds_of(deployment).model_dump(),
                    **changes.rag_thresholds.model_dump(exclude_unset=True),
                }
                try:
                    _apply_thresholds(deployment, Thresholds(**merged))
                except ValidationError as exc:
                    raise Invalid(
                        "The RAG thresholds are not in order: "
                        + str(exc.errors()[0].get("msg", "")).removeprefix("Value error, "),
                        code="invalid_thresholds",
                        details=[{"field": "body.rag_thresholds"}],
                    ) from exc
        elif key in LAYOUT_FIELDS:
            setattr(deployment, key, value)  # null: back to the default
        elif value is not None:
            setattr(deployment, key, value)
    await flush_unique(
        session, f"There is already a deployment '{deployment.title}'.", "deployment_exists"
    )
    await record(
        session,
        actor,
        "rollout_deployment.updated",
        target_type="rollout_deployment",
        target_uuid=deployment.uuid,
        organization_id=deployment.organization_id,
        changes={"changed": sorted(values)},
    )
    return deployment


async def delete_deployment(
    session: AsyncSession, actor: Principal, deployment: RolloutDeployment
) -> None:
    """Delete a deployment with its cycles, collections, reports and rows (the sites stay)."""
    check_may_write(actor)
    await record(
        session,
        actor,
        "rollout_deployment.deleted",
        target_type="rollout_deployment",
        target_uuid=deployment.uuid,
        organization_id=deployment.organization_id,
        changes={"title": deployment.title},
    )
    await session.delete(deployment)


# --- cycles -----------------------------------------------------------------------------------


def cycles_query(
    actor: Principal,
    *,
    deployment: RolloutDeployment | None = None,
    is_active: bool | None = None,
    rag_status: str | None = None,
) -> Select[Any]:
    stmt = scoped(select(RolloutCycle), RolloutCycle.organization_id, actor)
    if deployment is not None:
        stmt = stmt.where(RolloutCycle.deployment_id == deployment.id)
    if is_active is not None:
        stmt = stmt.where(RolloutCycle.is_active.is_(is_active))
    if rag_status is not None:
        stmt = stmt.where(RolloutCycle.rag_status == rag_status)
    return stmt


async def get_cycle(session: AsyncSession, actor: Principal, cycle_uuid: uuid.UUID) -> RolloutCycle:
    cycle: RolloutCycle | None = await session.scalar(
        cycles_query(actor).where(RolloutCycle.uuid == cycle_uuid)
    )
    if cycle is None:
        raise NotFound("There is no such rollout cycle.")
    return cycle


async def find_cycle(
    session: AsyncSession, deployment: RolloutDeployment, title: str
) -> RolloutCycle | None:
    found: RolloutCycle | None = await session.scalar(
        select(RolloutCycle).where(
            RolloutCycle.deployment_id == deployment.id, RolloutCycle.title == title
        )
    )
    return found


async def deployments_by_id(session: AsyncSession, ids: set[int]) -> dict[int, RolloutDeployment]:
    if not ids:
        return {}
    rows = await session.scalars(select(RolloutDeployment).where(RolloutDeployment.id.in_(ids)))
    return {d.id: d for d in rows}


def effective_layout(cycle: RolloutCycle, deployment: RolloutDeployment) -> Layout:
    """Each layout field: the cycle's, else the deployment's, else None (the default)."""
    return Layout(
        **{
            name: getattr(cycle, name)
            if getattr(cycle, name) is not None
            else getattr(deployment, name)
            for name in LAYOUT_FIELDS
        }
    )


def file_layout(layout: Layout) -> FileLayout:
    return FileLayout(
        columns=parse_excel_columns(layout.excel_columns) if layout.excel_columns else None,
        header_row=layout.excel_header_row or 1,
        sheet=layout.excel_sheet,
    )


async def create_cycle(
    session: AsyncSession,
    actor: Principal,
    deployment: RolloutDeployment,
    data: CycleCreate,
) -> RolloutCycle:
    check_may_write(actor)
    manual = data.rag_status is not None
    cycle = RolloutCycle(
        uuid=uuid.uuid4(),
        organization_id=deployment.organization_id,
        deployment_id=deployment.id,
        title=data.title,
        started_at=data.started_at,
        deadline=data.deadline,
        is_active=data.is_active,
        rag_status=data.rag_status.value if data.rag_status else None,
        rag_note=data.rag_note,
        rag_source=RagSource.manual.value if manual else RagSource.rules.value,
        rag_changed_at=utcnow() if manual else None,
        excel_columns=data.excel_columns,
        excel_header_row=data.excel_header_row,
        excel_sheet=data.excel_sheet,
    )
    session.add(cycle)
    await flush_unique(
        session,
        f"The deployment '{deployment.title}' already has a cycle '{data.title}'.",
        "cycle_exists",
    )
    await record(
        session,
        actor,
        "rollout_cycle.created",
        target_type="rollout_cycle",
        target_uuid=cycle.uuid,
        organization_id=cycle.organization_id,
        changes={"title": cycle.title, "deployment": deployment.title},
    )
    return cycle


async def update_cycle(
    session: AsyncSession, actor: Principal, cycle: RolloutCycle, changes: CycleUpdate
) -> RolloutCycle:
    """Change a cycle; a RAG status set here is manual and kept, until rag_source=rules."""
    check_may_write(actor)
    values = changes.model_dump(exclude_unset=True)
    before = cycle.rag_status
    for key, value in values.items():
        if key in ("rag_status", "rag_source"):
            continue
        if key in (*LAYOUT_FIELDS, "deadline"):
            setattr(cycle, key, value)
        elif value is not None:
            setattr(cycle, key, value)
    if changes.rag_status is not None:
        cycle.rag_status, cycle.rag_source = changes.rag_status.value, RagSource.manual.value
    elif changes.rag_source is not None:
        cycle.rag_source = changes.rag_source.value
    await flush_unique(
        session, f"The deployment already has a cycle '{cycle.title}'.", "cycle_exists"
    )
    if cycle.rag_source == RagSource.rules and ("rag_source" in values or "deadline" in values):
        await apply_rag_rules(session, cycle)
    await record(
        session,
        actor,
        "rollout_cycle.updated",
        target_type="rollout_cycle",
        target_uuid=cycle.uuid,
        organization_id=cycle.organization_id,
        changes={"changed": sorted(values)},
    )
    await rag_changed(session, actor, cycle, before)
    return cycle


async def apply_rag_rules(
    session: AsyncSession, cycle: RolloutCycle, now: datetime | None = None
) -> None:
    """Set the cycle's RAG by the rules from its latest report (the caller records the change)."""
    deployment = await session.get(RolloutDeployment, cycle.deployment_id)
    assert deployment is not None
    latest = await kpis.latest_report(session, cycle)
    totals = (await kpis.report_kpis(session, latest)).totals if latest else None
    decided = decide_rag(totals, thresholds_of(deployment), cycle.deadline, now or utcnow())
    cycle.rag_status = decided.value if decided else None
    cycle.rag_source = RagSource.rules.value


async def rejudge_rag(
    session: AsyncSession, actor: Principal, cycle: RolloutCycle, now: datetime | None = None
) -> bool:
    """Apply the rules again and record the change, if any (a report came or went, a deadline
    passed); whether the status moved."""
    before = cycle.rag_status
    await session.flush()
    await apply_rag_rules(session, cycle, now)
    await rag_changed(session, actor, cycle, before)
    return cycle.rag_status != before


async def rag_changed(
    session: AsyncSession, actor: Principal, cycle: RolloutCycle, before: str | None
) -> None:
    """``rollout_cycle_rag_changed`` in the outbox when the status moved."""
    if cycle.rag_status == before:
        return
    cycle.rag_changed_at = utcnow()
    await session.flush()
    await record(
        session,
        actor,
        "rollout_cycle.rag_changed",
        target_type="rollout_cycle",
        target_uuid=cycle.uuid,
        organization_id=cycle.organization_id,
        changes={
            "title": cycle.title,
            "from": before,
            "to": cycle.rag_status,
            "rag_source": cycle.rag_source,
        },
        event="rollout_cycle_rag_changed",
    )


async def delete_cycle(session: AsyncSession, actor: Principal, cycle: RolloutCycle) -> None:
    check_may_write(actor)
    await record(
        session,
        actor,
        "rollout_cycle.deleted",
        target_type="rollout_cycle",
        target_uuid=cycle.uuid,
        organization_id=cycle.organization_id,
        changes={"title": cycle.title},
    )
    await session.delete(cycle)


# --- collections ------------------------------------------------------------------------------


def collections_query(cycle: RolloutCycle, *, ring: int | None = None) -> Select[Any]:
    stmt = select(RolloutCollection).where(RolloutCollection.cycle_id == cycle.id)
    if ring is not None:
        stmt = stmt.where(RolloutCollection.ring == ring)
    return stmt


async def get_collection(
    session: AsyncSession, actor: Principal, collection_uuid: uuid.UUID
) -> tuple[RolloutCollection, RolloutCycle]:
    joined = select(RolloutCollection, RolloutCycle).join(
        RolloutCycle, RolloutCycle.id == RolloutCollection.cycle_id
    )
    stmt = scoped(cast("Select[Any]", joined), RolloutCycle.organization_id, actor)
    row = (await session.execute(stmt.where(RolloutCollection.uuid == collection_uuid))).first()
    if row is None:
        raise NotFound("There is no such collection.")
    return row[0], row[1]


async def create_collection(
    session: AsyncSession, actor: Principal, cycle: RolloutCycle, data: CollectionCreate
) -> RolloutCollection:
    check_may_write(actor)
    collection = RolloutCollection(
        uuid=uuid.uuid4(), cycle_id=cycle.id, name=data.name, ring=data.ring
    )
    session.add(collection)
    await flush_unique(
        session, f"The cycle already has a collection '{data.name}'.", "collection_exists"
    )
    await _record_collection(session, actor, cycle, collection, "created", data.model_dump())
    return collection


async def update_collection(
    session: AsyncSession,
    actor: Principal,
    cycle: RolloutCycle,
    collection: RolloutCollection,
    changes: CollectionUpdate,
) -> RolloutCollection:
    check_may_write(actor)
    values = changes.model_dump(exclude_unset=True, exclude_none=True)
    for key, value in values.items():
        setattr(collection, key, value)
    await flush_unique(
        session, f"The cycle already has a collection '{collection.name}'.", "collection_exists"
    )
    await _record_collection(session, actor, cycle, collection, "updated", values)
    return collection


async def delete_collection(
    session: AsyncSession, actor: Principal, cycle: RolloutCycle, collection: RolloutCollection
) -> None:
    """The collection goes; its rows stay, without a collection."""
    check_may_write(actor)
    await _record_collection(session, actor, cycle, collection, "deleted", {})
    await session.delete(collection)


async def _record_collection(
    session: AsyncSession,
    actor: Principal,
    cycle: RolloutCycle,
    collection: RolloutCollection,
    what: str,
    changes: dict[str, Any],
) -> None:
    await record(
        session,
        actor,
        f"rollout_collection.{what}",
        target_type="rollout_collection",
        target_uuid=collection.uuid,
        organization_id=cycle.organization_id,
        changes={"name": collection.name, "cycle_uuid": str(cycle.uuid), **changes},
    )


async def cycles_by_id(session: AsyncSession, ids: set[int]) -> dict[int, RolloutCycle]:
    if not ids:
        return {}
    rows = await session.scalars(select(RolloutCycle).where(RolloutCycle.id.in_(ids)))
    return {c.id: c for c in rows}
