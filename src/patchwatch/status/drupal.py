"""Drupal update status, decided as Drupal core's Update Status module decides it.

Pure functions: a parsed release-history feed and an installed version in, a decision out.
The walk follows the feed's document order and never sorts (shared/DRUPAL_UPDATE_RULES.md,
sections 3-5; numbers in comments refer to the steps of section 3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from patchwatch.status.types import (
    RELEASE_TYPE,
    CoreStatus,
    Decision,
    FeedRelease,
    ProjectFeed,
    php_is_numeric,
)

NO_RELEASES = "No available releases found"
DEV_ALLOWANCE_SECONDS = 100
CORE_PREFIX = "8.x-"

INVALID_VERSION_NUMBER = "invalid_version_number"
INVALID_CORE_PREFIX = "invalid_core_prefix"
INVALID_SUPPORT_BRANCH = "invalid_support_branch"


class InvalidVersion(ValueError):
    """A version string or support branch that core's ExtensionVersion refuses."""

    def __init__(self, kind: str, version: str) -> None:
        super().__init__(f"{kind}: {version!r}")
        self.kind = kind
        self.version = version


@dataclass(frozen=True, order=False)
class DrupalVersion:
    """A parsed version: ``8.x-1.2-beta3`` is major 1, minor None, patch "2", extra "beta3"."""

    major: int
    minor: int | None
    patch: str  # the last dot-part before any extra ("x" for dev branches)
    extra: str | None
    legacy: bool = False  # written with the ``8.x-`` core prefix

    @property
    def is_dev(self) -> bool:
        return self.extra == "dev"

    def __str__(self) -> str:
        text = f"{self.major}" if self.minor is None else f"{self.major}.{self.minor}"
        text = f"{text}.{self.patch}" + (f"-{self.extra}" if self.extra is not None else "")
        return CORE_PREFIX + text if self.legacy else text


def _php_int(text: str, version: str) -> int:
    value = float(text)
    if not math.isfinite(value):
        raise InvalidVersion(INVALID_VERSION_NUMBER, version)
    return int(text) if text.isascii() and text.isdigit() else int(value)


def parse_version(version: str) -> DrupalVersion:
    """Parse ``8.x-1.2-beta3`` / ``1.2.3-rc1`` / ``1.x-dev`` like core's ExtensionVersion.

    Raises ``InvalidVersion`` with kind ``invalid_core_prefix`` (``7.x-1.0``) or
    ``invalid_version_number`` (``8``, ``1.1.1.1``, ``1.1.x``).
    """
    text = version
    legacy = False
    if text.startswith(CORE_PREFIX) and text != "8.x-dev":
        text, legacy = text[len(CORE_PREFIX) :], True
    else:
        # Only ``8.x-`` is a valid core prefix; ``7.x-dev``-style branch names are accepted.
        prefix_at = text.find(".x-")
        if prefix_at in (1, 2) and text.split(".x-")[1] != "dev":
            raise InvalidVersion(INVALID_CORE_PREFIX, version)
    parts = text.split(".")
    last_pieces = parts[-1].split("-")
    extra = last_pieces[1] if len(last_pieces) > 1 else None
    patch = last_pieces[0]
    if (
        len(parts) not in (2, 3)
        or not php_is_numeric(parts[0])
        or (len(parts) == 3 and not php_is_numeric(parts[1]))
        or (not php_is_numeric(patch) and extra != "dev")
    ):
        raise InvalidVersion(INVALID_VERSION_NUMBER, version)
    return DrupalVersion(
        major=_php_int(parts[0], version),
        minor=_php_int(parts[1], version) if len(parts) == 3 else None,
        patch=patch,
        extra=extra,
        legacy=legacy,
    )


def parse_support_branch(branch: str) -> DrupalVersion:
    """A supported-branch prefix (``8.x-2.``, ``9.0.``) parsed as that branch's ``.0`` version."""
    if not branch.endswith("."):
        raise InvalidVersion(INVALID_SUPPORT_BRANCH, branch)
    return parse_version(branch + "0")


def branch_major(branch: str) -> int:
    """The major of a supported-branch prefix (``8.x-2.`` -> 2, ``0.1.`` -> 0)."""
    return parse_support_branch(branch).major


def version_without_extra(version: str) -> str:
    """``8.1.0-rc1`` -> ``8.1.0`` (every ``-<extra>`` removed, as core's str_replace does)."""
    extra = parse_version(version).extra
    return version.replace(f"-{extra}", "") if extra else version


# dev < (anything unknown) < alpha < beta < rc < stable
_EXTRA_RANK = {"dev": 0, "alpha": 2, "beta": 3, "rc": 4}
_STABLE_RANK = 5
_UNKNOWN_EXTRA_RANK = 1

