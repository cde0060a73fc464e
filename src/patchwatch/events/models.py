"""The transactional outbox: domain events written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from patchwatch.db import Base, JsonType, utcnow


class OutboxEvent(Base):
    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[UUID] = mapped_column(Uuid, unique=True, default=uuid4)
    event_type: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    aggregate_type: Mapped[str] = mapped_column(String(64))
    aggregate_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(index=True)


class EventDelivery(Base):
    """What happened when one consumer was given one event: delivered, failing, or dead.

    A row exists only once the consumer was tried: ``delivered`` rows are the record that makes
    a second delivery harmless (unique per consumer and event, committed with the handler's
    writes); ``failed`` rows wait for their retry; ``dead`` rows are the dead-letter list.
    """

    __tablename__ = "event_deliveries"
    __table_args__ = (UniqueConstraint("consumer", "event_id"), Index(None, "consumer", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[UUID] = mapped_column(Uuid, unique=True, default=uuid4)
    consumer: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))  # delivered | failed | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EventConsumerLease(Base):
    """Which worker is delivering to a consumer now, so that workers share out the consumers."""

    __tablename__ = "event_consumer_leases"

    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]


class SiteActivity(Base):
    """The per-site activity timeline: a read model fed by site, patch-run and maintenance events.

    One row per event (``event_id`` is unique), so a replayed event never shows twice.
    """

    __tablename__ = "site_activities"
    __table_args__ = (Index(None, "site_uuid", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[UUID] = mapped_column(Uuid, unique=True, default=uuid4)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_events.id", ondelete="CASCADE"), unique=True
    )
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    site_uuid: Mapped[UUID] = mapped_column(Uuid)
    event_type: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(300))
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_uuid: Mapped[UUID | None] = mapped_column(Uuid)
    occurred_at: Mapped[datetime]
