"""snapshots: the same content may come again (A, B, A: a rolled-back deployment)

The unique (site_id, content_hash) made a push repeating an older inventory a duplicate of the
first snapshot, so a site rolled back from B to A kept showing B. A push is now a duplicate
only of the site's latest snapshot (``sites.ingest``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_constraint("uq_snapshots_site_id_content_hash", type_="unique")


def downgrade() -> None:
    # Repeated contents stored since the upgrade would break the constraint: every copy but the
    # first gets a hash of its own (still 64 characters, marked by its id).
    snapshots = sa.table(
        "snapshots",
        sa.column("id", sa.Integer),
        sa.column("site_id", sa.Integer),
        sa.column("content_hash", sa.String),
    )
    connection = op.get_bind()
    seen: set[tuple[int, str]] = set()
    rows = connection.execute(
        sa.select(snapshots.c.id, snapshots.c.site_id, snapshots.c.content_hash).order_by(
            snapshots.c.id
        )
    )
    for row in rows.all():
        key = (row.site_id, row.content_hash)
        if key in seen:
            connection.execute(
                snapshots.update()
                .where(snapshots.c.id == row.id)
                .values(content_hash=f"{row.content_hash[:48]}{row.id:016x}")
            )
        seen.add(key)
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_snapshots_site_id_content_hash", ["site_id", "content_hash"]
        )