SortKey = tuple[int, int, float, int, str, int, str, int, str]


def _extra_key(extra: str | None) -> tuple[int, str, int, str]:
    if extra is None:
        return (_STABLE_RANK, "", 0, "")
    letters = extra.rstrip("0123456789")
    digits = extra[len(letters) :]
    rank = _EXTRA_RANK.get(letters.lower(), _UNKNOWN_EXTRA_RANK)
    if extra == "dev":
        rank = 0
    return (rank, letters, int(digits) if digits else 0, extra)


def sort_key(version: str) -> SortKey:
    """A key ordering versions as drupal.org does within a branch.

    Major, then minor (none before 0), then patch (a dev branch's ``x`` before 0), then the
    extra: ``dev`` < ``alpha`` < ``beta`` < ``rc`` < the stable release. Two strings get the
    same key only if they parse to the same version. Raises ``InvalidVersion``.
    """
    parsed = parse_version(version)
    if php_is_numeric(parsed.patch):
        patch_number = float(parsed.patch)
        patch_text = ""
    else:
        patch_number, patch_text = -1.0, parsed.patch
    return (
        parsed.major,
        parsed.minor if parsed.minor is not None else -1,
        patch_number,
        int(parsed.legacy),
        patch_text,
        *_extra_key(parsed.extra),
    )


def compare_versions(left: str, right: str) -> int:
    """-1, 0 or 1 as ``left`` is older than, the same as, or newer than ``right``."""
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def is_older(left: str, right: str) -> bool:
    return compare_versions(left, right) < 0


def release_is_valid(release: FeedRelease) -> bool:
    """Whether core keeps this record (``ProjectRelease::createFromArray``, rules "Further" 3).

    The version format is checked separately (see ``decide_drupal``).
    """
    fields = release.fields
    if not fields.get("version") or not fields.get("release_link"):
        return False
    if fields.get("status") not in ("published", "unpublished"):
        return False
    if "date" in fields and not php_is_numeric(fields["date"]):
        return False
    for optional in ("download_link", "core_compatibility_message"):
        if optional in fields and not fields[optional]:
            return False
    return all(name == RELEASE_TYPE for name in release.terms)


def in_supported_branch(version: str, branches: list[str] | None) -> bool:
    """Plain string-prefix test, as core does (``8.1.`` matches ``8.1.0-beta1``)."""
    return any(version.startswith(branch) for branch in branches or ())


_PROJECT_STATUS: dict[str, tuple[CoreStatus, str]] = {
    "insecure": (CoreStatus.NOT_SECURE, "Project not secure"),
    "unpublished": (CoreStatus.REVOKED, "Project revoked"),
    "revoked": (CoreStatus.REVOKED, "Project revoked"),
    "unsupported": (CoreStatus.NOT_SUPPORTED, "Project not supported"),
    "not-fetched": (CoreStatus.NOT_FETCHED, "Failed to get available update data"),
}


@dataclass
class _Walk:
    """What the walk over the releases collects."""

    installed: str
    target: int
    branches: list[str] | None
    is_dev_install: bool
    site_datestamp: int | None
    status: CoreStatus | None = None
    reason: str | None = None
    latest: FeedRelease | None = None
    dev_release: FeedRelease | None = None
    recommended: str | None = None
    candidate: str | None = None
    candidate_base: str = ""
    last_examined_supported: bool = False
    also_available: dict[int, str] = field(default_factory=dict)
    security_updates: list[str] = field(default_factory=list)


