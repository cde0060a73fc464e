"""tasks, ledger and statements

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import patchwatch.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Permissions this revision adds to the built-in roles (a platform admin's own changes to those
# roles are kept: the new permissions are added, nothing else is touched).
NEW_ROLE_PERMISSIONS = {
    "admin": [
        "tasks:read",
        "tasks:write",
        "tasks:complete",
        "ledger:read",
        "billing:read",
        "ledger:write",
        "analytics:read",
    ],
    "manager": [
        "tasks:read",
        "tasks:write",
        "tasks:complete",
        "ledger:read",
        "billing:read",
        "ledger:write",
    ],
    "engineer": ["tasks:read", "tasks:complete", "ledger:read"],
    "viewer": ["tasks:read"],
}

MONEY = sa.Numeric(12, 2)


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
        "tasks",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("package", sa.String(length=255), nullable=True),
        sa.Column("advisory", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("assignment_fee", MONEY, nullable=False),
        sa.Column("completion_reward", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("due_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("completed_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.Uuid(), nullable=True),
        sa.Column("evidence_patch_run_id", sa.Integer(), nullable=True),
        sa.Column("open_key", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_tasks_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_tasks_site_id_sites")),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_tasks_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_patch_run_id"],
            ["patch_runs.id"],
            name=op.f("fk_tasks_evidence_patch_run_id_patch_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("uuid", name=op.f("uq_tasks_uuid")),
        sa.UniqueConstraint("open_key", name=op.f("uq_tasks_open_key")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        for column in ("organization_id", "site_id", "status", "assignee_id", "due_at"):
            batch_op.create_index(batch_op.f(f"ix_tasks_{column}"), [column], unique=False)

    op.create_table(
        "ledger_entries",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("occurred_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_ledger_entries_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ledger_entries_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_ledger_entries_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("uuid", name=op.f("uq_ledger_entries_uuid")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_entries_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "ix_ledger_entries_organization_id_occurred_at",
            ["organization_id", "occurred_at"],
            unique=False,
        )

    op.create_table(
        "statements",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("owner_key", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("opening", MONEY, nullable=False),
        sa.Column("debits", MONEY, nullable=False),
        sa.Column("credits", MONEY, nullable=False),
        sa.Column("payout", MONEY, nullable=False),
        sa.Column("closing", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_statements_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_statements_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
        sa.UniqueConstraint("uuid", name=op.f("uq_statements_uuid")),
        sa.UniqueConstraint(
            "organization_id",
            "day",
            "owner_key",
            name=op.f("uq_statements_organization_id_day_owner_key"),
        ),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        for column in ("organization_id", "user_id", "day"):
            batch_op.create_index(batch_op.f(f"ix_statements_{column}"), [column], unique=False)

    op.create_table(
        "task_price_lists",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("prices", patchwatch.db.JsonType, nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_task_price_lists_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_task_price_lists")),
    )
    _change_role_permissions(add=True)


def downgrade() -> None:
    _change_role_permissions(add=False)
    op.drop_table("task_price_lists")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        for column in ("day", "user_id", "organization_id"):
            batch_op.drop_index(batch_op.f(f"ix_statements_{column}"))
    op.drop_table("statements")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_organization_id_occurred_at")
        batch_op.drop_index(batch_op.f("ix_ledger_entries_user_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entries_organization_id"))
    op.drop_table("ledger_entries")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        for column in ("due_at", "assignee_id", "status", "site_id", "organization_id"):
            batch_op.drop_index(batch_op.f(f"ix_tasks_{column}"))
    op.drop_table("tasks")
