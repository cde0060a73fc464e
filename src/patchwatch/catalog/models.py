"""The catalog: packages, their releases, and security advisories."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from patchwatch.db import Base, IdMixin, JsonType, TimestampMixin


class Package(IdMixin, TimestampMixin, Base):
    __tablename__ = "packages"

    ecosystem: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    project_type: Mapped[str | None] = mapped_column(String(64))
    homepage: Mapped[str | None] = mapped_column(String(2048))
    project_status: Mapped[str | None] = mapped_column(String(32))
    # None: the feed has no supported_branches element (Drupal rules 5d); [] when unknown.
    supported_branches: Mapped[list[str] | None] = mapped_column(JsonType)
    has_feed: Mapped[bool] = mapped_column(Boolean, default=False)
    feed_usable: Mapped[bool] = mapped_column(Boolean, default=False)
    feed_fetched_at: Mapped[datetime | None]
    feed_etag: Mapped[str | None] = mapped_column(String(255))
    feed_last_modified: Mapped[str | None] = mapped_column(String(64))
    feed_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("ecosystem", "name"),)


class Release(Base):
    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(128))
    # Position in the feed (0 = first listed, i.e. newest); Drupal's walk follows it.
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str | None] = mapped_column(String(255))
    released_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="published")
    release_types: Mapped[list[str]] = mapped_column(JsonType, default=list)
    is_security: Mapped[bool] = mapped_column(Boolean, default=False)
    is_insecure: Mapped[bool] = mapped_column(Boolean, default=False)
    is_unsupported: Mapped[bool] = mapped_column(Boolean, default=False)
    is_revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    core_compatibility: Mapped[str | None] = mapped_column(String(255))
    branch: Mapped[str | None] = mapped_column(String(64))
    release_link: Mapped[str | None] = mapped_column(String(2048))
    download_link: Mapped[str | None] = mapped_column(String(2048))
    # Everything else the feed said about the release, kept for the engine's validity checks.
    extra: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)

    __table_args__ = (UniqueConstraint("package_id", "version"),)


class Advisory(IdMixin, TimestampMixin, Base):
    __tablename__ = "advisories"

    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    aliases: Mapped[list[str]] = mapped_column(JsonType, default=list)
    source: Mapped[str] = mapped_column(String(32), default="osv")
    title: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16), default="high")
    published_at: Mapped[datetime | None]
    modified_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    url: Mapped[str | None] = mapped_column(String(2048))


class AffectedPackage(Base):
    """Which versions of a package an advisory affects (OSV ranges) and which fix it."""

    __tablename__ = "affected_packages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    advisory_id: Mapped[int] = mapped_column(ForeignKey("advisories.id", ondelete="CASCADE"))
    package_id: Mapped[int] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), index=True
    )
    ranges: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    versions: Mapped[list[str]] = mapped_column(JsonType, default=list)
    fixed_versions: Mapped[list[str]] = mapped_column(JsonType, default=list)
    advisory_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    __table_args__ = (UniqueConstraint("advisory_id", "package_id"),)