def decide_drupal(
    feed: ProjectFeed | None,
    installed_version: str | None,
    *,
    site_datestamp: int | None = None,
) -> Decision:
    """Decide the update status of one installed Drupal project (core's algorithm, exactly).

    ``installed_version`` is the ``version`` of the project's ``.info.yml`` (None when absent,
    which core shows as "Unknown"); ``site_datestamp`` its ``datestamp`` (dev installs only).
    """
    installed = "Unknown" if installed_version is None else installed_version
    # 1. No data at all for the project.
    if feed is None:
        return _decision(CoreStatus.UNKNOWN, installed, reason=NO_RELEASES)
    # 2. Project-level status.
    if feed.project_status in _PROJECT_STATUS:
        status, reason = _PROJECT_STATUS[feed.project_status]
        return _decision(status, installed, reason=reason)
    # 3. The installed version.
    if installed == "":
        return _decision(CoreStatus.UNKNOWN, installed, reason="Empty version")
    try:
        installed_major = parse_version(installed).major
    except InvalidVersion:
        return _decision(CoreStatus.UNKNOWN, installed, reason=f"Invalid version: {installed}")
    # 4. Target major.
    branches = feed.supported_branches if feed.usable else None
    walk = _Walk(
        installed=installed,
        target=installed_major,
        branches=branches,
        is_dev_install="dev" in installed or "HEAD" in installed,
        site_datestamp=site_datestamp,
    )
    if not in_supported_branch(installed, branches) and branches:
        walk.status = CoreStatus.NOT_SUPPORTED
        walk.target = _first_branch_major(branches, installed_major)
    walk.target = max(walk.target, installed_major)
    # 5. Nothing to walk.
    if feed.fetch_pending:
        return _decision(CoreStatus.FETCH_PENDING, installed, reason="No available update data")
    if not feed.usable or not feed.releases:
        return _decision(CoreStatus.UNKNOWN, installed, reason=NO_RELEASES)
    # 6. The walk; 7. fallback to latest.
    for release in feed.releases:
        if _visit(walk, release):
            break
    latest = walk.latest.version if walk.latest is not None else None
    if walk.recommended is None and latest is not None and walk.last_examined_supported:
        walk.recommended = latest
    core_status, core_reason = _final_status(walk)
    return Decision(
        status=core_status.package_status,
        recommended_version=walk.recommended,
        latest_version=latest,
        security_updates=tuple(walk.security_updates),
        also_available=tuple(walk.also_available.values()),
        reason=core_reason,
        core_status=int(core_status),
        installed_version=installed,
    )


def _decision(status: CoreStatus, installed: str, *, reason: str | None) -> Decision:
    return Decision(
        status=status.package_status,
        reason=reason,
        core_status=int(status),
        installed_version=installed,
    )


def _first_branch_major(branches: list[str], fallback: int) -> int:
    for branch in branches:
        try:
            return branch_major(branch)
        except InvalidVersion:
            continue
    return fallback


def _visit(walk: _Walk, release: FeedRelease) -> bool:
    """Take one release into account; True when the walk stops (the installed release)."""
    if not release_is_valid(release):
        return False
    version = release.version
    try:
        parsed = parse_version(version)
    except InvalidVersion:
        return False
    supported = in_supported_branch(version, walk.branches) and not release.is_unsupported
    walk.last_examined_supported = supported
    is_installed = version == walk.installed
    if is_installed:
        # Insecure beats revoked beats unsupported.
        if release.is_insecure:
            walk.status, walk.reason = CoreStatus.NOT_SECURE, None
        elif not release.is_published:
            walk.status, walk.reason = CoreStatus.REVOKED, "Release revoked"
        elif not supported:
            walk.status, walk.reason = CoreStatus.NOT_SUPPORTED, "Release not supported"
    elif (
        not release.is_published
        or not supported
        or release.is_insecure
        or (parsed.is_dev and not release.date)
    ):
        return False
    if parsed.major > walk.target:
        # Only the first release met per higher major; nothing else is taken from it.
        walk.also_available.setdefault(parsed.major, version)
        return False
    if parsed.major == walk.target:
        if walk.latest is None:
            walk.latest = release
        if parsed.is_dev and walk.dev_release is None:
            walk.dev_release = release
        if walk.recommended is None and supported:
            base = version_without_extra(version)
            if base != walk.candidate_base:
                walk.candidate, walk.candidate_base = version, base
            if parsed.extra is None:
                walk.recommended = walk.candidate
    if is_installed:
        return True
    if walk.is_dev_install:
        if not walk.site_datestamp:
            return False
        date = release.date
        if date and walk.site_datestamp + DEV_ALLOWANCE_SECONDS > date:
            return False
    if release.is_security:
        walk.security_updates.append(version)
    return False


def _final_status(walk: _Walk) -> tuple[CoreStatus, str | None]:
    """Steps 8-10: a status set on the way stands; else compare with what was found."""
    if walk.status is not None:
        return walk.status, walk.reason
    if walk.recommended is None:
        return CoreStatus.UNKNOWN, NO_RELEASES
    if not walk.is_dev_install:
        latest = walk.latest.version if walk.latest is not None else None
        if walk.installed in (walk.recommended, latest):
            return CoreStatus.CURRENT, None
        return CoreStatus.NOT_CURRENT, None
    if not walk.site_datestamp:
        return CoreStatus.NOT_CHECKED, "Unknown release date"
    reference = walk.latest
    dev = walk.dev_release
    if dev is not None and (dev.date or 0) > ((reference.date or 0) if reference else 0):
        reference = dev
    reference_date = (reference.date or 0) if reference is not None else 0
    if walk.site_datestamp + DEV_ALLOWANCE_SECONDS > reference_date:
        return CoreStatus.CURRENT, None
    return CoreStatus.NOT_CURRENT, None
