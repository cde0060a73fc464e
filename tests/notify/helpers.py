"""Arranging notifications: events in the outbox, the notifier's consumer run, rows to check."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.events.delivery import deliver_pending
from patchwatch.events.service import emit
from patchwatch.identity.models import Organization
from patchwatch.notify.consumers import CONSUMERS
from patchwatch.notify.models import Delivery, Notification


async def emit_event(
    db: Database,
    event_type: str,
    org: Organization | None,
    payload: dict[str, Any],
    *,
    aggregate_type: str = "site",
    aggregate_uuid: uuid.UUID | None = None,
) -> None:
    """Write one domain event to the outbox, as the module that owns it would."""
    async with db.sessionmaker() as session:
        emit(
            session,
            event_type,
            aggregate_type=aggregate_type,
            aggregate_uuid=aggregate_uuid,
            organization_id=org.id if org else None,
            payload=payload,
        )
        await session.commit()


def security_update(site: dict[str, Any], package: str = "views") -> dict[str, Any]:
    """The payload of `security_update_detected` (as status.service writes it)."""
    return {
        "site_uuid": site["uuid"],
        "package": package,
        "version": "8.x-1.0",
        "status": "security_update",
        "recommended_version": "8.x-1.5",
        "security_updates": ["8.x-1.5"],
        "severity": "critical",
        "exposure_started_at": "2026-11-01T00:00:00+00:00",
        "sla_due_at": "2026-11-08T00:00:00+00:00",
    }


async def emit_security_update(
    db: Database, org: Organization, site: dict[str, Any], package: str = "views"
) -> None:
    await emit_event(
        db,
        "security_update_detected",
        org,
        security_update(site, package),
        aggregate_uuid=uuid.UUID(site["uuid"]),
    )


async def run_notifier(db: Database) -> int:
    """Deliver the outbox to the notifier's consumer (what the event runner does)."""
    return await deliver_pending(db, consumers=CONSUMERS)


async def deliveries(db: Database, channel: str | None = None) -> list[Delivery]:
    async with db.sessionmaker() as session:
        stmt = select(Delivery).order_by(Delivery.id)
        if channel:
            stmt = stmt.where(Delivery.channel == channel)
        return list(await session.scalars(stmt))


async def notifications_of(db: Database, user_id: int) -> list[Notification]:
    async with db.sessionmaker() as session:
        stmt = select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        return list(await session.scalars(stmt))
