"""Tasks, the append-only ledger of what each engineer is owed, daily statements, price lists."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from patchwatch.db import Base, IdMixin, JsonType, TimestampMixin, utcnow

# Two decimals, up to ten digits before the point: any realistic price or balance.
Money = Numeric(12, 2)


class Task(IdMixin, TimestampMixin, Base):
    """A unit of patch work: always assigned to an engineer, priced once, open → done."""

    __tablename__ = "tasks"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    package: Mapped[str | None] = mapped_column(String(255))
    advisory: Mapped[str | None] = mapped_column(String(200))
    # manual (a manager) | automatic (a security_update_detected event)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assignment_fee: Mapped[Decimal] = mapped_column(Money)
    completion_reward: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    evidence_patch_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("patch_runs.id", ondelete="SET NULL")
    )
    # "site id:package" while an automatic task is open, NULL otherwise: the unique constraint
    # is what keeps a site's package to one open task, whatever the order of deliveries.
    open_key: Mapped[str | None] = mapped_column(String(300), unique=True)


class LedgerEntry(IdMixin, Base):
    """One money movement on an engineer's balance. Never changed, never deleted."""

    __tablename__ = "ledger_entries"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    # fee (assignment, negative) | reward (completion, positive) | payout (negative) | correction
    kind: Mapped[str] = mapped_column(String(16))
    # Signed, from the engineer's side: the balance is the plain sum.
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(String(500), default="")
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    __table_args__ = (
        Index("ix_ledger_entries_organization_id_occurred_at", "organization_id", "occurred_at"),
    )


class Statement(IdMixin, Base):
    """The close of one accounting day, for one engineer or for the whole organization."""

    __tablename__ = "statements"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # None on the organization's own statement.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # "organization" or the engineer's user id: unique per day, so a day closes once.
    owner_key: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date, index=True)
    opening: Mapped[Decimal] = mapped_column(Money)
    debits: Mapped[Decimal] = mapped_column(Money)
    credits: Mapped[Decimal] = mapped_column(Money)
    payout: Mapped[Decimal] = mapped_column(Money)
    closing: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("organization_id", "day", "owner_key"),)


class TaskPriceList(Base):
    """How an organization prices new tasks: random amounts, or fixed ones per site criticality."""

    __tablename__ = "task_price_lists"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    mode: Mapped[str] = mapped_column(String(8), default="random")  # random | fixed
    # {"low": {"assignment_fee": "12.00", "completion_reward": "30.00"}, ...}
    prices: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
