"""Background loops stop between rounds: a stop never leaves a transaction open (on SQLite an
abandoned one keeps the write lock, and the server never exits)."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, insert, select

from patchwatch.db import Database
from patchwatch.jobs import scheduler
from patchwatch.jobs.loops import Stopper, stop_loops
from patchwatch.jobs.models import ScheduledJob
from patchwatch.settings import Settings


async def _writing_loop(db: Database, stopper: Stopper, inside: asyncio.Event) -> None:
    """A round is one write transaction that takes a while (a job, a delivery round)."""
    while not stopper.stopped:
        async with db.sessionmaker() as session:
            await session.execute(insert(ScheduledJob).values(name="slow-round"))
            inside.set()
            await asyncio.sleep(0.3)
            await session.commit()
        await stopper.pause(60)


async def test_a_stop_lets_the_round_commit_and_leaves_the_database_writable(
    db: Database,
) -> None:
    stopper, inside = Stopper(), asyncio.Event()
    loop = asyncio.create_task(_writing_loop(db, stopper, inside))
    await inside.wait()  # the stop comes in the middle of the transaction

    await stop_loops(stopper, [loop], grace_seconds=10)

    assert loop.done() and not loop.cancelled()
    async with db.sessionmaker() as session:
        assert await session.get(ScheduledJob, "slow-round") is not None  # committed, not lost
        await session.execute(delete(ScheduledJob).where(ScheduledJob.name == "slow-round"))
        await session.commit()  # and nobody holds the write lock


async def test_a_loop_still_busy_after_the_grace_period_is_cancelled() -> None:
    stopper = Stopper()

    async def deaf() -> None:
        await asyncio.sleep(60)  # does not look at the stopper

    loop = asyncio.create_task(deaf())
    await asyncio.sleep(0)

    await asyncio.wait_for(stop_loops(stopper, [loop], grace_seconds=0.2), timeout=5)

    assert loop.cancelled()


async def test_the_scheduler_loop_returns_when_stopped(db: Database, settings: Settings) -> None:
    stopper = Stopper()
    loop = asyncio.create_task(scheduler.run_forever(db, settings, stopper))
    for _ in range(200):  # until the first tick has run the due jobs
        async with db.sessionmaker() as session:
            if (await session.scalars(select(ScheduledJob))).first() is not None:
                break
        await asyncio.sleep(0.05)

    await stop_loops(stopper, [loop], grace_seconds=30)

    assert loop.done() and not loop.cancelled()
    assert await scheduler.run_due(db, settings, stopper) == {}  # no job starts once stopped
