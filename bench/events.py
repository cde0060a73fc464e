"""Event delivery benchmark (issue 5): events delivered per second by one runner.

N events (10,000 by default, the size of a core security release across a fleet) are written to
the outbox in one bulk insert, spread over 250 aggregates, of a type the site-activity consumer
reads (one read-model row per event). Then they are delivered:

1. in-process: `deliver_pending` in this process, the embedded default's runner, on the fresh
   database (SQLite, or PostgreSQL with --postgres);
2. by one real `patchwatch worker` process with Redis (taskiq stream), timed from its start until
   the last delivery is recorded (includes its start-up, about a second).

Figures: events per second and the wall time, per mode.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import subprocess
import time
import uuid

from common import PATCHWATCH, fresh_database, machine, print_table
from sqlalchemy import delete, func, insert, select

import patchwatch.models  # noqa: F401  (every table, for the foreign keys)
from patchwatch.db import Database, utcnow
from patchwatch.events.delivery import deliver_pending
from patchwatch.events.models import EventDelivery, OutboxEvent, SiteActivity

CONSUMER = "site_activity"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=10_000, help="events (10,000)")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/0",
        help="Redis for the worker run ('' skips it)",
    )


async def write_events(database: Database, count: int) -> None:
    runs = [uuid.uuid4() for _ in range(250)]
    site, now = uuid.uuid4(), utcnow()
    rows = [
        {
            "uuid": uuid.uuid4(),
            "event_type": "patch_run.updated",
            "version": 1,
            "aggregate_type": "patch_run",
            "aggregate_uuid": runs[n % len(runs)],
            "organization_id": None,
            "occurred_at": now,
            "published_at": None,
            "payload": {"site_uuid": str(site), "status": "succeeded", "items": []},
        }
        for n in range(count)
    ]
    async with database.sessionmaker() as session:
        for start in range(0, count, 5000):
            await session.execute(insert(OutboxEvent), rows[start : start + 5000])
        await session.commit()


async def reset(database: Database) -> None:
    async with database.sessionmaker() as session:
        for model in (SiteActivity, EventDelivery, OutboxEvent):
            await session.execute(delete(model))
        await session.commit()


async def delivered(database: Database) -> int:
    async with database.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).where(
                EventDelivery.consumer == CONSUMER, EventDelivery.status == "delivered"
            )
        )
    return int(count or 0)


async def in_process(url: str, count: int) -> tuple[int, float]:
    database = Database(url)
    try:
        await reset(database)
        await write_events(database, count)
        started = time.perf_counter()
        await deliver_pending(database)
        elapsed = time.perf_counter() - started
        return await delivered(database), elapsed
    finally:
        await database.dispose()


async def by_worker(url: str, env: dict[str, str], redis_url: str, count: int) -> tuple[int, float]:
    database = Database(url)
    queue = f"pw-bench-events:{secrets.token_hex(4)}"
    worker_env = {
        **env,
        "PATCHWATCH_REDIS_URL": redis_url,
        "PATCHWATCH_EVENTS_QUEUE_NAME": queue,
        "PATCHWATCH_EVENTS_POLL_SECONDS": "0.2",
    }
    try:
        await reset(database)
        await write_events(database, count)
        started = time.perf_counter()
        process = subprocess.Popen(
            [PATCHWATCH, "worker"],
            env=worker_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 600
            done = 0
            while done < count and time.monotonic() < deadline and process.poll() is None:
                await asyncio.sleep(0.1)
                done = await delivered(database)
            elapsed = time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(timeout=30)
        return done, elapsed
    finally:
        import redis

        redis.Redis.from_url(redis_url).delete(queue)
        await database.dispose()


def run(args: argparse.Namespace) -> None:
    context = machine()
    rows: list[tuple[str, str]] = []
    with fresh_database(args.postgres) as target:
        done, seconds = asyncio.run(in_process(target.url, args.events))
        rows.append(
            (
                f"in-process ({target.kind})",
                f"{done:,} delivered in {seconds:.2f} s = {done / seconds:,.0f} events/s",
            )
        )
        if args.redis:
            done, seconds = asyncio.run(by_worker(target.url, target.env, args.redis, args.events))
            rows.append(
                (
                    f"1 worker + Redis ({target.kind})",
                    f"{done:,} delivered in {seconds:.2f} s = {done / seconds:,.0f} events/s"
                    " (incl. worker start-up)",
                )
            )
    print_table(
        f"event delivery: {args.events:,} events, one consumer, batches of 500; {context}", rows
    )
