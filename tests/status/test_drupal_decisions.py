"""The Drupal status decision on the real release-history fixtures of Drupal core's tests.

Expected values come from shared/DRUPAL_UPDATE_RULES.md (sections 3-5) and the cases of core's
UpdateSemverTestBaselineTrait, UpdateSemverTestSecurityAvailabilityTrait, UpdateContribTest and
DevReleaseTest. Core's report shows security links only when the project is not current or
not on the recommended version; ``shown_security`` applies that rule.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from patchwatch.catalog.drupal_feed import parse_release_history
from patchwatch.status.drupal import decide_drupal, release_is_valid
from patchwatch.status.types import (
    CoreStatus,
    Decision,
    FeedRelease,
    PackageStatus,
    ProjectFeed,
)


def _feeds_dir() -> Path:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "fixtures" / "drupal-release-history"
        if candidate.is_dir():
            return candidate
    raise RuntimeError("shared/fixtures/drupal-release-history not found")


FEEDS = _feeds_dir()
S = PackageStatus
ALL_FIXTURES = sorted(p.name for p in FEEDS.glob("*.xml")) + sorted(
    f"branch-10.6.x/{p.name}" for p in (FEEDS / "branch-10.6.x").glob("*.xml")
)


@cache
def feed(name: str) -> ProjectFeed:
    return parse_release_history((FEEDS / name).read_bytes())


def decide(name: str, version: str | None, datestamp: int | None = None) -> Decision:
    return decide_drupal(feed(name), version, site_datestamp=datestamp)


def shown_security(decision: Decision) -> list[str]:
    return list(decision.security_updates) if decision.shows_security_updates else []


# --- UpdateSemverTestBaselineTrait, for core ("drupal") and semver contrib ("semver_test") ---

PROJECTS = ["drupal", "semver_test"]
VERSIONS_8 = [f"8.{m}.{p}{e}" for m in (0, 1) for p in (0, 1) for e in ("-alpha1", "-beta1", "")]


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("installed", VERSIONS_8)
def test_baseline_no_updates_available(project: str, installed: str) -> None:
    decision = decide(f"{project}.{installed}.xml", installed)
    assert decision.status is S.current
    # 8.2.0 is in every one of these feeds but outside the supported branches.
    assert "8.2.0" not in (decision.recommended_version, decision.latest_version)
    assert "8.2.0" not in decision.also_available


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize(
    ("fixture_version", "status", "recommended", "latest"),
    [
        ("8.0.1", S.update_available, "8.0.1", "8.0.1"),
        ("8.0.1-alpha1", S.current, "8.0.0", "8.0.1-alpha1"),
        ("8.0.1-beta1", S.current, "8.0.0", "8.0.1-beta1"),
        ("8.1.1", S.update_available, "8.1.1", "8.1.1"),
        ("8.1.1-alpha1", S.update_available, "8.1.0", "8.1.1-alpha1"),
        ("8.1.1-beta1", S.update_available, "8.1.0", "8.1.1-beta1"),
    ],
)
def test_baseline_normal_update_available(
    project: str, fixture_version: str, status: PackageStatus, recommended: str, latest: str
) -> None:
    decision = decide(f"{project}.{fixture_version}.xml", "8.0.0")
    assert (decision.status, decision.recommended_version, decision.latest_version) == (
        status,
        recommended,
        latest,
    )
    assert decision.security_updates == ()


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("installed", VERSIONS_8)
def test_baseline_next_major_only_is_not_supported_with_a_recommendation(
    project: str, installed: str
) -> None:
    decision = decide(f"{project}.9.0.0.xml", installed)
    assert decision.status is S.unsupported and decision.core_status == CoreStatus.NOT_SUPPORTED
    assert decision.recommended_version == decision.latest_version == "9.0.0"


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("installed", VERSIONS_8)
def test_baseline_next_major_also_available(project: str, installed: str) -> None:
    decision = decide(f"{project}.8.0.0-9.0.0.xml", installed)
    assert decision.also_available == ("9.0.0",)
    assert decision.recommended_version == decision.latest_version == "8.1.1"
    expected = S.current if installed == "8.1.1" else S.update_available
    assert decision.status is expected


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("installed", VERSIONS_8)
def test_baseline_major_plus_two_pre_release_is_also_available(
    project: str, installed: str
) -> None:
    decision = decide(f"{project}.9.0.0-10.0.0.xml", installed)
    assert decision.status is S.unsupported
    assert decision.recommended_version == decision.latest_version == "9.2.2"
    assert decision.also_available == ("10.0.0-beta1",)


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("fixture", ["8.1.0", "8.1.0-unsupported"])
def test_baseline_revoked_release(project: str, fixture: str) -> None:
    decision = decide(f"{project}.{fixture}.xml", "8.0.2")
    assert (decision.status, decision.reason) == (S.revoked, "Release revoked")
    assert decision.recommended_version == "8.1.0"


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("fixture", ["8.1.0", "8.1.0-unsupported"])
def test_baseline_unsupported_release(project: str, fixture: str) -> None:
    decision = decide(f"{project}.{fixture}.xml", "8.0.3")
    assert (decision.status, decision.reason) == (S.unsupported, "Release not supported")
    assert decision.recommended_version == "8.1.0"


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("installed", ["8.1.0", "8.1.0-beta1"])
def test_baseline_newest_branch_unsupported_gives_no_recommendation(
    project: str, installed: str
) -> None:
    decision = decide(f"{project}.1.1-unsupported.xml", installed)
    assert (decision.status, decision.reason) == (S.unsupported, "Release not supported")
    assert decision.recommended_version is None


@pytest.mark.parametrize("project", PROJECTS)
def test_baseline_unsupported_release_with_newer_majors_also_available(project: str) -> None:
    decision = decide(f"{project}.1.0-supported.xml", "8.0.3")
    assert decision.status is S.unsupported
    assert decision.recommended_version == "8.1.0"
    assert decision.also_available == ("10.0.0", "9.0.0")


# --- UpdateSemverTestSecurityAvailabilityTrait -------------------------------------------

SECURITY_CASES = [
    # (site version, fixture, expected shown security releases, expected status)
    ("8.0.0", "sec.8.0.2", ["8.0.2"], S.security_update),
    ("8.0.2", "sec.8.2.0-rc2", ["8.1.2", "8.2.0-rc2"], S.update_available),
    ("8.0.0", "sec.8.0.1_8.0.2", ["8.0.2"], S.security_update),
    ("8.1.0", "sec.8.1.2", ["8.1.2"], S.security_update),
    ("8.0.0", "sec.8.2.0-rc2", ["8.0.2", "8.1.2", "8.2.0-rc2"], S.security_update),
    ("8.1.2", "sec.8.2.0-rc2", [], S.current),
    ("8.0.0", "sec.8.1.2_insecure", ["8.1.2"], S.security_update),
    ("8.0.0", "sec.8.1.2_insecure-unsupported", ["8.1.2"], S.security_update),
    ("8.0.0", "sec.8.1.2", ["8.1.2"], S.update_available),
    ("8.0.2", "sec.8.1.2", ["8.1.2"], S.update_available),
    ("8.2.0-rc2", "sec.8.2.0-rc2", [], S.current),
    ("8.1.0", "sec.8.2.0-rc2", ["8.1.2", "8.2.0-rc2"], S.security_update),
]
PRE_RELEASES = ["8.2.0-alpha1", "8.2.0-alpha2", "8.2.0-beta1", "8.2.0-beta2", "8.2.0-rc1"]
SECURITY_CASES += [(v, "sec.8.2.0-rc2-b", [], S.update_available) for v in PRE_RELEASES]
SECURITY_CASES += [("8.2.0-rc2", "sec.8.2.0-rc2-b", [], S.current)]
SECURITY_CASES += [(v, "sec.8.2.0-rc2", ["8.2.0-rc2"], S.security_update) for v in PRE_RELEASES]


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize(("installed", "fixture", "security", "status"), SECURITY_CASES)
def test_security_update_availability(
    project: str, installed: str, fixture: str, security: list[str], status: PackageStatus
) -> None:
    decision = decide(f"{project}.{fixture}.xml", installed)
    assert decision.status is status
    # Core's test checks each link, not their order; ours are newest first (document order).
    assert sorted(shown_security(decision)) == sorted(security)
    assert decision.missing_security is bool(security)


def test_a_newer_security_release_alone_is_update_available_but_keeps_the_list() -> None:
    decision = decide("drupal.sec.8.1.2.xml", "8.0.0")
    assert decision.status is S.update_available
    assert decision.security_updates == ("8.1.2",)
    assert decision.missing_security is True


def test_security_list_hidden_when_current_on_recommended() -> None:
    decision = decide("drupal.sec.8.2.0-rc2.xml", "8.1.2")
    assert decision.status is S.current and decision.recommended_version == "8.1.2"
    assert decision.security_updates == ("8.2.0-rc2",)  # computed, but core does not show it
    assert decision.missing_security is False


def test_pre_release_install_falls_back_to_latest_as_recommended() -> None:
    decision = decide("drupal.sec.8.2.0-rc2.xml", "8.2.0-beta1")
    assert decision.status is S.security_update
    assert decision.recommended_version == decision.latest_version == "8.2.0-rc2"
    assert decision.security_updates == ("8.2.0-rc2",)


# --- UpdateContribTest (legacy 8.x-N.M versions) -----------------------------------------

CONTRIB_CASES = [
    # (fixture, installed, status, recommended, latest, shown security, also available)
    ("aaa_update_test.1_0.xml", "8.x-1.0", S.current, "8.x-1.0", "8.x-1.0", [], []),
    ("bbb_update_test.1_0.xml", "8.x-1.0", S.current, "8.x-1.0", "8.x-1.0", [], []),
    ("ccc_update_test.1_0.xml", "8.x-1.0", S.current, "8.x-1.0", "8.x-1.0", [], []),
    ("ccc_update_test.1_1.xml", "8.x-1.0", S.update_available, "8.x-1.1", "8.x-1.1", [], []),
    ("update_test_subtheme.1_0.xml", "8.x-1.0", S.current, "8.x-1.0", "8.x-1.0", [], []),
    (
        "update_test_base_theme.1_1-sec.xml",
        "8.x-1.0",
        S.security_update,
        "8.x-1.1",
        "8.x-1.1",
        ["8.x-1.1"],
        [],
    ),
    ("aaa_update_test.1_1.xml", "8.x-1.0", S.update_available, "8.x-1.1", "8.x-1.1", [], []),
    ("aaa_update_test.1_1-alpha1.xml", "8.x-1.0", S.current, "8.x-1.0", "8.x-1.1-alpha1", [], []),
    ("aaa_update_test.1_1-beta1.xml", "8.x-1.0", S.current, "8.x-1.0", "8.x-1.1-beta1", [], []),
    ("aaa_update_test.1_2.xml", "8.x-1.0", S.update_available, "8.x-1.2", "8.x-1.2", [], []),
    (
        "aaa_update_test.1_2-alpha1.xml",
        "8.x-1.0",
        S.update_available,
        "8.x-1.1",
        "8.x-1.2-alpha1",
        [],
        [],
    ),
    (
        "aaa_update_test.1_2-beta1.xml",
        "8.x-1.0",
        S.update_available,
        "8.x-1.1",
        "8.x-1.2-beta1",
        [],
        [],
    ),
    (
        "aaa_update_test.2_0.xml",
        "8.x-1.0",
        S.update_available,
        "8.x-1.2",
        "8.x-1.2",
        [],
        ["8.x-2.0"],
    ),
    (
        "aaa_update_test.2_0-alpha1.xml",
        "8.x-1.0",
        S.update_available,
        "8.x-1.2",
        "8.x-1.2",
        [],
        ["8.x-2.0-alpha1"],
    ),
    (
        "aaa_update_test.2_0-beta1.xml",
        "8.x-1.0",
        S.update_available,
        "8.x-1.2",
        "8.x-1.2",
        [],
        ["8.x-2.0-beta1"],
    ),
    # Security availability.
    (
        "aaa_update_test.sec.8.x-1.2.xml",
        "8.x-1.0",
        S.security_update,
        "8.x-1.2",
        "8.x-1.2",
        ["8.x-1.2"],
        [],
    ),
    (
        "aaa_update_test.sec.8.x-1.1_8.x-1.2.xml",
        "8.x-1.0",
        S.security_update,
        "8.x-1.2",
        "8.x-1.2",
        ["8.x-1.2"],
        [],
    ),
    (
        "aaa_update_test.sec.8.x-2.2_1.x_secure.xml",
        "8.x-2.0",
        S.security_update,
        "8.x-2.2",
        "8.x-2.2",
        ["8.x-2.2"],
        [],
    ),
    (
        "aaa_update_test.sec.8.x-2.2_1.x_secure.xml",
        "8.x-1.0",
        S.update_available,
        "8.x-1.2",
        "8.x-1.2",
        [],
        ["8.x-2.2"],
    ),
    (
        "aaa_update_test.sec.8.x-1.2_8.x-2.2.xml",
        "8.x-2.2",
        S.current,
        "8.x-2.2",
        "8.x-2.2",
        [],
        [],  # 8.x-3.x is outside the supported branches
    ),
    (
        "aaa_update_test.sec.8.x-1.2_8.x-2.2.xml",
        "8.x-1.0",
        S.security_update,
        "8.x-1.2",
        "8.x-1.2",
        ["8.x-1.2"],
        ["8.x-2.2"],
    ),
    (
        "aaa_update_test.sec.8.x-1.2_8.x-2.2.xml",
        "8.x-1.2",
        S.current,
        "8.x-1.2",
        "8.x-1.2",
        [],
        ["8.x-2.2"],
    ),
    (
        "aaa_update_test.sec.8.x-1.2_8.x-2.2.xml",
        "8.x-2.0",
        S.security_update,
        "8.x-2.2",
        "8.x-2.2",
        ["8.x-2.2"],
        [],
    ),
    # Core compatibility fixtures: the constraint never changes the status.
    (
        "aaa_update_test.8.x-1.2.xml",
        "8.x-1.0",
        S.update_available,
        "8.x-1.2",
        "8.x-1.3-beta1",
        [],
        [],
    ),
    (
        "aaa_update_test.core_compatibility.8.x-1.2_8.x-2.2.xml",
        "8.x-1.0",
        S.security_update,
        "8.x-1.2",
        "8.x-1.2",
        ["8.x-1.2"],
        ["8.x-2.2"],
    ),
    # Revoked / unsupported installed releases (rules 5a: a revoked but supported release is
    # its own recommendation, 8.x-2.0 only "also available").
    (
        "aaa_update_test.1_0-supported.xml",
        "8.x-1.0",
        S.revoked,
        "8.x-1.0",
        "8.x-1.0",
        [],
        ["8.x-2.0"],
    ),
    ("aaa_update_test.1_0-unsupported.xml", "8.x-1.0", S.revoked, "8.x-2.0", "8.x-2.0", [], []),
    (
        "aaa_update_test.1_0-supported.xml",
        "8.x-1.1",
        S.unsupported,
        None,
        "8.x-1.1",
        [],
        ["8.x-2.0"],
    ),
    (
        "aaa_update_test.1_0-unsupported.xml",
        "8.x-1.1",
        S.unsupported,
        "8.x-2.0",
        "8.x-2.0",
        [],
        [],
    ),
]


@pytest.mark.parametrize(
    ("fixture", "installed", "status", "recommended", "latest", "security", "also"),
    CONTRIB_CASES,
)
def test_contrib_decisions(
    fixture: str,
    installed: str,
    status: PackageStatus,
    recommended: str | None,
    latest: str | None,
    security: list[str],
    also: list[str],
) -> None:
    decision = decide(fixture, installed)
    assert decision.status is status
    assert decision.recommended_version == recommended
    assert decision.latest_version == latest
    assert shown_security(decision) == security
    assert list(decision.also_available) == also


def test_contrib_semver_transition_recommends_in_the_legacy_branch() -> None:
    # supported_branches "8.x-8.,9.0.,9.1.": 8.0.0 is outside every branch; the first branch
    # (8.x-8., major 8) is the target, so the legacy 8.x-8.1 is recommended.
    decision = decide("semver_test.9.1.0.xml", "8.0.0")
    assert decision.status is S.unsupported
    assert decision.recommended_version == "8.x-8.1"
    assert decision.also_available == ("9.1.0",)


# --- Rules sections 4 and 5 ---------------------------------------------------------------


def test_feed_without_supported_branches() -> None:
    installed_in_feed = decide("drupal.sec.8.2.0.xml", "8.1.0")
    assert installed_in_feed.status is S.unsupported
    assert installed_in_feed.recommended_version is None
    absent = decide("drupal.sec.8.2.0.xml", "8.1.1")
    assert (absent.status, absent.reason) == (S.unknown, "No available releases found")


def test_empty_supported_branches_element_matches_every_version() -> None:
    base = feed("drupal.sec.8.2.0.xml")
    everything = ProjectFeed(
        short_name="drupal", usable=True, supported_branches=[""], releases=base.releases
    )
    decision = decide_drupal(everything, "8.1.0")
    assert decision.status is S.update_available
    assert decision.recommended_version == "8.2.0"


@pytest.mark.parametrize(
    ("fixture", "status", "reason", "core_status"),
    [
        ("drupal.project_status.insecure.0.2.xml", S.security_update, "Project not secure", 1),
        ("drupal.project_status.revoked.0.2.xml", S.revoked, "Project revoked", 2),
        ("drupal.project_status.unsupported.0.2.xml", S.unsupported, "Project not supported", 3),
    ],
)
@pytest.mark.parametrize("installed", ["8.0.0", "8.0.1", "", None])
def test_project_level_status_wins(
    fixture: str, status: PackageStatus, reason: str, core_status: int, installed: str | None
) -> None:
    decision = decide(fixture, installed)
    assert (decision.status, decision.reason, decision.core_status) == (
        status,
        reason,
        core_status,
    )
    assert decision.recommended_version is None and decision.security_updates == ()


@pytest.mark.parametrize("fixture", ["drupal.broken.xml", "aaa_update_test.no-releases.xml"])
def test_unusable_feeds_mean_no_available_releases(fixture: str) -> None:
    assert feed(fixture).usable is False
    decision = decide(fixture, "8.0.0")
    assert (decision.status, decision.reason) == (S.unknown, "No available releases found")
    assert decision.core_status == CoreStatus.UNKNOWN


def test_unusable_feed_still_reports_an_empty_version_first() -> None:
    assert decide("drupal.broken.xml", "").reason == "Empty version"
    assert decide("drupal.broken.xml", None).reason == "Invalid version: Unknown"


@pytest.mark.parametrize(
    ("installed", "reason"),
    [
        ("", "Empty version"),
        (None, "Invalid version: Unknown"),
        ("llama", "Invalid version: llama"),
        ("7.x-1.0", "Invalid version: 7.x-1.0"),
        ("1.1.1.1", "Invalid version: 1.1.1.1"),
    ],
)
def test_unparseable_installed_versions_are_unknown(installed: str | None, reason: str) -> None:
    decision = decide("aaa_update_test.1_0-supported.xml", installed)
    assert (decision.status, decision.reason) == (S.unknown, reason)


def test_no_feed_at_all_is_unknown() -> None:
    decision = decide_drupal(None, "8.0.0")
    assert (decision.status, decision.reason) == (S.unknown, "No available releases found")


def test_not_fetched_project_status() -> None:
    decision = decide_drupal(parse_release_history(b""), "8.0.0")
    assert (decision.status, decision.reason) == (S.unknown, "Failed to get available update data")
    assert decision.core_status == CoreStatus.NOT_FETCHED


def test_fetch_pending() -> None:
    pending = ProjectFeed(short_name="drupal", usable=True, fetch_pending=True)
    decision = decide_drupal(pending, "8.0.0")
    assert (decision.status, decision.core_status) == (S.unknown, CoreStatus.FETCH_PENDING)


# --- Dev installs (DevReleaseTest and rules 5e) ------------------------------------------


def test_dev_install_with_datestamp_uses_the_100_second_allowance() -> None:
    # 8.1.2 is exactly 100 s newer than the datestamp (counts), 8.1.1 is 99 s newer (does not).
    decision = decide("drupal.sec.8.1.0-dev.xml", "8.1.0-dev", 1280424641)
    assert decision.security_updates == ("8.1.2",)
    assert decision.status is S.update_available
    assert decision.core_status == CoreStatus.NOT_CURRENT


@pytest.mark.parametrize("datestamp", [None, 0])
def test_dev_install_without_datestamp_is_not_checked(datestamp: int | None) -> None:
    decision = decide("drupal.sec.8.1.0-dev.xml", "8.1.0-dev", datestamp)
    assert decision.security_updates == ()
    assert (decision.status, decision.reason) == (S.unknown, "Unknown release date")
    assert decision.core_status == CoreStatus.NOT_CHECKED


@pytest.mark.parametrize(
    ("datestamp", "status"),
    [
        (1250424581, S.current),  # the dev snapshot's own date (newer than 8.0.0)
        (1250424482, S.current),  # +100 > 1250424581 still counts as current
        (1250424481, S.update_available),
    ],
)
def test_dev_install_compares_with_the_newer_of_dev_and_latest(
    datestamp: int, status: PackageStatus
) -> None:
    decision = decide("drupal.dev.xml", "8.0.x-dev", datestamp)
    assert decision.status is status
    assert decision.recommended_version == "8.0.0"


def test_dev_release_without_date_is_ignored() -> None:
    decision = decide("drupal.dev-no-date.xml", "8.0.0")
    assert (decision.status, decision.reason) == (S.unknown, "No available releases found")


def test_installed_dev_release_without_date_is_still_examined() -> None:
    decision = decide("drupal.dev-no-date.xml", "8.1.x-dev", 1280424641)
    assert decision.latest_version == decision.recommended_version == "8.1.x-dev"
    assert decision.status is S.current


# --- Release validation ("Further rules" section 3) ---------------------------------------


def _release(version: str, **fields: str) -> FeedRelease:
    base = {
        "version": version,
        "status": "published",
        "release_link": f"https://example.com/{version}",
        "date": "1000",
    }
    base.update(fields)
    return FeedRelease(fields=base, terms={"Release type": ["Bug fixes"]})


@pytest.mark.parametrize(
    "broken",
    [
        {"release_link": ""},
        {"status": "draft"},
        {"date": "yesterday"},
        {"date": ""},
        {"download_link": ""},
        {"core_compatibility_message": ""},
    ],
)
def test_invalid_release_records_are_dropped(broken: dict[str, str]) -> None:
    bad = _release("1.1.0", **broken)
    assert not release_is_valid(bad)
    project = ProjectFeed(
        short_name="x", usable=True, supported_branches=["1."], releases=[bad, _release("1.0.0")]
    )
    decision = decide_drupal(project, "1.0.0")
    assert decision.status is S.current and decision.latest_version == "1.0.0"


def test_a_foreign_term_name_invalidates_a_release() -> None:
    release = FeedRelease(
        fields=_release("1.1.0").fields, terms={"Release type": [], "Projects": ["Modules"]}
    )
    assert not release_is_valid(release)


def test_php_numeric_dates_are_valid() -> None:
    assert release_is_valid(_release("1.1.0", date="1.5e3"))
    assert _release("1.1.0", date="1.5e3").date == 1500


def test_trailing_invalid_release_does_not_reset_the_fallback() -> None:
    # Only a pre-release above the installed version: recommended falls back to latest,
    # because the last valid release examined (the installed one) is supported.
    project = ProjectFeed(
        short_name="x",
        usable=True,
        supported_branches=["1.0."],
        releases=[_release("1.0.0-rc1"), _release("1.0.0-beta1"), _release("7.x-1.0")],
    )
    decision = decide_drupal(project, "1.0.0-beta2")
    assert decision.recommended_version == "1.0.0-rc1"


def test_security_scan_of_an_absent_version_runs_over_lower_majors() -> None:
    project = ProjectFeed(
        short_name="x",
        usable=True,
        supported_branches=["2.0.", "1.0."],
        releases=[
            _release("2.0.1"),
            FeedRelease(
                fields=_release("1.0.5").fields, terms={"Release type": ["Security update"]}
            ),
        ],
    )
    decision = decide_drupal(project, "2.0.0")
    assert decision.security_updates == ("1.0.5",)  # rules 5b
    assert decision.recommended_version == "2.0.1"


# --- Every fixture, every version: the decision is consistent -------------------------------


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_every_fixture_decides_consistently(fixture: str) -> None:
    project = feed(fixture)
    versions = {r.version for r in project.releases}
    security = {r.version for r in project.releases if r.is_security}
    candidates = [*sorted(versions), "8.0.0", "8.x-1.0", "8.x-1.x-dev", "99.0.0", "0.0.1", ""]
    for installed in [*candidates, None]:
        for datestamp in (None, 1280424641):
            decision = decide_drupal(project, installed, site_datestamp=datestamp)
            assert decision.recommended_version in versions | {None}
            assert decision.latest_version in versions | {None}
            assert set(decision.security_updates) <= security
            assert len(set(decision.security_updates)) == len(decision.security_updates)
            assert set(decision.also_available) <= versions
            assert installed not in decision.security_updates
            assert decision.core_status is not None
            assert CoreStatus(decision.core_status).package_status is decision.status
            if decision.status is S.unknown:
                assert decision.reason
            if decision.status is S.current:
                assert decision.recommended_version is not None
