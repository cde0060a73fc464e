"""A walk through the main pages as the demo people see them: each page shows its data (not an
error, not a blank), and the walk leaves the screenshots of the docs (`make screenshots`)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from tests.web.conftest import LiveServer, api, screenshot, sign_in

SCCM_HEADER = ["Device", "Collection", "OS Build", "Active", "Last Logon", "Status", "Error Code"]


def _sccm_report(installed: int, failed: int, pending: int) -> bytes:
    """A deployment-status export: ring-0 pilots, then the broad ring."""
    rows, number = [SCCM_HEADER], 0
    for status, count in (("Success", installed), ("Error", failed), ("In Progress", pending)):
        for _ in range(count):
            number += 1
            collection = "Pilot" if number <= 4 else "Workstations"
            code = "0x80070005" if status == "Error" else ""
            rows.append([f"PC-{number:03d}", collection, "19045.4170", "Yes", "", status, code])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _upload_rollout_reports(live_server: LiveServer) -> None:
    with api(live_server, "maria") as manager:
        for name, figures in (
            ("November-Win11_CU-261118-0300UTC.csv", (10, 4, 6)),
            ("November-Win11_CU-261121-0300UTC.csv", (17, 2, 1)),
        ):
            uploaded = manager.post(
                "/rollouts/reports",
                files={"file": (name, _sccm_report(*figures), "text/csv")},
                data={"create_missing": "true"},
            )
            assert uploaded.status_code in (200, 201), uploaded.text


async def test_the_main_pages_show_their_data(page: Any, live_server: LiveServer) -> None:
    _upload_rollout_reports(live_server)
    await sign_in(page, "maria", live_server.admin_password)
    checks = [
        ("/sites", "sites", page.get_by_role("link", name="Globex — main site")),
        ("/cycles", "cycles", page.get_by_role("link", name=re.compile("security patching"))),
        ("/patch-runs", "patch-runs", page.get_by_role("row").nth(1)),
        ("/tasks/board", "task-board", page.get_by_role("button", name="Shuffle open tasks")),
        ("/rollouts", "rollouts", page.get_by_role("link", name="November").first),
        ("/audit", "audit-log", page.get_by_role("row").nth(1)),
    ]
    for path, name, shows in checks:
        await page.goto(path)
        await shows.wait_for()
        await page.wait_for_load_state("networkidle")
        await screenshot(page, name)
    await page.goto("/rollouts")
    await page.get_by_role("link", name="November").first.click()
    await page.get_by_text("Top error codes").wait_for()
    await page.get_by_text("0x80070005").first.wait_for()
    await page.wait_for_load_state("networkidle")
    await screenshot(page, "rollout-cycle")


async def test_the_overview_in_the_dark_and_at_phone_width(
    browser: Any, live_server: LiveServer
) -> None:
    context = await browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        color_scheme="dark",
        is_mobile=True,
    )
    page = await context.new_page()
    try:
        await sign_in(page, "victor", live_server.admin_password)
        await page.get_by_role("heading", name="Fleet overview").wait_for()
        await page.get_by_text("Oldest exposures").wait_for()
        await page.wait_for_load_state("networkidle")
        await screenshot(page, "fleet-overview-phone-dark")
        await page.get_by_role("button", name=re.compile("navigation", re.I)).click()
        await page.get_by_role("link", name="Sites").first.wait_for()
    finally:
        await context.close()


async def test_the_paths_notifications_link_to_open_their_pages(
    page: Any, live_server: LiveServer
) -> None:
    # The bell, the emails and the webhooks link to these paths (notify/fanout.py).
    with api(live_server, "maria") as manager:
        listed = manager.get("/maintenance-requests", params={"per_page": 1})
        request = listed.json()["data"][0]
    await sign_in(page, "maria", live_server.admin_password)

    await page.goto(f"/maintenance/{request['uuid']}")
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("heading", name=f"Details of {request['topic']}").wait_for()
    await dialog.get_by_role("button", name="Close").click()  # every dialog names its close button
    await page.wait_for_url(re.compile(r"/maintenance$"))

    await page.goto("/settings/notifications")
    await page.wait_for_url(re.compile(r"/account#notifications$"))
    await page.get_by_role("heading", name="Notification preferences").wait_for()
    await page.goto("/catalog")
    await page.get_by_role("heading", name="Advisories").wait_for()
    await page.goto("/settings/webhooks")
    await page.get_by_role("heading", name="Webhooks", exact=True).wait_for()
    await page.goto("/notifications")
    await page.get_by_role("heading", name="Notifications", exact=True).wait_for()
    await page.get_by_role("row").nth(1).wait_for()
    await page.wait_for_load_state("networkidle")
    await screenshot(page, "notifications")
