"""Shapes of maintenance-window requests and of the calendar feed token."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, EmailStr, Field

from patchwatch.sites.schemas import Location

MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 72 * 60
# A bound on how far ahead one may book, so that no window runs past what a datetime can hold.
MAX_LEAD = timedelta(days=2 * 366)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class State(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    cancelled = "cancelled"


def _as_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # 9999-12-31T23:00-05:00 has no UTC equivalent
        raise ValueError("is out of range") from exc


def _in_the_future(value: datetime) -> datetime:
    now = datetime.now(UTC)
    if value <= now:
        raise ValueError("must be in the future")
    if value > now + MAX_LEAD:
        raise ValueError("must be at most two years ahead")
    return value


def _one_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value.strip()


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_as_utc)]
Topic = Annotated[
    str, Field(min_length=1, max_length=200, pattern=r"\S"), AfterValidator(_one_line)
]
Reason = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"\S")]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MaintenanceRequestCreate(Input):
    site_uuid: UUID
    topic: Topic
    starts_at: Annotated[UtcDatetime, AfterValidator(_in_the_future)] = Field(
        description="When the window starts (timezone required); in the future."
    )
    duration_minutes: int = Field(ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES)
    contact_email: Annotated[EmailStr, Field(max_length=254)]
    location: Location | None = Field(
        default=None, description="Where the work happens: all four parts, or none."
    )
    notes: Annotated[str, Field(max_length=5000)] = ""


class AcceptBody(Input):
    reason: Reason | None = None


class RejectBody(Input):
    reason: Reason


class MaintenanceRequestOut(BaseModel):
    uuid: UUID
    site_uuid: UUID
    site_name: str
    topic: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    contact_email: str
    location: Location | None
    notes: str
    state: State
    requester_uuid: UUID | None
    requester_label: str
    decided_by: UUID | None
    decided_at: datetime | None
    reason: str | None
    created_at: datetime
    updated_at: datetime


class CalendarTokenOut(BaseModel):
    token: str = Field(description="Shown once; only its hash is kept. A new one replaces it.")
    feed_url: str
    created_at: datetime
