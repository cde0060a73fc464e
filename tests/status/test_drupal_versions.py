"""Drupal version strings, parsed as core's ExtensionVersion parses them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patchwatch.status.drupal import InvalidVersion, branch_major, parse_version, sort_key


@pytest.mark.parametrize(
    ("version", "major", "minor", "extra"),
    [
        ("8.x-1.2", 1, None, None),
        ("8.x-1.2-beta3", 1, None, "beta3"),
        ("8.x-2.x-dev", 2, None, "dev"),
        ("8.x-dev", 8, None, "dev"),
        ("7.x-dev", 7, None, "dev"),
        ("1.3", 1, None, None),
        ("1.2.3", 1, 2, None),
        ("1.2.3-alpha1", 1, 2, "alpha1"),
        ("10.2.0", 10, 2, None),
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
        ("10.x-1.0", "invalid_core_prefix"),
        ("8", "invalid_version_number"),
        ("1.1.1.1", "invalid_version_number"),
        ("1.1.x", "invalid_version_number"),
        ("1.1.x-extra", "invalid_version_number"),
        ("a.1", "invalid_version_number"),
        ("Unknown", "invalid_version_number"),
    ],
)
def test_invalid_versions_are_refused_with_their_kind(version: str, kind: str) -> None:
    with pytest.raises(InvalidVersion) as error:
        parse_version(version)
    assert error.value.kind == kind


@pytest.mark.parametrize(
    ("branch", "major"), [("8.x-1.", 1), ("0.1.", 0), ("8.0.", 8), ("9.0.", 9)]
)
def test_supported_branches_give_their_major(branch: str, major: int) -> None:
    assert branch_major(branch) == major


@pytest.mark.parametrize(
    ("branch", "kind"),
    [
        ("1.x", "invalid_support_branch"),
        ("1.1", "invalid_support_branch"),
        ("8.x-1.0", "invalid_support_branch"),
        ("7.x-1.", "invalid_core_prefix"),
    ],
)
def test_malformed_branches_are_refused(branch: str, kind: str) -> None:
    with pytest.raises(InvalidVersion) as error:
        branch_major(branch)
    assert error.value.kind == kind


semver = st.builds(
    lambda a, b, c, extra: f"{a}.{b}.{c}{extra}",
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 30),
    st.sampled_from(["", "-alpha1", "-alpha2", "-beta1", "-rc1", "-rc2"]),
)


@given(semver, semver, semver)
def test_sort_key_is_a_total_order(a: str, b: str, c: str) -> None:
    ka, kb, kc = sort_key(a), sort_key(b), sort_key(c)
    assert (ka <= kb) or (kb <= ka)
    if ka <= kb and kb <= kc:
        assert ka <= kc
    if ka == kb:
        assert a == b


@given(semver)
def test_a_stable_release_sorts_after_its_pre_releases(version: str) -> None:
    base = version.split("-")[0]
    assert sort_key(version) <= sort_key(base)
