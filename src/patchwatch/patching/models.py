"""Patch work: patch runs and their items, cycles and their frozen targets, maintenance-window
requests, calendar feed tokens and the record of every file import."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from patchwatch.db import Base, IdMixin, JsonType, TimestampMixin, utcnow


class ActorMixin:
    """Who did it: a user, an API key or the system (kept as it was, even if the actor goes)."""

    actor_type: Mapped[str] = mapped_column(String(16), default="system")
    actor_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_label: Mapped[str] = mapped_column(String(200), default="system")


class PatchRun(IdMixin, TimestampMixin, ActorMixin, Base):
    """One application of updates to one site (a deployment)."""

    __tablename__ = "patch_runs"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    cycle_id: Mapped[int | None] = mapped_column(
        ForeignKey("cycles.id", ondelete="SET NULL"), index=True
    )
    maintenance_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("maintenance_requests.id", ondelete="SET NULL"), index=True
    )
    # manual (an engineer), api (an agent's key), detected (from snapshots), import (a file)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    status: Mapped[str] = mapped_column(String(16), default="planned", index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    log: Mapped[str] = mapped_column(Text, default="")
    # The id the run had in the tool it was imported from (a deployment or patch id).
    external_id: Mapped[str | None] = mapped_column(String(200))
    # Whether the snapshots confirmed the claimed updates: pending until the next snapshot after
    # a succeeded run, then confirmed or unconfirmed (flagged); not_applicable otherwise.
    confirmation: Mapped[str] = mapped_column(String(16), default="not_applicable", index=True)
    confirmed_at: Mapped[datetime | None]
    detected_from_snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("snapshots.id", ondelete="SET NULL")
    )

    items: Mapped[list[PatchRunItem]] = relationship(
        back_populates="patch_run",
        cascade="all, delete-orphan",
        order_by="PatchRunItem.id",
        lazy="selectin",
    )

    __table_args__ = (
        Index("ix_patch_runs_site_id_started_at", "site_id", "started_at"),
        Index("ix_patch_runs_organization_id_external_id", "organization_id", "external_id"),
    )


class PatchRunItem(Base):
    """One package of a run: from-version to to-version, and how it went."""

    __tablename__ = "patch_run_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    patch_run_id: Mapped[int] = mapped_column(
        ForeignKey("patch_runs.id", ondelete="CASCADE"), index=True
    )
    ecosystem: Mapped[str] = mapped_column(String(32))
    package: Mapped[str] = mapped_column(String(255))
    from_version: Mapped[str | None] = mapped_column(String(128))
    to_version: Mapped[str | None] = mapped_column(String(128))
    # succeeded | failed | skipped | pending
    result: Mapped[str] = mapped_column(String(16), default="pending")
    # None until a snapshot after the run shows (True) or contradicts (False) the update.
    confirmed: Mapped[bool | None] = mapped_column(Boolean)

    patch_run: Mapped[PatchRun] = relationship(back_populates="items")

    __table_args__ = (Index("ix_patch_run_items_package", "ecosystem", "package"),)


class Cycle(IdMixin, TimestampMixin, Base):
    """A patch cycle: a named period with a scope of sites, a deadline and frozen targets."""

    __tablename__ = "cycles"

    # None: a platform-wide cycle over every organization (platform admins only).
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # {"kinds": [...], "environments": [...], "tags": [...], "site_uuids": [...]}
    scope: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    include_all_updates: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_at: Mapped[datetime]
    deadline: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="planned", index=True)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # The progress figures at closing, kept as they were (the KPI reports read them).
    final_progress: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class CycleTarget(Base):
    """One update a cycle set out to apply: frozen when the cycle opened."""

    __tablename__ = "cycle_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    from_version: Mapped[str | None] = mapped_column(String(128))
    target_version: Mapped[str | None] = mapped_column(String(128))
    status_at_open: Mapped[str] = mapped_column(String(24))
    is_security: Mapped[bool] = mapped_column(Boolean, default=False)
    # remaining | done | failed
    state: Mapped[str] = mapped_column(String(16), default="remaining")
    done_at: Mapped[datetime | None]
    patch_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("patch_runs.id", ondelete="SET NULL")
    )


class MaintenanceRequest(IdMixin, TimestampMixin, Base):
    """A request to book a maintenance window for a site: pending, then accepted or rejected."""

    __tablename__ = "maintenance_requests"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as they were when the request was made, even if the user goes (the API shows these).
    requester_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    requester_label: Mapped[str] = mapped_column(String(200), default="")
    topic: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(Integer)
    contact_email: Mapped[str] = mapped_column(String(254))
    location_street: Mapped[str | None] = mapped_column(String(200))
    location_city: Mapped[str | None] = mapped_column(String(100))
    location_state: Mapped[str | None] = mapped_column(String(100))
    location_country: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_maintenance_requests_site_id_starts_at", "site_id", "starts_at"),)


class CalendarFeed(Base):
    """A user's secret token for the iCalendar feed of accepted windows (only its hash kept)."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Import(IdMixin, ActorMixin, Base):
    """The record of one file import: who, when, which file, what it did, what was wrong."""

    __tablename__ = "imports"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # sites | patch-runs | users
    file_name: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(8))  # csv | xlsx
    file_size: Mapped[int] = mapped_column(Integer)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    on_error: Mapped[str] = mapped_column(String(8), default="abort")  # abort | skip
    # succeeded | partial (on_error=skip, some rows refused) | failed (nothing written)
    status: Mapped[str] = mapped_column(String(16))
    # The text encoding a CSV file was read with (None for xlsx).
    encoding: Mapped[str | None] = mapped_column(String(32))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    # What the valid rows did (or, on a dry run or a failed import, would have done).
    rows_created: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_failed: Mapped[int] = mapped_column(Integer, default=0)
    # The first errors, per row and column (capped: the counts say how many there were).
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
