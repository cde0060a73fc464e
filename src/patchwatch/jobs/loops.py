"""Background loops that stop between rounds, not in the middle of a transaction.

Cancelling a task while it awaits the database can leave its connection inside a transaction
(the rollback is cancelled too): on SQLite that connection keeps the write lock, every other
writer gets "database is locked", and the process never exits. So a stop is asked for first
(``Stopper.set``); loops finish the round they are in and return; only a loop still busy after
the grace period is cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

log = structlog.get_logger(__name__)


class Stopper:
    """A stop request shared by the loops of one process."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    @property
    def stopped(self) -> bool:
        return self._event.is_set()

    async def pause(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when a stop is asked for."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)


async def stop_loops(
    stopper: Stopper, tasks: list[asyncio.Task[None]], grace_seconds: float
) -> None:
    """Ask the loops to stop, wait up to ``grace_seconds`` for their rounds to end, then cancel
    whatever is still running."""
    stopper.set()
    if not tasks:
        return
    _, late = await asyncio.wait(tasks, timeout=grace_seconds)
    for task in late:
        log.warning("background_loop_cancelled", task=task.get_name())
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
