"""Windows patch rollouts: deployments, cycles, collections, reports and their rows

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import patchwatch.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


# Permissions this revision adds to the built-in roles (a platform admin's own changes to those
# roles are kept: the new permissions are added, nothing else is touched).
NEW_ROLE_PERMISSIONS = {
    "admin": ["rollouts:read", "rollouts:write"],
    "manager": ["rollouts:read", "rollouts:write"],
    "engineer": ["rollouts:read", "rollouts:write"],
    "viewer": ["rollouts:read"],
}
TABLES = (
    "rollout_report_rows",
    "rollout_reports",
    "rollout_collections",
    "rollout_cycles",
    "rollout_deployments",
)


def _change_role_permissions(add: bool) -> None:
    roles = sa.table(
        "roles",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("permissions", patchwatch.db.JsonType),
        sa.column("is_builtin", sa.Boolean),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(roles.c.id, roles.c.name, roles.c.permissions).where(roles.c.is_builtin)
    ).all()
    for role_id, name, permissions in rows:
        extra = set(NEW_ROLE_PERMISSIONS.get(name, []))
        current = set(permissions or [])
        changed = sorted(current | extra) if add else sorted(current - extra)
        if changed != sorted(current):
            bind.execute(roles.update().where(roles.c.id == role_id).values(permissions=changed))


def upgrade() -> None:
    op.create_table(
        "rollout_deployments",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("rag_green_installed", sa.Integer(), nullable=False),
        sa.Column("rag_amber_installed", sa.Integer(), nullable=False),
        sa.Column("rag_amber_failed", sa.Integer(), nullable=False),
        sa.Column("rag_red_failed", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("excel_columns", sa.String(length=400), nullable=True),
        sa.Column("excel_header_row", sa.Integer(), nullable=True),
        sa.Column("excel_sheet", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_rollout_deployments_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollout_deployments")),
        sa.UniqueConstraint(
            "organization_id", "title", name=op.f("uq_rollout_deployments_organization_id_title")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_rollout_deployments_uuid")),
    )
    with op.batch_alter_table("rollout_deployments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rollout_deployments_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "rollout_cycles",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("started_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deadline", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("rag_status", sa.String(length=8), nullable=True),
        sa.Column("rag_note", sa.Text(), nullable=False),
        sa.Column("rag_source", sa.String(length=8), nullable=False),
        sa.Column("rag_changed_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("excel_columns", sa.String(length=400), nullable=True),
        sa.Column("excel_header_row", sa.Integer(), nullable=True),
        sa.Column("excel_sheet", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["rollout_deployments.id"],
            name=op.f("fk_rollout_cycles_deployment_id_rollout_deployments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_rollout_cycles_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollout_cycles")),
        sa.UniqueConstraint(
            "deployment_id", "title", name=op.f("uq_rollout_cycles_deployment_id_title")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_rollout_cycles_uuid")),
    )
    with op.batch_alter_table("rollout_cycles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rollout_cycles_deployment_id"), ["deployment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_rollout_cycles_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "rollout_collections",
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ring", sa.Integer(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["rollout_cycles.id"],
            name=op.f("fk_rollout_collections_cycle_id_rollout_cycles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollout_collections")),
        sa.UniqueConstraint("cycle_id", "name", name=op.f("uq_rollout_collections_cycle_id_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_rollout_collections_uuid")),
    )
    with op.batch_alter_table("rollout_collections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rollout_collections_cycle_id"), ["cycle_id"], unique=False
        )

    op.create_table(
        "rollout_reports",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("reported_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("show_in_history", sa.Boolean(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.String(length=32), nullable=True),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("sites_created", sa.Integer(), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_uuid", sa.Uuid(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["rollout_cycles.id"],
            name=op.f("fk_rollout_reports_cycle_id_rollout_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_rollout_reports_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollout_reports")),
        sa.UniqueConstraint(
            "cycle_id", "reported_at", name=op.f("uq_rollout_reports_cycle_id_reported_at")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_rollout_reports_uuid")),
    )
    with op.batch_alter_table("rollout_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rollout_reports_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "rollout_report_rows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("device", sa.String(length=255), nullable=False),
        sa.Column("os_build", sa.String(length=64), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=True),
        sa.Column("last_logon_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_logon_user", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_raw", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("error_code", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["rollout_collections.id"],
            name=op.f("fk_rollout_report_rows_collection_id_rollout_collections"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["rollout_reports.id"],
            name=op.f("fk_rollout_report_rows_report_id_rollout_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_rollout_report_rows_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollout_report_rows")),
        sa.UniqueConstraint(
            "report_id", "site_id", name=op.f("uq_rollout_report_rows_report_id_site_id")
        ),
    )
    with op.batch_alter_table("rollout_report_rows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rollout_report_rows_collection_id"), ["collection_id"], unique=False
        )
        batch_op.create_index(
            "ix_rollout_report_rows_report_id_status", ["report_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_rollout_report_rows_site_id"), ["site_id"], unique=False
        )

    _change_role_permissions(add=True)


def downgrade() -> None:
    _change_role_permissions(add=False)
    for table in TABLES:
        op.drop_table(table)
