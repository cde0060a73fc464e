"""The work module's periodic job: the daily close of the ledger."""

from __future__ import annotations

from typing import Any

from patchwatch.db import Database
from patchwatch.settings import Settings
from patchwatch.work.ledger import Clock, close_due_days


async def daily_close(database: Database, settings: Settings) -> dict[str, Any]:
    """Close every accounting day that has ended (idempotent: a closed day is skipped)."""
    return await close_due_days(database, Clock.from_settings(settings))
