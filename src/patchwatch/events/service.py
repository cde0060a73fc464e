"""Emit domain events into the outbox, in the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.events.models import OutboxEvent


def emit(
    session: AsyncSession,
    event_type: str,
    *,
    aggregate_type: str,
    aggregate_uuid: uuid.UUID | None,
    organization_id: int | None,
    payload: dict[str, Any],
    version: int = 1,
) -> OutboxEvent:
    """Add a domain event to the outbox; it commits (or rolls back) with the change itself."""
    event = OutboxEvent(
        event_type=event_type,
        version=version,
        aggregate_type=aggregate_type,
        aggregate_uuid=aggregate_uuid,
        organization_id=organization_id,
        payload=payload,
    )
    session.add(event)
    return event
