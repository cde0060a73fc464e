"""Read Drupal's release-history XML as core's Update Status module does.

The XML is untrusted: the size is capped before parsing, and DTDs, entities and external
references are refused (``FeedError``). A document core cannot use (not XML, no
``short_name``) is not an error: it gives an unusable feed, as core stores it.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from patchwatch.status.types import FeedRelease, ProjectFeed

MAX_FEED_BYTES = 5 * 1024 * 1024


class FeedError(ValueError):
    """The document is hostile or too large (an unusable but harmless feed is not an error)."""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: Element) -> str:
    """An element's own text, as PHP's ``(string) $simplexml`` gives it (not stripped)."""
    return (element.text or "") + "".join(child.tail or "" for child in element)


def _children(element: Element, namespace: str) -> list[tuple[str, Element]]:
    """Child elements in the document's namespace (SimpleXML's default iteration)."""
    return [
        (_local(child.tag), child)
        for child in element
        if isinstance(child.tag, str) and _namespace(child.tag) == namespace
    ]


def _first(children: list[tuple[str, Element]], name: str) -> Element | None:
    return next((child for child_name, child in children if child_name == name), None)


def _release(element: Element, namespace: str) -> FeedRelease:
    fields: dict[str, str] = {}
    terms: dict[str, list[str]] = {}
    children = _children(element, namespace)
    for name, child in children:
        if name != "terms":
            fields[name] = _text(child)  # a repeated child: the last one wins, as in core
    terms_element = _first(children, "terms")
    if terms_element is not None:
        for _, term in _children(terms_element, namespace):
            term_children = _children(term, namespace)
            name_element = _first(term_children, "name")
            value_element = _first(term_children, "value")
            term_name = _text(name_element) if name_element is not None else ""
            value = _text(value_element) if value_element is not None else ""
            terms.setdefault(term_name, []).append(value)
    version_element = _first(children, "version")
    fields["version"] = _text(version_element) if version_element is not None else ""
    return FeedRelease(fields=fields, terms=terms)


def not_fetched_feed() -> ProjectFeed:
    """What core stores when the fetch returned nothing: "Failed to get available update data"."""
    return ProjectFeed(short_name=None, usable=False, project_status="not-fetched")


def parse_release_history(data: bytes, *, max_bytes: int = MAX_FEED_BYTES) -> ProjectFeed:
    """Parse one release-history document into the plain feed the status engine reads.

    Raises ``FeedError`` for a body over ``max_bytes`` or XML using DTDs or entities. An empty
    body is a failed fetch (core's ``not-fetched``); a non-XML body or a root without
    ``short_name`` is an unusable feed.
    """
    if len(data) > max_bytes:
        raise FeedError(f"the feed is larger than {max_bytes} bytes ({len(data)} bytes)")
    if data in (b"", b"0"):  # PHP's empty(): core treats both as "nothing fetched"
        return not_fetched_feed()
    try:
        root = fromstring(bytes(data), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(f"the feed uses forbidden XML features ({type(exc).__name__})") from exc
    except (ParseError, ValueError, LookupError, UnicodeError):
        return ProjectFeed(short_name=None, usable=False)
    namespace = _namespace(root.tag)
    children = _children(root, namespace)
    short_name_element = _first(children, "short_name")
    if short_name_element is None:
        return ProjectFeed(short_name=None, usable=False)
    # Every direct child becomes a string; a repeated child: the last one wins.
    values = {name: _text(child) for name, child in children}
    releases: dict[str, FeedRelease] = {}
    releases_element = _first(children, "releases")
    if releases_element is not None:
        for _, element in _children(releases_element, namespace):
            release = _release(element, namespace)
            releases[release.version] = release  # a later duplicate replaces, position kept
    return ProjectFeed(
        short_name=values["short_name"],
        usable=True,
        title=values.get("title"),
        project_status=values.get("project_status"),
        link=values.get("link"),
        supported_branches=(
            values["supported_branches"].split(",") if "supported_branches" in values else None
        ),
        releases=list(releases.values()),
    )
