"""The scheduler: periodic jobs, run by whichever process holds the job's lease.

Every API process (and later every worker) runs the same loop; the lease in ``scheduled_jobs``
makes sure one process at a time runs a job, and the last start time spaces the runs by the
job's interval across restarts. A process that dies while holding a lease loses it when the
lease expires. The state of every job (last run, outcome, figures) is kept for operators
(`patchwatch jobs list`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import or_, select, update

from patchwatch.catalog.sync import sync_drupal_catalog
from patchwatch.db import Database, insert_ignoring_conflicts, utcnow
from patchwatch.jobs.loops import Stopper
from patchwatch.jobs.models import ScheduledJob
from patchwatch.notify import jobs as notify_jobs
from patchwatch.patching.cycles import open_due_cycles
from patchwatch.rollouts import jobs as rollout_jobs
from patchwatch.settings import Settings
from patchwatch.status.breaches import record_sla_breaches
from patchwatch.work import jobs as work_jobs

log = structlog.get_logger(__name__)

JobFunction = Callable[[Database, Settings], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Job:
    name: str
    interval: timedelta
    run: JobFunction
    # How long a run may take before another process may take the job over.
    lease: timedelta = timedelta(minutes=30)


async def _catalog_sync(database: Database, settings: Settings) -> dict[str, Any]:
    return (await sync_drupal_catalog(database, settings)).figures()


async def _sla_breaches(database: Database, _settings: Settings) -> dict[str, Any]:
    async with database.sessionmaker() as session:
        breached = await record_sla_breaches(session)
        await session.commit()
    return {"breached": breached}


async def _open_cycles(database: Database, _settings: Settings) -> dict[str, Any]:
    async with database.sessionmaker() as session:
        opened = await open_due_cycles(session)
        await session.commit()
    return {"opened": opened}


def jobs(settings: Settings) -> dict[str, Job]:
    """Every periodic job, by name, with its interval from the settings (0 = off)."""
    every = {
        "catalog-sync": (settings.catalog_sync_interval_minutes, _catalog_sync),
        "sla-breaches": (settings.sla_check_interval_minutes, _sla_breaches),
        "cycles-open": (settings.cycle_open_interval_minutes, _open_cycles),
        "daily-close": (settings.daily_close_interval_minutes, work_jobs.daily_close),
        "sla-reminders": (settings.sla_check_interval_minutes, notify_jobs.sla_reminders),
        "notify-digest": (settings.notify_digest_interval_minutes, notify_jobs.send_digests),
        "rollout-deadlines": (settings.rollout_deadline_interval_minutes, rollout_jobs.deadlines),
    }
    found = {
        name: Job(name, timedelta(minutes=minutes), function)
        for name, (minutes, function) in every.items()
    }
    # Notifications go out within seconds, not minutes (the tick bounds how often it runs).
    sending = timedelta(seconds=settings.notify_send_interval_seconds)
    found["notify-send"] = Job("notify-send", sending, notify_jobs.send_due, timedelta(minutes=5))
    return found


async def _claim(database: Database, job: Job, now: datetime, *, force: bool) -> bool:
    """Take the job's lease if nobody holds it and (unless forced) its interval has passed."""
    async with database.sessionmaker() as session:
        dialect = session.get_bind().dialect.name
        await session.execute(
            insert_ignoring_conflicts(dialect, ScheduledJob.__table__), [{"name": job.name}]
        )
        stmt = (
            update(ScheduledJob)
            .where(
                ScheduledJob.name == job.name,
                or_(ScheduledJob.lease_until.is_(None), ScheduledJob.lease_until < now),
            )
            .values(lease_until=now + job.lease, last_started_at=now)
        )
        if not force:
            stmt = stmt.where(
                or_(
                    ScheduledJob.last_started_at.is_(None),
                    ScheduledJob.last_started_at <= now - job.interval,
                )
            )
        claimed = (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined]
        await session.commit()
    return bool(claimed)


async def _finish(
    database: Database, job: Job, status: str, result: dict[str, Any], error: str | None
) -> None:
    async with database.sessionmaker() as session:
        await session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.name == job.name)
            .values(
                lease_until=None,
                last_finished_at=utcnow(),
                last_status=status,
                last_error=error,
                last_result=result,
                runs=ScheduledJob.runs + 1,
            )
        )
        await session.commit()


async def run_job(
    database: Database, settings: Settings, job: Job, *, force: bool = False
) -> dict[str, Any] | None:
    """Run ``job`` if it is due and free; its figures, or None when it did not run."""
    if not await _claim(database, job, utcnow(), force=force):
        return None
    try:
        result = await job.run(database, settings)
    except Exception as exc:
        log.exception("job_failed", job=job.name)
        await _finish(database, job, "failed", {}, f"{type(exc).__name__}: {exc}"[:2000])
        raise
    await _finish(database, job, "succeeded", result, None)
    log.info("job_finished", job=job.name, **result)
    return result


async def run_due(
    database: Database, settings: Settings, stopper: Stopper | None = None
) -> dict[str, dict[str, Any]]:
    """Run every enabled job that is due (none more once a stop is asked for); the figures of
    those that ran."""
    ran: dict[str, dict[str, Any]] = {}
    for job in jobs(settings).values():
        if stopper is not None and stopper.stopped:
            break
        if job.interval <= timedelta(0):
            continue
        try:
            result = await run_job(database, settings, job)
        except Exception:  # recorded in scheduled_jobs by run_job; the other jobs still run
            log.warning("job_skipped_after_failure", job=job.name)
            result = None
        if result is not None:
            ran[job.name] = result
    return ran


def pause_seconds(settings: Settings) -> float:
    """How long the loop sleeps between looks: the tick, or less when a job runs more often
    (``notify-send`` every few seconds: a security email must not wait for a one-minute tick)."""
    intervals = [job.interval.total_seconds() for job in jobs(settings).values() if job.interval]
    return min([float(settings.scheduler_tick_seconds), *intervals])


async def run_forever(
    database: Database, settings: Settings, stopper: Stopper | None = None
) -> None:
    """The loop of a long-running process: look for due jobs every pause, until stopped (between
    jobs, see jobs/loops.py) or cancelled."""
    stopper = stopper or Stopper()
    pause = pause_seconds(settings)
    while not stopper.stopped:
        try:
            await run_due(database, settings, stopper)
        except Exception:  # e.g. the database is down or not migrated: try again next tick
            log.warning("scheduler_tick_failed", exc_info=True)
        await stopper.pause(pause)


async def job_states(database: Database) -> list[ScheduledJob]:
    async with database.sessionmaker() as session:
        return list(await session.scalars(select(ScheduledJob).order_by(ScheduledJob.name)))
