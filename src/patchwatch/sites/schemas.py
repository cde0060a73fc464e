"""Shapes of sites, snapshots and installed packages."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from patchwatch.countries import UnknownCountry, canonical_country

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


class WorstStatus(StrEnum):
    security_update = "security_update"
    revoked = "revoked"
    unsupported = "unsupported"
    update_available = "update_available"
    current = "current"
    unknown = "unknown"


_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}\.?$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _valid_host(host: str) -> bool:
    if host.startswith("["):
        return True  # an IPv6 literal; urlsplit has checked its brackets
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(_HOST.match(ascii_host))


def normalize_url(value: str) -> str:
    """``HTTPS://Example.org:443/`` -> ``https://example.org``: one spelling per site.

    Lower-case scheme and host, no default port, no trailing slash, no fragment. User info is
    refused, so that no password is ever stored (or shown) as part of a site's URL.
    """
    text = value.strip()
    if any(ord(char) < 33 or ord(char) == 127 for char in text):
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError("must be an http:// or https:// URL with a valid host and port") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        raise ValueError("must be an http:// or https:// URL with a host")
    if "@" in parts.netloc:
        raise ValueError("must not contain a user name or password")
    if ":" in host:
        host = f"[{host}]"
    if not _valid_host(host):
        raise ValueError("has an invalid host name")
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), parts.query, ""))


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value.strip()


def _country(value: str) -> str:
    """Any spelling of a country (name, ISO code, alias) -> its one canonical name."""
    try:
        return canonical_country(value)
    except UnknownCountry as exc:
        raise PydanticCustomError(
            "unknown_country",
            "{message}",
            {"message": str(exc), "suggestion": exc.suggestion},
        ) from exc


def _unique(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


SiteUrl = Annotated[str, Field(min_length=8, max_length=2048), AfterValidator(normalize_url)]
Tag = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"\S"), AfterValidator(_no_control_characters)
]
Tags = Annotated[list[Tag], Field(max_length=50), AfterValidator(_unique)]
SiteName = Annotated[
    str, Field(min_length=1, max_length=200, pattern=r"\S"), AfterValidator(_no_control_characters)
]
Description = Annotated[str, Field(max_length=5000)]
LocationPart = Annotated[
    str, Field(min_length=1, max_length=100, pattern=r"\S"), AfterValidator(_no_control_characters)
]
# Stored and returned as the country's canonical name (`patchwatch.countries`); 422 if unknown.
Country = Annotated[LocationPart, AfterValidator(_country)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(Input):
    """A postal location: all four parts, or no location at all.

    ``country`` accepts a name, an ISO 3166 code or a common alias and keeps the canonical name.
    """

    street: Annotated[
        str,
        Field(min_length=1, max_length=200, pattern=r"\S"),
        AfterValidator(_no_control_characters),
    ]
    city: LocationPart
    state: LocationPart
    country: Country = Field(
        description="A country name, ISO 3166 alpha-2/alpha-3 code or common alias "
        "(USA, UK, Holland, ...); stored and returned as its canonical name.",
        examples=["United States"],
    )

    @classmethod
    def as_stored(cls, values: dict[str, str]) -> Location:
        """A location read back from the database, as it is: not validated again, so that a
        country stored before the country rule (and left by migration 0012) stays readable."""
        return cls.model_construct(None, **values)


class SiteCreate(Input):
    url: SiteUrl
    name: SiteName
    description: Description = ""
    kind: Kind = Kind.drupal
    environment: Environment = Environment.production
    criticality: Criticality = Criticality.normal
    tags: Tags = []
    location: Location | None = None
    is_active: bool = True
    organization_uuid: UUID | None = Field(
        default=None, description="Platform admin only: the organization the site belongs to."
    )


class SiteUpdate(Input):
    """Only the fields given change; ``location: null`` removes the location."""

    url: SiteUrl | None = None
    name: SiteName | None = None
    description: Description | None = None
    kind: Kind | None = None
    environment: Environment | None = None
    criticality: Criticality | None = None
    tags: Tags | None = None
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
    is_deleted: bool
    created_at: datetime
    updated_at: datetime
    created_by: UUID | None
    updated_by: UUID | None


# --- snapshots ------------------------------------------------------------------------------


class SnapshotSite(Input):
    url: SiteUrl | None = None
    uuid: UUID | None = None
    name: SiteName | None = None

    @model_validator(mode="after")
    def _one_key(self) -> SnapshotSite:
        if self.url is None and self.uuid is None:
            raise ValueError("give the site's url or uuid")
        return self


class SnapshotPackage(Input):
    ecosystem: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_.-]+$")]
    name: Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^\x00-\x20\x7f]+$")]
    version: (
        Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[^\x00-\x20\x7f]+$")] | None
    )
    type: Annotated[str, Field(max_length=32)] | None = None
    enabled: bool | None = None


class NativeSnapshot(Input):
    """Patchwatch's own format: ``{"site": {...}, "collected_at": ..., "packages": [...]}``."""

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
    raw: Any | None = Field(default=None, description="Only with ?include=raw.")


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
    release_notes_url: str | None = Field(
        None,
        description="The catalog's page of the recommended release (else of the installed one); "
        "http(s) links only.",
    )
