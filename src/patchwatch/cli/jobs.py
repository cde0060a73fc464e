"""`patchwatch jobs list|run`: the periodic jobs, for operators and for cron."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from patchwatch.cli.main import app, console, run_with_database
from patchwatch.db import Database
from patchwatch.jobs import scheduler
from patchwatch.settings import get_settings

jobs_app = typer.Typer(help="Periodic jobs: catalog sync, SLA checks.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("list")
def list_jobs() -> None:
    """Every job, its interval, and how its last run ended."""
    settings = get_settings()
    states = {state.name: state for state in run_with_database(scheduler.job_states)}
    for job in scheduler.jobs(settings).values():
        state = states.get(job.name)
        every = f"every {job.interval}" if job.interval.total_seconds() > 0 else "off"
        if state is None or state.last_started_at is None:
            console.print(f"{job.name}: {every}; never ran")
            continue
        console.print(
            f"{job.name}: {every}; last started {state.last_started_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"{state.last_status or 'running'} {state.last_result or ''} {state.last_error or ''}"
        )


@jobs_app.command("run")
def run(
    name: Annotated[str, typer.Argument(help="the job's name (see `patchwatch jobs list`)")],
    force: Annotated[bool, typer.Option(help="run even if its interval has not passed")] = True,
) -> None:
    """Run one job now (unless another process is running it)."""
    settings = get_settings()
    job = scheduler.jobs(settings).get(name)
    if job is None:
        console.print(
            f"[red]no job named {name!r}[/red]; jobs: {', '.join(scheduler.jobs(settings))}"
        )
        raise typer.Exit(2)

    async def _run(database: Database) -> dict[str, Any] | None:
        return await scheduler.run_job(database, settings, job, force=force)

    result = run_with_database(_run)
    if result is None:
        console.print(f"{name}: not run (another process holds it, or it is not due)")
        raise typer.Exit(1)
    console.print(f"{name}: {result}")
