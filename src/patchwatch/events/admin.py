"""What a platform admin sees of the event flow: dead letters, replay, how far behind it is.

These queries cross organizations on purpose: the delivery machinery is the platform's, and
only platform admins reach them (the router requires ``platform:admin``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.api.pagination import PageParams, fetch_rows_page
from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Conflict, NotFound
from patchwatch.events.bus import Consumer
from patchwatch.events.delivery import DEAD, DELIVERED, FAILED
from patchwatch.events.models import EventDelivery, OutboxEvent
from patchwatch.identity.principal import Principal

SORT = {
    "updated_at": EventDelivery.updated_at,
    "consumer": EventDelivery.consumer,
    "attempts": EventDelivery.attempts,
}


@dataclass(frozen=True)
class ConsumerStatus:
    consumer: str
    event_types: list[str]
    pending: int
    retrying: int
    dead: int
    oldest_pending_at: datetime | None


async def list_dead_letters(
    session: AsyncSession, params: PageParams, *, consumer: str | None = None
) -> tuple[list[Any], int]:
    """A page of dead deliveries (with their events), the most recent first."""
    stmt = (
        select(EventDelivery, OutboxEvent)
        .join(OutboxEvent, OutboxEvent.id == EventDelivery.event_id)
        .where(EventDelivery.status == DEAD)
    )
    if consumer:
        stmt = stmt.where(EventDelivery.consumer == consumer)
    return await fetch_rows_page(
        session,
        cast("Select[Any]", stmt),
        params,
        SORT,
        [EventDelivery.updated_at.desc(), EventDelivery.id.desc()],
    )


async def replay(
    session: AsyncSession, delivery_uuid: uuid.UUID, actor: Principal | None = None
) -> EventDelivery:
    """Give a dead (or retrying) delivery a fresh set of attempts, due now."""
    delivery = await session.scalar(
        select(EventDelivery).where(EventDelivery.uuid == delivery_uuid).with_for_update()
    )
    if delivery is None:
        raise NotFound("There is no such dead letter.")
    if delivery.status == DELIVERED:
        raise Conflict("This event was delivered already.", code="already_delivered")
    event = await session.get(OutboxEvent, delivery.event_id)
    delivery.status, delivery.attempts, delivery.next_attempt_at = FAILED, 0, utcnow()
    await audit.record(
        session,
        actor,
        "event_delivery.replayed",
        target_type="event_delivery",
        target_uuid=delivery.uuid,
        organization_id=event.organization_id if event else None,
        changes={"consumer": delivery.consumer, "event_uuid": str(event.uuid) if event else None},
    )
    await session.flush()
    return delivery


async def replay_all(
    session: AsyncSession, consumer: str | None = None, actor: Principal | None = None
) -> int:
    """Replay every dead letter (of one consumer); how many."""
    stmt = select(EventDelivery.uuid).where(EventDelivery.status == DEAD)
    if consumer:
        stmt = stmt.where(EventDelivery.consumer == consumer)
    count = 0
    for delivery_uuid in list(await session.scalars(stmt)):
        await replay(session, delivery_uuid, actor)
        count += 1
    return count


async def status(
    session: AsyncSession, consumers: Sequence[Consumer], now: datetime | None = None
) -> list[ConsumerStatus]:
    """Per consumer: events waiting, retrying, dead, and when the oldest waiting one happened."""
    now = now or utcnow()
    found: list[ConsumerStatus] = []
    for each in consumers:
        types = sorted(each.event_types)
        waiting = await session.execute(
            select(func.count(), func.min(OutboxEvent.occurred_at))
            .select_from(OutboxEvent)
            .outerjoin(
                EventDelivery,
                and_(
                    EventDelivery.event_id == OutboxEvent.id,
                    EventDelivery.consumer == each.name,
                ),
            )
            .where(
                OutboxEvent.published_at.is_(None),
                OutboxEvent.event_type.in_(types),
                or_(EventDelivery.id.is_(None), EventDelivery.status == FAILED),
            )
        )
        pending, oldest = waiting.one()
        by_status = dict(
            (
                await session.execute(
                    select(EventDelivery.status, func.count())
                    .where(
                        EventDelivery.consumer == each.name,
                        EventDelivery.status.in_([FAILED, DEAD]),
                    )
                    .group_by(EventDelivery.status)
                )
            )
            .tuples()
            .all()
        )
        found.append(
            ConsumerStatus(
                consumer=each.name,
                event_types=types,
                pending=int(pending or 0),
                retrying=int(by_status.get(FAILED, 0)),
                dead=int(by_status.get(DEAD, 0)),
                oldest_pending_at=oldest,
            )
        )
    return found
