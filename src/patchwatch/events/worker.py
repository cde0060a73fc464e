"""`patchwatch worker`: event delivery in worker processes, handed out through Redis (taskiq).

The queue carries wake-ups only ("deliver to consumer X"), never events: the outbox and
``event_deliveries`` stay the record, so a lost, repeated or stale message is harmless. Every
worker, at start and then every poll interval, queues a wake-up per consumer (pending work is
picked up again after any crash); whichever worker takes a message claims that consumer's lease
and drains it in batches, so several workers share the consumers and never deliver to one
consumer at the same time (per-aggregate order holds).

Without Redis, ``patchwatch worker`` runs the same rounds as the server's in-process runner
(useful with the scheduler switched off in the API processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

import structlog
from taskiq.api import run_receiver_task
from taskiq_redis import RedisStreamBroker

from patchwatch.db import Database
from patchwatch.events import runner
from patchwatch.events.registry import consumers as registered
from patchwatch.jobs import scheduler
from patchwatch.jobs.loops import Stopper, stop_loops
from patchwatch.settings import Settings

log = structlog.get_logger(__name__)

TASK_NAME = "patchwatch.events.deliver"


class EventWorker:
    """One worker process: a taskiq receiver of wake-ups and the loop that sends them."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.holder = runner.holder_name()
        # The lease keeps other processes off a consumer; this keeps this process's own
        # concurrent tasks off it (they share the holder name).
        self.draining: set[str] = set()
        self.stopping = False
        self.idle = asyncio.Event()  # set while no drain runs in this process
        self.idle.set()
        self.broker = RedisStreamBroker(
            settings.redis_url,
            queue_name=settings.events_queue_name,
            consumer_group_name="patchwatch-events",
            # Wake-ups are cheap and repeated every interval: keep the stream short.
            maxlen=10_000,
            # A message taken by a killed worker goes to another one after this long.
            idle_timeout=int(settings.events_lease_seconds * 1000),
        )

        async def deliver(consumer_name: str) -> int:  # taskiq needs a plain function
            return await self.deliver(consumer_name)

        self.task = self.broker.register_task(deliver, task_name=TASK_NAME)

    async def deliver(self, consumer_name: str) -> int:
        """The task: drain one consumer (if no other worker is on it)."""
        everyone = registered()
        found = next((each for each in everyone if each.name == consumer_name), None)
        if found is None or consumer_name in self.draining or self.stopping:
            return 0  # unknown, on it already, or shutting down
        self.draining.add(consumer_name)
        self.idle.clear()
        try:
            delivered = await runner.drain(
                self.database, found, self.settings, self.holder, everyone, self.is_stopping
            )
        finally:
            self.draining.discard(consumer_name)
            if not self.draining:
                self.idle.set()
        if delivered:
            log.info("events_delivered", consumer=consumer_name, delivered=delivered)
        return delivered

    def is_stopping(self) -> bool:
        return self.stopping

    async def wind_down(self, seconds: float = 30) -> None:
        """Take no more work and let the batches in hand commit (up to ``seconds``)."""
        self.stopping = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle.wait(), seconds)
        await asyncio.sleep(0.2)  # the receiver acknowledges the finished messages to Redis

    async def wake_all(self) -> None:
        for each in registered():
            await self.task.kiq(each.name)

    async def wake_forever(self) -> None:
        sweeper = runner.Sweeper()
        while True:
            try:
                await self.wake_all()
                await sweeper.maybe(self.database)
            except Exception:  # Redis away for a moment: next interval
                log.warning("event_wakeup_failed", exc_info=True)
            await asyncio.sleep(self.settings.events_poll_seconds)


async def run_worker(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT: event delivery (through Redis when set) and the scheduler."""
    database = Database(settings.database_url)
    background: list[asyncio.Task[None]] = []
    loops: list[asyncio.Task[None]] = []  # stopped between rounds (jobs/loops.py)
    stopper = Stopper()
    worker: EventWorker | None = None
    if settings.redis_url:
        worker = EventWorker(database, settings)
        await worker.broker.startup()
        background.append(
            asyncio.create_task(
                run_receiver_task(worker.broker, max_async_tasks=4, run_startup=False)
            )
        )
        background.append(asyncio.create_task(worker.wake_forever()))
    else:
        loops.append(asyncio.create_task(runner.run_forever(database, settings, stopper)))
    if settings.scheduler_enabled:
        loops.append(asyncio.create_task(scheduler.run_forever(database, settings, stopper)))
    log.info("worker_started", redis=bool(settings.redis_url), holder=getattr(worker, "holder", ""))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
        if worker is not None:
            await worker.wind_down()
    finally:
        await stop_loops(stopper, loops, settings.shutdown_grace_seconds)
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if worker is not None:
            await worker.broker.shutdown()
        await database.dispose()
        log.info("worker_stopped")
