"""Helpers for the event-flow tests: write events to the outbox, a consumer that records them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import Database, utcnow
from patchwatch.events.bus import Consumer, Event, consumer
from patchwatch.events.models import EventDelivery, OutboxEvent, SiteActivity
from patchwatch.events.service import emit

TEST_EVENT = "test.happened"


async def emit_events(
    db: Database, aggregates: list[uuid.UUID], per_aggregate: int, event_type: str = TEST_EVENT
) -> None:
    """``per_aggregate`` events per aggregate, interleaved, numbered ``seq`` 0.. per aggregate."""
    async with db.sessionmaker() as session:
        for seq in range(per_aggregate):
            for aggregate in aggregates:
                emit(
                    session,
                    event_type,
                    aggregate_type="thing",
                    aggregate_uuid=aggregate,
                    organization_id=None,
                    payload={"seq": seq, "site_uuid": str(aggregate)},
                )
        await session.commit()


async def bulk_insert_events(db: Database, count: int, aggregates: int) -> list[uuid.UUID]:
    """The way the status engine writes them: one multi-row insert, ``count`` events."""
    owners = [uuid.uuid4() for _ in range(aggregates)]
    now = utcnow()
    rows = [
        {
            "uuid": uuid.uuid4(),
            "event_type": TEST_EVENT,
            "version": 1,
            "aggregate_type": "thing",
            "aggregate_uuid": owners[n % aggregates],
            "organization_id": None,
            "occurred_at": now,
            "published_at": None,
            "payload": {"seq": n // aggregates},
        }
        for n in range(count)
    ]
    async with db.sessionmaker() as session:
        for start in range(0, count, 5000):
            await session.execute(insert(OutboxEvent), rows[start : start + 5000])
        await session.commit()
    return owners


@dataclass
class Recorder:
    """A consumer that writes one ``site_activities`` row per event it handles (its DB effect),
    and raises for the sequence numbers in ``failing`` (of ``failing_aggregate`` if set)."""

    name: str = "test_recorder"
    failing: set[int] = field(default_factory=set)
    failing_aggregate: uuid.UUID | None = None  # None: fail those numbers on every aggregate
    calls: int = 0

    def consumer(self) -> Consumer:
        @consumer(self.name, TEST_EVENT)
        async def handle(session: AsyncSession, event: Event) -> None:
            self.calls += 1
            seq = int(event.payload["seq"])
            mine = self.failing_aggregate in (None, event.aggregate_uuid)
            if seq in self.failing and mine:
                raise RuntimeError(f"refusing seq {seq}")
            session.add(
                SiteActivity(
                    event_id=event.id,
                    organization_id=None,
                    site_uuid=event.aggregate_uuid,
                    event_type=event.event_type,
                    summary=str(seq),
                    subject_type=self.name,
                    occurred_at=event.occurred_at,
                )
            )

        return handle


async def effects(db: Database, aggregate: uuid.UUID | None = None) -> list[int]:
    """The sequence numbers the recorder wrote, in the order it wrote them."""
    async with db.sessionmaker() as session:
        stmt = select(SiteActivity.summary).order_by(SiteActivity.id)
        if aggregate is not None:
            stmt = stmt.where(SiteActivity.site_uuid == aggregate)
        return [int(s) for s in await session.scalars(stmt)]


async def effect_count(db: Database) -> int:
    async with db.sessionmaker() as session:
        return len(list(await session.scalars(select(SiteActivity.id))))


async def deliveries(db: Database, status: str) -> list[Any]:
    async with db.sessionmaker() as session:
        return list(
            await session.scalars(
                select(EventDelivery)
                .where(EventDelivery.status == status)
                .order_by(EventDelivery.id)
            )
        )
