"""The long-running side of delivery: leases on consumers and the in-process loop.

One process at a time delivers to a consumer: it holds the consumer's lease in
``event_consumer_leases`` and renews it in the transaction of every batch, so a process that
lost its lease (it stalled, the lease expired, another took over) writes nothing more. This is
what keeps events of one aggregate in order when several processes deliver. A process killed
while holding a lease loses it when the lease expires.

On the embedded default the server process runs ``run_forever``; when Redis is configured the
API processes leave delivery to ``patchwatch worker`` processes (``events.worker``), which call
``drain`` for the consumers the queue hands them.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Callable
from datetime import timedelta

import structlog
from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import Database, insert_ignoring_conflicts, utcnow
from patchwatch.events.bus import Consumer
from patchwatch.events.delivery import (
    DeliveryPolicy,
    Guard,
    deliver_to,
    mark_published,
    sharing_of,
)
from patchwatch.events.models import EventConsumerLease
from patchwatch.events.registry import consumers as registered
from patchwatch.jobs.loops import Stopper
from patchwatch.settings import Settings

log = structlog.get_logger(__name__)

# Events are stamped published as they are delivered; a sweep this often catches the few that
# two consumers delivered at the same moment (each saw the other's record not yet committed).
SWEEP_SECONDS = 60.0
# After a failed round (database down, not yet migrated): not a warning every second.
FAILED_ROUND_PAUSE_SECONDS = 10.0


def policy_from(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        max_attempts=settings.events_max_attempts,
        retry_base_seconds=settings.events_retry_base_seconds,
        batch_size=settings.events_batch_size,
    )


def holder_name() -> str:
    """Who holds a lease: host, process and a random part (a restarted process is new)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def claim(database: Database, consumer: str, holder: str, seconds: float) -> bool:
    """Take the consumer's lease if it is free, expired, or already ours."""
    now = utcnow()
    async with database.sessionmaker() as session:
        await session.execute(
            insert_ignoring_conflicts(database.dialect, EventConsumerLease.__table__),
            [{"consumer": consumer}],
        )
        result = await session.execute(
            update(EventConsumerLease)
            .where(
                EventConsumerLease.consumer == consumer,
                or_(
                    EventConsumerLease.holder.is_(None),
                    EventConsumerLease.holder == holder,
                    EventConsumerLease.lease_until.is_(None),
                    EventConsumerLease.lease_until < now,
                ),
            )
            .values(holder=holder, lease_until=now + timedelta(seconds=seconds))
        )
        await session.commit()
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def release(database: Database, consumer: str, holder: str) -> None:
    async with database.sessionmaker() as session:
        await session.execute(
            update(EventConsumerLease)
            .where(EventConsumerLease.consumer == consumer, EventConsumerLease.holder == holder)
            .values(holder=None, lease_until=None)
        )
        await session.commit()


def lease_guard(
    consumer: str, holder: str, seconds: float, stopping: Callable[[], bool] | None = None
) -> Guard:
    """Renew the lease inside the batch's transaction; False when it is no longer ours (or the
    process is stopping: it ends after the batch in hand)."""

    async def renew(session: AsyncSession) -> bool:
        if stopping is not None and stopping():
            return False
        now = utcnow()
        result = await session.execute(
            update(EventConsumerLease)
            .where(
                EventConsumerLease.consumer == consumer,
                EventConsumerLease.holder == holder,
                EventConsumerLease.lease_until >= now,
            )
            .values(lease_until=now + timedelta(seconds=seconds))
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    return renew


async def drain(
    database: Database,
    consumer: Consumer,
    settings: Settings,
    holder: str,
    everyone: list[Consumer],
    stopping: Callable[[], bool] | None = None,
) -> int:
    """Deliver all that is due to one consumer, if nobody else is on it; how many."""
    seconds = settings.events_lease_seconds
    if not await claim(database, consumer.name, holder, seconds):
        return 0
    try:
        return await deliver_to(
            database,
            consumer,
            policy=policy_from(settings),
            guard=lease_guard(consumer.name, holder, seconds, stopping),
            sharing=sharing_of(everyone),
        )
    finally:
        await release(database, consumer.name, holder)


async def deliver_round(database: Database, settings: Settings, holder: str) -> int:
    """One pass over every registered consumer; how many deliveries."""
    everyone = registered()
    delivered = 0
    for each in everyone:
        delivered += await drain(database, each, settings, holder, everyone)
    return delivered


class Sweeper:
    """Runs the ``published_at`` sweep at most every ``SWEEP_SECONDS``."""

    def __init__(self) -> None:
        self.last = 0.0

    async def maybe(self, database: Database) -> None:
        loop_time = asyncio.get_running_loop().time()
        if loop_time - self.last < SWEEP_SECONDS and self.last:
            return
        self.last = loop_time
        await mark_published(database, registered(), utcnow())


async def run_forever(
    database: Database, settings: Settings, stopper: Stopper | None = None
) -> None:
    """The in-process runner: a delivery round every poll interval, until stopped (between
    rounds, see jobs/loops.py) or cancelled."""
    stopper = stopper or Stopper()
    holder = holder_name()
    sweeper = Sweeper()
    while not stopper.stopped:
        try:
            delivered = await deliver_round(database, settings, holder)
            await sweeper.maybe(database)
        except Exception:  # e.g. the database is down or not migrated: try again, later
            log.warning("event_delivery_round_failed", exc_info=True)
            await stopper.pause(max(settings.events_poll_seconds, FAILED_ROUND_PAUSE_SECONDS))
            continue
        if not delivered:  # busy: go again at once; idle: wait
            await stopper.pause(settings.events_poll_seconds)
