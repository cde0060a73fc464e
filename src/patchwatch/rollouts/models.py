"""Windows patch rollouts: deployments (e.g. SCCM's ``Win10_CU``), their monthly cycles, the
device collections of a cycle with their ring, and uploaded deployment-status reports."""

from __future__ import annotations

import uuid
from datetime import datetime

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

from patchwatch.db import Base, IdMixin, TimestampMixin, utcnow


class ExcelLayoutMixin:
    """Where a report's data is in its file (None: the deployment's, else the default)."""

    excel_columns: Mapped[str | None] = mapped_column(String(400))
    excel_header_row: Mapped[int | None] = mapped_column(Integer)
    excel_sheet: Mapped[str | None] = mapped_column(String(100))


class RolloutDeployment(IdMixin, TimestampMixin, ExcelLayoutMixin, Base):
    """A deployment of one organization (unique title), with its layout and RAG thresholds."""

    __tablename__ = "rollout_deployments"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # RAG thresholds in percent of the cycle's devices (see rollouts/rag.py).
    rag_green_installed: Mapped[int] = mapped_column(Integer, default=95)
    rag_amber_installed: Mapped[int] = mapped_column(Integer, default=80)
    rag_amber_failed: Mapped[int] = mapped_column(Integer, default=5)
    rag_red_failed: Mapped[int] = mapped_column(Integer, default=20)

    __table_args__ = (UniqueConstraint("organization_id", "title"),)


class RolloutCycle(IdMixin, TimestampMixin, ExcelLayoutMixin, Base):
    """One wave of a deployment (e.g. "May"): its RAG status, and who set it."""

    __tablename__ = "rollout_cycles"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("rollout_deployments.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    deadline: Mapped[datetime | None]
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # red | amber | green; None until the first report (or a person sets it).
    rag_status: Mapped[str | None] = mapped_column(String(8))
    rag_note: Mapped[str] = mapped_column(Text, default="")
    rag_source: Mapped[str] = mapped_column(String(8), default="rules")  # rules | manual
    rag_changed_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("deployment_id", "title"),)


class RolloutCollection(IdMixin, Base):
    """A device collection of a cycle and its ring (rollout wave 0, 1, 2 …)."""

    __tablename__ = "rollout_collections"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("rollout_cycles.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    ring: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("cycle_id", "name"),)


class RolloutReport(IdMixin, Base):
    """One uploaded deployment-status report of a cycle at a moment."""

    __tablename__ = "rollout_reports"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("rollout_cycles.id", ondelete="CASCADE"))
    reported_at: Mapped[datetime]
    show_in_history: Mapped[bool] = mapped_column(Boolean, default=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(8))  # csv | xlsx
    file_size: Mapped[int] = mapped_column(Integer)
    encoding: Mapped[str | None] = mapped_column(String(32))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    sites_created: Mapped[int] = mapped_column(Integer, default=0)
    actor_type: Mapped[str] = mapped_column(String(16), default="system")
    actor_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_label: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("cycle_id", "reported_at"),)


class RolloutReportRow(Base):
    """One machine's status in a report; the device is a site of kind ``server``."""

    __tablename__ = "rollout_report_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("rollout_reports.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("rollout_collections.id", ondelete="SET NULL"), index=True
    )
    row_number: Mapped[int] = mapped_column(Integer)
    device: Mapped[str] = mapped_column(String(255))
    os_build: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool | None] = mapped_column(Boolean)
    last_logon_at: Mapped[datetime | None]
    last_logon_user: Mapped[str | None] = mapped_column(String(255))
    # installed | failed | in_progress | not_reported | other
    status: Mapped[str] = mapped_column(String(16))
    status_raw: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    error_code: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (
        UniqueConstraint("report_id", "site_id"),
        Index("ix_rollout_report_rows_report_id_status", "report_id", "status"),
    )
