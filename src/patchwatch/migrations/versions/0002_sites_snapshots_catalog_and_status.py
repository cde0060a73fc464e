"""sites, snapshots, catalog and status

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:51:59.950107
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import patchwatch.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "advisories",
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("aliases", patchwatch.db.JsonType, nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("published_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("modified_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisories")),
        sa.UniqueConstraint("external_id", name=op.f("uq_advisories_external_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_advisories_uuid")),
    )
    op.create_table(
        "packages",
        sa.Column("ecosystem", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("project_type", sa.String(length=64), nullable=True),
        sa.Column("homepage", sa.String(length=2048), nullable=True),
        sa.Column("project_status", sa.String(length=32), nullable=True),
        sa.Column("supported_branches", patchwatch.db.JsonType, nullable=True),
        sa.Column("has_feed", sa.Boolean(), nullable=False),
        sa.Column("feed_usable", sa.Boolean(), nullable=False),
        sa.Column("feed_fetched_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("feed_etag", sa.String(length=255), nullable=True),
        sa.Column("feed_last_modified", sa.String(length=64), nullable=True),
        sa.Column("feed_error", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packages")),
        sa.UniqueConstraint("ecosystem", "name", name=op.f("uq_packages_ecosystem_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_packages_uuid")),
    )
    op.create_table(
        "affected_packages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("advisory_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("ranges", patchwatch.db.JsonType, nullable=False),
        sa.Column("versions", patchwatch.db.JsonType, nullable=False),
        sa.Column("fixed_versions", patchwatch.db.JsonType, nullable=False),
        sa.Column("advisory_uuid", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["advisory_id"],
            ["advisories.id"],
            name=op.f("fk_affected_packages_advisory_id_advisories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_affected_packages_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_affected_packages")),
        sa.UniqueConstraint(
            "advisory_id", "package_id", name=op.f("uq_affected_packages_advisory_id_package_id")
        ),
    )
    with op.batch_alter_table("affected_packages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_affected_packages_package_id"), ["package_id"], unique=False
        )

    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("released_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("release_types", patchwatch.db.JsonType, nullable=False),
        sa.Column("is_security", sa.Boolean(), nullable=False),
        sa.Column("is_insecure", sa.Boolean(), nullable=False),
        sa.Column("is_unsupported", sa.Boolean(), nullable=False),
        sa.Column("is_revoked", sa.Boolean(), nullable=False),
        sa.Column("core_compatibility", sa.String(length=255), nullable=True),
        sa.Column("branch", sa.String(length=64), nullable=True),
        sa.Column("release_link", sa.String(length=2048), nullable=True),
        sa.Column("download_link", sa.String(length=2048), nullable=True),
        sa.Column("extra", patchwatch.db.JsonType, nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_releases_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
        sa.UniqueConstraint("package_id", "version", name=op.f("uq_releases_package_id_version")),
    )
    op.create_table(
        "sites",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("criticality", sa.String(length=16), nullable=False),
        sa.Column("tags", patchwatch.db.JsonType, nullable=False),
        sa.Column("location_street", sa.String(length=200), nullable=True),
        sa.Column("location_city", sa.String(length=100), nullable=True),
        sa.Column("location_state", sa.String(length=100), nullable=True),
        sa.Column("location_country", sa.String(length=100), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("worst_status", sa.String(length=24), nullable=False),
        sa.Column("last_snapshot_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("drupal_datestamp", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_sites_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("uuid", name=op.f("uq_sites_uuid")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sites_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_sites_organization_id_url", ["organization_id", "url"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sites_worst_status"), ["worst_status"], unique=False)

    op.create_table(
        "sla_policies",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("criticality", sa.String(length=16), nullable=True),
        sa.Column("critical_days", sa.Integer(), nullable=False),
        sa.Column("high_days", sa.Integer(), nullable=False),
        sa.Column("medium_days", sa.Integer(), nullable=False),
        sa.Column("low_days", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_sla_policies_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        sa.UniqueConstraint(
            "organization_id",
            "criticality",
            name=op.f("uq_sla_policies_organization_id_criticality"),
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_sla_policies_uuid")),
    )
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sla_policies_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "version_statuses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("recommended_version", sa.String(length=128), nullable=True),
        sa.Column("latest_version", sa.String(length=128), nullable=True),
        sa.Column("security_updates", patchwatch.db.JsonType, nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("missing_security", sa.Boolean(), nullable=False),
        sa.Column("fix_published_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("computed_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_version_statuses_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_statuses")),
        sa.UniqueConstraint(
            "package_id", "version", name=op.f("uq_version_statuses_package_id_version")
        ),
    )
    op.create_table(
        "installed_packages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=128), nullable=True),
        sa.Column("package_type", sa.String(length=32), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("recommended_version", sa.String(length=128), nullable=True),
        sa.Column("latest_version", sa.String(length=128), nullable=True),
        sa.Column("security_updates", patchwatch.db.JsonType, nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("missing_security", sa.Boolean(), nullable=False),
        sa.Column("first_seen_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("version_seen_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("exposure_started_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("sla_due_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_installed_packages_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["package_id"], ["packages.id"], name=op.f("fk_installed_packages_package_id_packages")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_installed_packages_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installed_packages")),
        sa.UniqueConstraint(
            "site_id", "package_id", name=op.f("uq_installed_packages_site_id_package_id")
        ),
    )
    with op.batch_alter_table("installed_packages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_installed_packages_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_installed_packages_package_id"), ["package_id"], unique=False
        )
        batch_op.create_index(
            "ix_installed_packages_package_id_version", ["package_id", "version"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_installed_packages_sla_due_at"), ["sla_due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_installed_packages_status"), ["status"], unique=False)

    op.create_table(
        "snapshots",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("raw", patchwatch.db.JsonType, nullable=False),
        sa.Column("received_at", patchwatch.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("collected_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("processed_at", patchwatch.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("package_count", sa.Integer(), nullable=True),
        sa.Column("result", patchwatch.db.JsonType, nullable=False),
        sa.Column("received_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_snapshots_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_snapshots_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
        sa.UniqueConstraint(
            "organization_id",
            "idempotency_key",
            name=op.f("uq_snapshots_organization_id_idempotency_key"),
        ),
        sa.UniqueConstraint(
            "site_id", "content_hash", name=op.f("uq_snapshots_site_id_content_hash")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_snapshots_uuid")),
    )
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_snapshots_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_snapshots_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_snapshots_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_snapshots_status"), ["status"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshots_status"))
        batch_op.drop_index(batch_op.f("ix_snapshots_site_id"))
        batch_op.drop_index(batch_op.f("ix_snapshots_received_at"))
        batch_op.drop_index(batch_op.f("ix_snapshots_organization_id"))

    op.drop_table("snapshots")
    with op.batch_alter_table("installed_packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_installed_packages_status"))
        batch_op.drop_index(batch_op.f("ix_installed_packages_sla_due_at"))
        batch_op.drop_index("ix_installed_packages_package_id_version")
        batch_op.drop_index(batch_op.f("ix_installed_packages_package_id"))
        batch_op.drop_index(batch_op.f("ix_installed_packages_organization_id"))

    op.drop_table("installed_packages")
    op.drop_table("version_statuses")
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_policies_organization_id"))

    op.drop_table("sla_policies")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sites_worst_status"))
        batch_op.drop_index("ix_sites_organization_id_url")
        batch_op.drop_index(batch_op.f("ix_sites_organization_id"))

    op.drop_table("sites")
    op.drop_table("releases")
    with op.batch_alter_table("affected_packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_affected_packages_package_id"))

    op.drop_table("affected_packages")
    op.drop_table("packages")
    op.drop_table("advisories")
