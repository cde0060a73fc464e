"""Status for non-Drupal ecosystems from releases and OSV-style advisories."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from patchwatch.status.generic import (
    decide_from_advisories,
    parse_generic_version,
    range_affects,
    version_parser,
)
from patchwatch.status.types import AdvisoryRange, GenericRelease, PackageStatus

S = PackageStatus


def releases(*versions: str) -> list[GenericRelease]:
    return [GenericRelease(version=v) for v in versions]


REQUESTS = releases("2.30.0", "2.31.0", "2.32.0", "2.32.3", "3.0.0rc1")
GHSA = AdvisoryRange(
    advisory_id="GHSA-j8r2-6x86-q33q",
    events=(("introduced", "2.3.0"), ("fixed", "2.31.0")),
    severity="MODERATE",
)
CRITICAL = AdvisoryRange(
    advisory_id="PYSEC-2024-1",
    events=(("introduced", "0"), ("fixed", "2.32.0")),
    severity="CRITICAL",
)


def test_affected_version_needs_a_security_update() -> None:
    decision = decide_from_advisories("PyPI", "2.30.0", REQUESTS, [GHSA, CRITICAL])
    assert decision.status is S.security_update
    assert decision.security_updates == ("2.32.0", "2.31.0")  # newest first, as for Drupal
    assert decision.severity == "CRITICAL"
    assert decision.advisories == ("GHSA-j8r2-6x86-q33q", "PYSEC-2024-1")
    assert decision.recommended_version == "2.32.3"
    assert decision.latest_version == "3.0.0rc1"
    assert decision.missing_security


def test_fixed_version_with_a_newer_release_is_update_available() -> None:
    decision = decide_from_advisories("pypi", "2.32.0", REQUESTS, [GHSA, CRITICAL])
    assert decision.status is S.update_available
    assert decision.recommended_version == "2.32.3" and decision.security_updates == ()
    assert decision.severity is None


def test_newest_stable_is_current_even_with_a_newer_pre_release() -> None:
    decision = decide_from_advisories("pypi", "2.32.3", REQUESTS, [GHSA])
    assert decision.status is S.current


@pytest.mark.parametrize(
    ("installed", "reason"),
    [(None, "Empty version"), ("", "Empty version"), ("not a version!", "Invalid version: ")],
)
def test_unparseable_versions_are_unknown(installed: str | None, reason: str) -> None:
    decision = decide_from_advisories("pypi", installed, REQUESTS, [GHSA])
    assert decision.status is S.unknown
    assert decision.reason is not None and decision.reason.startswith(reason)


def test_no_data_is_unknown() -> None:
    decision = decide_from_advisories("npm", "1.0.0", [], [])
    assert (decision.status, decision.reason) == (S.unknown, "No available releases found")


def test_unsupported_ecosystem_is_unknown() -> None:
    decision = decide_from_advisories("cobol-packages", "1.0", releases("1.0"), [])
    assert decision.status is S.unknown
    assert decision.reason == "Unsupported ecosystem: cobol-packages"


def test_npm_ranges_with_several_segments() -> None:
    advisory = AdvisoryRange(
        advisory_id="GHSA-x",
        events=(
            ("introduced", "1.0.0"),
            ("fixed", "1.2.5"),
            ("introduced", "2.0.0"),
            ("fixed", "2.1.1"),
        ),
        severity="HIGH",
    )
    known = releases("1.2.4", "1.2.5", "2.0.0", "2.1.0", "2.1.1", "3.0.0-beta.1")
    assert decide_from_advisories("npm", "1.2.4", known, [advisory]).security_updates == ("1.2.5",)
    on_two = decide_from_advisories("npm", "2.1.0", known, [advisory])
    assert on_two.security_updates == ("2.1.1",) and on_two.severity == "HIGH"
    assert decide_from_advisories("npm", "1.2.5", known, [advisory]).status is S.update_available
    assert decide_from_advisories("npm", "2.1.1", known, [advisory]).status is S.current


def test_last_affected_fix_is_the_next_release() -> None:
    advisory = AdvisoryRange(
        advisory_id="OSV-1", events=(("introduced", "0"), ("last_affected", "1.4.0"))
    )
    known = releases("1.3.0", "1.4.0", "1.4.1", "1.5.0")
    decision = decide_from_advisories("composer", "1.4.0", known, [advisory])
    assert decision.status is S.security_update
    assert decision.security_updates == ("1.4.1",)
    assert decide_from_advisories("composer", "1.4.1", known, [advisory]).status is (
        S.update_available
    )


def test_explicit_version_lists() -> None:
    advisory = AdvisoryRange(advisory_id="OSV-2", versions=("1:2.4-1", "1:2.4-2"))
    known = releases("1:2.4-1", "1:2.4-2", "1:2.4-3")
    decision = decide_from_advisories("deb", "1:2.4-2", known, [advisory])
    assert decision.status is S.security_update and decision.security_updates == ("1:2.4-3",)


def test_withdrawn_and_git_ranges_are_ignored() -> None:
    withdrawn = AdvisoryRange(
        advisory_id="W", events=(("introduced", "0"),), withdrawn=True, severity="CRITICAL"
    )
    git = AdvisoryRange(advisory_id="G", events=(("introduced", "0"),), range_type="GIT")
    decision = decide_from_advisories("npm", "1.0.0", releases("1.0.0"), [withdrawn, git])
    assert decision.status is S.current


def test_yanked_releases_are_not_recommended() -> None:
    known = [GenericRelease("1.0.0"), GenericRelease("1.1.0", yanked=True)]
    decision = decide_from_advisories("pypi", "1.0.0", known, [])
    assert decision.status is S.current and decision.recommended_version == "1.0.0"


def test_recommendation_skips_affected_releases() -> None:
    advisory = AdvisoryRange(advisory_id="A", events=(("introduced", "2.0.0"),))
    known = releases("1.9.0", "2.0.0", "2.1.0")
    decision = decide_from_advisories("npm", "1.8.0", known, [advisory])
    assert decision.status is S.update_available and decision.recommended_version == "1.9.0"


def test_unparseable_events_and_releases_are_skipped() -> None:
    advisory = AdvisoryRange(advisory_id="A", events=(("introduced", "garbage"),))
    known = releases("1.0.0", "nonsense")
    decision = decide_from_advisories("npm", "1.0.0", known, [advisory])
    assert decision.status is S.current


@pytest.mark.parametrize(
    ("ecosystem", "older", "newer"),
    [
        ("pypi", "1.0rc1", "1.0"),
        ("pypi", "1.0", "1.0.post1"),
        ("npm", "1.0.0-rc.1", "1.0.0"),
        ("npm", "1.2.0", "1.10.0"),
        ("composer", "1.2.3", "1.10.0"),
        ("deb", "1.0~rc1-1", "1.0-1"),
        ("deb", "1:0.9", "2:0.1"),
        ("maven", "1.0-SNAPSHOT", "1.0"),
        ("gem", "1.0.0.pre", "1.0.0"),
    ],
)
def test_ecosystem_orderings(ecosystem: str, older: str, newer: str) -> None:
    assert parse_generic_version(ecosystem, older) < parse_generic_version(ecosystem, newer)


def test_range_semantics_at_the_boundaries() -> None:
    parse = version_parser("pypi")
    advisory = AdvisoryRange(advisory_id="A", events=(("introduced", "1.0"), ("fixed", "2.0")))
    assert not range_affects(advisory, parse, Version("0.9"))
    assert range_affects(advisory, parse, Version("1.0"))
    assert range_affects(advisory, parse, Version("1.9.9"))
    assert not range_affects(advisory, parse, Version("2.0"))


pypi_versions = st.builds(
    lambda a, b, c, pre: f"{a}.{b}.{c}{pre}",
    st.integers(0, 20),
    st.integers(0, 20),
    st.integers(0, 20),
    st.sampled_from(["", "a1", "b2", "rc1", ".post1", ".dev3"]),
)
semver_versions = st.builds(
    lambda a, b, c, pre: f"{a}.{b}.{c}{pre}",
    st.integers(0, 20),
    st.integers(0, 20),
    st.integers(0, 20),
    st.sampled_from(["", "-alpha.1", "-beta.2", "-rc.1", "-rc.10"]),
)


@given(st.lists(pypi_versions, min_size=3, max_size=3))
def test_pypi_ordering_is_total_and_transitive(items: list[str]) -> None:
    _check_total_order("pypi", items)


@given(st.lists(semver_versions, min_size=3, max_size=3))
def test_semver_ordering_is_total_and_transitive(items: list[str]) -> None:
    _check_total_order("npm", items)


def _check_total_order(ecosystem: str, items: list[str]) -> None:
    a, b, c = (parse_generic_version(ecosystem, v) for v in items)
    assert (a < b) + (a == b) + (a > b) == 1  # exactly one holds
    assert (a < b) is (b > a)
    if a <= b and b <= c:
        assert a <= c
    assert str(parse_generic_version(ecosystem, items[0])) == str(a)


@given(semver_versions, st.sampled_from(["1.0.0", "5.5.5", "20.0.0"]))
def test_semver_decision_matches_the_ordering(installed: str, fixed: str) -> None:
    advisory = AdvisoryRange(advisory_id="A", events=(("introduced", "0"), ("fixed", fixed)))
    decision = decide_from_advisories("npm", installed, releases(fixed), [advisory])
    affected = parse_generic_version("npm", installed) < parse_generic_version("npm", fixed)
    assert (decision.status is S.security_update) is affected
    if affected:
        assert decision.security_updates == (fixed,)


@given(pypi_versions, st.sampled_from(["1.0.0", "5.5.5", "20.0.0"]))
def test_pypi_decision_matches_the_ordering(installed: str, fixed: str) -> None:
    advisory = AdvisoryRange(advisory_id="A", events=(("introduced", "0"), ("fixed", fixed)))
    decision = decide_from_advisories("pypi", installed, releases(fixed), [advisory])
    assert (decision.status is S.security_update) is (Version(installed) < Version(fixed))
