"""The in-process runner (embedded default) and the consumer leases that keep processes apart."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

from patchwatch.db import Database
from patchwatch.events import runner
from patchwatch.settings import Settings
from tests.events.helpers import effect_count, emit_events


async def test_the_in_process_runner_delivers_events_as_they_are_written(
    db: Database, settings: Settings
) -> None:
    fast = settings.model_copy(update={"events_poll_seconds": 0.05})
    running = asyncio.create_task(runner.run_forever(db, fast))
    try:
        await emit_events(db, [uuid.uuid4()], per_aggregate=3, event_type="patch_run.updated")
        deadline = time.monotonic() + 20
        while await effect_count(db) < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running

    assert await effect_count(db) == 3


async def test_a_consumer_leased_by_one_process_is_not_taken_by_another(db: Database) -> None:
    assert await runner.claim(db, "site_activity", "first", seconds=30)

    assert not await runner.claim(db, "site_activity", "second", seconds=30)


async def test_a_released_lease_can_be_taken_by_another_process(db: Database) -> None:
    await runner.claim(db, "site_activity", "first", seconds=30)
    await runner.release(db, "site_activity", "first")

    assert await runner.claim(db, "site_activity", "second", seconds=30)


async def test_an_expired_lease_is_taken_over(db: Database) -> None:
    await runner.claim(db, "site_activity", "killed", seconds=-1)  # ran out already

    assert await runner.claim(db, "site_activity", "second", seconds=30)
