"""The contract between the outbox and its consumers (work, notify, read models).

A consumer is a named handler of some event types. The delivery runner (``events.delivery``)
calls ``handle(session, event)`` inside a transaction and commits the handler's writes together
with the record that this consumer has had this event: a database effect happens once even when
an event is delivered twice. A handler raises to ask for a retry (with backoff; a dead letter
after the last attempt). Handlers do no network I/O: they write rows (a notification to send, a
task to open); whatever talks to the outside world reads those rows on its own schedule.
Events of one aggregate reach a consumer in the order they were written.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Event:
    """One outbox event as a consumer sees it."""

    id: int
    uuid: UUID
    event_type: str
    version: int
    aggregate_type: str
    aggregate_uuid: UUID | None
    organization_id: int | None
    payload: dict[str, Any]
    occurred_at: datetime


Handler = Callable[[AsyncSession, Event], Awaitable[None]]


@dataclass(frozen=True)
class Consumer:
    name: str  # stable: deliveries are recorded under it
    event_types: frozenset[str]
    handle: Handler


def consumer(name: str, *event_types: str) -> Callable[[Handler], Consumer]:
    """Decorate a handler of the given event types as the consumer ``name``."""

    def wrap(handle: Handler) -> Consumer:
        return Consumer(name, frozenset(event_types), handle)

    return wrap
