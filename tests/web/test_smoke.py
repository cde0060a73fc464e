"""The first look: the demo admin signs in and sees the fleet."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import LiveServer, screenshot, sign_in


async def test_admin_signs_in_and_sees_the_fleet_overview(
    page: Any, live_server: LiveServer
) -> None:
    await sign_in(page, "admin", live_server.admin_password)
    await page.get_by_role("heading", name="Fleet overview").wait_for()
    await screenshot(page, "fleet-overview")
