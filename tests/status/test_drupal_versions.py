"""Drupal version strings, parsed as core's ExtensionVersion parses them, and their ordering."""

from __future__ import annotations

from functools import cmp_to_key
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patchwatch.catalog.drupal_feed import parse_release_history
from patchwatch.status.drupal import (
    InvalidVersion,
    branch_major,
    compare_versions,
    is_older,
    parse_version,
    sort_key,
    version_without_extra,
)


def _feeds_dir() -> Path:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "fixtures" / "drupal-release-history"
        if candidate.is_dir():
            return candidate
    raise RuntimeError("shared/fixtures/drupal-release-history not found")


FEEDS = _feeds_dir()
ALL_FIXTURES = sorted(p.name for p in FEEDS.glob("*.xml")) + sorted(
    f"branch-10.6.x/{p.name}" for p in (FEEDS / "branch-10.6.x").glob("*.xml")
)


@pytest.mark.parametrize(
    ("version", "major", "minor", "extra"),
    [
        ("8.x-1.2", 1, None, None),
        ("8.x-1.2-beta3", 1, None, "beta3"),
        ("8.x-2.x-dev", 2, None, "dev"),
        ("8.x-1.0-alpha1", 1, None, "alpha1"),
        ("8.x-dev", 8, None, "dev"),
        ("7.x-dev", 7, None, "dev"),
        ("10.x-dev", 10, None, "dev"),
        ("1.3", 1, None, None),
        ("8.x-1.3", 1, None, None),
        ("1.2.3", 1, 2, None),
        ("1.2.3-alpha1", 1, 2, "alpha1"),
        ("1.2.3-beta1-extra", 1, 2, "beta1"),  # only the second "-" piece is the extra
        ("10.2.0", 10, 2, None),
        ("0.1.0", 0, 1, None),
        ("8.0.1-alpha1", 8, 0, "alpha1"),
        ("1.2.x-dev", 1, 2, "dev"),
        ("1.x-dev", 1, None, "dev"),
    ],
)
def test_valid_versions_parse(
    version: str, major: int, minor: int | None, extra: str | None
) -> None:
    parsed = parse_version(version)
    assert (parsed.major, parsed.minor, parsed.extra) == (major, minor, extra)


@pytest.mark.parametrize(
    ("version", "kind"),
    [
        ("7.x-1.0", "invalid_core_prefix"),
        ("7.x-1.x-dev", "invalid_core_prefix"),
        ("10.x-1.0", "invalid_core_prefix"),
        ("8", "invalid_version_number"),
        ("", "invalid_version_number"),
        ("1.1.1.1", "invalid_version_number"),
        ("8.x-1.1.1.1", "invalid_version_number"),
        ("1.1.x", "invalid_version_number"),
        ("1.1.x-extra", "invalid_version_number"),
        ("a.1", "invalid_version_number"),
        ("1.a.1", "invalid_version_number"),
        ("Unknown", "invalid_version_number"),
        ("llama", "invalid_version_number"),
    ],
)
def test_invalid_versions_are_refused_with_their_kind(version: str, kind: str) -> None:
    with pytest.raises(InvalidVersion) as error:
        parse_version(version)
    assert error.value.kind == kind


@pytest.mark.parametrize(
    ("branch", "major"), [("8.x-1.", 1), ("0.1.", 0), ("8.0.", 8), ("9.0.", 9), ("8.x-2.", 2)]
)
def test_supported_branches_give_their_major(branch: str, major: int) -> None:
    assert branch_major(branch) == major


@pytest.mark.parametrize(
    ("branch", "kind"),
    [
        ("1.x", "invalid_support_branch"),
        ("1.1", "invalid_support_branch"),
        ("8.x-1.0", "invalid_support_branch"),
        ("", "invalid_support_branch"),
        ("7.x-1.", "invalid_core_prefix"),
    ],
)
def test_malformed_branches_are_refused(branch: str, kind: str) -> None:
    with pytest.raises(InvalidVersion) as error:
        branch_major(branch)
    assert error.value.kind == kind


