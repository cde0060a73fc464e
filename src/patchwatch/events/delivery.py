"""Delivery of outbox events to consumers: at least once, once in effect, in order per aggregate.

The database is the record. For each consumer an event is pending until a ``delivered`` row in
``event_deliveries`` says otherwise; that row is written in the same transaction as the
handler's writes, and it is unique per consumer and event, so a second delivery (two workers, a
crash after the commit) rolls back instead of doing the work twice.

Work is done in batches per consumer: one query reads up to ``batch_size`` pending events, the
handlers run in one transaction and one statement records them all. Only when a handler raises
is the batch run again event by event (each in a savepoint), so that the failing event gets its
retry (``failed`` with a backoff, ``dead`` after the last attempt) while the others go through.
An event whose aggregate has an earlier event failing or dead waits behind it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import Database, utcnow
from patchwatch.events.bus import Consumer, Event
from patchwatch.events.models import EventDelivery, OutboxEvent

log = structlog.get_logger(__name__)

DELIVERED = "delivered"
FAILED = "failed"
DEAD = "dead"

AggregateKey = tuple[str, Any]
# Run first in every batch's transaction: False means this process may not deliver any more
# (its lease on the consumer was lost), and the batch is not run.
Guard = Callable[[AsyncSession], Awaitable[bool]]
# Event type -> the names of every registered consumer of it (to stamp ``published_at``).
Sharing = dict[str, frozenset[str]]


def sharing_of(consumers: Iterable[Consumer]) -> Sharing:
    found: dict[str, set[str]] = {}
    for each in consumers:
        for event_type in each.event_types:
            found.setdefault(event_type, set()).add(each.name)
    return {event_type: frozenset(names) for event_type, names in found.items()}


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard to try: attempts before a dead letter, the backoff, the batch size."""

    max_attempts: int = 8
    retry_base_seconds: float = 10.0
    retry_max_seconds: float = 3600.0
    batch_size: int = 500

    def next_attempt_at(self, now: datetime, attempts: int) -> datetime:
        """Exponential backoff: base, 2x base, 4x base, ... capped."""
        delay = min(self.retry_base_seconds * 2 ** max(attempts - 1, 0), self.retry_max_seconds)
        return now + timedelta(seconds=delay)


@dataclass
class _Pending:
    event: Event
    delivery_id: int | None  # an earlier failed attempt, or None on the first try
    attempts: int


class _LostRace(Exception):
    """Another process recorded this delivery first: ours must not count."""


class LeaseLost(Exception):
    """The guard said no: another process delivers to this consumer now."""


async def _check(session: AsyncSession, guard: Guard | None) -> None:
    if guard is not None and not await guard(session):
        raise LeaseLost


def aggregate_key(event: Event) -> AggregateKey:
    """Events without an aggregate are not ordered against each other."""
    if event.aggregate_uuid is None:
        return ("event", event.id)
    return (event.aggregate_type, event.aggregate_uuid)


def to_event(row: OutboxEvent) -> Event:
    return Event(
        id=row.id,
        uuid=row.uuid,
        event_type=row.event_type,
        version=row.version,
        aggregate_type=row.aggregate_type,
        aggregate_uuid=row.aggregate_uuid,
        organization_id=row.organization_id,
        payload=dict(row.payload or {}),
        occurred_at=row.occurred_at,
    )


async def _blocked_aggregates(
    session: AsyncSession, consumer: Consumer, now: datetime
) -> set[AggregateKey]:
    """Aggregates whose earliest undelivered event is dead or waiting for its retry."""
    rows = await session.execute(
        select(OutboxEvent.id, OutboxEvent.aggregate_type, OutboxEvent.aggregate_uuid)
        .join(EventDelivery, EventDelivery.event_id == OutboxEvent.id)
        .where(
            EventDelivery.consumer == consumer.name,
            or_(
                EventDelivery.status == DEAD,
                and_(EventDelivery.status == FAILED, EventDelivery.next_attempt_at > now),
            ),
        )
    )
    return {("event", event_id) if uuid is None else (kind, uuid) for event_id, kind, uuid in rows}


