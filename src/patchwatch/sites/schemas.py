"""Shapes of sites, snapshots and installed packages."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

MAX_PACKAGES = 20_000


class Kind(StrEnum):
    drupal = "drupal"
    server = "server"
    application = "application"


class Environment(StrEnum):
    production = "production"
    staging = "staging"
    development = "development"


class Criticality(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    critical = "critical"


def normalize_url(value: str) -> str:
    """``HTTPS://Example.org/`` -> ``https://example.org``: one spelling per site."""
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    host = parts.hostname.lower()
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme.lower(), netloc, parts.path.rstrip("/"), parts.query, ""))


SiteUrl = Annotated[str, Field(min_length=8, max_length=2048), AfterValidator(normalize_url)]
Tag = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.:/-]+$")]
Text200 = Annotated[str, Field(max_length=200)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(Input):
    street: Annotated[str, Field(min_length=1, max_length=200)]
    city: Annotated[str, Field(min_length=1, max_length=100)]
    state: Annotated[str, Field(min_length=1, max_length=100)]
    country: Annotated[str, Field(min_length=1, max_length=100)]


class SiteCreate(Input):
    url: SiteUrl
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=5000)] = ""
    kind: Kind = Kind.drupal
    environment: Environment = Environment.production
    criticality: Criticality = Criticality.normal
    tags: Annotated[list[Tag], Field(max_length=50)] = []
    location: Location | None = None
    organization_uuid: UUID | None = None


class SiteUpdate(Input):
    url: SiteUrl | None = None
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    description: Annotated[str, Field(max_length=5000)] | None = None
    kind: Kind | None = None
    environment: Environment | None = None
    criticality: Criticality | None = None
    tags: Annotated[list[Tag], Field(max_length=50)] | None = None
    location: Location | None = None
    is_active: bool | None = None


class SiteOut(BaseModel):
    uuid: UUID
    url: str
    name: str
    description: str
    kind: str
    environment: str
    criticality: str
    tags: list[str]
    location: Location | None
    organization_uuid: UUID
    worst_status: str
    last_snapshot_at: datetime | None
    is_active: bool
    created_at: datetime
    updated_at: datetime
    created_by: UUID | None
    updated_by: UUID | None


# --- snapshots ------------------------------------------------------------------------------


class SnapshotSite(Input):
    url: SiteUrl | None = None
    uuid: UUID | None = None
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None

    @model_validator(mode="after")
    def _one_key(self) -> SnapshotSite:
        if self.url is None and self.uuid is None:
            raise ValueError("give the site's url or uuid")
        return self


class SnapshotPackage(Input):
    ecosystem: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_.-]+$")]
    name: Annotated[str, Field(min_length=1, max_length=255)]
    version: Annotated[str, Field(max_length=128)] | None
    type: Annotated[str, Field(max_length=32)] | None = None
    enabled: bool | None = None


class NativeSnapshot(Input):
    site: SnapshotSite | None = None
    collected_at: AwareDatetime | None = None
    packages: Annotated[list[SnapshotPackage], Field(max_length=MAX_PACKAGES)]


class SnapshotAccepted(BaseModel):
    uuid: UUID
    status: str
    site_uuid: UUID
    duplicate: bool


class SnapshotOut(BaseModel):
    uuid: UUID
    site_uuid: UUID
    format: str
    status: str
    failure_reason: str | None
    content_hash: str
    received_at: datetime
    collected_at: datetime | None
    processed_at: datetime | None
    package_count: int | None
    result: dict[str, Any]
    raw: Any | None = None


class InstalledPackageOut(BaseModel):
    package: str
    ecosystem: str
    version: str | None
    package_type: str | None
    enabled: bool | None
    status: str
    recommended_version: str | None
    latest_version: str | None
    security_updates: list[str]
    missing_security: bool
    severity: str | None
    reason: str | None
    first_seen_at: datetime
    version_seen_at: datetime
    status_changed_at: datetime
    exposure_started_at: datetime | None
    sla_due_at: datetime | None
    site_uuid: UUID | None = None
    site_name: str | None = None
