"""One row per periodic job: when it last ran, how it ended, and who holds it now (a lease)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from patchwatch.db import Base, JsonType


class ScheduledJob(Base):
    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    # A process runs the job only while it holds the lease; a crashed holder's lease expires.
    lease_until: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(16))  # succeeded | failed
    last_error: Mapped[str | None] = mapped_column(Text)
    last_result: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    runs: Mapped[int] = mapped_column(Integer, default=0)