@pytest.mark.parametrize(
    ("version", "without"),
    [("8.1.0-rc1", "8.1.0"), ("8.1.0", "8.1.0"), ("8.x-1.2-beta3", "8.x-1.2"), ("1.x-dev", "1.x")],
)
def test_version_without_extra(version: str, without: str) -> None:
    assert version_without_extra(version) == without


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("8.1.0-alpha1", "8.1.0-alpha2"),
        ("8.1.0-alpha2", "8.1.0-beta1"),
        ("8.1.0-beta1", "8.1.0-rc1"),
        ("8.1.0-rc1", "8.1.0"),
        ("8.1.x-dev", "8.1.0-alpha1"),
        ("8.0.3", "8.1.0-alpha1"),
        ("8.1.9", "8.1.10"),
        ("8.9.0", "8.10.0"),
        ("9.5.11", "10.0.0-alpha1"),
        ("8.x-1.9", "8.x-1.10"),
        ("8.x-1.x-dev", "8.x-1.0"),
        ("8.x-1.10", "8.x-2.0-alpha1"),
    ],
)
def test_drupal_org_ordering(older: str, newer: str) -> None:
    assert is_older(older, newer)
    assert compare_versions(newer, older) == 1
    assert compare_versions(older, older) == 0


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_sort_key_agrees_with_every_fixtures_document_order(fixture: str) -> None:
    # drupal.org lists releases newest first; in every fixture the whole list (not only each
    # major) is non-increasing under sort_key, dev snapshots included.
    versions = [r.version for r in parse_release_history((FEEDS / fixture).read_bytes()).releases]
    keys = [sort_key(v) for v in versions]
    assert keys == sorted(keys, reverse=True)
    assert len(set(keys)) == len(keys)


numbers = st.integers(0, 40)
extras = st.sampled_from(
    ["", "-alpha1", "-alpha2", "-alpha10", "-beta1", "-beta2", "-rc1", "-rc2", "-unstable3"]
)
semver = st.builds(lambda a, b, c, e: f"{a}.{b}.{c}{e}", numbers, numbers, numbers, extras)
semver_dev = st.builds(lambda a, b: f"{a}.{b}.x-dev", numbers, numbers)
legacy = st.builds(lambda a, c, e: f"8.x-{a}.{c}{e}", numbers, numbers, extras)
legacy_dev = st.builds(lambda a: f"8.x-{a}.x-dev", numbers)
versions = st.one_of(semver, semver_dev, legacy, legacy_dev)


@given(versions)
def test_canonical_versions_round_trip(version: str) -> None:
    assert str(parse_version(version)) == version


@given(versions, versions)
def test_sort_key_is_antisymmetric_and_consistent_with_parse(a: str, b: str) -> None:
    assert (sort_key(a) == sort_key(b)) is (parse_version(a) == parse_version(b)) is (a == b)
    assert compare_versions(a, b) == -compare_versions(b, a)


@given(versions, versions, versions)
def test_sort_key_is_transitive(a: str, b: str, c: str) -> None:
    ordered = sorted([a, b, c], key=cmp_to_key(compare_versions))
    assert compare_versions(ordered[0], ordered[1]) <= 0
    assert compare_versions(ordered[1], ordered[2]) <= 0
    assert compare_versions(ordered[0], ordered[2]) <= 0


@given(semver)
def test_a_stable_release_sorts_after_its_pre_releases(version: str) -> None:
    base = version.split("-")[0]
    assert compare_versions(version, base) <= 0
    assert is_older(f"{base.rsplit('.', 1)[0]}.x-dev", version)


@given(st.text(max_size=20))
def test_parse_never_fails_with_anything_but_invalid_version(text: str) -> None:
    try:
        parsed = parse_version(text)
    except InvalidVersion:
        return
    assert sort_key(text) == sort_key(text)
    assert parsed.major >= 0 or text.lstrip().startswith("-")
