"""Tasks: created by managers or by security findings, assigned to engineers only, priced once,
shuffled, completed. Every assignment debits the assignee the task's fee; completion credits
the reward (``ledger``). Engineers here are the active, approved users whose role is
``engineer``: managers and admins are never assignees."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Conflict, Invalid, NotFound, PermissionDenied
from patchwatch.events import service as events
from patchwatch.identity import service as identity
from patchwatch.identity.models import Organization, Role, User
from patchwatch.identity.principal import Principal
from patchwatch.sites import service as sites
from patchwatch.sites.models import Site
from patchwatch.tenancy import scoped
from patchwatch.work import ledger
from patchwatch.work.models import Task, TaskPriceList
from patchwatch.work.schemas import TaskCreate, TaskPricesIn

ENGINEER_ROLE = "engineer"
# Random prices (UberPopug): the fee from 10 to 20, the reward from 20 to 40, to the cent.
RANDOM_RANGES = {"assignment_fee": (1000, 2000), "completion_reward": (2000, 4000)}


def _no_engineers() -> Conflict:
    return Conflict(
        "The organization has no active engineer to assign the task to.", code="no_engineers"
    )


# --- engineers and prices -------------------------------------------------------------------------


def _engineers_query(organization_id: int) -> Select[Any]:
    return (
        select(User)
        .join(Role, Role.id == User.role_id)
        .where(
            User.organization_id == organization_id,
            Role.name == ENGINEER_ROLE,
            User.is_active.is_(True),
            User.is_deleted.is_(False),
            User.is_approved.is_(True),
        )
        .order_by(User.id)
    )


async def engineers_of(session: AsyncSession, organization_id: int) -> list[User]:
    return list((await session.scalars(_engineers_query(organization_id))).unique())


async def _engineer(
    session: AsyncSession, actor: Principal, organization_id: int, user_uuid: uuid.UUID
) -> User:
    """The named user, who must be an active engineer of the task's organization."""
    user = await identity.get_user(session, actor, user_uuid)
    if user.organization_id != organization_id:
        raise NotFound("There is no such user.")
    engineers = await session.scalars(_engineers_query(organization_id).where(User.id == user.id))
    if engineers.first() is None:
        raise Invalid(
            "Tasks go to active engineers only (never to managers or admins).",
            code="not_an_engineer",
            details=[{"field": "body.assignee_uuid"}],
        )
    return user


def _random_price(field: str) -> Decimal:
    low, high = RANDOM_RANGES[field]
    return ledger.money(Decimal(low + secrets.randbelow(high - low + 1)) / 100)


async def price_list(session: AsyncSession, organization_id: int) -> TaskPriceList:
    found = await session.get(TaskPriceList, organization_id)
    return found or TaskPriceList(organization_id=organization_id, mode="random", prices={})


async def prices_for(
    session: AsyncSession, organization_id: int, criticality: str
) -> tuple[Decimal, Decimal]:
    """A new task's fee and reward: fixed by site criticality, or drawn at random."""
    prices = await price_list(session, organization_id)
    pair = prices.prices.get(criticality) if prices.mode == "fixed" else None
    if pair is None:
        return _random_price("assignment_fee"), _random_price("completion_reward")
    return ledger.money(pair["assignment_fee"]), ledger.money(pair["completion_reward"])


async def set_price_list(
    session: AsyncSession, actor: Principal, org: Organization, data: TaskPricesIn
) -> TaskPriceList:
    """Random or fixed prices for the organization's new tasks (existing ones keep theirs)."""
    prices = await session.get(TaskPriceList, org.id)
    if prices is None:
        prices = TaskPriceList(organization_id=org.id)
        session.add(prices)
    prices.mode = data.mode.value
    prices.prices = {
        criticality.value: {k: str(v) for k, v in pair.model_dump().items()}
        for criticality, pair in data.prices.items()
    }
    prices.updated_by = actor.actor_uuid
    await audit.record(
        session,
        actor,
        "task_prices.updated",
        target_type="organization",
        target_uuid=org.uuid,
        organization_id=org.id,
        changes={"mode": prices.mode, "prices": prices.prices},
    )
    await session.flush()
    return prices


