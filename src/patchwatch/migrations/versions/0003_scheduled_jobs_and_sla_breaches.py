"""scheduled jobs and SLA breaches

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


def downgrade() -> None:
    with op.batch_alter_table("installed_packages", schema=None) as batch_op:
        batch_op.drop_column("sla_breached_at")
    op.drop_table("scheduled_jobs")
