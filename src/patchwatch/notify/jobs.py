"""The notifier's periodic jobs (registered in ``jobs.scheduler``): send, digest, reminders."""

from __future__ import annotations

from typing import Any

from patchwatch.db import Database
from patchwatch.notify import sender
from patchwatch.notify.reminders import emit_sla_reminders
from patchwatch.settings import Settings


async def send_due(database: Database, settings: Settings) -> dict[str, Any]:
    """Send the deliveries that are due (new ones and retries)."""
    return dict(await sender.deliver_due(database, settings))


async def send_digests(database: Database, settings: Settings) -> dict[str, Any]:
    """Queue each user's daily digest email (sent by the next ``send_due``)."""
    return dict(await sender.send_digests(database, settings))


async def sla_reminders(database: Database, settings: Settings) -> dict[str, Any]:
    """Emit the SLA reminders that are due (once per deadline and threshold)."""
    async with database.sessionmaker() as session:
        emitted = await emit_sla_reminders(session, settings.sla_reminder_days)
        await session.commit()
    return {"reminders": emitted}
