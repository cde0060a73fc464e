"""scheduled jobs, SLA breaches and the per-site summary counters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import patchwatch.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COUNTERS = [
    "packages_current",
    "packages_update_available",
    "packages_security_update",
    "packages_revoked",
    "packages_unsupported",
    "packages_unknown",
    "packages_missing_security",
    "packages_overdue",
]


def upgrade() -> None:
    op.create_table(
        "scheduled_jobs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("lease_until", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_started_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_result", patchwatch.db.JsonType, nullable=False, server_default="{}"),
        sa.Column("runs", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_jobs")),
    )
    with op.batch_alter_table("installed_packages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sla_breached_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        for column in COUNTERS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("oldest_exposure_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_sites_oldest_exposure_at"), ["oldest_exposure_at"])
    _backfill_site_counters()


def _backfill_site_counters() -> None:
    """Sites that already have installed packages get their counters now."""
    counts = {
        f"packages_{status}": f"status = '{status}'"
        for status in (
            "current",
            "update_available",
            "security_update",
            "revoked",
            "unsupported",
            "unknown",
        )
    }
    counts["packages_missing_security"] = "missing_security"
    counts["packages_overdue"] = "missing_security AND sla_due_at < CURRENT_TIMESTAMP"
    assignments = [
        f"{column} = (SELECT count(*) FROM installed_packages i "  # noqa: S608 (constants)
        f"WHERE i.site_id = sites.id AND {condition})"
        for column, condition in counts.items()
    ]
    assignments.append(
        "oldest_exposure_at = (SELECT min(exposure_started_at) FROM installed_packages i "
        "WHERE i.site_id = sites.id AND missing_security)"
    )
    op.execute(sa.text(f"UPDATE sites SET {', '.join(assignments)}"))  # noqa: S608 (constants)


def downgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sites_oldest_exposure_at"))
        batch_op.drop_column("oldest_exposure_at")
        for column in reversed(COUNTERS):
            batch_op.drop_column(column)
    with op.batch_alter_table("installed_packages", schema=None) as batch_op:
        batch_op.drop_column("sla_breached_at")
    op.drop_table("scheduled_jobs")
