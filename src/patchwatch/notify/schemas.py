"""Shapes of notifications, notification preferences and webhooks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl

from patchwatch.notify.kinds import KINDS, Channel, Digest

# What a user may choose for: every kind but the notice that their own webhook broke (always
# sent in the app and by email).
SUBSCRIBABLE = [name for name in KINDS if name != "webhook_disabled"]


def _known_kind(value: str) -> str:
    if value not in SUBSCRIBABLE:
        raise ValueError(f"unknown kind; known: {', '.join(SUBSCRIBABLE)}")
    return value


KindName = Annotated[
    str,
    Field(min_length=1, max_length=64, json_schema_extra={"enum": SUBSCRIBABLE}),
    AfterValidator(_known_kind),
]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NotificationOut(BaseModel):
    uuid: UUID
    kind: str
    title: str
    body: str
    link: str = Field(description="The dashboard path it is about")
    data: dict[str, Any]
    read: bool
    read_at: datetime | None
    created_at: datetime


class UnreadCount(BaseModel):
    unread: int


class MarkedCount(BaseModel):
    marked: int


def _unique_channels(channels: list[Channel]) -> list[Channel]:
    return sorted(set(channels), key=list(Channel).index)


class PreferenceIn(Input):
    kind: KindName
    channels: Annotated[list[Channel], Field(max_length=3), AfterValidator(_unique_channels)] = (
        Field(description="Where to receive it; an empty list turns the kind off.")
    )
    digest: Digest = Field(
        default=Digest.immediate, description="daily: email once a day, grouped (the digest)"
    )


def _unique_kinds(items: list[PreferenceIn]) -> list[PreferenceIn]:
    kinds = [item.kind for item in items]
    if len(kinds) != len(set(kinds)):
        raise ValueError("each kind may appear once")
    return items


class PreferencesIn(Input):
    preferences: Annotated[
        list[PreferenceIn],
        Field(min_length=1, max_length=len(KINDS)),
        AfterValidator(_unique_kinds),
    ] = Field(description="The kinds to change; kinds not listed keep their setting.")


class PreferenceOut(BaseModel):
    kind: str
    description: str
    channels: list[Channel]
    digest: Digest
    is_default: bool = Field(description="True while the user has not chosen: the role's default")


class PayloadFormat(StrEnum):
    json = "json"
    slack = "slack"


class WebhookScope(StrEnum):
    user = "user"
    organization = "organization"


Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
Url = Annotated[HttpUrl, Field(description="http(s) only")]
Secret = Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[\x21-\x7e]+$")]
EventKinds = Annotated[
    list[KindName],
    Field(max_length=len(KINDS)),
]


class WebhookCreate(Input):
    name: Name
    url: Url
    scope: WebhookScope = Field(
        default=WebhookScope.user,
        description="user: your own, following your preferences (channel `webhook`); "
        "organization: the organization's, for `event_kinds` (needs webhooks:manage)",
    )
    payload_format: PayloadFormat = PayloadFormat.json
    secret: Secret | None = Field(default=None, description="Generated when omitted")
    event_kinds: EventKinds = Field(default_factory=list)


class WebhookUpdate(Input):
    name: Name | None = None
    url: Url | None = None
    payload_format: PayloadFormat | None = None
    event_kinds: EventKinds | None = None
    is_active: bool | None = Field(
        default=None, description="true enables a disabled webhook again (failures reset)"
    )


class WebhookOut(BaseModel):
    uuid: UUID
    name: str
    url: str
    scope: WebhookScope
    payload_format: PayloadFormat
    event_kinds: list[str]
    is_active: bool
    consecutive_failures: int
    disabled_at: datetime | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Shown once: verify X-Patchwatch-Signature with it")
