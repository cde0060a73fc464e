"""Sites, their snapshots (raw inventory pushes) and the packages installed on them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from patchwatch.db import Base, IdMixin, JsonType, TimestampMixin, utcnow


class Site(IdMixin, TimestampMixin, Base):
    __tablename__ = "sites"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="drupal")  # drupal|server|application
    environment: Mapped[str] = mapped_column(String(16), default="production")
    criticality: Mapped[str] = mapped_column(String(16), default="normal")
    tags: Mapped[list[str]] = mapped_column(JsonType, default=list)
    location_street: Mapped[str | None] = mapped_column(String(200))
    location_city: Mapped[str | None] = mapped_column(String(100))
    location_state: Mapped[str | None] = mapped_column(String(100))
    location_country: Mapped[str | None] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Read model kept by the status recompute: the worst status of the site's packages.
    worst_status: Mapped[str] = mapped_column(String(24), default="unknown", index=True)
    # The rest of the read model behind the fleet summary: how many installed packages of each
    # status, missing a security release, past their SLA deadline, and the oldest exposure.
    packages_current: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    packages_update_available: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    packages_security_update: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    packages_revoked: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    packages_unsupported: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    packages_unknown: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    packages_missing_security: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    packages_overdue: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    oldest_exposure_at: Mapped[datetime | None] = mapped_column(index=True)
    last_snapshot_at: Mapped[datetime | None]
    # Drupal: the newest datestamp of the site's extensions (dev installs compare against it).
    drupal_datestamp: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_sites_organization_id_url", "organization_id", "url"),)


class Snapshot(IdMixin, Base):
    """One inventory push, stored raw, with its processing status."""

    __tablename__ = "snapshots"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    format: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    raw: Mapped[Any] = mapped_column(JsonType)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    collected_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None]
    package_count: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    received_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    __table_args__ = (UniqueConstraint("organization_id", "idempotency_key"),)


class InstalledPackage(Base):
    """A package at a version on a site; its status is copied from the version's decision."""

    __tablename__ = "installed_packages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    version: Mapped[str | None] = mapped_column(String(128))
    package_type: Mapped[str | None] = mapped_column(String(32))
    enabled: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(24), default="unknown", index=True)
    recommended_version: Mapped[str | None] = mapped_column(String(128))
    latest_version: Mapped[str | None] = mapped_column(String(128))
    security_updates: Mapped[list[str]] = mapped_column(JsonType, default=list)
    reason: Mapped[str | None] = mapped_column(String(500))
    severity: Mapped[str | None] = mapped_column(String(16))
    missing_security: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    version_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    exposure_started_at: Mapped[datetime | None]
    sla_due_at: Mapped[datetime | None] = mapped_column(index=True)
    # When `sla_breached` was emitted for the current exposure (a later exposure starts anew).
    sla_breached_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("site_id", "package_id"),
        Index("ix_installed_packages_package_id_version", "package_id", "version"),
    )
