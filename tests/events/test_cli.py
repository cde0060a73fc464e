"""`patchwatch events status|dead-letters|replay`, run as real processes on the test database."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

from patchwatch.db import Database
from patchwatch.events.delivery import DeliveryPolicy, deliver_pending
from tests.events.helpers import Recorder, deliveries, emit_events

PATCHWATCH = str(Path(sys.executable).parent / "patchwatch")


def run(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHWATCH_")}
    env.update(
        PATCHWATCH_DATABASE_URL=database_url,
        PATCHWATCH_DATA_DIR=str(tmp_path),
        PATCHWATCH_SECRET_KEY=secrets.token_urlsafe(48),
    )
    return subprocess.run(
        [PATCHWATCH, "events", *args], env=env, capture_output=True, text=True, timeout=120
    )


async def test_events_status_counts_what_waits(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    await emit_events(db, [uuid.uuid4()], per_aggregate=3, event_type="patch_run.updated")

    result = run(database_url, tmp_path, "status")

    assert result.returncode == 0, result.stderr
    assert "site_activity: pending 3, retrying 0, dead 0" in result.stdout


async def test_events_replay_gives_every_dead_letter_new_attempts(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    recorder = Recorder(failing={0})
    await emit_events(db, [uuid.uuid4(), uuid.uuid4()], per_aggregate=1)
    await deliver_pending(
        db, consumers=[recorder.consumer()], policy=DeliveryPolicy(max_attempts=1)
    )
    listed = run(database_url, tmp_path, "dead-letters")

    result = run(database_url, tmp_path, "replay", "--consumer", "test_recorder")

    assert "refusing seq 0" in listed.stdout
    assert result.returncode == 0, result.stderr
    assert "replayed 2 dead letter(s)" in result.stdout
    assert await deliveries(db, "dead") == []
    assert len(await deliveries(db, "failed")) == 2
