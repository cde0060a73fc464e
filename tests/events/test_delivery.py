"""Delivery from the outbox to consumers: order per aggregate, retries, dead letters, replay,
idempotency and bulk."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from patchwatch.db import Database, utcnow
from patchwatch.events import admin
from patchwatch.events.delivery import DeliveryPolicy, deliver_pending
from patchwatch.events.models import OutboxEvent
from tests.events.helpers import (
    Recorder,
    bulk_insert_events,
    deliveries,
    effect_count,
    effects,
    emit_events,
)

POLICY = DeliveryPolicy(max_attempts=3, retry_base_seconds=10, batch_size=50)


async def test_every_event_reaches_the_consumer_in_order_per_aggregate(db: Database) -> None:
    recorder = Recorder()
    first, second = uuid.uuid4(), uuid.uuid4()
    await emit_events(db, [first, second], per_aggregate=30)

    delivered = await deliver_pending(db, consumers=[recorder.consumer()], policy=POLICY)

    assert delivered == 60
    assert await effects(db, first) == list(range(30))
    assert await effects(db, second) == list(range(30))


async def test_delivering_again_changes_nothing(db: Database) -> None:
    recorder = Recorder()
    await emit_events(db, [uuid.uuid4()], per_aggregate=5)
    await deliver_pending(db, consumers=[recorder.consumer()], policy=POLICY)

    again = await deliver_pending(db, consumers=[recorder.consumer()], policy=POLICY)

    assert again == 0
    assert await effect_count(db) == 5


async def test_a_failing_event_holds_back_only_its_own_aggregate(db: Database) -> None:
    stuck, free = uuid.uuid4(), uuid.uuid4()
    recorder = Recorder(failing={2}, failing_aggregate=stuck)
    await emit_events(db, [stuck, free], per_aggregate=5)

    await deliver_pending(db, consumers=[recorder.consumer()], policy=POLICY)

    assert await effects(db, stuck) == [0, 1]
    assert await effects(db, free) == [0, 1, 2, 3, 4]
    [failed] = await deliveries(db, "failed")
    assert failed.attempts == 1
    assert "refusing seq 2" in (failed.last_error or "")


async def test_a_failed_event_is_retried_after_its_backoff_then_the_rest_follow(
    db: Database,
) -> None:
    recorder = Recorder(failing={2})
    aggregate = uuid.uuid4()
    await emit_events(db, [aggregate], per_aggregate=5)
    now = utcnow()
    await deliver_pending(db, consumers=[recorder.consumer()], now=now, policy=POLICY)
    recorder.failing = set()

    early = await deliver_pending(
        db, consumers=[recorder.consumer()], now=now + timedelta(seconds=5), policy=POLICY
    )
    late = await deliver_pending(
        db, consumers=[recorder.consumer()], now=now + timedelta(seconds=11), policy=POLICY
    )

    assert early == 0
    assert late == 3
    assert await effects(db, aggregate) == [0, 1, 2, 3, 4]


async def test_the_backoff_doubles_with_each_attempt(db: Database) -> None:
    recorder = Recorder(failing={0})
    await emit_events(db, [uuid.uuid4()], per_aggregate=1)
    now = utcnow()
    await deliver_pending(db, consumers=[recorder.consumer()], now=now, policy=POLICY)
    later = now + timedelta(seconds=10)
    await deliver_pending(db, consumers=[recorder.consumer()], now=later, policy=POLICY)

    [failed] = await deliveries(db, "failed")

    assert failed.attempts == 2
    assert failed.next_attempt_at == later + timedelta(seconds=20)


async def test_after_the_last_attempt_the_event_is_a_dead_letter(db: Database) -> None:
    recorder = Recorder(failing={0})
    aggregate = uuid.uuid4()
    await emit_events(db, [aggregate], per_aggregate=3)
    now = utcnow()
    for minutes in (0, 1, 2, 3):
        await deliver_pending(
            db, consumers=[recorder.consumer()], now=now + timedelta(minutes=minutes), policy=POLICY
        )

    [dead] = await deliveries(db, "dead")

    assert dead.attempts == 3
    assert await effects(db, aggregate) == []  # the later events wait behind the dead one


async def test_a_replayed_dead_letter_is_delivered_and_releases_its_aggregate(
    db: Database,
) -> None:
    recorder = Recorder(failing={0})
    aggregate = uuid.uuid4()
    await emit_events(db, [aggregate], per_aggregate=3)
    now = utcnow()
    for minutes in (0, 1, 2):
        await deliver_pending(
            db, consumers=[recorder.consumer()], now=now + timedelta(minutes=minutes), policy=POLICY
        )
    [dead] = await deliveries(db, "dead")
    recorder.failing = set()

    async with db.sessionmaker() as session:
        await admin.replay(session, dead.uuid)
        await session.commit()
    delivered = await deliver_pending(db, consumers=[recorder.consumer()], policy=POLICY)

    assert delivered == 3
    assert await effects(db, aggregate) == [0, 1, 2]


async def test_ten_thousand_bulk_inserted_events_are_delivered_once_each(db: Database) -> None:
    recorder = Recorder()
    owners = await bulk_insert_events(db, 10_000, aggregates=100)

    delivered = await deliver_pending(
        db, consumers=[recorder.consumer()], policy=DeliveryPolicy(batch_size=500)
    )

    assert delivered == 10_000
    assert await effects(db, owners[7]) == list(range(100))
    assert await effect_count(db) == 10_000


async def test_events_every_registered_consumer_has_are_marked_published(db: Database) -> None:
    await emit_events(db, [uuid.uuid4()], per_aggregate=3, event_type="nobody.listens")

    await deliver_pending(db)

    async with db.sessionmaker() as session:
        unpublished = await session.scalar(
            select(func.count()).where(OutboxEvent.published_at.is_(None))
        )
    assert unpublished == 0
