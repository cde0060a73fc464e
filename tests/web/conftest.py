"""End-to-end tests of the dashboard: Debian's Chromium, driven by Playwright, against a real
`patchwatch serve` process on a fresh SQLite database with the demo data and the built app.

They run in the SQLite pass of `make test` (the server has its own database either way) and are
skipped, with the reason, where Chromium or the built dashboard is missing. Screenshots go to
``$PATCHWATCH_SCREENSHOTS_DIR`` (`make screenshots` sets docs/screenshots), else var/screenshots.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "dist" / "index.html"
CHROMIUM = os.environ.get("PATCHWATCH_CHROMIUM", "/usr/bin/chromium")
PATCHWATCH = str(Path(sys.executable).with_name("patchwatch"))
SCREENSHOTS = Path(os.environ.get("PATCHWATCH_SCREENSHOTS_DIR", ROOT / "var" / "screenshots"))
# Flags Chromium needs here: root in a sandboxless container, no network beyond loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _skip_reason() -> str | None:
    if os.environ.get("PATCHWATCH_TEST_DATABASE_URL"):
        return "dashboard end-to-end tests run once, in the SQLite pass"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if not DIST.exists():
        return "the dashboard is not built (make web)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = _skip_reason()
    if reason:
        here = Path(__file__).parent
        for item in items:
            if Path(str(item.fspath)).is_relative_to(here):
                item.add_marker(pytest.mark.skip(reason=reason))


@dataclass(frozen=True)
class LiveServer:
    url: str
    env: dict[str, str]
    admin_password: str

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PATCHWATCH, *args], env=self.env, capture_output=True, text=True, timeout=120
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`patchwatch db upgrade`, `demo` and `serve` as a user runs them, on a fresh database."""
    data_dir = tmp_path_factory.mktemp("dashboard")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PATCHWATCH_")},
        "PATCHWATCH_DATA_DIR": str(data_dir),
        "PATCHWATCH_REGISTRATION": "open",
        "PATCHWATCH_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PATCHWATCH_LOG_LEVEL": "WARNING",
    }
    run = lambda *args: subprocess.run(  # noqa: E731
        [PATCHWATCH, *args], env=env, capture_output=True, text=True, timeout=300, check=True
    )
    run("db", "upgrade")
    demo = run("demo").stdout
    password = re.search(r"with password (\S+)", demo)
    assert password, demo
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(
        [PATCHWATCH, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise RuntimeError((data_dir / "server.log").read_text()[-3000:])
        time.sleep(0.2)
    yield LiveServer(url=url, env=env, admin_password=password.group(1))
    server.terminate()
    try:
        server.wait(timeout=30)  # the loops end their round first (SHUTDOWN_GRACE_SECONDS 20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Any, live_server: LiveServer) -> AsyncIterator[Any]:
    """A new browser profile (no stored session) at laptop size, with the server as base URL."""
    context = await browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 860}
    )
    # Generous: on a loaded 2-core machine a first page (lazy chunks, a cold server) can be slow;
    # a real failure still fails, only later.
    context.set_default_timeout(30_000)
    tab = await context.new_page()
    yield tab
    await context.close()


@contextmanager
def api(
    live_server: LiveServer, login: str = "admin", password: str | None = None
) -> Iterator[httpx.Client]:
    """An API client signed in as ``login`` (the demo admin by default), for arranging data."""
    with httpx.Client(base_url=f"{live_server.url}/api/v1", timeout=30) as http:
        response = http.post(
            "/auth/login",
            json={"login": login, "password": password or live_server.admin_password},
        )
        assert response.status_code == 200, response.text
        http.headers["Authorization"] = f"Bearer {response.json()['data']['access_token']}"
        yield http


async def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG of what the user sees now, for the docs."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def sign_in(page: Any, login: str, password: str, code: str | None = None) -> None:
    """Sign in through the form; with ``code``, answer the second step too."""
    await page.goto("/sign-in")
    await page.get_by_label("Login or email").fill(login)
    await page.get_by_label(re.compile(r"^Password")).fill(password)
    await page.get_by_role("button", name="Sign in").click()
    if code is not None:
        field = page.get_by_label("Authentication code")
        await field.fill(code)
        await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(re.compile(r"^(?!.*sign-in).*$"))
