"""The `rollout-deadlines` job: an amber cycle whose deadline passes turns red, once."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import httpx
from sqlalchemy import update

from patchwatch.db import Database, utcnow
from patchwatch.rollouts.jobs import deadlines
from patchwatch.rollouts.models import RolloutCycle
from patchwatch.settings import Settings
from tests.factories import make_org, outbox_events, signed_in
from tests.rollouts.helpers import HEADER, csv_bytes, get_data, machine, upload

# 60 % installed, 20 % failed: below amber, not past the red failed limit.
SLOW = [
    HEADER,
    machine("WS-001", "Pilot", "Success"),
    machine("WS-002", "Pilot", "Success"),
    machine("WS-003", "Broad", "Success"),
    machine("WS-004", "Broad", "In Progress"),
    machine("WS-005", "Broad", "Failed", "0x80070643"),
]


async def _amber_cycle(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    """A cycle at 60 % installed, amber only because its deadline is ahead."""
    first = await upload(
        client, headers, csv_bytes(SLOW), "May-Win10_CU-200528-0300UTC.csv", create_missing=True
    )
    assert first.status_code == 201, first.text
    cycle_uuid = str(first.json()["data"]["cycle_uuid"])
    ahead = (utcnow() + timedelta(days=3)).isoformat()
    changed = await client.patch(
        f"/api/v1/rollouts/cycles/{cycle_uuid}", headers=headers, json={"deadline": ahead}
    )
    assert changed.json()["data"]["rag_status"] == "amber", changed.text
    return cycle_uuid


async def _deadline_passes(db: Database, cycle_uuid: str) -> None:
    """The clock moves past the deadline (no request would set a deadline in the past)."""
    async with db.sessionmaker() as session:
        await session.execute(
            update(RolloutCycle)
            .where(RolloutCycle.uuid == UUID(cycle_uuid))
            .values(deadline=utcnow() - timedelta(minutes=1))
        )
        await session.commit()


async def test_amber_turns_red_when_the_deadline_passes(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    cycle_uuid = await _amber_cycle(client, headers)

    assert await deadlines(db, settings) == {"checked": 0, "changed": 0}  # still ahead
    await _deadline_passes(db, cycle_uuid)
    assert await deadlines(db, settings) == {"checked": 1, "changed": 1}
    cycle = await get_data(client, headers, f"/cycles/{cycle_uuid}")
    assert (cycle["rag_status"], cycle["rag_source"]) == ("red", "rules")
    changes = [
        e.payload
        for e in await outbox_events(db, UUID(cycle_uuid))
        if e.event_type == "rollout_cycle_rag_changed"
    ]
    assert [(c["from"], c["to"]) for c in changes][-1] == ("amber", "red")
    assert await deadlines(db, settings) == {"checked": 0, "changed": 0}  # red stays red


async def test_a_status_set_by_a_person_is_left_alone(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    cycle_uuid = await _amber_cycle(client, headers)
    manual = await client.patch(
        f"/api/v1/rollouts/cycles/{cycle_uuid}",
        headers=headers,
        json={"rag_status": "amber", "rag_note": "the client accepts the delay"},
    )
    assert manual.json()["data"]["rag_source"] == "manual", manual.text
    await _deadline_passes(db, cycle_uuid)

    assert await deadlines(db, settings) == {"checked": 0, "changed": 0}
    cycle = await get_data(client, headers, f"/cycles/{cycle_uuid}")
    assert (cycle["rag_status"], cycle["rag_note"]) == ("amber", "the client accepts the delay")
