"""Dashboard benchmark (issue 6): time to interactive of the fleet overview on a large fleet.

The fleet of the fleet benchmark (N sites of 150 packages, statuses decided by the engine) is
built, a real `patchwatch serve` process serves the API and the built dashboard, and Debian's
Chromium (Playwright, headless) opens the fleet overview in a new browser profile each time:
no HTTP cache, a refresh token in storage as after a sign-in. The figure is the time from the
navigation until every panel shows its data (figures, chart, age buckets, oldest exposures,
trend) — the page is usable then. Also printed: the size of the built bundle, gzip.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import statistics
import time
from pathlib import Path

import httpx
from common import PASSWORD, fresh_database, machine, print_table, running_server
from fleet import build_catalog, build_fleet

from patchwatch.db import Database

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "dist"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REFRESH_KEY = "patchwatch.refresh_token"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sites", type=int, default=10_000, help="fleet size (10000)")
    parser.add_argument("--loads", type=int, default=7, help="page loads measured (7)")
    parser.add_argument("--seed", type=int, default=20261122)


def bundle_sizes() -> tuple[int, int, int]:
    """(files, bytes, gzip bytes) of the JavaScript and CSS the build emitted."""
    files = [p for p in (DIST / "assets").iterdir() if p.suffix in (".js", ".css")]
    raw = sum(p.stat().st_size for p in files)
    packed = sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)
    return len(files), raw, packed


async def _tokens(base: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base) as http:
        response = await http.post(
            "/api/v1/auth/login", json={"login": "bench", "password": PASSWORD}
        )
        response.raise_for_status()
        return dict(response.json()["data"])


async def refresh_token(base: str) -> str:
    return str((await _tokens(base))["refresh_token"])


# The reads behind the fleet overview, as the page asks for them (pages/FleetOverview).
OVERVIEW_READS = [
    "/api/v1/fleet/summary",
    "/api/v1/fleet/exposures/by-age",
    "/api/v1/fleet/exposures/oldest?limit=8",
    "/api/v1/fleet/trend?days=30",
]


async def api_reads(base: str, loads: int) -> list[tuple[str, str]]:
    """Each read of the overview alone, one after another: its share of the page's time."""
    access = (await _tokens(base))["access_token"]
    rows = []
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {access}"}, timeout=120
    ) as http:
        for path in OVERVIEW_READS:
            timings = []
            for _ in range(loads):
                started = time.perf_counter()
                (await http.get(path)).raise_for_status()
                timings.append(time.perf_counter() - started)
            rows.append(
                (
                    f"GET {path.removeprefix('/api/v1')} (median)",
                    f"{statistics.median(timings) * 1000:.0f} ms",
                )
            )
    return rows


async def measure(base: str, loads: int) -> list[tuple[str, str]]:
    from playwright.async_api import async_playwright

    timings: list[float] = []
    transferred: list[int] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(loads + 1):  # the first load warms the server's caches; not counted
            token = await refresh_token(base)
            context = await browser.new_context(
                base_url=base, viewport={"width": 1280, "height": 860}
            )
            await context.add_init_script(
                f"window.localStorage.setItem({REFRESH_KEY!r}, {token!r})"
            )
            page = await context.new_page()
            sizes: list[int] = []
            page.on(
                "response",
                lambda response, sizes=sizes: sizes.append(
                    int(response.headers.get("content-length") or 0)
                ),
            )
            started = time.perf_counter()
            await page.goto("/")
            await page.get_by_text("Oldest exposures").wait_for(timeout=120_000)
            await page.locator("a[href*='/sites/']").first.wait_for(timeout=120_000)
            await page.locator(".recharts-surface").nth(2).wait_for(timeout=120_000)
            await page.wait_for_load_state("networkidle", timeout=120_000)
            elapsed = time.perf_counter() - started
            timings.append(elapsed)
            transferred.append(sum(sizes))
            await context.close()
        await browser.close()
    counted = timings[1:]
    return [
        ("fleet overview, time to interactive (median)", f"{statistics.median(counted):.2f} s"),
        ("fleet overview, time to interactive (worst)", f"{max(counted):.2f} s"),
        ("loads measured (new browser profile each)", str(len(counted))),
        ("bytes over the wire per load", f"{statistics.median(transferred[1:]):,.0f}"),
    ]


def run(args: argparse.Namespace) -> None:
    if not (DIST / "index.html").exists():
        raise SystemExit("build the dashboard first: make web")
    files, raw, packed = bundle_sizes()
    rows = [("built bundle (js + css)", f"{files} files, {raw:,} bytes, {packed:,} gzip")]
    with fresh_database(args.postgres) as target:

        async def build() -> float:
            db = Database(target.url)
            try:
                universe = await build_catalog(db)
                fleet = await build_fleet(db, universe, args.sites, args.seed)
            finally:
                await db.dispose()
            return float(fleet["seconds"])

        seconds = asyncio.run(build())
        rows.append(("fleet built", f"{args.sites} sites in {seconds:.1f} s"))
        with running_server(target) as base:
            rows += asyncio.run(measure(base, args.loads))
            rows += asyncio.run(api_reads(base, args.loads))
    print_table(f"dashboard at {args.sites} sites on {target.kind}; {machine()}", rows)
