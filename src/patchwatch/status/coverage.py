"""Drupal core security coverage: the "Drupal core security coverage" status-report entry.

Rules section 6 of shared/DRUPAL_UPDATE_RULES.md (core's ProjectSecurityData and
ProjectSecurityRequirement). Computed for project ``drupal`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from patchwatch.status.drupal import InvalidVersion, parse_version, release_is_valid
from patchwatch.status.types import ProjectFeed

# Minors after the installed one that keep it covered (CORE_MINORS_WITH_SECURITY_COVERAGE).
MINORS_WITH_SECURITY_COVERAGE = 2

# Per core code line: major.minor -> (end of coverage, start of the "ending soon" warning).
# An end date is "Y-m-d" or "Y-m" (month only).
COVERAGE_END_DATES: dict[str, dict[str, tuple[str, str | None]]] = {
    "11.x": {
        "9.4": ("2023-06-21", "2022-12-14"),
        "9.5": ("2023-11", "2023-05-14"),
    },
    "10.6.x": {
        "10.5": ("2026-06-17", "2025-12-10"),
        "10.6": ("2026-12-09", "2026-06-17"),
    },
}

RELEASE_CYCLE = "Visit the release cycle overview for more information on supported releases."
COVERAGE_ENDED = "Coverage has ended"
UPDATE_ASAP = (
    "Update to a supported minor as soon as possible to continue receiving security updates."
)
UPDATE_SOON = "Update to a supported version soon to continue receiving security updates."

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Coverage:
    """One status-report entry: ``severity`` is ``info``, ``warning`` or ``error``."""

    severity: str
    message: str
    # Intermediate values, as core's getCoverageInfo() computes them.
    end_date: str | None = None
    warn_date: str | None = None
    end_version: str | None = None
    additional_minors: int | None = None


def decide_core_coverage(
    feed: ProjectFeed | None,
    installed_version: str | None,
    today: date,
    code_line: str = "11.x",
) -> Coverage | None:
    """The security coverage of an installed Drupal core version, or None for no entry.

    ``code_line`` is the core branch the site runs (``11.x`` or ``10.6.x``): each hard-codes
    its own end dates. Raises ``KeyError`` for an unknown code line.
    """
    end_dates = COVERAGE_END_DATES[code_line]
    if feed is None or feed.short_name != "drupal" or not installed_version:
        return None
    if feed.release(installed_version) is None:
        return None
    try:
        installed = parse_version(installed_version)
    except InvalidVersion:
        return None
    minor = _semantic_minor(installed_version)
    if minor is None:
        return None
    dated = end_dates.get(f"{installed.major}.{minor}")
    if dated is not None:
        return _date_coverage(dated[0], dated[1], today)
    if installed.extra is not None:
        return None  # only full releases are covered
    end_version = f"{installed.major}.{minor + MINORS_WITH_SECURITY_COVERAGE}.0"
    latest_minor = _latest_minor(feed, installed.major)
    additional = (
        None if latest_minor is None else minor + MINORS_WITH_SECURITY_COVERAGE - latest_minor
    )
    if additional is not None and additional > 0:
        message = f"Covered until {end_version}"
        severity = "info"
        if additional == 1:
            message += (
                f" Update to {installed.major}.{minor + 1} or higher soon to continue"
                " receiving security updates."
            )
            severity = "warning"
    else:
        message, severity = f"{COVERAGE_ENDED} {UPDATE_ASAP}", "error"
    return Coverage(
        severity=severity,
        message=f"{message} {RELEASE_CYCLE}",
        end_version=end_version,
        additional_minors=additional,
    )


def _semantic_minor(version: str) -> int | None:
    parts = version.split(".")
    if len(parts) < 2 or not parts[1].isascii() or not parts[1].isdigit():
        return None
    return int(parts[1])


def _latest_minor(feed: ProjectFeed, major: int) -> int | None:
    """The minor of the newest published stable release of this major (first in feed order)."""
    for release in feed.releases:
        if not release_is_valid(release):
            continue
        try:
            parsed = parse_version(release.version)
        except InvalidVersion:
            continue
        if parsed.major == major and release.is_published and not parsed.extra:
            return _semantic_minor(release.version)
    return None


def _date_coverage(end: str, warn: str | None, today: date) -> Coverage:
    month_only = end.count("-") == 1
    # Compared as text in the end date's own format, as core does.
    today_text = today.strftime("%Y-%m" if month_only else "%Y-%m-%d")
    if end <= today_text:
        return Coverage(
            severity="error",
            message=f"{COVERAGE_ENDED} {UPDATE_ASAP} {RELEASE_CYCLE}",
            end_date=end,
            warn_date=warn,
        )
    year, month, *day = end.split("-")
    shown = f"{year}-{_MONTHS[int(month) - 1]}" + (f"-{day[0]}" if day else "")
    message, severity = f"Covered until {shown}", "info"
    if warn is not None and warn <= today.isoformat():
        message, severity = f"{message} {UPDATE_SOON}", "warning"
    return Coverage(
        severity=severity,
        message=f"{message} {RELEASE_CYCLE}",
        end_date=end,
        warn_date=warn,
    )
