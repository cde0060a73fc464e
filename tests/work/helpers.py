"""Arranging work: an organization with a manager and engineers, tasks, finding events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.events import service as events
from patchwatch.events.delivery import deliver_pending
from patchwatch.events.models import OutboxEvent
from patchwatch.identity.models import Organization, User
from patchwatch.work.consumers import CONSUMERS
from patchwatch.work.models import LedgerEntry
from tests.factories import make_org, signed_in


@dataclass
class Team:
    org: Organization
    manager: dict[str, str]
    engineers: list[User] = field(default_factory=list)
    engineer_headers: list[dict[str, str]] = field(default_factory=list)


async def team(db: Database, client: httpx.AsyncClient, engineers: int = 2) -> Team:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org, role="manager")
    result = Team(org, manager)
    for _ in range(engineers):
        user, headers = await signed_in(db, client, org, role="engineer")
        result.engineers.append(user)
        result.engineer_headers.append(headers)
    return result


async def create_task(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> Any:
    response = await client.post("/api/v1/tasks", headers=headers, json={"title": "Do it", **body})
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def fixed_prices(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """Fee 10 and reward 30 on normal sites (and tasks without one), 15 and 40 on critical."""
    pair = {"assignment_fee": "10.00", "completion_reward": "30.00"}
    prices = {"low": pair, "normal": pair, "high": pair}
    prices["critical"] = {"assignment_fee": "15.00", "completion_reward": "40.00"}
    response = await client.put(
        "/api/v1/task-prices", headers=headers, json={"mode": "fixed", "prices": prices}
    )
    assert response.status_code == 200, response.text


async def finding(
    db: Database,
    event_type: str,
    org: Organization,
    site_uuid: str,
    package: str,
    sla_due_at: str | None = "2026-12-01T00:00:00+00:00",
) -> None:
    """A status event as the status engine writes it (see status.service._event)."""
    async with db.sessionmaker() as session:
        events.emit(
            session,
            event_type,
            aggregate_type="site",
            aggregate_uuid=uuid.UUID(site_uuid),
            organization_id=org.id,
            payload={
                "site_uuid": site_uuid,
                "package": package,
                "version": "8.0.0",
                "status": "security_update" if "detected" in event_type else "current",
                "recommended_version": "8.0.2",
                "security_updates": ["8.0.2"],
                "severity": "critical",
                "exposure_started_at": "2026-11-20T00:00:00+00:00",
                "sla_due_at": sla_due_at,
            },
        )
        await session.commit()


async def deliver(db: Database) -> int:
    """Run the work module's consumers over every due event (as the runner does)."""
    return await deliver_pending(db, consumers=CONSUMERS)


async def entries_of(db: Database, user: User) -> list[LedgerEntry]:
    async with db.sessionmaker() as session:
        stmt = select(LedgerEntry).where(LedgerEntry.user_id == user.id).order_by(LedgerEntry.id)
        return list(await session.scalars(stmt))


async def balance_of(db: Database, user: User) -> Decimal:
    return sum((e.amount for e in await entries_of(db, user)), Decimal("0.00"))


async def events_of(db: Database, event_type: str) -> list[dict[str, Any]]:
    async with db.sessionmaker() as session:
        stmt = (
            select(OutboxEvent.payload)
            .where(OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id)
        )
        return list(await session.scalars(stmt))
