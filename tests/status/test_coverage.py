"""Drupal core security coverage (rules section 6, UpdateSemverCoreSecurityCoverageTest)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from patchwatch.catalog.drupal_feed import parse_release_history
from patchwatch.status.coverage import decide_core_coverage
from patchwatch.status.types import ProjectFeed


def _feeds_dir() -> Path:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "fixtures" / "drupal-release-history"
        if candidate.is_dir():
            return candidate
    raise RuntimeError("shared/fixtures/drupal-release-history not found")


FEEDS = _feeds_dir()
CYCLE = "Visit the release cycle overview for more information on supported releases."
ENDED = (
    "Coverage has ended Update to a supported minor as soon as possible to continue receiving"
    f" security updates. {CYCLE}"
)
SOON = "Update to a supported version soon to continue receiving security updates."
ANY_DAY = date(2026, 11, 23)


def feed(name: str) -> ProjectFeed:
    return parse_release_history((FEEDS / name).read_bytes())


def soon_minor(end: str, minor: str) -> str:
    return (
        f"Covered until {end} Update to {minor} or higher soon to continue receiving security"
        f" updates. {CYCLE}"
    )


CASES = [
    # (installed, fixture, today, code line, severity or None, message)
    ("8.0.0", "drupal.sec.8.2.0_8.3.0-rc1.xml", ANY_DAY, "11.x", "error", ENDED),
    (
        "8.1.0",
        "drupal.sec.8.2.0_8.3.0-rc1.xml",
        ANY_DAY,
        "11.x",
        "warning",
        soon_minor("8.3.0", "8.2"),
    ),
    ("8.1.0", "drupal.sec.8.2.0.xml", ANY_DAY, "11.x", "warning", soon_minor("8.3.0", "8.2")),
    (
        "8.2.0",
        "drupal.sec.8.2.0_8.3.0-rc1.xml",
        ANY_DAY,
        "11.x",
        "info",
        f"Covered until 8.4.0 {CYCLE}",
    ),
    ("8.2.0", "drupal.sec.8.2.0.xml", ANY_DAY, "11.x", "info", f"Covered until 8.4.0 {CYCLE}"),
    ("8.2.0-beta2", "drupal.sec.8.2.0_8.3.0-rc1.xml", ANY_DAY, "11.x", None, ""),
    ("8.1.0-dev", "drupal.sec.8.2.0_8.3.0-rc1.xml", ANY_DAY, "11.x", None, ""),
    ("8.0.0", "drupal.sec.8.2.0_9.0.0.xml", ANY_DAY, "11.x", "error", ENDED),
    ("8.2.0", "drupal.sec.8.2.0_9.0.0.xml", ANY_DAY, "11.x", "warning", soon_minor("8.4.0", "8.3")),
    (
        "9.4.0",
        "drupal.sec.9.5.0.xml",
        date(2022, 12, 13),
        "11.x",
        "info",
        f"Covered until 2023-Jun-21 {CYCLE}",
    ),
    (
        "9.4.0",
        "drupal.sec.9.5.0.xml",
        date(2022, 12, 14),
        "11.x",
        "warning",
        f"Covered until 2023-Jun-21 {SOON} {CYCLE}",
    ),
    (
        "9.4.0",
        "drupal.sec.9.5.0.xml",
        date(2023, 6, 20),
        "11.x",
        "warning",
        f"Covered until 2023-Jun-21 {SOON} {CYCLE}",
    ),
    ("9.4.0", "drupal.sec.9.5.0.xml", date(2023, 6, 21), "11.x", "error", ENDED),
    ("9.4.0", "drupal.sec.9.5.0.xml", date(2023, 6, 22), "11.x", "error", ENDED),
    (
        "9.5.0",
        "drupal.sec.9.5.0.xml",
        date(2023, 1, 1),
        "11.x",
        "info",
        f"Covered until 2023-Nov {CYCLE}",
    ),
    (
        "9.5.0",
        "drupal.sec.9.5.0.xml",
        date(2023, 5, 15),
        "11.x",
        "warning",
        f"Covered until 2023-Nov {SOON} {CYCLE}",
    ),
    (
        "9.5.0",
        "drupal.sec.9.5.0.xml",
        date(2023, 10, 31),
        "11.x",
        "warning",
        f"Covered until 2023-Nov {SOON} {CYCLE}",
    ),
    ("9.5.0", "drupal.sec.9.5.0.xml", date(2023, 11, 1), "11.x", "error", ENDED),
    ("10.5.0", "drupal.sec.10.5.0.xml", ANY_DAY, "11.x", "info", f"Covered until 10.7.0 {CYCLE}"),
    ("10.4.0", "drupal.sec.10.5.0.xml", ANY_DAY, "11.x", "warning", soon_minor("10.6.0", "10.5")),
    # Not a release in the feed: no entry.
    ("8.1.1", "drupal.sec.8.2.0.xml", ANY_DAY, "11.x", None, ""),
    # The 10.6.x code line hard-codes end dates for 10.5 and 10.6.
    (
        "10.5.0",
        "branch-10.6.x/drupal.sec.10.6.0.xml",
        date(2025, 12, 9),
        "10.6.x",
        "info",
        f"Covered until 2026-Jun-17 {CYCLE}",
    ),
    (
        "10.5.0",
        "branch-10.6.x/drupal.sec.10.6.0.xml",
        date(2025, 12, 10),
        "10.6.x",
        "warning",
        f"Covered until 2026-Jun-17 {SOON} {CYCLE}",
    ),
    ("10.5.0", "branch-10.6.x/drupal.sec.10.6.0.xml", date(2026, 6, 17), "10.6.x", "error", ENDED),
    (
        "10.6.0",
        "branch-10.6.x/drupal.sec.10.6.0.xml",
        date(2026, 6, 16),
        "10.6.x",
        "info",
        f"Covered until 2026-Dec-09 {CYCLE}",
    ),
    (
        "10.6.0",
        "branch-10.6.x/drupal.sec.10.6.0.xml",
        date(2026, 6, 17),
        "10.6.x",
        "warning",
        f"Covered until 2026-Dec-09 {SOON} {CYCLE}",
    ),
    ("10.6.0", "branch-10.6.x/drupal.sec.10.6.0.xml", date(2026, 12, 9), "10.6.x", "error", ENDED),
    # 11.x versions have no hard-coded dates on either code line.
    (
        "11.6.0",
        "branch-10.6.x/drupal.sec.11.6.0.xml",
        ANY_DAY,
        "10.6.x",
        "info",
        f"Covered until 11.8.0 {CYCLE}",
    ),
    (
        "11.5.0",
        "branch-10.6.x/drupal.sec.11.6.0.xml",
        ANY_DAY,
        "10.6.x",
        "warning",
        soon_minor("11.7.0", "11.6"),
    ),
    # The same 10.5 site on the 11.x code line gets version-based coverage.
    (
        "10.5.0",
        "branch-10.6.x/drupal.sec.10.6.0.xml",
        ANY_DAY,
        "11.x",
        "warning",
        soon_minor("10.7.0", "10.6"),
    ),
]


@pytest.mark.parametrize(
    ("installed", "fixture", "today", "code_line", "severity", "message"), CASES
)
def test_core_security_coverage(
    installed: str, fixture: str, today: date, code_line: str, severity: str | None, message: str
) -> None:
    coverage = decide_core_coverage(feed(fixture), installed, today, code_line)
    if severity is None:
        assert coverage is None
        return
    assert coverage is not None
    assert (coverage.severity, coverage.message) == (severity, message)


def test_intermediate_values_of_version_coverage() -> None:
    coverage = decide_core_coverage(feed("drupal.sec.8.2.0_9.0.0.xml"), "8.2.0", ANY_DAY)
    assert coverage is not None
    assert (coverage.end_version, coverage.additional_minors) == ("8.4.0", 1)


def test_intermediate_values_of_date_coverage() -> None:
    coverage = decide_core_coverage(feed("drupal.sec.9.5.0.xml"), "9.5.0", date(2023, 1, 1))
    assert coverage is not None
    assert (coverage.end_date, coverage.warn_date) == ("2023-11", "2023-05-14")


def test_only_drupal_core_has_coverage() -> None:
    assert decide_core_coverage(feed("semver_test.8.1.0.xml"), "8.1.0", ANY_DAY) is None
    assert decide_core_coverage(None, "8.1.0", ANY_DAY) is None
    assert decide_core_coverage(feed("drupal.broken.xml"), "8.1.0", ANY_DAY) is None
    assert decide_core_coverage(feed("drupal.sec.8.2.0.xml"), None, ANY_DAY) is None


def test_unknown_code_line_is_refused() -> None:
    with pytest.raises(KeyError):
        decide_core_coverage(feed("drupal.sec.8.2.0.xml"), "8.2.0", ANY_DAY, "7.x")
