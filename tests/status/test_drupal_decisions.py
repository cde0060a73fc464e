"""The Drupal status decision on the real release-history fixtures of Drupal core's tests.

Expected values come from shared/DRUPAL_UPDATE_RULES.md (sections 3-5) and core's tests.
"""

from __future__ import annotations

import pytest

from patchwatch.catalog.drupal_feed import parse_release_history
from patchwatch.status.drupal import decide_drupal
from patchwatch.status.types import Decision, PackageStatus, ProjectFeed
from tests.conftest import FIXTURES

FEEDS = FIXTURES / "drupal-release-history"
S = PackageStatus


def feed(name: str) -> ProjectFeed:
    return parse_release_history((FEEDS / name).read_bytes())


def decide(name: str, version: str | None, **kw: int) -> Decision:
    return decide_drupal(feed(name), version, **kw)


@pytest.mark.parametrize(
    ("fixture", "installed", "status", "recommended", "security"),
    [
        # Insecure installed release: "Security update required!"
        ("drupal.sec.8.0.2.xml", "8.0.0", S.security_update, "8.0.2", ["8.0.2"]),
        ("drupal.sec.8.0.2.xml", "8.0.1", S.security_update, "8.0.2", ["8.0.2"]),
        ("drupal.sec.8.0.2.xml", "8.0.2", S.current, "8.0.2", []),
        # A newer security release alone: "Update available" with security links (rules 3)
        ("drupal.sec.8.1.2.xml", "8.0.0", S.update_available, "8.1.2", ["8.1.2"]),
        ("drupal.sec.8.1.2.xml", "8.0.2", S.update_available, "8.1.2", ["8.1.2"]),
        ("drupal.sec.8.1.2.xml", "8.1.1", S.security_update, "8.1.2", ["8.1.2"]),
        # Fallback to latest when only a pre-release is above (rules 3.7)
        ("drupal.sec.8.2.0-rc2.xml", "8.2.0-beta1", S.security_update, "8.2.0-rc2", ["8.2.0-rc2"]),
        # Not in a supported branch: not supported, yet recommended in the next major
        ("drupal.9.0.0.xml", "8.0.0", S.unsupported, "9.0.0", []),
        ("semver_test.9.0.0.xml", "8.0.0", S.unsupported, "9.0.0", []),
        ("drupal.8.1.0.xml", "8.0.0", S.update_available, "8.1.0", []),
        ("drupal.8.1.0.xml", "8.1.0", S.current, "8.1.0", []),
    ],
)
def test_decisions_agree_with_drupal_core(
    fixture: str, installed: str, status: PackageStatus, recommended: str, security: list[str]
) -> None:
    decision = decide(fixture, installed)
    assert decision.status is status
    assert decision.recommended_version == recommended
    assert list(decision.security_updates) == security


def test_revoked_supported_release_is_its_own_recommendation() -> None:
    decision = decide("aaa_update_test.1_0-supported.xml", "8.x-1.0")
    assert decision.status is S.revoked and decision.reason == "Release revoked"
    assert decision.recommended_version == "8.x-1.0"
    assert decision.also_available == ("8.x-2.0",)


def test_feed_without_supported_branches() -> None:
    installed_in_feed = decide("drupal.sec.8.2.0.xml", "8.1.0")
    assert installed_in_feed.status is S.unsupported
    absent = decide("drupal.sec.8.2.0.xml", "8.1.1")
    assert absent.status is S.unknown and absent.reason == "No available releases found"


def test_security_links_are_hidden_when_current_and_recommended() -> None:
    decision = decide("drupal.sec.8.2.0-rc2.xml", "8.1.2")
    assert decision.status is S.current and decision.recommended_version == "8.1.2"
    assert decision.security_updates == ("8.2.0-rc2",)
    assert decision.missing_security is False


@pytest.mark.parametrize(
    ("fixture", "status", "reason"),
    [
        ("drupal.project_status.insecure.0.2.xml", S.security_update, "Project not secure"),
        ("drupal.project_status.revoked.0.2.xml", S.revoked, "Project revoked"),
        ("drupal.project_status.unsupported.0.2.xml", S.unsupported, "Project not supported"),
    ],
)
def test_project_level_status_wins(fixture: str, status: PackageStatus, reason: str) -> None:
    decision = decide(fixture, "8.0.0")
    assert (decision.status, decision.reason) == (status, reason)
    assert decision.recommended_version is None


@pytest.mark.parametrize("fixture", ["drupal.broken.xml", "aaa_update_test.no-releases.xml"])
def test_unusable_feeds_mean_no_available_releases(fixture: str) -> None:
    assert feed(fixture).usable is False
    decision = decide(fixture, "8.0.0")
    assert (decision.status, decision.reason) == (S.unknown, "No available releases found")


@pytest.mark.parametrize(
    ("installed", "reason"),
    [
        ("", "Empty version"),
        (None, "Invalid version: Unknown"),
        ("7.x-1.0", "Invalid version: 7.x-1.0"),
    ],
)
def test_unparseable_installed_versions_are_unknown(installed: str | None, reason: str) -> None:
    decision = decide("drupal.sec.8.0.2.xml", installed)
    assert (decision.status, decision.reason) == (S.unknown, reason)


def test_no_feed_at_all_is_unknown() -> None:
    decision = decide_drupal(None, "8.0.0")
    assert (decision.status, decision.reason) == (S.unknown, "No available releases found")


def test_dev_install_without_datestamp_is_unknown_release_date() -> None:
    decision = decide("drupal.dev.xml", "8.0.x-dev")
    assert (decision.status, decision.reason) == (S.unknown, "Unknown release date")


ALL_FIXTURES = sorted(p.name for p in FEEDS.glob("*.xml")) + sorted(
    f"branch-10.6.x/{p.name}" for p in (FEEDS / "branch-10.6.x").glob("*.xml")
)


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_every_fixture_parses_and_every_decision_is_consistent(fixture: str) -> None:
    project = feed(fixture)
    versions = {r.version for r in project.releases}
    security = {r.version for r in project.releases if r.is_security}
    for installed in [*sorted(versions), "8.0.0", "8.x-1.0", "99.0.0", "", None]:
        for datestamp in (None, 1280424641):
            decision = decide_drupal(project, installed, site_datestamp=datestamp)
            assert decision.recommended_version in versions | {None}
            assert decision.latest_version in versions | {None}
            assert set(decision.security_updates) <= security
            assert set(decision.also_available) <= versions
            if decision.status is S.unknown:
                assert decision.reason
