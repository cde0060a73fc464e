"""Update status for non-Drupal ecosystems: releases plus OSV-style advisories.

Pure functions. Versions are compared with the ecosystem's own ordering: ``packaging`` for
PyPI, ``univers`` for the others. An OSV range is evaluated as the OSV specification says:
walk its events in version order; ``introduced`` opens, ``fixed`` closes at that version,
``last_affected`` closes after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from packaging.version import Version as PypiVersion
from univers import versions as uv

from patchwatch.status.types import AdvisoryRange, Decision, GenericRelease, PackageStatus

ParsedVersion = Any  # an ordered version object of the ecosystem's version class

_UNIVERS: dict[str, Callable[[str], ParsedVersion]] = {
    "npm": uv.SemverVersion,
    "semver": uv.SemverVersion,
    "cargo": uv.SemverVersion,
    "crates.io": uv.SemverVersion,
    "hex": uv.SemverVersion,
    "pub": uv.SemverVersion,
    "composer": uv.ComposerVersion,
    "packagist": uv.ComposerVersion,
    "deb": uv.DebianVersion,
    "debian": uv.DebianVersion,
    "ubuntu": uv.DebianVersion,
    "rpm": uv.RpmVersion,
    "alpine": uv.AlpineLinuxVersion,
    "apk": uv.AlpineLinuxVersion,
    "maven": uv.MavenVersion,
    "nuget": uv.NugetVersion,
    "gem": uv.RubygemsVersion,
    "rubygems": uv.RubygemsVersion,
    "go": uv.GolangVersion,
    "golang": uv.GolangVersion,
    "generic": uv.GenericVersion,
}

_SEVERITY_RANK = {"critical": 4, "high": 3, "moderate": 2, "medium": 2, "low": 1}
_PRE_RELEASE = re.compile(r"(?i)(alpha|beta|dev|preview|snapshot|(?<![a-z])(?:pre|rc))")


class UnsupportedEcosystem(ValueError):
    """No version ordering is known for this ecosystem."""


def version_parser(ecosystem: str) -> Callable[[str], ParsedVersion]:
    """The function turning a version string of ``ecosystem`` into an ordered object."""
    key = ecosystem.strip().lower()
    if key in ("pypi", "pip", "python"):
        return PypiVersion
    parser = _UNIVERS.get(key)
    if parser is None:
        raise UnsupportedEcosystem(f"no version ordering for ecosystem {ecosystem!r}")
    return parser


def parse_generic_version(ecosystem: str, version: str) -> ParsedVersion:
    """Parse a version of ``ecosystem``; raises ``ValueError`` when it is not one."""
    if not version or not version.strip():
        raise ValueError("empty version")
    return version_parser(ecosystem)(version)


def is_prerelease(parsed: ParsedVersion, text: str) -> bool:
    if isinstance(parsed, PypiVersion):
        return parsed.is_prerelease
    value = getattr(parsed, "value", None)
    prerelease = getattr(value, "prerelease", None)
    if prerelease is not None:
        return bool(prerelease)
    return _PRE_RELEASE.search(text) is not None


def severity_rank(severity: str | None) -> int:
    if severity is None:
        return 0
    return _SEVERITY_RANK.get(severity.strip().lower(), 1)


def _try(parse: Callable[[str], ParsedVersion], text: str) -> ParsedVersion | None:
    try:
        return parse(text)
    except (ValueError, TypeError):
        return None


def range_affects(
    advisory: AdvisoryRange, parse: Callable[[str], ParsedVersion], version: ParsedVersion
) -> bool:
    """Whether this OSV ``affected`` entry covers ``version``."""
    if advisory.withdrawn:
        return False
    for listed in advisory.versions:
        parsed = _try(parse, listed)
        if parsed is not None and parsed == version:
            return True
    if advisory.range_type.upper() not in ("ECOSYSTEM", "SEMVER"):
        return False
    # "introduced 0" is below every version: the walk starts inside the range.
    affected = False
    events: list[tuple[ParsedVersion, str]] = []
    for kind, value in advisory.events:
        if kind == "introduced" and value == "0":
            affected = True
        elif kind in ("introduced", "fixed", "last_affected"):
            parsed = _try(parse, value)
            if parsed is not None:
                events.append((parsed, kind))
    for at, kind in sorted(events, key=lambda event: _SortWrapper(event[0])):
        if kind == "introduced" and version >= at:
            affected = True
        elif kind == "fixed" and version >= at:
            affected = False
        elif kind == "last_affected" and version > at:
            affected = False
    return affected


class _SortWrapper:
    """Sort key for version objects whose classes only define the comparison operators."""

    def __init__(self, value: ParsedVersion) -> None:
        self.value = value

    def __lt__(self, other: _SortWrapper) -> bool:
        return bool(self.value < other.value)


def _first_fix(
    advisory: AdvisoryRange,
    parse: Callable[[str], ParsedVersion],
    installed: ParsedVersion,
    releases: list[tuple[ParsedVersion, str]],
) -> str | None:
    """The smallest version above ``installed`` that this advisory does not affect."""
    fixed = [
        (parsed, value)
        for kind, value in advisory.events
        if kind == "fixed" and (parsed := _try(parse, value)) is not None and parsed > installed
    ]
    if fixed:
        return min(fixed, key=lambda pair: _SortWrapper(pair[0]))[1]
    for parsed, text in releases:  # ascending
        if parsed > installed and not range_affects(advisory, parse, parsed):
            return text
    return None


def decide_from_advisories(
    ecosystem: str,
    installed_version: str | None,
    releases: Sequence[GenericRelease],
    advisories: Sequence[AdvisoryRange],
) -> Decision:
    """Decide the status of one installed package of a non-Drupal ecosystem.

    ``security_update`` when an advisory affects the installed version (``security_updates``:
    for each such advisory, the smallest fixing version above the installed one, newest first;
    ``severity``: the worst of those advisories); ``update_available`` when a newer stable
    release exists; ``current`` otherwise; ``unknown`` for an unparseable version or no data.
    """
    try:
        parse = version_parser(ecosystem)
    except UnsupportedEcosystem:
        return Decision(
            PackageStatus.unknown,
            reason=f"Unsupported ecosystem: {ecosystem}",
            installed_version=installed_version,
        )
    if installed_version is None or not installed_version.strip():
        return Decision(
            PackageStatus.unknown, reason="Empty version", installed_version=installed_version
        )
    installed = _try(parse, installed_version)
    if installed is None:
        return Decision(
            PackageStatus.unknown,
            reason=f"Invalid version: {installed_version}",
            installed_version=installed_version,
        )
    if not releases and not advisories:
        return Decision(
            PackageStatus.unknown,
            reason="No available releases found",
            installed_version=installed_version,
        )
    known = sorted(
        (
            (parsed, release.version, release)
            for release in releases
            if not release.yanked and (parsed := _try(parse, release.version)) is not None
        ),
        key=lambda item: _SortWrapper(item[0]),
    )
    ascending = [(parsed, text) for parsed, text, _ in known]
    affecting = [a for a in advisories if range_affects(a, parse, installed)]
    stable = [(parsed, text) for parsed, text in ascending if not is_prerelease(parsed, text)]
    safe_stable = [
        (parsed, text)
        for parsed, text in stable
        if not any(range_affects(a, parse, parsed) for a in advisories)
    ]
    candidates = safe_stable or stable
    recommended = candidates[-1][1] if candidates else None
    latest = ascending[-1][1] if ascending else None
    base = Decision(
        PackageStatus.current,
        recommended_version=recommended,
        latest_version=latest,
        installed_version=installed_version,
    )
    if affecting:
        fixes = {
            fix
            for advisory in affecting
            if (fix := _first_fix(advisory, parse, installed, ascending)) is not None
        }
        ordered = sorted(fixes, key=lambda text: _SortWrapper(parse(text)), reverse=True)
        worst = max(affecting, key=lambda a: severity_rank(a.severity))
        return Decision(
            PackageStatus.security_update,
            recommended_version=recommended,
            latest_version=latest,
            security_updates=tuple(ordered),
            reason=None,
            installed_version=installed_version,
            severity=worst.severity,
            advisories=tuple(dict.fromkeys(a.advisory_id for a in affecting)),
        )
    if stable and stable[-1][0] > installed:
        return Decision(
            PackageStatus.update_available,
            recommended_version=base.recommended_version,
            latest_version=latest,
            installed_version=installed_version,
        )
    return base