async def target_organization(
    session: AsyncSession, actor: Principal, organization_uuid: uuid.UUID | None
) -> Organization:
    """The organization named (404 unless the caller may see it), else the caller's own."""
    if organization_uuid is not None:
        return await identity.get_organization(session, actor, organization_uuid)
    org = await session.get(Organization, actor.organization_id)
    if org is None:
        raise NotFound("There is no such organization.")
    return org


# --- reading --------------------------------------------------------------------------------------


def tasks_query(
    actor: Principal,
    *,
    status: str | None = None,
    assignee_id: int | None = None,
    site_id: int | None = None,
    overdue: bool | None = None,
    source: str | None = None,
    now: datetime | None = None,
) -> Select[Any]:
    """The tasks the caller may see (their organization's), filtered."""
    stmt = scoped(select(Task), Task.organization_id, actor)
    if actor.site_uuid is not None:  # a key bound to one site sees that site's tasks only
        stmt = stmt.join(Site, Site.id == Task.site_id).where(Site.uuid == actor.site_uuid)
    for column, value in ((Task.status, status), (Task.source, source)):
        if value is not None:
            stmt = stmt.where(column == value)
    if assignee_id is not None:
        stmt = stmt.where(Task.assignee_id == assignee_id)
    if site_id is not None:
        stmt = stmt.where(Task.site_id == site_id)
    if overdue is not None:
        late = (Task.status == "open") & (Task.due_at < (now or utcnow()))
        stmt = stmt.where(late if overdue else ~late | Task.due_at.is_(None))
    return stmt


async def get_task(session: AsyncSession, actor: Principal, task_uuid: uuid.UUID) -> Task:
    task: Task | None = await session.scalar(tasks_query(actor).where(Task.uuid == task_uuid))
    if task is None:
        raise NotFound("There is no such task.")
    return task


@dataclass(frozen=True)
class TaskRefs:
    """What a list of tasks names: organizations, sites, users, evidence runs (by id)."""

    organizations: dict[int, uuid.UUID]
    sites: dict[int, sites.SiteRef]
    users: dict[int, User]
    runs: dict[int, uuid.UUID]


async def task_refs(session: AsyncSession, tasks: Sequence[Task]) -> TaskRefs:
    from patchwatch.patching import service as patching

    return TaskRefs(
        organizations=await sites.organization_uuids(session, {t.organization_id for t in tasks}),
        sites=await sites.site_refs(session, {t.site_id for t in tasks if t.site_id}),
        users=await ledger.users_by_id(session, {t.assignee_id for t in tasks}),
        runs=await patching.run_uuids(
            session, [t.evidence_patch_run_id for t in tasks if t.evidence_patch_run_id]
        ),
    )


async def task_uuids(session: AsyncSession, task_ids: set[int]) -> dict[int, uuid.UUID]:
    if not task_ids:
        return {}
    rows = await session.execute(select(Task.id, Task.uuid).where(Task.id.in_(task_ids)))
    return dict(rows.tuples().all())


# --- changing -------------------------------------------------------------------------------------


def _task_payload(task: Task, org_uuid: uuid.UUID, **extra: Any) -> dict[str, Any]:
    return {
        "task_uuid": str(task.uuid),
        "title": task.title,
        "organization_uuid": str(org_uuid),
        "currency": task.currency,
        **extra,
    }


async def _org_uuid(session: AsyncSession, organization_id: int) -> uuid.UUID:
    return (await sites.organization_uuids(session, [organization_id]))[organization_id]


