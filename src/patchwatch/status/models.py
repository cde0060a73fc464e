"""Persisted results of the status engine, and the SLA policies that set deadlines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from patchwatch.db import Base, IdMixin, JsonType, TimestampMixin, utcnow


class VersionStatus(Base):
    """The engine's decision for one package at one version, shared by every site running it.

    Re-evaluation recomputes these few rows, then copies them onto installed packages in one
    set-based statement.
    """

    __tablename__ = "version_statuses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(24))
    recommended_version: Mapped[str | None] = mapped_column(String(128))
    latest_version: Mapped[str | None] = mapped_column(String(128))
    security_updates: Mapped[list[str]] = mapped_column(JsonType, default=list)
    reason: Mapped[str | None] = mapped_column(String(500))
    severity: Mapped[str | None] = mapped_column(String(16))
    missing_security: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the fix for this version was published: the earliest missing security release.
    fix_published_at: Mapped[datetime | None]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("package_id", "version"),)


class SlaPolicy(IdMixin, TimestampMixin, Base):
    """Days each severity may stay unpatched, per organization and optionally per criticality."""

    __tablename__ = "sla_policies"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    criticality: Mapped[str | None] = mapped_column(String(16))
    critical_days: Mapped[int] = mapped_column(Integer, default=2)
    high_days: Mapped[int] = mapped_column(Integer, default=7)
    medium_days: Mapped[int] = mapped_column(Integer, default=30)
    low_days: Mapped[int] = mapped_column(Integer, default=90)

    __table_args__ = (UniqueConstraint("organization_id", "criticality"),)