async def _pending_page(
    session: AsyncSession, consumer: Consumer, now: datetime, after_id: int, limit: int
) -> tuple[list[_Pending], int]:
    """The next unpublished events (by id) of the consumer's types that it has not had, or
    whose retry is due; and the last id looked at (to go on from).

    Two bounded queries instead of an outer join: right after a bulk insert the planner's
    statistics are stale and a join planned for "one row" would loop over thousands.
    """
    events = list(
        await session.scalars(
            select(OutboxEvent)
            .where(
                OutboxEvent.published_at.is_(None),
                OutboxEvent.event_type.in_(sorted(consumer.event_types)),
                OutboxEvent.id > after_id,
            )
            .order_by(OutboxEvent.id)
            .limit(limit)
        )
    )
    if not events:
        return [], after_id
    records = {
        event_id: (delivery_id, status, attempts, next_attempt_at)
        for event_id, delivery_id, status, attempts, next_attempt_at in await session.execute(
            select(
                EventDelivery.event_id,
                EventDelivery.id,
                EventDelivery.status,
                EventDelivery.attempts,
                EventDelivery.next_attempt_at,
            ).where(
                EventDelivery.consumer == consumer.name,
                EventDelivery.event_id.in_([event.id for event in events]),
            )
        )
    }
    pending: list[_Pending] = []
    for event in events:
        record = records.get(event.id)
        if record is None:
            pending.append(_Pending(to_event(event), None, 0))
            continue
        delivery_id, status, attempts, next_attempt_at = record
        if status == FAILED and next_attempt_at is not None and next_attempt_at <= now:
            pending.append(_Pending(to_event(event), delivery_id, attempts))
    return pending, events[-1].id


