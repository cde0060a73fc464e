"""The notifier's event consumers (registered in ``events.registry``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.events.bus import Consumer, Event, consumer
from patchwatch.notify.fanout import notify_event
from patchwatch.notify.kinds import EVENT_TYPES


@consumer("notify", *EVENT_TYPES)
async def notify(session: AsyncSession, event: Event) -> None:
    """Every subscribable event becomes notifications and pending deliveries."""
    await notify_event(session, event)


CONSUMERS: list[Consumer] = [notify]
