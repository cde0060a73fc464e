"""Drupal update status, decided as Drupal core's Update Status module decides it.

Pure functions: a parsed release-history feed and an installed version in, a decision out.
The walk follows the feed's document order and never sorts (see shared/DRUPAL_UPDATE_RULES.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from patchwatch.status.types import Decision, FeedRelease, PackageStatus, ProjectFeed

NO_RELEASES = "No available releases found"
DEV_ALLOWANCE_SECONDS = 100


class InvalidVersion(ValueError):
    def __init__(self, kind: str, version: str) -> None:
        super().__init__(f"{kind}: {version!r}")
        self.kind = kind


@dataclass(frozen=True)
class DrupalVersion:
    major: int
    minor: int | None
    patch: str  # the last dot-part before any extra ("x" for dev branches)
    extra: str | None

    @property
    def is_dev(self) -> bool:
        return self.extra == "dev"


def parse_version(version: str) -> DrupalVersion:
    """Parse ``8.x-1.2-beta3`` / ``1.2.3-rc1`` / ``1.x-dev`` like core's ExtensionVersion."""
    text = version
    if text.startswith("8.x-") and text != "8.x-dev":
        text = text[4:]
    prefix_at = text.find(".x-")
    if prefix_at in (1, 2) and text[prefix_at + 3 :] != "dev":
        raise InvalidVersion("invalid_core_prefix", version)
    parts = text.split(".")
    if len(parts) not in (2, 3):
        raise InvalidVersion("invalid_version_number", version)
    last_pieces = parts[-1].split("-")
    extra = last_pieces[1] if len(last_pieces) > 1 else None
    patch = last_pieces[0]
    if not parts[0].isdigit() or (len(parts) == 3 and not parts[1].isdigit()):
        raise InvalidVersion("invalid_version_number", version)
    if not patch.isdigit() and extra != "dev":
        raise InvalidVersion("invalid_version_number", version)
    return DrupalVersion(
        major=int(parts[0]),
        minor=int(parts[1]) if len(parts) == 3 else None,
        patch=patch,
        extra=extra,
    )


def branch_major(branch: str) -> int:
    """The major of a supported-branch prefix (``8.x-2.`` -> 2); it must end with a dot."""
    if not branch.endswith("."):
        raise InvalidVersion("invalid_support_branch", branch)
    try:
        return parse_version(branch + "0").major
    except InvalidVersion as exc:
        if exc.kind == "invalid_core_prefix":
            raise
        raise InvalidVersion("invalid_support_branch", branch) from exc


def version_without_extra(version: str) -> str:
    parsed = parse_version(version)
    return version[: -len(parsed.extra) - 1] if parsed.extra else version


_EXTRA_RANK = {"dev": 0, "alpha": 1, "beta": 2, "rc": 3}


def sort_key(version: str) -> tuple[int, int, int, int, int, str]:
    """An ordering of versions matching drupal.org's: a stable release after its pre-releases."""
    parsed = parse_version(version)
    patch = int(parsed.patch) if parsed.patch.isdigit() else 1_000_000  # x-dev after all
    extra = parsed.extra or ""
    letters = extra.rstrip("0123456789")
    number = extra[len(letters) :]
    rank = 4 if not extra else _EXTRA_RANK.get(letters, 0)
    return (
        parsed.major,
        parsed.minor if parsed.minor is not None else -1,
        patch,
        rank,
        int(number) if number else 0,
        extra,
    )


def _release_is_valid(release: FeedRelease) -> bool:
    """Core silently drops releases whose record does not validate (rules: "Further rules" 3)."""
    fields = release.fields
    if not fields.get("version") or not fields.get("release_link"):
        return False
    if fields.get("status") not in ("published", "unpublished"):
        return False
    if "date" in fields and not fields["date"].isdigit():
        return False
    for optional in ("download_link", "core_compatibility_message"):
        if optional in fields and not fields[optional]:
            return False
    if any(name != "Release type" for name in release.terms):
        return False
    try:
        parse_version(fields["version"])
    except InvalidVersion:
        return False
    return True


def _in_branches(version: str, branches: list[str] | None) -> bool:
    return branches is not None and any(version.startswith(branch) for branch in branches)


_PROJECT_STATUS = {
    "insecure": (PackageStatus.security_update, "Project not secure"),
    "unpublished": (PackageStatus.revoked, "Project revoked"),
    "revoked": (PackageStatus.revoked, "Project revoked"),
    "unsupported": (PackageStatus.unsupported, "Project not supported"),
    "not-fetched": (PackageStatus.unknown, "Failed to get available update data"),
}


@dataclass
class _Walk:
    """What the walk over the releases collects."""

    status: PackageStatus | None = None
    reason: str | None = None
    latest: FeedRelease | None = None
    dev_release: FeedRelease | None = None
    recommended: str | None = None
    candidate: str | None = None
    candidate_base: str | None = None
    last_examined_supported: bool = False
    also_available: dict[int, str] = field(default_factory=dict)
    security_updates: list[str] = field(default_factory=list)


