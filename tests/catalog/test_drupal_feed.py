"""The release-history parser: faithful on real feeds, safe on hostile ones."""

from __future__ import annotations

import pytest

from patchwatch.catalog.drupal_feed import FeedError, parse_release_history
from tests.conftest import FIXTURES

FEEDS = FIXTURES / "drupal-release-history"


def test_a_real_feed_keeps_document_order_and_flags() -> None:
    feed = parse_release_history((FEEDS / "drupal.sec.8.0.2.xml").read_bytes())
    assert feed.usable and feed.short_name == "drupal"
    assert feed.supported_branches == ["8.0.", "8.1."]
    assert [r.version for r in feed.releases] == ["8.0.2", "8.0.1", "8.0.0"]
    assert feed.releases[0].is_security and feed.releases[1].is_insecure
    assert feed.releases[0].date == 1250424641


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
    assert [(r.version, r.fields.get("name")) for r in feed.releases] == [
        ("1.1.0", "second"),
        ("1.0.0", None),
    ]


@pytest.mark.parametrize(
    "document",
    [
        b"",
        b"not xml at all",
        b"<error>No release history was found for the requested project (x).</error>",
        b"<project></project>",
        "<project><short_name>\xe9</short_name>".encode("latin-1"),
    ],
)
def test_unusable_documents_are_not_errors(document: bytes) -> None:
    assert parse_release_history(document).usable is False


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<project><short_name>&lol3;</short_name></project>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<project><short_name>&xxe;</short_name></project>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_hostile_xml_is_refused(document: bytes) -> None:
    with pytest.raises(FeedError):
        parse_release_history(document)


def test_oversized_feeds_are_refused_before_parsing() -> None:
    with pytest.raises(FeedError, match="larger than"):
        parse_release_history(b"<project>" + b" " * 2048 + b"</project>", max_bytes=1024)
