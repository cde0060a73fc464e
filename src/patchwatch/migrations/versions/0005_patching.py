"""patch runs, cycles, maintenance requests, calendar feeds and imports

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:43:15.132015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import patchwatch.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


# Permissions this revision adds to the built-in roles (a platform admin's own changes to those
# roles are kept: the new permissions are added, nothing else is touched).
NEW_ROLE_PERMISSIONS = {
    "admin": [
        "patching:read",
        "patching:write",
        "cycles:write",
        "maintenance:request",
        "maintenance:read",
        "maintenance:decide",
        "imports:read",
        "imports:write",
    ],
    "manager": [
        "patching:read",
        "patching:write",
        "cycles:write",
        "maintenance:request",
        "maintenance:read",
        "maintenance:decide",
        "imports:read",
        "imports:write",
    ],
    "engineer": ["patching:read", "patching:write", "maintenance:request"],
    "requester": ["maintenance:request"],
    "viewer": ["patching:read"],
}


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
        "cycles",
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("scope", patchwatch.db.JsonType, nullable=False),
        sa.Column("include_all_updates", sa.Boolean(), nullable=False),
        sa.Column("starts_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deadline", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("final_progress", patchwatch.db.JsonType, nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_cycles_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycles")),
        sa.UniqueConstraint("uuid", name=op.f("uq_cycles_uuid")),
    )
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cycles_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cycles_state"), ["state"], unique=False)

    op.create_table(
        "imports",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("on_error", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("encoding", sa.String(length=32), nullable=True),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_created", sa.Integer(), nullable=False),
        sa.Column("rows_updated", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("rows_failed", sa.Integer(), nullable=False),
        sa.Column("errors", patchwatch.db.JsonType, nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_uuid", sa.Uuid(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_imports_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
        sa.UniqueConstraint("uuid", name=op.f("uq_imports_uuid")),
    )
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imports_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_imports_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feeds_user_id")),
    )
    op.create_table(
        "maintenance_requests",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("requester_uuid", sa.Uuid(), nullable=True),
        sa.Column("requester_label", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("starts_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("location_street", sa.String(length=200), nullable=True),
        sa.Column("location_city", sa.String(length=100), nullable=True),
        sa.Column("location_state", sa.String(length=100), nullable=True),
        sa.Column("location_country", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_maintenance_requests_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["users.id"],
            name=op.f("fk_maintenance_requests_requester_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_maintenance_requests_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_requests")),
        sa.UniqueConstraint("uuid", name=op.f("uq_maintenance_requests_uuid")),
    )
    with op.batch_alter_table("maintenance_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_requests_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_maintenance_requests_site_id_starts_at", ["site_id", "starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_maintenance_requests_state"), ["state"], unique=False)

    op.create_table(
        "patch_runs",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.Column("maintenance_request_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("log", sa.Text(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("confirmation", sa.String(length=16), nullable=False),
        sa.Column("confirmed_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("detected_from_snapshot_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_uuid", sa.Uuid(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
            name=op.f("fk_patch_runs_cycle_id_cycles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["detected_from_snapshot_id"],
            ["snapshots.id"],
            name=op.f("fk_patch_runs_detected_from_snapshot_id_snapshots"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["maintenance_request_id"],
            ["maintenance_requests.id"],
            name=op.f("fk_patch_runs_maintenance_request_id_maintenance_requests"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_patch_runs_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_patch_runs_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patch_runs")),
        sa.UniqueConstraint("uuid", name=op.f("uq_patch_runs_uuid")),
    )
    with op.batch_alter_table("patch_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patch_runs_confirmation"), ["confirmation"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_patch_runs_cycle_id"), ["cycle_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_patch_runs_maintenance_request_id"),
            ["maintenance_request_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_patch_runs_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_patch_runs_organization_id_external_id",
            ["organization_id", "external_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_patch_runs_site_id_started_at", ["site_id", "started_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_patch_runs_status"), ["status"], unique=False)

    op.create_table(
        "cycle_targets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("from_version", sa.String(length=128), nullable=True),
        sa.Column("target_version", sa.String(length=128), nullable=True),
        sa.Column("status_at_open", sa.String(length=24), nullable=False),
        sa.Column("is_security", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("done_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("patch_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
            name=op.f("fk_cycle_targets_cycle_id_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_cycle_targets_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["package_id"], ["packages.id"], name=op.f("fk_cycle_targets_package_id_packages")
        ),
        sa.ForeignKeyConstraint(
            ["patch_run_id"],
            ["patch_runs.id"],
            name=op.f("fk_cycle_targets_patch_run_id_patch_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_cycle_targets_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_targets")),
    )
    with op.batch_alter_table("cycle_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_targets_cycle_id"), ["cycle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cycle_targets_site_id"), ["site_id"], unique=False)

    op.create_table(
        "patch_run_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("patch_run_id", sa.Integer(), nullable=False),
        sa.Column("ecosystem", sa.String(length=32), nullable=False),
        sa.Column("package", sa.String(length=255), nullable=False),
        sa.Column("from_version", sa.String(length=128), nullable=True),
        sa.Column("to_version", sa.String(length=128), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patch_run_id"],
            ["patch_runs.id"],
            name=op.f("fk_patch_run_items_patch_run_id_patch_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patch_run_items")),
    )
    with op.batch_alter_table("patch_run_items", schema=None) as batch_op:
        batch_op.create_index("ix_patch_run_items_package", ["ecosystem", "package"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_patch_run_items_patch_run_id"), ["patch_run_id"], unique=False
        )
    _change_role_permissions(add=True)


def downgrade() -> None:
    _change_role_permissions(add=False)
    with op.batch_alter_table("patch_run_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patch_run_items_patch_run_id"))
        batch_op.drop_index("ix_patch_run_items_package")

    op.drop_table("patch_run_items")
    with op.batch_alter_table("cycle_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycle_targets_site_id"))
        batch_op.drop_index(batch_op.f("ix_cycle_targets_cycle_id"))

    op.drop_table("cycle_targets")
    with op.batch_alter_table("patch_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patch_runs_status"))
        batch_op.drop_index("ix_patch_runs_site_id_started_at")
        batch_op.drop_index("ix_patch_runs_organization_id_external_id")
        batch_op.drop_index(batch_op.f("ix_patch_runs_organization_id"))
        batch_op.drop_index(batch_op.f("ix_patch_runs_maintenance_request_id"))
        batch_op.drop_index(batch_op.f("ix_patch_runs_cycle_id"))
        batch_op.drop_index(batch_op.f("ix_patch_runs_confirmation"))

    op.drop_table("patch_runs")
    with op.batch_alter_table("maintenance_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_requests_state"))
        batch_op.drop_index("ix_maintenance_requests_site_id_starts_at")
        batch_op.drop_index(batch_op.f("ix_maintenance_requests_organization_id"))

    op.drop_table("maintenance_requests")
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imports_organization_id"))
        batch_op.drop_index(batch_op.f("ix_imports_created_at"))

    op.drop_table("imports")
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycles_state"))
        batch_op.drop_index(batch_op.f("ix_cycles_organization_id"))

    op.drop_table("cycles")
