"""events delivery, dead letters

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import patchwatch.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outbox_events.id"],
            name=op.f("fk_event_deliveries_event_id_outbox_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_deliveries")),
        sa.UniqueConstraint("uuid", name=op.f("uq_event_deliveries_uuid")),
        sa.UniqueConstraint(
            "consumer", "event_id", name=op.f("uq_event_deliveries_consumer_event_id")
        ),
    )
    with op.batch_alter_table("event_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_deliveries_consumer"), ["consumer", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_deliveries_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "event_consumer_leases",
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=True),
        sa.Column("lease_until", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("consumer", name=op.f("pk_event_consumer_leases")),
    )

    op.create_table(
        "site_activities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("site_uuid", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("subject_type", sa.String(length=64), nullable=False),
        sa.Column("subject_uuid", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outbox_events.id"],
            name=op.f("fk_site_activities_event_id_outbox_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_site_activities_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_activities")),
        sa.UniqueConstraint("event_id", name=op.f("uq_site_activities_event_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_site_activities_uuid")),
    )
    with op.batch_alter_table("site_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_site_activities_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_site_activities_site_uuid"), ["site_uuid", "occurred_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("site_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_activities_site_uuid"))
        batch_op.drop_index(batch_op.f("ix_site_activities_organization_id"))
    op.drop_table("site_activities")
    op.drop_table("event_consumer_leases")
    with op.batch_alter_table("event_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_deliveries_event_id"))
        batch_op.drop_index(batch_op.f("ix_event_deliveries_consumer"))
    op.drop_table("event_deliveries")
