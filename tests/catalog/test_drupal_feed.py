"""The release-history parser: faithful on real feeds, safe on hostile ones."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from patchwatch.catalog.drupal_feed import FeedError, parse_release_history


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
UNUSABLE = {"drupal.broken.xml", "aaa_update_test.no-releases.xml"}


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_every_fixture_parses(fixture: str) -> None:
    raw = (FEEDS / fixture).read_bytes()
    feed = parse_release_history(raw)
    assert feed.usable is (fixture not in UNUSABLE)
    if feed.usable:
        assert feed.short_name and fixture.split("/")[-1].startswith(feed.short_name)
        assert len(feed.releases) == raw.count(b"<release>")
        assert all(r.version and r.release_link for r in feed.releases)
    else:
        assert feed.releases == [] and feed.supported_branches is None


def test_a_real_feed_keeps_document_order_and_flags() -> None:
    feed = parse_release_history((FEEDS / "drupal.sec.8.0.1_8.0.2.xml").read_bytes())
    assert feed.usable and feed.short_name == "drupal" and feed.title == "Drupal"
    assert feed.project_status == "published"
    assert feed.link == "https://example.com/project/drupal"
    assert feed.supported_branches == ["8.0.", "8.1."]
    assert [r.version for r in feed.releases] == ["8.0.2", "8.0.1", "8.0.0"]
    newest, middle, _ = feed.releases
    assert newest.is_security and not newest.is_insecure
    assert middle.is_security and middle.is_insecure  # a security release later found insecure
    assert newest.status == "published" and newest.date is not None
    assert newest.name == "Drupal 8.0.2"
    assert newest.term_names == ("Release type",)


def test_release_fields_are_kept() -> None:
    feed = parse_release_history(
        (FEEDS / "aaa_update_test.core_compatibility.8.x-1.2_8.x-2.2.xml").read_bytes()
    )
    release = feed.release("8.x-1.2")
    assert release is not None
    assert release.core_compatibility
    assert release.download_link and release.download_link.startswith("https://")
    assert "Security update" in release.release_types


def test_missing_and_empty_supported_branches_differ() -> None:
    missing = parse_release_history((FEEDS / "drupal.sec.8.2.0.xml").read_bytes())
    assert missing.supported_branches is None
    empty = parse_release_history(
        b"<project><short_name>x</short_name><supported_branches></supported_branches>"
        b"<releases/></project>"
    )
    assert empty.supported_branches == [""]


def test_a_later_duplicate_version_replaces_the_earlier_in_place() -> None:
    feed = parse_release_history(
        b"<project><short_name>x</short_name><releases>"
        b"<release><version>1.1.0</version><name>first</name></release>"
        b"<release><version>1.0.0</version></release>"
        b"<release><version>1.1.0</version><name>second</name></release>"
        b"</releases></project>"
    )
    assert [(r.version, r.name) for r in feed.releases] == [("1.1.0", "second"), ("1.0.0", None)]


def test_terms_group_values_by_name_and_keep_unknown_names() -> None:
    feed = parse_release_history(
        b"<project><short_name>x</short_name><releases><release><version>1.0.0</version>"
        b"<terms><term><name>Release type</name><value>Bug fixes</value></term>"
        b"<term><name>Release type</name><value>Insecure</value></term>"
        b"<term><name>Other</name><value>v</value></term></terms>"
        b"</release></releases></project>"
    )
    release = feed.releases[0]
    assert release.terms == {"Release type": ["Bug fixes", "Insecure"], "Other": ["v"]}
    assert release.is_insecure and release.term_names == ("Release type", "Other")


def test_root_name_does_not_matter_only_short_name() -> None:
    feed = parse_release_history(b"<whatever><short_name>x</short_name></whatever>")
    assert feed.usable and feed.short_name == "x" and feed.releases == []


def test_values_are_not_stripped_as_php_does_not() -> None:
    feed = parse_release_history(
        b"<project><short_name>x</short_name><supported_branches>8.0., 8.1.</supported_branches>"
        b"</project>"
    )
    assert feed.supported_branches == ["8.0.", " 8.1."]


@pytest.mark.parametrize(
    "document",
    [
        b"not xml at all",
        b"<error>No release history was found for the requested project (x).</error>",
        b"<project></project>",
        b"<project><title>no short name</title>",
        b"\x00\x01\x02",
        "<project><short_name>\xe9</short_name></project>".encode("latin-1"),
        b'<?xml version="1.0" encoding="utf-16"?><project><short_name>x</short_name></project>',
        b'<?xml version="1.0" encoding="no-such-encoding"?><project/>',
        b"<project><short_name>x</short_name>",
    ],
)
def test_unusable_documents_are_not_errors(document: bytes) -> None:
    feed = parse_release_history(document)
    assert feed.usable is False and feed.releases == [] and feed.supported_branches is None


@pytest.mark.parametrize("document", [b"", b"0"])
def test_an_empty_body_is_a_failed_fetch(document: bytes) -> None:
    feed = parse_release_history(document)
    assert feed.usable is False and feed.project_status == "not-fetched"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<project><short_name>&lol9;</short_name></project>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<project><short_name>&xxe;</short_name></project>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE project SYSTEM "http://example.com/evil.dtd">
<project><short_name>x</short_name></project>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY % ext SYSTEM "http://example.com/x.dtd"> %ext;]>
<project><short_name>x</short_name></project>"""

INTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE project [<!ELEMENT project ANY>]>
<project><short_name>x</short_name></project>"""


@pytest.mark.parametrize(
    "document", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY, INTERNAL_DTD]
)
def test_hostile_xml_is_refused_quickly(document: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(FeedError, match="forbidden XML"):
        parse_release_history(document)
    assert time.perf_counter() - started < 1.0


def test_oversized_feeds_are_refused_before_parsing() -> None:
    with pytest.raises(FeedError, match="larger than 1024 bytes"):
        parse_release_history(b"<project>" + b" " * 2048 + b"</project>", max_bytes=1024)


def test_the_default_cap_is_five_megabytes() -> None:
    body = b"<project><short_name>x</short_name>" + b" " * (5 * 1024 * 1024) + b"</project>"
    with pytest.raises(FeedError, match="larger than"):
        parse_release_history(body)


def test_a_feed_at_the_cap_is_parsed() -> None:
    head = b"<project><short_name>x</short_name>"
    tail = b"</project>"
    body = head + b" " * (1024 - len(head) - len(tail)) + tail
    assert parse_release_history(body, max_bytes=1024).usable


def test_feed_errors_are_value_errors() -> None:
    assert issubclass(FeedError, ValueError)
