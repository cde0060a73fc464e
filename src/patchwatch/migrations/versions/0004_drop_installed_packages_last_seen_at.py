"""installed packages: drop last_seen_at (the site's last_snapshot_at says it for every row)

Every installed package present on a site was in the site's last applied snapshot (absent ones
are deleted), so the column repeated ``sites.last_snapshot_at`` on each row, and keeping it
true rewrote every row of the site on every snapshot.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import patchwatch.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("installed_packages", schema=None) as batch_op:
        batch_op.drop_column("last_seen_at")


def downgrade() -> None:
    with op.batch_alter_table("installed_packages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_seen_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True)
        )
    op.execute(
        sa.text(
            "UPDATE installed_packages SET last_seen_at = COALESCE("
            "(SELECT last_snapshot_at FROM sites WHERE sites.id = installed_packages.site_id), "
            "version_seen_at)"
        )
    )
    with op.batch_alter_table("installed_packages", schema=None) as batch_op:
        batch_op.alter_column(
            "last_seen_at",
            existing_type=patchwatch.db.UtcDateTime(timezone=True),
            nullable=False,
        )
