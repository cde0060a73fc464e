"""The API's shape for the event flow: a site's activity timeline and the admin's view."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel


class ActivityOut(BaseModel):
    uuid: UUID
    event_type: str
    summary: str
    subject_type: str
    subject_uuid: UUID | None
    occurred_at: datetime


class DeadLetterOut(BaseModel):
    uuid: UUID
    consumer: str
    status: str
    attempts: int
    last_error: str | None
    failed_at: datetime
    event_uuid: UUID
    event_type: str
    event_version: int
    aggregate_type: str
    aggregate_uuid: UUID | None
    occurred_at: datetime
    payload: dict[str, Any]


class ReplayOut(BaseModel):
    uuid: UUID
    consumer: str
    status: str
    next_attempt_at: datetime | None


class ConsumerStatusOut(BaseModel):
    consumer: str
    event_types: list[str]
    pending: int
    retrying: int
    dead: int
    oldest_pending_at: datetime | None
    oldest_pending_age_seconds: float | None
