"""Plain data of the status engine: the feed it reads and the decision it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class PackageStatus(StrEnum):
    current = "current"
    update_available = "update_available"
    security_update = "security_update"
    revoked = "revoked"
    unsupported = "unsupported"
    unknown = "unknown"


@dataclass(frozen=True)
class FeedRelease:
    """One ``<release>`` as Drupal core reads it: its children as strings, its terms as lists."""

    fields: dict[str, str]
    terms: dict[str, list[str]] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.fields.get("version", "")

    @property
    def release_types(self) -> list[str]:
        return self.terms.get("Release type", [])

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
        raw = self.fields.get("date")
        return int(raw) if raw is not None and raw.isdigit() else None


@dataclass(frozen=True)
class ProjectFeed:
    """A release-history document; ``usable`` is False for non-XML or a root without short_name."""

    short_name: str | None
    usable: bool
    title: str | None = None
    project_status: str | None = None
    link: str | None = None
    # None: no <supported_branches> element; [""] for an empty one (matches every version).
    supported_branches: list[str] | None = None
    releases: list[FeedRelease] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    status: PackageStatus
    recommended_version: str | None = None
    latest_version: str | None = None
    security_updates: tuple[str, ...] = ()
    also_available: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def missing_security(self) -> bool:
        """Security releases the site should take (core shows the links in this case only)."""
        if self.status is PackageStatus.security_update:
            return True
        return bool(self.security_updates) and self.status is not PackageStatus.current