async def _assign(
    session: AsyncSession,
    task: Task,
    engineer: User,
    *,
    reason: str,
    actor_uuid: uuid.UUID | None,
    previous: User | None = None,
) -> None:
    """Give the task to ``engineer`` and debit them its fee (every assignment costs it)."""
    task.assignee_id = engineer.id
    now = utcnow()
    ledger.append(
        session,
        organization_id=task.organization_id,
        user_id=engineer.id,
        task_id=task.id,
        kind="fee",
        amount=-task.assignment_fee,
        currency=task.currency,
        description=f"Assignment fee: {task.title}",
        created_by=actor_uuid,
        occurred_at=now,
    )
    events.emit(
        session,
        "task_assigned",
        aggregate_type="task",
        aggregate_uuid=task.uuid,
        organization_id=task.organization_id,
        payload=_task_payload(
            task,
            await _org_uuid(session, task.organization_id),
            user_uuid=str(engineer.uuid),
            user_login=engineer.login,
            previous_user_uuid=str(previous.uuid) if previous else None,
            assignment_fee=str(task.assignment_fee),
            reason=reason,
            due_at=task.due_at.isoformat() if task.due_at else None,
            occurred_at=now.isoformat(),
        ),
    )


async def open_task(
    session: AsyncSession,
    *,
    organization_id: int,
    engineer: User,
    title: str,
    description: str = "",
    site: Site | None = None,
    package: str | None = None,
    advisory: str | None = None,
    due_at: datetime | None = None,
    source: str = "manual",
    open_key: str | None = None,
    actor_uuid: uuid.UUID | None = None,
) -> Task:
    """Create a task priced by the organization's price list and assign it (debiting the fee)."""
    org = await session.get(Organization, organization_id)
    assert org is not None
    fee, reward = await prices_for(session, organization_id, site.criticality if site else "normal")
    task = Task(
        uuid=uuid.uuid4(),
        organization_id=organization_id,
        title=title,
        description=description,
        site_id=site.id if site else None,
        package=package,
        advisory=advisory,
        source=source,
        status="open",
        assignee_id=engineer.id,
        assignment_fee=fee,
        completion_reward=reward,
        currency=org.currency,
        due_at=due_at,
        created_by=actor_uuid,
        open_key=open_key,
    )
    session.add(task)
    await session.flush()
    events.emit(
        session,
        "task_created",
        aggregate_type="task",
        aggregate_uuid=task.uuid,
        organization_id=organization_id,
        payload=_task_payload(
            task,
            org.uuid,
            source=source,
            site_uuid=str(site.uuid) if site else None,
            package=package,
            advisory=advisory,
            assignment_fee=str(fee),
            completion_reward=str(reward),
            due_at=due_at.isoformat() if due_at else None,
        ),
    )
    await _assign(session, task, engineer, reason="created", actor_uuid=actor_uuid)
    return task


async def create_task(session: AsyncSession, actor: Principal, data: TaskCreate) -> Task:
    """A manager's task: on one of the organization's sites (or none), to an engineer."""
    site = await sites.get_site(session, actor, data.site_uuid) if data.site_uuid else None
    organization_id = site.organization_id if site else actor.organization_id
    if organization_id is None:
        raise Invalid("Name a site: the task needs an organization.", code="organization_needed")
    if data.assignee_uuid:
        engineer = await _engineer(session, actor, organization_id, data.assignee_uuid)
    else:
        engineers = await engineers_of(session, organization_id)
        if not engineers:
            raise _no_engineers()
        engineer = secrets.choice(engineers)
    task = await open_task(
        session,
        organization_id=organization_id,
        engineer=engineer,
        title=data.title,
        description=data.description,
        site=site,
        package=data.package,
        advisory=data.advisory,
        due_at=data.due_at,
        actor_uuid=actor.actor_uuid,
    )
    await audit.record(
        session,
        actor,
        "task.created",
        target_type="task",
        target_uuid=task.uuid,
        organization_id=organization_id,
        changes={"title": task.title, "assignee_uuid": str(engineer.uuid)},
    )
    return task


def _assert_open(task: Task) -> None:
    if task.status != "open":
        raise Conflict("The task is done already.", code="task_done")


