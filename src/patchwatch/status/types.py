"""Plain data of the status engine: the feeds it reads and the decision it returns.

No behaviour beyond reading flags: the engine (``status.drupal``, ``status.generic``) decides,
the catalog (``catalog.drupal_feed``) builds these from untrusted bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class PackageStatus(StrEnum):
    current = "current"
    update_available = "update_available"
    security_update = "security_update"
    revoked = "revoked"
    unsupported = "unsupported"
    unknown = "unknown"


class CoreStatus(IntEnum):
    """Drupal core's status constants (UpdateManagerInterface / UpdateFetcherInterface)."""

    NOT_SECURE = 1
    REVOKED = 2
    NOT_SUPPORTED = 3
    NOT_CURRENT = 4
    CURRENT = 5
    NOT_CHECKED = -1
    UNKNOWN = -2
    NOT_FETCHED = -3
    FETCH_PENDING = -4

    @property
    def package_status(self) -> PackageStatus:
        """The platform's status: every negative (unknown-type) core status is ``unknown``."""
        return _CORE_TO_PACKAGE.get(self, PackageStatus.unknown)


_CORE_TO_PACKAGE = {
    CoreStatus.NOT_SECURE: PackageStatus.security_update,
    CoreStatus.REVOKED: PackageStatus.revoked,
    CoreStatus.NOT_SUPPORTED: PackageStatus.unsupported,
    CoreStatus.NOT_CURRENT: PackageStatus.update_available,
    CoreStatus.CURRENT: PackageStatus.current,
}

RELEASE_TYPE = "Release type"

# PHP's is_numeric() (PHP 8: surrounding whitespace allowed), which core's release validation
# and date handling rely on.
_PHP_NUMERIC = re.compile(
    r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\v\f]*"
)


def php_is_numeric(text: str) -> bool:
    return _PHP_NUMERIC.fullmatch(text) is not None


@dataclass(frozen=True)
class FeedRelease:
    """One ``<release>`` as Drupal core reads it.

    ``fields`` holds every child element as its text (``version``, ``name``, ``status``,
    ``date``, ``release_link``, ``download_link``, ``core_compatibility``, ``security``, ...),
    ``terms`` maps each term name to its values in document order. Nothing is validated here:
    core silently drops invalid records during the walk, so the raw record is kept.
    """

    fields: dict[str, str]
    terms: dict[str, list[str]] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.fields.get("version", "")

    @property
    def name(self) -> str | None:
        return self.fields.get("name")

    @property
    def status(self) -> str | None:
        return self.fields.get("status")

    @property
    def release_link(self) -> str | None:
        return self.fields.get("release_link")

    @property
    def download_link(self) -> str | None:
        return self.fields.get("download_link")

    @property
    def core_compatibility(self) -> str | None:
        return self.fields.get("core_compatibility")

    @property
    def term_names(self) -> tuple[str, ...]:
        return tuple(self.terms)

    @property
    def release_types(self) -> list[str]:
        return self.terms.get(RELEASE_TYPE, [])

    @property
    def is_security(self) -> bool:
        return "Security update" in self.release_types

    @property
    def is_insecure(self) -> bool:
        return "Insecure" in self.release_types

    @property
    def is_unsupported(self) -> bool:
        return "Unsupported" in self.release_types

    @property
    def is_published(self) -> bool:
        return self.fields.get("status") == "published"

    @property
    def date(self) -> int | None:
        """The Unix timestamp, cast as PHP's ``(int)`` would; None when absent or not numeric."""
        raw = self.fields.get("date")
        if raw is None or not php_is_numeric(raw):
            return None
        value = float(raw)
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return int(raw) if raw.strip().isdigit() else int(value)


@dataclass(frozen=True)
class ProjectFeed:
    """A release-history document as core stores it.

    ``usable`` is False for a document that is not XML or whose root has no ``short_name``:
    core then keeps a record with no releases and no supported branches. ``project_status`` is
    ``not-fetched`` when the fetch itself returned nothing. ``releases`` are in document order,
    one per version (a later duplicate replaced the earlier one in its position).
    """

    short_name: str | None
    usable: bool
    title: str | None = None
    project_status: str | None = None
    link: str | None = None
    # None: no <supported_branches> element; [""] for an empty one (matches every version).
    supported_branches: list[str] | None = None
    releases: list[FeedRelease] = field(default_factory=list)
    # Core's FETCH_PENDING: the data is stale and a refetch is queued.
    fetch_pending: bool = False

    def release(self, version: str) -> FeedRelease | None:
        """The release keyed by this exact version string, valid or not."""
        for release in self.releases:
            if release.version == version:
                return release
        return None


@dataclass(frozen=True)
class Decision:
    """The status of one installed package and what the site should take."""

    status: PackageStatus
    recommended_version: str | None = None
    latest_version: str | None = None
    # Newest first. Drupal: the feed's security releases newer than the installed one.
    security_updates: tuple[str, ...] = ()
    also_available: tuple[str, ...] = ()
    # Core's distinguishing text ("No available releases found", "Release revoked", ...).
    reason: str | None = None
    # Diagnostics: Drupal core's own status code, and the version string decided on.
    core_status: int | None = None
    installed_version: str | None = None
    # Generic ecosystems: the severity of the worst advisory affecting the installed version.
    severity: str | None = None
    advisories: tuple[str, ...] = ()

    @property
    def shows_security_updates(self) -> bool:
        """Core lists recommended and security links only when not current or not recommended."""
        return (
            self.status is not PackageStatus.current
            or self.installed_version != self.recommended_version
        )

    @property
    def missing_security(self) -> bool:
        """Security releases the site should take (what core's report shows as such)."""
        if self.status is PackageStatus.security_update:
            return True
        return bool(self.security_updates) and self.shows_security_updates


@dataclass(frozen=True)
class GenericRelease:
    """One published version of a non-Drupal package."""

    version: str
    date: int | None = None
    yanked: bool = False


@dataclass(frozen=True)
class AdvisoryRange:
    """One OSV ``affected`` entry for a package.

    ``events`` are OSV range events in order: ``("introduced", "1.0")``, ``("fixed", "1.2")``,
    ``("last_affected", "1.4")``, ``("limit", ...)``; ``versions`` lists affected versions
    explicitly. ``range_type`` is ``ECOSYSTEM`` or ``SEMVER`` (``GIT`` ranges are ignored).
    """

    advisory_id: str
    events: tuple[tuple[str, str], ...] = ()
    versions: tuple[str, ...] = ()
    severity: str | None = None
    range_type: str = "ECOSYSTEM"
    withdrawn: bool = False
