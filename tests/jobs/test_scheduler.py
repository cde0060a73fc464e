"""Periodic jobs: one process at a time (a lease), spaced by their interval, outcome recorded."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.jobs import scheduler
from patchwatch.jobs.models import ScheduledJob
from patchwatch.settings import Settings
from tests.test_cli import run as run_cli


class Recorder:
    """A job function that counts its runs and can be held open or made to fail."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()
        self.release.set()
        self.fail = False

    async def __call__(self, _database: Database, _settings: Settings) -> dict[str, Any]:
        self.calls += 1
        await self.release.wait()
        if self.fail:
            raise RuntimeError("the feed server is down")
        return {"done": self.calls}


async def _state(db: Database, name: str) -> ScheduledJob:
    async with db.sessionmaker() as session:
        state = await session.scalar(select(ScheduledJob).where(ScheduledJob.name == name))
        assert state is not None
        return state


async def test_one_process_at_a_time_and_spaced_by_the_interval(
    db: Database, settings: Settings
) -> None:
    work = Recorder()
    job = scheduler.Job("test-job", timedelta(hours=1), work)
    work.release.clear()
    first = asyncio.create_task(scheduler.run_job(db, settings, job))
    while work.calls == 0:
        await asyncio.sleep(0.01)
    # Another process (same database) finds the lease held, even when forced.
    assert await scheduler.run_job(db, settings, job, force=True) is None
    work.release.set()
    assert await first == {"done": 1}
    state = await _state(db, "test-job")
    assert state.last_status == "succeeded" and state.lease_until is None and state.runs == 1
    assert state.last_result == {"done": 1}
    # Not due again before its interval has passed; an operator may force it.
    assert await scheduler.run_job(db, settings, job) is None
    assert await scheduler.run_job(db, settings, job, force=True) == {"done": 2}
    assert work.calls == 2


async def test_a_failed_run_is_recorded_and_frees_the_job(db: Database, settings: Settings) -> None:
    work = Recorder()
    work.fail = True
    job = scheduler.Job("flaky", timedelta(0), work)
    with pytest.raises(RuntimeError):
        await scheduler.run_job(db, settings, job)
    state = await _state(db, "flaky")
    assert state.last_status == "failed" and state.lease_until is None
    assert state.last_error == "RuntimeError: the feed server is down"
    work.fail = False
    assert await scheduler.run_job(db, settings, job) == {"done": 2}
    assert (await _state(db, "flaky")).last_error is None


async def test_an_expired_lease_of_a_dead_process_is_taken_over(
    db: Database, settings: Settings
) -> None:
    work = Recorder()
    job = scheduler.Job("orphan", timedelta(0), work, lease=timedelta(seconds=-1))
    work.release.clear()
    dead = asyncio.create_task(scheduler.run_job(db, settings, job))
    while work.calls == 0:
        await asyncio.sleep(0.01)
    # The holder never finishes (it "died"); its lease has already expired.
    work.release.set()
    assert await scheduler.run_job(db, settings, job) == {"done": 2}
    await dead


async def test_the_server_loop_runs_due_jobs(db: Database, settings: Settings) -> None:
    fast = settings.model_copy(update={"scheduler_tick_seconds": 1})
    loop = asyncio.create_task(scheduler.run_forever(db, fast))
    try:
        for _ in range(100):
            async with db.sessionmaker() as session:
                state = await session.get(ScheduledJob, "sla-breaches")
            if state is not None and state.last_status == "succeeded":
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the scheduler did not run the SLA check")
        assert state.last_result == {"breached": 0}
    finally:
        loop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop


def test_the_loop_wakes_as_often_as_its_most_frequent_job() -> None:
    # A security email must not wait for a one-minute tick: notify-send runs every 5 s.
    settings = Settings(scheduler_tick_seconds=60, notify_send_interval_seconds=5)
    assert scheduler.pause_seconds(settings) == 5
    quiet = settings.model_copy(update={"notify_send_interval_seconds": 0})  # sending off
    assert scheduler.pause_seconds(quiet) == 60


async def test_operators_list_and_run_jobs_from_the_command_line(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    assert run_cli(cli_env, "db", "upgrade").returncode == 0
    listed = run_cli(cli_env, "jobs", "list")
    assert listed.returncode == 0 and "sla-breaches: every 0:15:00; never ran" in listed.stdout
    ran = run_cli(cli_env, "jobs", "run", "sla-breaches")
    assert ran.returncode == 0 and "{'breached': 0}" in ran.stdout
    assert "succeeded" in run_cli(cli_env, "jobs", "list").stdout
    unknown = run_cli(cli_env, "jobs", "run", "no-such-job")
    assert unknown.returncode == 2 and "no job named 'no-such-job'" in unknown.stdout