async def _record_delivered(
    session: AsyncSession,
    consumer: Consumer,
    items: Sequence[_Pending],
    now: datetime,
    sharing: Sharing | None,
) -> None:
    """One insert for the first tries; retried ones flip their row (only if still ours)."""
    fresh = [
        {
            "consumer": consumer.name,
            "event_id": item.event.id,
            "status": DELIVERED,
            "attempts": item.attempts + 1,
            "delivered_at": now,
        }
        for item in items
        if item.delivery_id is None
    ]
    if fresh:
        await session.execute(insert(EventDelivery), fresh)
    for item in items:
        if item.delivery_id is None:
            continue
        result = await session.execute(
            update(EventDelivery)
            .where(
                EventDelivery.id == item.delivery_id,
                EventDelivery.status == FAILED,
                EventDelivery.attempts == item.attempts,
            )
            .values(
                status=DELIVERED,
                attempts=item.attempts + 1,
                delivered_at=now,
                next_attempt_at=None,
                last_error=None,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise _LostRace
    if sharing is not None:
        await _stamp_published(session, consumer, items, now, sharing)


async def _stamp_published(
    session: AsyncSession,
    consumer: Consumer,
    items: Sequence[_Pending],
    now: datetime,
    sharing: Sharing,
) -> None:
    """Stamp the events of this batch that every consumer of their type now has.

    Bounded work (the batch's ids); two consumers committing the same event at the same moment
    may both miss it, which the periodic ``mark_published`` sweep catches.
    """
    done: list[int] = []
    shared: dict[frozenset[str], list[int]] = {}
    for item in items:
        others = sharing.get(item.event.event_type, frozenset()) - {consumer.name}
        if others:
            shared.setdefault(others, []).append(item.event.id)
        else:
            done.append(item.event.id)
    for others, ids in shared.items():
        had_all = await session.scalars(
            select(EventDelivery.event_id)
            .where(
                EventDelivery.event_id.in_(ids),
                EventDelivery.consumer.in_(sorted(others)),
                EventDelivery.status == DELIVERED,
            )
            .group_by(EventDelivery.event_id)
            .having(func.count() == len(others))
        )
        done.extend(had_all)
    if done:
        await session.execute(
            update(OutboxEvent).where(OutboxEvent.id.in_(done)).values(published_at=now)
        )


async def _record_failure(
    session: AsyncSession,
    consumer: Consumer,
    item: _Pending,
    error: BaseException,
    now: datetime,
    policy: DeliveryPolicy,
) -> None:
    attempts = item.attempts + 1
    dead = attempts >= policy.max_attempts
    values = {
        "status": DEAD if dead else FAILED,
        "attempts": attempts,
        "last_error": f"{type(error).__name__}: {error}"[:2000],
        "next_attempt_at": None if dead else policy.next_attempt_at(now, attempts),
        "updated_at": now,
    }
    if item.delivery_id is None:
        await session.execute(
            insert(EventDelivery),
            [{"consumer": consumer.name, "event_id": item.event.id, **values}],
        )
    else:
        result = await session.execute(
            update(EventDelivery)
            .where(EventDelivery.id == item.delivery_id, EventDelivery.attempts == item.attempts)
            .values(**values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise _LostRace
    log.warning(
        "event_dead_letter" if dead else "event_delivery_failed",
        consumer=consumer.name,
        event_type=item.event.event_type,
        event_id=item.event.id,
        attempts=attempts,
        error=type(error).__name__,
    )


async def _run_fast(
    database: Database,
    consumer: Consumer,
    batch: Sequence[_Pending],
    now: datetime,
    guard: Guard | None,
    sharing: Sharing | None,
) -> bool:
    """The whole batch in one transaction; False (nothing kept) when anything went wrong."""
    async with database.sessionmaker() as session:
        await _check(session, guard)
        try:
            for item in batch:
                await consumer.handle(session, item.event)
            await _record_delivered(session, consumer, batch, now, sharing)
            await session.commit()
        except Exception:
            await session.rollback()
            return False
    return True


async def _run_one_by_one(
    database: Database,
    consumer: Consumer,
    batch: Sequence[_Pending],
    now: datetime,
    policy: DeliveryPolicy,
    blocked: set[AggregateKey],
    guard: Guard | None,
    sharing: Sharing | None,
) -> int:
    """Each event in its own savepoint: failures are recorded, later events of it wait."""
    delivered = 0
    async with database.sessionmaker() as session:
        await _check(session, guard)
        for item in batch:
            key = aggregate_key(item.event)
            if key in blocked:
                continue
            savepoint = await session.begin_nested()
            try:
                await consumer.handle(session, item.event)
                await session.flush()  # the handler's own writes fail here, not as ours
            except Exception as exc:
                await savepoint.rollback()
                blocked.add(key)
                recording = await session.begin_nested()
                try:
                    await _record_failure(session, consumer, item, exc, now, policy)
                    await recording.commit()
                except (IntegrityError, _LostRace):  # another process got to it first
                    await recording.rollback()
                continue
            try:
                await _record_delivered(session, consumer, [item], now, sharing)
                await savepoint.commit()
            except (IntegrityError, _LostRace):
                await savepoint.rollback()  # delivered by another process meanwhile
                continue
            delivered += 1
        await session.commit()
    return delivered


async def deliver_to(
    database: Database,
    consumer: Consumer,
    *,
    now: datetime | None = None,
    policy: DeliveryPolicy | None = None,
    guard: Guard | None = None,
    sharing: Sharing | None = None,
) -> int:
    """Deliver every event due now to one consumer; how many deliveries succeeded.

    Stops early (quietly) when ``guard`` says another process has taken the consumer over. With
    ``sharing`` (from the full registry), events every consumer has had are stamped published.
    """
    now = now or utcnow()
    policy = policy or DeliveryPolicy()
    if not consumer.event_types:
        return 0
    async with database.sessionmaker() as session:
        blocked = await _blocked_aggregates(session, consumer, now)
    delivered = 0
    after_id = 0
    while True:
        async with database.sessionmaker() as session:
            page, last_id = await _pending_page(session, consumer, now, after_id, policy.batch_size)
        if last_id == after_id:
            return delivered
        after_id = last_id
        batch = _in_order(page, blocked)
        if not batch:
            continue
        try:
            if await _run_fast(database, consumer, batch, now, guard, sharing):
                delivered += len(batch)
            else:
                delivered += await _run_one_by_one(
                    database, consumer, batch, now, policy, blocked, guard, sharing
                )
        except LeaseLost:
            log.info("event_consumer_lease_lost", consumer=consumer.name)
            return delivered


def _in_order(page: Iterable[_Pending], blocked: set[AggregateKey]) -> list[_Pending]:
    """Drop the events that wait behind an earlier failing or dead event of their aggregate."""
    return [item for item in page if aggregate_key(item.event) not in blocked]


async def _sweep_type(
    session: AsyncSession, event_type: str, names: frozenset[str], now: datetime
) -> int:
    """Stamp this type's unpublished events that all ``names`` have, 500 ids at a time.

    Explicit id lists rather than a join: right after a bulk delivery the planner's statistics
    are stale, and a join planned for "one row" runs as a nested loop over thousands.
    """
    stamped, after_id = 0, 0
    while True:
        ids = list(
            await session.scalars(
                select(OutboxEvent.id)
                .where(
                    OutboxEvent.published_at.is_(None),
                    OutboxEvent.event_type == event_type,
                    OutboxEvent.id > after_id,
                )
                .order_by(OutboxEvent.id)
                .limit(500)
            )
        )
        if not ids:
            return stamped
        after_id = ids[-1]
        had_all = list(
            await session.scalars(
                select(EventDelivery.event_id)
                .where(
                    EventDelivery.event_id.in_(ids),
                    EventDelivery.consumer.in_(sorted(names)),
                    EventDelivery.status == DELIVERED,
                )
                .group_by(EventDelivery.event_id)
                .having(func.count() == len(names))
            )
        )
        if had_all:
            result = await session.execute(
                update(OutboxEvent).where(OutboxEvent.id.in_(had_all)).values(published_at=now)
            )
            stamped += result.rowcount  # type: ignore[attr-defined]
        await session.commit()  # row locks held briefly: deliveries stamp these rows too


async def mark_published(database: Database, consumers: Sequence[Consumer], now: datetime) -> int:
    """Stamp ``published_at`` on events every consumer of their type has had.

    Only called with the full registry: a subset would stamp events that other consumers still
    need (published events leave the pending scans for good).
    """
    by_type: dict[str, list[str]] = {}
    for each in consumers:
        for event_type in each.event_types:
            by_type.setdefault(event_type, []).append(each.name)
    stamped = 0
    async with database.sessionmaker() as session:
        unconsumed = update(OutboxEvent).where(OutboxEvent.published_at.is_(None))
        if by_type:
            unconsumed = unconsumed.where(OutboxEvent.event_type.not_in(sorted(by_type)))
        result = await session.execute(unconsumed.values(published_at=now))
        stamped += result.rowcount  # type: ignore[attr-defined]
        for event_type, names in sorted(by_type.items()):
            stamped += await _sweep_type(session, event_type, frozenset(names), now)
        await session.commit()
    return int(stamped)


async def deliver_pending(
    database: Database,
    *,
    consumers: list[Consumer] | None = None,
    now: datetime | None = None,
    policy: DeliveryPolicy | None = None,
) -> int:
    """Deliver every event due now to every consumer (None = the registry); successes counted.

    Tests call it to drain the flow deterministically; ``now`` in the future makes retries due.
    """
    from patchwatch.events.registry import consumers as registered

    now = now or utcnow()
    everyone = registered() if consumers is None else consumers
    delivered = 0
    sharing = sharing_of(everyone) if consumers is None else None
    for each in everyone:
        delivered += await deliver_to(database, each, now=now, policy=policy, sharing=sharing)
    if consumers is None:
        await mark_published(database, everyone, now)
    return delivered
