"""Tasks and the organization's task prices."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.api.deps import SessionDep, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.db import utcnow
from patchwatch.errors import Invalid
from patchwatch.identity import service as identity
from patchwatch.identity.principal import Principal
from patchwatch.sites import service as sites
from patchwatch.work import service as work
from patchwatch.work.models import Task, TaskPriceList
from patchwatch.work.schemas import (
    PricePair,
    PricingMode,
    ShuffleOut,
    TaskAssign,
    TaskCreate,
    TaskOut,
    TaskPricesIn,
    TaskPricesOut,
    TaskSource,
    TaskStatus,
    UserRef,
)

router = APIRouter(tags=["tasks"])
Page = Annotated[PageParams, Depends(page_params)]
Reader = Annotated[Principal, Depends(require("tasks:read"))]
Writer = Annotated[Principal, Depends(require("tasks:write"))]
Completer = Annotated[Principal, Depends(require("tasks:complete"))]
OrganizationParam = Annotated[
    UUID | None, Query(description="Platform admin: another organization than one's own.")
]
TASK_SORT = {
    "created_at": Task.created_at,
    "due_at": Task.due_at,
    "title": Task.title,
    "status": Task.status,
    "assignment_fee": Task.assignment_fee,
    "completion_reward": Task.completion_reward,
    "completed_at": Task.completed_at,
}


def user_ref(user: object) -> UserRef:
    return UserRef.model_validate(user, from_attributes=True)


def task_out(task: Task, refs: work.TaskRefs, now: datetime) -> TaskOut:
    site = refs.sites.get(task.site_id) if task.site_id else None
    return TaskOut(
        uuid=task.uuid,
        organization_uuid=refs.organizations[task.organization_id],
        title=task.title,
        description=task.description,
        site_uuid=site.uuid if site else None,
        site_name=site.name if site else None,
        package=task.package,
        advisory=task.advisory,
        source=TaskSource(task.source),
        status=TaskStatus(task.status),
        assignee=user_ref(refs.users[task.assignee_id]),
        assignment_fee=task.assignment_fee,
        completion_reward=task.completion_reward,
        currency=task.currency,
        due_at=task.due_at,
        overdue=task.status == "open" and task.due_at is not None and task.due_at < now,
        created_by=task.created_by,
        created_at=task.created_at,
        completed_at=task.completed_at,
        completed_by=task.completed_by,
        evidence_patch_run_uuid=(
            refs.runs.get(task.evidence_patch_run_id) if task.evidence_patch_run_id else None
        ),
    )


async def _one_out(session: AsyncSession, task: Task) -> TaskOut:
    return task_out(task, await work.task_refs(session, [task]), utcnow())


@router.get("/tasks", summary="Tasks, with filters; `mine=true` for one's own")
async def list_tasks(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    status: TaskStatus | None = None,
    source: TaskSource | None = None,
    assignee_uuid: UUID | None = None,
    mine: Annotated[bool, Query(description="Only the tasks assigned to the caller")] = False,
    site_uuid: UUID | None = None,
    overdue: Annotated[bool | None, Query(description="Open past their due date")] = None,
) -> ListEnvelope[TaskOut]:
    assignee_id = None
    if assignee_uuid:
        assignee_id = (await identity.get_user(session, actor, assignee_uuid)).id
    if mine:
        if actor.user is None:
            raise Invalid("Only a signed-in user has tasks of their own.", code="user_required")
        assignee_id = actor.user.id
    site = await sites.get_site(session, actor, site_uuid) if site_uuid else None
    now = utcnow()
    stmt = work.tasks_query(
        actor,
        status=status,
        source=source,
        assignee_id=assignee_id,
        site_id=site.id if site else None,
        overdue=overdue,
        now=now,
    )
    default = [Task.created_at.desc(), Task.id.desc()]
    rows, total = await fetch_page(session, stmt, page, TASK_SORT, default)
    refs = await work.task_refs(session, rows)
    return list_envelope(request, [task_out(t, refs, now) for t in rows], total, page)


@router.post(
    "/tasks",
    status_code=status.HTTP_201_CREATED,
    summary="Create a task (managers): priced, and assigned to an engineer",
)
async def create_task(body: TaskCreate, session: SessionDep, actor: Writer) -> Envelope[TaskOut]:
    task = await work.create_task(session, actor, body)
    await session.commit()
    return wrap(await _one_out(session, task))


@router.post(
    "/tasks/shuffle",
    summary="Reassign every open task of the organization to an engineer at random",
)
async def shuffle_tasks(
    session: SessionDep, actor: Writer, organization_uuid: OrganizationParam = None
) -> Envelope[ShuffleOut]:
    org = await work.target_organization(session, actor, organization_uuid)
    engineers = len(await work.engineers_of(session, org.id))
    reassigned = await work.shuffle_tasks(session, actor, org)
    await session.commit()
    return wrap(ShuffleOut(reassigned=reassigned, engineers=engineers))


@router.get("/tasks/{task_uuid}", summary="One task")
async def get_task(task_uuid: UUID, session: SessionDep, actor: Reader) -> Envelope[TaskOut]:
    return wrap(await _one_out(session, await work.get_task(session, actor, task_uuid)))


@router.post("/tasks/{task_uuid}/assign", summary="Reassign an open task (managers)")
async def assign_task(
    task_uuid: UUID, body: TaskAssign, session: SessionDep, actor: Writer
) -> Envelope[TaskOut]:
    task = await work.get_task(session, actor, task_uuid)
    await work.reassign_task(session, actor, task, body.assignee_uuid)
    await session.commit()
    return wrap(await _one_out(session, task))


@router.post("/tasks/{task_uuid}/complete", summary="Complete one's own open task")
async def complete_task(
    task_uuid: UUID, session: SessionDep, actor: Completer
) -> Envelope[TaskOut]:
    task = await work.get_task(session, actor, task_uuid)
    await work.complete_task(session, actor, task)
    await session.commit()
    return wrap(await _one_out(session, task))


def _prices_out(prices: TaskPriceList, org_uuid: UUID, currency: str) -> TaskPricesOut:
    return TaskPricesOut(
        organization_uuid=org_uuid,
        mode=PricingMode(prices.mode),
        prices={k: PricePair.model_validate(v) for k, v in prices.prices.items()},
        currency=currency,
        random_ranges={
            field: [Decimal(low) / 100, Decimal(high) / 100]
            for field, (low, high) in work.RANDOM_RANGES.items()
        },
    )


@router.get("/task-prices", summary="How the organization prices new tasks")
async def get_task_prices(
    session: SessionDep, actor: Reader, organization_uuid: OrganizationParam = None
) -> Envelope[TaskPricesOut]:
    org = await work.target_organization(session, actor, organization_uuid)
    prices = await work.price_list(session, org.id)
    return wrap(_prices_out(prices, org.uuid, org.currency))


@router.put(
    "/task-prices",
    summary="Random prices, or fixed ones per site criticality (managers; new tasks only)",
)
async def set_task_prices(
    body: TaskPricesIn,
    session: SessionDep,
    actor: Writer,
    organization_uuid: OrganizationParam = None,
) -> Envelope[TaskPricesOut]:
    org = await work.target_organization(session, actor, organization_uuid)
    prices = await work.set_price_list(session, actor, org, body)
    await session.commit()
    return wrap(_prices_out(prices, org.uuid, org.currency))
