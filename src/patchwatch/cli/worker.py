"""`patchwatch worker` and `patchwatch events status|dead-letters|replay`: the event flow."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

import typer

from patchwatch.api.pagination import PageParams
from patchwatch.cli.main import app, console, run_with_database
from patchwatch.db import Database
from patchwatch.events import admin
from patchwatch.events.registry import consumers
from patchwatch.settings import get_settings

events_app = typer.Typer(help="The domain-event flow: delivery status, dead letters.")
app.add_typer(events_app, name="events")


@app.command()
def worker() -> None:
    """Deliver domain events (and run the scheduler) until stopped; scale by starting more."""
    from patchwatch.events.worker import run_worker
    from patchwatch.logging import configure_logging

    settings = get_settings()
    configure_logging(json=settings.log_json, level=settings.log_level)
    console.print(
        "patchwatch worker: "
        + ("events through Redis" if settings.redis_url else "events in-process (no Redis)")
    )
    asyncio.run(run_worker(settings))


@events_app.command("status")
def status() -> None:
    """Per consumer: events waiting, retrying and dead; the age of the oldest waiting one."""

    async def _status(database: Database) -> list[admin.ConsumerStatus]:
        async with database.sessionmaker() as session:
            return await admin.status(session, consumers())

    for each in run_with_database(_status):
        oldest = (
            f"{each.oldest_pending_at:%Y-%m-%d %H:%M:%S} UTC" if each.oldest_pending_at else "-"
        )
        console.print(
            f"{each.consumer}: pending {each.pending}, retrying {each.retrying}, "
            f"dead {each.dead}, oldest pending {oldest}"
        )


@events_app.command("dead-letters")
def dead_letters(
    consumer: Annotated[str | None, typer.Option(help="only this consumer")] = None,
) -> None:
    """The most recent dead letters (up to 200)."""

    async def _list(database: Database) -> list[tuple[str, str, str, int, str]]:
        async with database.sessionmaker() as session:
            rows, _ = await admin.list_dead_letters(
                session, PageParams(page=1, per_page=200, sort=None), consumer=consumer
            )
            return [
                (str(d.uuid), d.consumer, e.event_type, d.attempts, d.last_error or "")
                for d, e in rows
            ]

    for delivery_uuid, name, event_type, attempts, error in run_with_database(_list):
        console.print(f"{delivery_uuid}  {name}  {event_type}  attempts {attempts}  {error}")


@events_app.command("replay")
def replay(
    delivery: Annotated[
        str | None, typer.Argument(help="a dead letter's uuid; none: every dead letter")
    ] = None,
    consumer: Annotated[str | None, typer.Option(help="with no uuid: only this consumer")] = None,
) -> None:
    """Give dead letters a fresh set of attempts; the running workers deliver them."""

    async def _replay(database: Database) -> int:
        async with database.sessionmaker() as session:
            if delivery:
                await admin.replay(session, uuid.UUID(delivery))
                count = 1
            else:
                count = await admin.replay_all(session, consumer)
            await session.commit()
            return count

    console.print(f"replayed {run_with_database(_replay)} dead letter(s)")