async def reassign_task(
    session: AsyncSession, actor: Principal, task: Task, assignee_uuid: uuid.UUID | None
) -> Task:
    """Give an open task to the named engineer, or to one at random; the fee is debited again."""
    _assert_open(task)
    if assignee_uuid:
        engineer = await _engineer(session, actor, task.organization_id, assignee_uuid)
    else:
        engineers = await engineers_of(session, task.organization_id)
        if not engineers:
            raise _no_engineers()
        engineer = secrets.choice(engineers)
    previous = await session.get(User, task.assignee_id)
    await _assign(
        session, task, engineer, reason="reassigned", actor_uuid=actor.actor_uuid, previous=previous
    )
    await audit.record(
        session,
        actor,
        "task.reassigned",
        target_type="task",
        target_uuid=task.uuid,
        organization_id=task.organization_id,
        changes={"assignee_uuid": str(engineer.uuid)},
    )
    return task


async def shuffle_tasks(session: AsyncSession, actor: Principal, org: Organization) -> int:
    """Every open task of the organization to an engineer drawn at random (each one debited)."""
    engineers = await engineers_of(session, org.id)
    if not engineers:
        raise _no_engineers()
    by_id = {e.id: e for e in engineers}
    tasks = list(
        await session.scalars(
            select(Task)
            .where(Task.organization_id == org.id, Task.status == "open")
            .order_by(Task.id)
        )
    )
    previous = await ledger.users_by_id(session, {t.assignee_id for t in tasks} - set(by_id))
    previous.update(by_id)
    for task in tasks:
        await _assign(
            session,
            task,
            secrets.choice(engineers),
            reason="shuffle",
            actor_uuid=actor.actor_uuid,
            previous=previous.get(task.assignee_id),
        )
    await audit.record(
        session,
        actor,
        "tasks.shuffled",
        target_type="organization",
        target_uuid=org.uuid,
        organization_id=org.id,
        changes={"tasks": len(tasks), "engineers": len(engineers)},
    )
    return len(tasks)


async def finish_task(
    session: AsyncSession,
    task: Task,
    *,
    completed_by: uuid.UUID | None,
    evidence_run_id: int | None = None,
    evidence_run_uuid: uuid.UUID | None = None,
) -> None:
    """Mark it done and credit the assignee the reward."""
    now = utcnow()
    task.status = "done"
    task.open_key = None
    task.completed_at = now
    task.completed_by = completed_by
    task.evidence_patch_run_id = evidence_run_id
    assignee = await session.get(User, task.assignee_id)
    assert assignee is not None
    ledger.append(
        session,
        organization_id=task.organization_id,
        user_id=task.assignee_id,
        task_id=task.id,
        kind="reward",
        amount=task.completion_reward,
        currency=task.currency,
        description=f"Completion reward: {task.title}",
        created_by=completed_by,
        occurred_at=now,
    )
    events.emit(
        session,
        "task_completed",
        aggregate_type="task",
        aggregate_uuid=task.uuid,
        organization_id=task.organization_id,
        payload=_task_payload(
            task,
            await _org_uuid(session, task.organization_id),
            user_uuid=str(assignee.uuid),
            user_login=assignee.login,
            completion_reward=str(task.completion_reward),
            evidence_patch_run_uuid=str(evidence_run_uuid) if evidence_run_uuid else None,
            completed_by=str(completed_by) if completed_by else None,
            occurred_at=now.isoformat(),
        ),
    )
    await session.flush()


async def complete_task(session: AsyncSession, actor: Principal, task: Task) -> Task:
    """The assignee marks their own task done (nobody completes someone else's)."""
    if actor.user is None or actor.user.id != task.assignee_id:
        raise PermissionDenied("Only the task's assignee can complete it.", code="not_your_task")
    _assert_open(task)
    await finish_task(session, task, completed_by=actor.actor_uuid)
    await audit.record(
        session,
        actor,
        "task.completed",
        target_type="task",
        target_uuid=task.uuid,
        organization_id=task.organization_id,
    )
    return task
