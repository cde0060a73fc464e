"""What people do in the dashboard, end to end: a real browser, a real server, the real CLI."""

from __future__ import annotations

import json
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp

from tests.web.conftest import LiveServer, api, screenshot, sign_in

PASSWORD = "correct horse battery 7"


def _user_with_2fa(live_server: LiveServer, login: str) -> tuple[str, list[str]]:
    """An approved engineer who has turned two-factor authentication on: (secret, backup codes)."""
    with api(live_server) as admin:
        created = admin.post(
            "/users",
            json={
                "login": login,
                "email": f"{login}@example.org",
                "name": "Tove Twofactor",
                "role": "engineer",
                "password": PASSWORD,
                "is_approved": True,
            },
        )
        assert created.status_code == 201, created.text
    with api(live_server, login, PASSWORD) as user:
        secret = user.post("/me/2fa/enroll").json()["data"]["secret"]
        # The previous time step's code (still accepted): the sign-in below uses this step's,
        # and each step is accepted only once.
        previous = pyotp.TOTP(secret).at(time.time() - 30)
        confirmed = user.post("/me/2fa/confirm", json={"code": previous})
        assert confirmed.status_code == 200, confirmed.text
        return secret, confirmed.json()["data"]["backup_codes"]


async def test_a_user_with_2fa_signs_in_with_a_code_and_with_a_backup_code(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    login = f"tove{secrets.token_hex(3)}"
    secret, backup_codes = _user_with_2fa(live_server, login)
    await page.goto("/sign-in")
    await page.get_by_label("Login or email").fill(login)
    await page.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    code_field = page.get_by_label(re.compile(r"^Authentication code"))
    await code_field.wait_for()
    await screenshot(page, "sign-in-2fa")
    # A wrong code is refused with a message, and the form stays.
    await code_field.fill("000000")
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("alert").wait_for()
    assert "/sign-in" in page.url
    await code_field.fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Fleet overview").wait_for()

    fresh = await browser.new_context(base_url=live_server.url)
    other = await fresh.new_page()
    try:
        await sign_in(other, login, PASSWORD, code=backup_codes[0])
        await other.get_by_role("heading", name="Fleet overview").wait_for()
    finally:
        await fresh.close()


async def test_a_snapshot_pushed_with_the_cli_turns_the_site_red(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    with api(live_server) as admin:
        key = admin.post(
            "/api-keys",
            json={
                "name": "ci pipeline",
                "permissions": ["snapshots:write", "snapshots:read", "sites:write", "sites:read"],
            },
        )
        assert key.status_code == 201, key.text
        secret = key.json()["data"]["secret"]
    url = f"https://shop-{secrets.token_hex(3)}.example"

    def push(core: str) -> None:
        inventory = tmp_path / f"inventory-{core}.json"
        inventory.write_text(
            json.dumps(
                {
                    "site": {"url": url, "name": "E2E Shop"},
                    "packages": [{"ecosystem": "drupal", "name": "drupal", "version": core}],
                }
            )
        )
        pushed = live_server.cli(
            "push", str(inventory), "--url", live_server.url, "--api-key", secret, "--wait"
        )
        assert pushed.returncode == 0, pushed.stdout + pushed.stderr

    push("11.2.8")  # the newest release of the demo feed: current
    await sign_in(page, "admin", live_server.admin_password)
    await page.goto("/sites?q=E2E")
    await page.get_by_role("link", name="E2E Shop").click()
    await page.get_by_role("heading", name="E2E Shop").wait_for()
    await page.get_by_role("cell", name="Current", exact=True).wait_for()
    assert await page.get_by_role("cell", name="Security update", exact=True).count() == 0

    push("11.2.5")  # two security releases behind
    await page.reload()
    await page.get_by_role("cell", name="Security update", exact=True).wait_for()
    await screenshot(page, "site-security-update")


async def test_a_requester_submits_a_maintenance_window_and_a_manager_accepts_it(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    topic = f"Core security update {secrets.token_hex(2)}"
    starts = (datetime.now(UTC) + timedelta(days=20)).strftime("%Y-%m-%dT22:00")
    await sign_in(page, "rita", live_server.admin_password)
    await page.goto("/maintenance")
    await page.get_by_role("button", name="Request a window").click()
    form = page.locator("form")
    site = form.get_by_role("combobox", name="Site")
    await site.fill("Globex")
    await page.get_by_role("option", name=re.compile(r"^Globex — main site")).click()
    await form.get_by_role("textbox", name="Topic").fill(topic)
    await form.get_by_label(re.compile(r"^Starts at")).fill(starts)
    await form.get_by_role("textbox", name="Duration (minutes)").fill("90")
    await form.get_by_role("textbox", name="Contact email").fill("rita@agency.example")
    await form.get_by_role("textbox", name="Street").fill("1 Main Street")
    await form.get_by_role("textbox", name="City").fill("Springfield")
    await form.get_by_role("textbox", name="State / region").fill("Oregon")
    country = form.get_by_role("textbox", name="Country")
    await country.fill("Narnia")  # not a country: the API's message shows at the field
    await form.get_by_role("button", name="Submit request").click()
    await page.get_by_text(re.compile("Narnia.*not a known country")).wait_for()
    await country.fill("usa")
    await form.get_by_role("button", name="Submit request").click()
    row = page.get_by_role("row").filter(has_text=topic)
    await row.get_by_text("Pending").wait_for()
    await page.get_by_role("dialog").wait_for(state="hidden")
    await screenshot(page, "maintenance-requests")

    manager = await browser.new_context(base_url=live_server.url)
    other = await manager.new_page()
    try:
        await sign_in(other, "maria", live_server.admin_password)
        await other.goto("/maintenance")
        pending = other.get_by_role("row").filter(has_text=topic)
        await pending.get_by_role("button", name="Accept").click()
        await other.get_by_role("dialog").get_by_role("button", name="Accept").click()
        await pending.get_by_text("Accepted").wait_for()
    finally:
        await manager.close()
    with api(live_server) as admin:
        found = admin.get("/maintenance-requests", params={"per_page": 200}).json()["data"]
    request = next(r for r in found if r["topic"] == topic)
    assert request["state"] == "accepted"
    assert request["location"]["country"] == "United States"


async def test_an_import_with_an_error_is_previewed_then_fixed_and_imported(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    host = f"imported-{secrets.token_hex(3)}"
    header = "url,name,kind,environment\n"
    broken = tmp_path / "sites.csv"
    broken.write_text(
        header
        + f"https://{host}-a.example,Imported A,drupal,production\n"
        + f"https://{host}-b.example,Imported B,spaceship,production\n"
    )
    await sign_in(page, "admin", live_server.admin_password)
    await page.goto("/imports")
    await page.get_by_role("combobox", name="Kind").click()
    await page.get_by_role("option", name="Sites").click()
    await page.locator("input[type=file]").set_input_files(str(broken))
    await page.get_by_role("button", name="Upload").click()
    error_row = page.get_by_role("row").filter(has_text="kind")
    await error_row.first.wait_for()
    assert await page.get_by_role("button", name="Import for real").count() == 0
    await screenshot(page, "import-row-errors")

    fixed = tmp_path / "sites-fixed.csv"
    fixed.write_text(broken.read_text().replace("spaceship", "drupal"))
    await page.locator("input[type=file]").set_input_files(str(fixed))
    await page.get_by_role("button", name="Upload").click()
    await page.get_by_role("button", name="Import for real").click()
    await page.get_by_text(re.compile(r"^Import of sites-fixed\.csv")).wait_for()
    await page.goto(f"/sites?q={host}")
    await page.get_by_role("link", name="Imported B").wait_for()


async def test_a_registration_is_approved_by_an_admin_and_the_person_signs_in(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    login = f"newbie{secrets.token_hex(3)}"
    await page.goto("/register")
    await page.get_by_role("textbox", name=re.compile(r"^Login")).fill(login)
    await page.get_by_role("textbox", name=re.compile(r"^Email")).fill(f"{login}@example.org")
    await page.get_by_role("textbox", name=re.compile(r"^Your name")).fill("Nora Newbie")
    await page.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
    organization = page.get_by_role("textbox", name=re.compile(r"^Organization name"))
    if await organization.count():
        await organization.fill(f"Newbie Hosting {login}")
    await page.get_by_role("button", name="Register").click()
    await page.get_by_text(re.compile("has to approve you")).wait_for()

    admin_context = await browser.new_context(base_url=live_server.url)
    admin = await admin_context.new_page()
    try:
        await sign_in(admin, "admin", live_server.admin_password)
        await admin.goto("/users")
        await admin.get_by_role("tab", name=re.compile(r"^Pending approval")).click()
        row = admin.get_by_role("row").filter(has_text=login)
        await row.wait_for()
        await screenshot(admin, "users-pending-approval")
        await row.get_by_role("button", name="Approve").click()
        await admin.get_by_text(f"{login} is approved and can sign in now.").wait_for()
    finally:
        await admin_context.close()

    await sign_in(page, login, PASSWORD)
    await page.get_by_role("button", name=re.compile("Nora Newbie|Account menu")).wait_for()


async def test_a_user_turns_on_2fa_in_the_account_page_and_then_needs_a_code(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    login = f"ines{secrets.token_hex(3)}"
    with api(live_server) as admin:
        created = admin.post(
            "/users",
            json={
                "login": login,
                "email": f"{login}@example.org",
                "role": "engineer",
                "password": PASSWORD,
                "is_approved": True,
            },
        )
        assert created.status_code == 201, created.text
    await sign_in(page, login, PASSWORD)
    await page.goto("/account")
    await page.get_by_role("button", name="Set up two-factor authentication").click()
    await page.get_by_role("img", name="QR code for your authenticator app").wait_for()
    secret_field = page.get_by_role("textbox", name=re.compile(r"^Secret key"))
    secret = await secret_field.input_value()
    await screenshot(page, "account-2fa-enrolment")
    # The previous step's code: the sign-in below takes this step's (each is accepted once).
    await page.get_by_role("textbox", name=re.compile(r"^Authentication code")).fill(
        pyotp.TOTP(secret).at(time.time() - 30)
    )
    await page.get_by_role("button", name="Confirm").click()
    await page.get_by_text("Your backup codes").wait_for()
    await page.get_by_role("button", name="I have stored my codes").click()
    await page.get_by_text("Two-factor authentication is on.").first.wait_for()

    fresh = await browser.new_context(base_url=live_server.url)
    other = await fresh.new_page()
    try:
        await other.goto("/sign-in")
        await other.get_by_label("Login or email").fill(login)
        await other.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
        await other.get_by_role("button", name="Sign in").click()
        code = other.get_by_label(re.compile(r"^Authentication code"))
        await code.fill(pyotp.TOTP(secret).now())
        await other.get_by_role("button", name="Sign in").click()
        await other.get_by_role("heading", name="Fleet overview").wait_for()
    finally:
        await fresh.close()
