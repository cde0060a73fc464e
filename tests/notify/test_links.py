"""Every dashboard path a notification links to (bell, email, webhook) is a dashboard page."""

import re
from pathlib import Path
from uuid import uuid4

import pytest

from patchwatch.notify.fanout import _LINKS
from patchwatch.notify.render import PREFERENCES_PATH

ROUTES_FILE = Path(__file__).parents[2] / "web" / "src" / "routes.tsx"


def dashboard_paths() -> list[re.Pattern[str]]:
    """The route paths of web/src/routes.tsx as patterns (``:param`` matches one segment)."""
    paths = re.findall(r'\{ path: "([^"]+)"', ROUTES_FILE.read_text())
    assert "/" in paths and "/sites/:siteUuid" in paths  # the file still reads as expected
    return [re.compile("^" + re.sub(r":\w+", "[^/]+", path) + "$") for path in paths]


@pytest.mark.parametrize(
    "link", sorted({*_LINKS.values(), PREFERENCES_PATH, "/notifications", "/settings/webhooks"})
)
def test_notification_link_is_a_dashboard_page(link: str) -> None:
    path = re.sub(r"\{\w+\}", str(uuid4()), link)
    assert any(pattern.match(path) for pattern in dashboard_paths()), f"{link} has no page"
