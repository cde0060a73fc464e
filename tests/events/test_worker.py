"""The proof: a real `patchwatch worker` with Redis, killed mid-delivery and restarted, delivers
every event once in effect — nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, insert, select

from patchwatch.db import Database, utcnow
from patchwatch.events.models import EventDelivery, OutboxEvent, SiteActivity

REDIS_URL = "redis://127.0.0.1:6379/0"
EVENTS = 4000
PATCHWATCH = str(Path(sys.executable).parent / "patchwatch")


@pytest.fixture
def queue_name() -> Iterator[str]:
    """A stream of this test's own in the shared Redis, removed afterwards."""
    name = f"patchwatch-test:{secrets.token_hex(6)}"
    yield name
    redis.Redis.from_url(REDIS_URL).delete(name)


def start_worker(database_url: str, queue: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PATCHWATCH_DATABASE_URL": database_url,
        "PATCHWATCH_REDIS_URL": REDIS_URL,
        "PATCHWATCH_EVENTS_QUEUE_NAME": queue,
        "PATCHWATCH_SECRET_KEY": secrets.token_urlsafe(48),
        "PATCHWATCH_DATA_DIR": str(data_dir),
        "PATCHWATCH_SCHEDULER_ENABLED": "false",
        "PATCHWATCH_EVENTS_BATCH_SIZE": "100",
        "PATCHWATCH_EVENTS_POLL_SECONDS": "0.2",
        "PATCHWATCH_EVENTS_LEASE_SECONDS": "2",
        "PATCHWATCH_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [PATCHWATCH, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


async def write_events(db: Database, count: int) -> None:
    """Patch-run events (the site activity consumer's), 40 per patch run, in one insert."""
    runs = [uuid.uuid4() for _ in range(count // 40)]
    site = uuid.uuid4()
    now = utcnow()
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
            "payload": {"site_uuid": str(site), "status": "succeeded", "items": [], "n": n},
        }
        for n in range(count)
    ]
    async with db.sessionmaker() as session:
        await session.execute(insert(OutboxEvent), rows)
        await session.commit()


async def activity_count(db: Database) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(SiteActivity)) or 0)


async def wait_for(db: Database, predicate: object, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        count = await activity_count(db)
        if predicate(count) or time.monotonic() > deadline:  # type: ignore[operator]
            return count
        await asyncio.sleep(0.05)


async def test_a_killed_worker_loses_and_doubles_nothing(
    db: Database, database_url: str, queue_name: str, tmp_path: Path
) -> None:
    await write_events(db, EVENTS)
    first = start_worker(database_url, queue_name, tmp_path)
    try:
        seen = await wait_for(db, lambda n: n >= EVENTS // 10, timeout=60)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = await activity_count(db)
    assert 0 < seen <= at_kill < EVENTS, "the worker must be killed mid-delivery"

    second = start_worker(database_url, queue_name, tmp_path)
    try:
        final = await wait_for(db, lambda n: n >= EVENTS, timeout=120)
        await asyncio.sleep(0.5)  # a doubled delivery would land now
        final = await activity_count(db)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=15)
        except subprocess.TimeoutExpired:
            second.kill()

    async with db.sessionmaker() as session:
        per_event = (
            await session.execute(
                select(SiteActivity.event_id, func.count()).group_by(SiteActivity.event_id)
            )
        ).all()
        records = (
            await session.execute(
                select(EventDelivery.status, func.count())
                .where(EventDelivery.consumer == "site_activity")
                .group_by(EventDelivery.status)
            )
        ).all()
    assert final == EVENTS
    assert len(per_event) == EVENTS and all(count == 1 for _, count in per_event)
    assert dict(records) == {"delivered": EVENTS}
