"""Read Drupal's release-history XML as core's Update Status module does. The XML is untrusted:
no DTDs, no entities, no external references, and a size cap before parsing."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from patchwatch.status.types import FeedRelease, ProjectFeed

MAX_FEED_BYTES = 5 * 1024 * 1024


class FeedError(ValueError):
    """The document is hostile or too large (an unusable but harmless feed is not an error)."""


def _text(element: Element) -> str:
    return (element.text or "").strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _release(element: Element) -> FeedRelease:
    fields: dict[str, str] = {}
    terms: dict[str, list[str]] = {}
    for child in element:
        name = _local(child.tag)
        if name == "terms":
            for term in child:
                term_name = term.findtext("name", default="").strip()
                terms.setdefault(term_name, []).append(term.findtext("value", default="").strip())
        else:
            fields[name] = _text(child)
    return FeedRelease(fields=fields, terms=terms)


def parse_release_history(data: bytes, *, max_bytes: int = MAX_FEED_BYTES) -> ProjectFeed:
    """Parse one release-history document. Raises ``FeedError`` for hostile or oversized XML."""
    if len(data) > max_bytes:
        raise FeedError(f"the feed is larger than {max_bytes} bytes")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(f"the feed uses forbidden XML features ({type(exc).__name__})") from exc
    except (ParseError, ValueError, UnicodeError):
        return ProjectFeed(short_name=None, usable=False)
    children = {_local(child.tag): child for child in root}
    short_name = _text(children["short_name"]) if "short_name" in children else ""
    if _local(root.tag) != "project" or not short_name:
        return ProjectFeed(short_name=short_name or None, usable=False)
    branches_element = children.get("supported_branches")
    releases: dict[str, FeedRelease] = {}
    releases_element = children.get("releases")
    for element in releases_element if releases_element is not None else []:
        release = _release(element)
        releases[release.version] = release  # a later duplicate replaces, position kept
    return ProjectFeed(
        short_name=short_name,
        usable=True,
        title=_text(children["title"]) if "title" in children else None,
        project_status=_text(children["project_status"]) if "project_status" in children else None,
        link=_text(children["link"]) if "link" in children else None,
        supported_branches=(
            None if branches_element is None else (branches_element.text or "").split(",")
        ),
        releases=list(releases.values()),
    )
