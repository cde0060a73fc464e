"""Notification tables: in-app notifications, outgoing deliveries, webhooks, preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from patchwatch.db import Base, IdMixin, JsonType, TimestampMixin, utcnow


class Notification(IdMixin, Base):
    """One message to one user about one event; shown in the bell when ``in_app``."""

    __tablename__ = "notifications"
    # One notification per user and cause: a replayed event adds nothing.
    __table_args__ = (UniqueConstraint("user_id", "cause"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    cause: Mapped[str] = mapped_column(String(120))  # the event uuid (or reminder key)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))  # a dashboard path, e.g. /sites/<uuid>
    data: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    # Waiting for the user's daily digest email.
    digest_pending: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    read_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Webhook(IdMixin, TimestampMixin, Base):
    """A URL that receives signed JSON: a user's own, or the organization's (managers)."""

    __tablename__ = "webhooks"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # Set for a personal webhook; None for the organization's.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Who is told when it is disabled (its creator).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    # Kept as is: signing needs it. Shown once, when the webhook is created.
    secret: Mapped[str] = mapped_column(String(128))
    payload_format: Mapped[str] = mapped_column(String(16), default="json")  # json | slack
    # For an organization webhook, the kinds it receives; a personal one follows preferences.
    event_kinds: Mapped[list[str]] = mapped_column(JsonType, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class Delivery(IdMixin, Base):
    """One message to send on one channel: pending → sent, failed (or skipped: email off)."""

    __tablename__ = "notification_deliveries"

    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # email | webhook
    kind: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    webhook_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    to_address: Mapped[str | None] = mapped_column(String(254))
    # What the templates render at send time (with the public URL of that moment).
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(500))
    context: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationPreference(Base):
    """A user's choice for one kind of notification; without a row, the role's default."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    channels: Mapped[list[str]] = mapped_column(JsonType, default=list)
    digest: Mapped[str] = mapped_column(String(16), default="immediate")  # immediate | daily
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SlaReminder(Base):
    """A reminder already emitted: once per exposure deadline and threshold."""

    __tablename__ = "sla_reminders"
    __table_args__ = (UniqueConstraint("installed_package_id", "days", "sla_due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key: the installed package belongs to the sites module.
    installed_package_id: Mapped[int] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)
    sla_due_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
