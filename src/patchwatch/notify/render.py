"""Messages from templates: ``templates/<kind>.txt`` (title and plain text) and ``<kind>.html``.

The text template's ``title`` block is the email subject and the in-app title; its ``body``
block is the in-app text. HTML templates are autoescaped; text templates are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
PREFERENCES_PATH = "/settings/notifications"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    trim_blocks=False,
)


def when(value: Any) -> str:
    """A moment for people: ``2026-11-29 19:08 UTC`` (events carry ISO 8601 with microseconds);
    anything else is shown as it is."""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


_env.filters["when"] = when


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def _block(template_name: str, block: str, context: dict[str, Any]) -> str:
    template = _env.get_template(template_name)
    rendered = "".join(template.blocks[block](template.new_context(context)))
    return " ".join(rendered.split())  # one line, whatever the template's layout


def title(kind: str, data: dict[str, Any]) -> str:
    """The one-line title of a notification of ``kind`` (subject and bell entry)."""
    return _block(f"{kind}.txt", "title", {"data": data})[:300]


def body(kind: str, data: dict[str, Any]) -> str:
    """The plain-text sentence(s) of a notification, without the links (for the bell)."""
    return _block(f"{kind}.txt", "body", {"data": data})


def absolute(public_url: str, path: str) -> str:
    return public_url.rstrip("/") + path


def message(kind: str, data: dict[str, Any], link: str, public_url: str) -> Message:
    """The email of one notification: subject, plain text and HTML, linking to ``link``."""
    subject = title(kind, data)
    context = {
        "data": data,
        "link": absolute(public_url, link),
        "preferences_link": absolute(public_url, PREFERENCES_PATH),
        "title": subject,
    }
    text = _env.get_template(f"{kind}.txt").render(context)
    html = _env.get_template(f"{kind}.html").render(context)
    return Message(subject=subject, text=text, html=html)


def digest(items: list[dict[str, Any]], public_url: str) -> Message:
    """One email grouping many notifications: ``items`` have a title and a dashboard path."""
    listed = [{**item, "link": absolute(public_url, item["link"])} for item in items]
    context: dict[str, Any] = {
        "items": listed,
        "link": absolute(public_url, "/notifications"),
        "preferences_link": absolute(public_url, PREFERENCES_PATH),
    }
    subject = _block("digest.txt", "title", context)
    context["title"] = subject
    text = _env.get_template("digest.txt").render(context)
    html = _env.get_template("digest.html").render(context)
    return Message(subject=subject, text=text, html=html)