def decide_drupal(
    feed: ProjectFeed | None,
    installed_version: str | None,
    *,
    site_datestamp: int | None = None,
) -> Decision:
    """Decide the update status of one installed Drupal project."""
    if feed is None or not feed.usable:
        return Decision(PackageStatus.unknown, reason=NO_RELEASES)
    if feed.project_status in _PROJECT_STATUS:
        status, reason = _PROJECT_STATUS[feed.project_status]
        return Decision(status, reason=reason)
    if installed_version == "":
        return Decision(PackageStatus.unknown, reason="Empty version")
    installed = "Unknown" if installed_version is None else installed_version
    try:
        installed_major = parse_version(installed).major
    except InvalidVersion:
        return Decision(PackageStatus.unknown, reason=f"Invalid version: {installed}")

    walk = _Walk()
    branches = feed.supported_branches
    target = installed_major
    if not _in_branches(installed, branches) and branches:
        walk.status, walk.reason = PackageStatus.unsupported, "Release not supported"
        for branch in branches:
            try:
                target = branch_major(branch)
                break
            except InvalidVersion:
                continue
    target = max(target, installed_major)
    if not feed.releases:
        return Decision(PackageStatus.unknown, reason=NO_RELEASES)

    is_dev_install = "dev" in installed or "HEAD" in installed
    _walk_releases(walk, feed, installed, target, is_dev_install, site_datestamp)
    latest = walk.latest.version if walk.latest else None
    if walk.recommended is None and latest is not None and walk.last_examined_supported:
        walk.recommended = latest
    result = Decision(
        PackageStatus.unknown,
        recommended_version=walk.recommended,
        latest_version=latest,
        security_updates=tuple(walk.security_updates),
        also_available=tuple(walk.also_available.values()),
    )
    if walk.status is not None:
        return replace(result, status=walk.status, reason=walk.reason)
    if walk.recommended is None:
        return replace(result, status=PackageStatus.unknown, reason=NO_RELEASES)
    if not is_dev_install:
        current = installed in (walk.recommended, latest)
        status = PackageStatus.current if current else PackageStatus.update_available
        return replace(result, status=status, reason=None)
    return _decide_dev(result, walk, site_datestamp)


def _walk_releases(
    walk: _Walk,
    feed: ProjectFeed,
    installed: str,
    target: int,
    is_dev_install: bool,
    site_datestamp: int | None,
) -> None:
    branches = feed.supported_branches
    for release in feed.releases:
        if not _release_is_valid(release):
            continue
        version = release.version
        parsed = parse_version(version)
        supported = _in_branches(version, branches) and not release.is_unsupported
        walk.last_examined_supported = supported
        is_installed = version == installed
        if is_installed:
            if release.is_insecure:
                walk.status, walk.reason = PackageStatus.security_update, "Release not secure"
            elif not release.is_published:
                walk.status, walk.reason = PackageStatus.revoked, "Release revoked"
            elif not supported:
                walk.status, walk.reason = PackageStatus.unsupported, "Release not supported"
        elif (
            not release.is_published
            or not supported
            or release.is_insecure
            or (parsed.is_dev and release.date is None)
        ):
            continue
        if parsed.major > target:
            walk.also_available.setdefault(parsed.major, version)
            continue
        if parsed.major == target:
            if walk.latest is None:
                walk.latest = release
            if parsed.is_dev and walk.dev_release is None:
                walk.dev_release = release
            if walk.recommended is None and supported:
                base = version_without_extra(version)
                if walk.candidate is None or base != walk.candidate_base:
                    walk.candidate, walk.candidate_base = version, base
                if parsed.extra is None:
                    walk.recommended = walk.candidate
        if is_installed:
            break
        if is_dev_install and not _newer_than_site(release, site_datestamp):
            continue
        if release.is_security:
            walk.security_updates.append(version)


def _newer_than_site(release: FeedRelease, site_datestamp: int | None) -> bool:
    if not site_datestamp or release.date is None:
        return False
    return not site_datestamp + DEV_ALLOWANCE_SECONDS > release.date


def _decide_dev(result: Decision, walk: _Walk, site_datestamp: int | None) -> Decision:
    reference = walk.latest
    if walk.dev_release is not None and (walk.dev_release.date or 0) > (
        (walk.latest.date or 0) if walk.latest else 0
    ):
        reference = walk.dev_release
    if not site_datestamp:
        return replace(result, status=PackageStatus.unknown, reason="Unknown release date")
    reference_date = reference.date or 0 if reference else 0
    if site_datestamp + DEV_ALLOWANCE_SECONDS > reference_date:
        return replace(result, status=PackageStatus.current, reason=None)
    return replace(result, status=PackageStatus.update_available, reason=None)
