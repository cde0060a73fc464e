"""Fleet benchmark (issue 3): a realistic fleet, then ingestion, re-evaluation and read figures.

The fleet: one organization with N sites of 150 Drupal packages each — core, 40 modules that
nearly every site runs, 104 drawn from 259 others, and 5 custom modules without a feed. Every
feed is a real release-history fixture (shared/fixtures/drupal-release-history) under a
synthetic project name, and installed versions are drawn from that feed's releases (newer ones
more often). The fleet is built in this process through the catalog and status services and bulk
inserts (the statuses are the engine's own decisions), then a real `patchwatch serve` process is
measured over loopback:

1. snapshots processed per second, end to end: POST /api/v1/snapshots (150 packages, a few
   versions changed) with an API key, until every one is processed;
2. p50/p95/p99 of GET /api/v1/fleet/summary and of a site's package list (GET
   /api/v1/sites/{uuid}/packages?per_page=200), with concurrent clients;
3. a Drupal core security release that hits every site: POST the new feed to
   /api/v1/catalog/drupal/release-history (store + set-based re-evaluation, one request);
4. then, with the server stopped, the whole fleet re-evaluated at once
   (status.service.reevaluate_packages over every package) after security releases of the ten
   most-installed modules.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import (
    client,
    drive,
    fresh_database,
    latency,
    machine,
    ms,
    print_table,
    running_server,
    sign_in,
)
from sqlalchemy import func, insert, select

from patchwatch.catalog import service as catalog
from patchwatch.catalog.drupal_feed import parse_release_history
from patchwatch.catalog.models import Package
from patchwatch.db import Database
from patchwatch.identity import service as identity
from patchwatch.identity.principal import system_principal
from patchwatch.sites.models import InstalledPackage, Site, Snapshot
from patchwatch.status import service as status
from patchwatch.status.models import VersionStatus
from patchwatch.status.types import ProjectFeed

FEEDS = Path(__file__).resolve().parents[1] / "shared" / "fixtures" / "drupal-release-history"
if not FEEDS.exists():
    FEEDS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "drupal-release-history"

CORE_BEFORE, CORE_AFTER = "drupal.8.1.1.xml", "drupal.sec.8.1.2.xml"
# The most-installed modules: a semver project that later gets a security release.
COMMON_BEFORE, COMMON_AFTER = "semver_test.8.1.1.xml", "semver_test.sec.8.1.2.xml"
# The long tail: real feeds of every shape (legacy 8.x-, semver, security releases, branches).
TAIL_TEMPLATES = [
    "semver_test.9.1.0.xml",
    "aaa_update_test.2_0.xml",
    "semver_test.1.0-supported.xml",
    "aaa_update_test.sec.8.x-1.2_8.x-2.2.xml",
    "drupal.sec.8.2.0-rc2-b.xml",
    "aaa_update_test.1_2.xml",
    "semver_test.sec.8.1.2.xml",
    "semver_test.8.1.0.xml",
    "aaa_update_test.8.x-1.2.xml",
    "update_test_base_theme.1_1-sec.xml",
]
COMMON, TAIL, CUSTOM_PER_SITE, CUSTOM_POOL = 40, 259, 5, 500
PER_SITE = 1 + COMMON + 104 + CUSTOM_PER_SITE  # 150
ECOSYSTEM = "drupal"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sites", type=int, nargs="+", default=[1000], help="fleet sizes (default 1000)"
    )
    parser.add_argument("--snapshots", type=int, default=500, help="snapshots to push (500)")
    parser.add_argument("--push-clients", type=int, default=16, help="concurrent pushers (16)")
    parser.add_argument("--reads", type=int, default=500, help="requests per read figure (500)")
    parser.add_argument("--read-clients", type=int, default=10, help="concurrent readers (10)")
    parser.add_argument("--max-seconds", type=float, default=600, help="time bound per phase")
    parser.add_argument(
        "--workers", type=int, default=1, help="API processes (PostgreSQL only; default 1)"
    )
    parser.add_argument("--seed", type=int, default=20261122)


# --- the catalog and the fleet ------------------------------------------------------------------


def _feed(name: str, project: str) -> ProjectFeed:
    feed = parse_release_history((FEEDS / name).read_bytes())
    return dataclasses.replace(feed, short_name=project)


def _versions(feed: ProjectFeed) -> list[str]:
    """Published, non-dev releases, newest first (the feed's order)."""
    return [
        r.version
        for r in feed.releases
        if r.version and "dev" not in r.version and r.fields.get("status") != "unpublished"
    ]


@dataclasses.dataclass
class Universe:
    """Every package of the fleet: name -> (package id, versions a site may run)."""

    core: str
    common: list[str]
    tail: list[str]
    custom: list[str]
    versions: dict[str, list[str]]
    ids: dict[str, int]


async def build_catalog(db: Database) -> Universe:
    core = "drupal"
    common = [f"bench_common_{n:02d}" for n in range(COMMON)]
    tail = [f"bench_module_{n:03d}" for n in range(TAIL)]
    custom = [f"bench_custom_{n:03d}" for n in range(CUSTOM_POOL)]
    templates = {core: CORE_BEFORE} | dict.fromkeys(common, COMMON_BEFORE)
    templates |= {name: TAIL_TEMPLATES[n % len(TAIL_TEMPLATES)] for n, name in enumerate(tail)}
    versions: dict[str, list[str]] = {}
    async with db.sessionmaker() as session:
        for name, template in templates.items():
            feed = _feed(template, name)
            await catalog.store_drupal_feed(session, feed)
            versions[name] = _versions(feed)
        ids = await catalog.ensure_packages(session, ECOSYSTEM, [*templates, *custom])
        await session.commit()
    versions |= {name: ["1.0.0"] for name in custom}  # no feed: status unknown
    return Universe(core, common, tail, custom, versions, ids)


def _pick_version(rng: random.Random, versions: list[str]) -> str:
    weights = [1 / (rank + 1) for rank in range(len(versions))]  # newer more often
    return rng.choices(versions, weights)[0]


def inventory(universe: Universe, site_no: int, seed: int) -> dict[str, str]:
    """The 150 packages of one site: name -> version (deterministic per site)."""
    rng = random.Random(seed * 1_000_003 + site_no)
    names = [universe.core, *universe.common, *rng.sample(universe.tail, 104)]
    names += rng.sample(universe.custom, CUSTOM_PER_SITE)
    return {name: _pick_version(rng, universe.versions[name]) for name in names}


def _chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(start + size, count))


async def build_fleet(db: Database, universe: Universe, sites: int, seed: int) -> dict[str, Any]:
    """One organization with ``sites`` sites and their installed packages, statuses included."""
    started = time.perf_counter()
    async with db.sessionmaker() as session:
        org = await identity.create_organization(session, system_principal("bench"), name="Fleet")
        await session.commit()
        pairs = {
            (universe.ids[name], version)
            for name, versions in universe.versions.items()
            for version in versions
        }
        await status.compute_version_statuses(session, pairs)
        await session.commit()
        decided = {
            (row.package_id, row.version): row
            for row in await session.scalars(select(VersionStatus))
        }
    now = datetime.now(UTC)
    seen = now - timedelta(days=30)
    site_uuids: list[str] = []
    for chunk in _chunks(sites, 250):
        site_rows, installed_rows = [], []
        inventories = {n: inventory(universe, n, seed) for n in chunk}
        for n, packages in inventories.items():
            worst = 1
            for name, version in packages.items():
                decision = decided[(universe.ids[name], version)]
                rank = (
                    status.STATUS_RANK["security_update"]
                    if decision.missing_security
                    else status.STATUS_RANK.get(decision.status, 1)
                )
                worst = max(worst, rank)
            site_uuid = uuid.uuid4()
            site_uuids.append(str(site_uuid))
            site_rows.append(
                {
                    "uuid": site_uuid,
                    "organization_id": org.id,
                    "url": f"https://site-{n:05d}.example.org",
                    "name": f"Site {n:05d}",
                    "description": "",
                    "kind": "drupal",
                    "environment": ("production", "staging", "development")[n % 3],
                    "criticality": ("low", "normal", "high", "critical")[n % 4],
                    "tags": [f"team-{n % 7}"],
                    "worst_status": status.RANK_STATUS[worst],
                    "last_snapshot_at": seen,
                    "created_at": seen,
                    "updated_at": seen,
                }
            )
        async with db.sessionmaker() as session:
            await session.execute(insert(Site), site_rows)
            ids = dict(
                (
                    await session.execute(
                        select(Site.uuid, Site.id).where(
                            Site.uuid.in_([row["uuid"] for row in site_rows])
                        )
                    )
                )
                .tuples()
                .all()
            )
            for row, packages in zip(site_rows, inventories.values(), strict=True):
                for name, version in packages.items():
                    decision = decided[(universe.ids[name], version)]
                    exposure = (
                        (decision.fix_published_at or seen) if decision.missing_security else None
                    )
                    installed_rows.append(
                        {
                            "site_id": ids[row["uuid"]],
                            "organization_id": org.id,
                            "package_id": universe.ids[name],
                            "version": version,
                            "package_type": "module",
                            "enabled": True,
                            "status": decision.status,
                            "recommended_version": decision.recommended_version,
                            "latest_version": decision.latest_version,
                            "security_updates": decision.security_updates,
                            "reason": decision.reason,
                            "severity": decision.severity,
                            "missing_security": decision.missing_security,
                            "first_seen_at": seen,
                            "version_seen_at": seen,
                            "status_changed_at": seen,
                            "exposure_started_at": exposure,
                            "sla_due_at": exposure + timedelta(days=7) if exposure else None,
                        }
                    )
            for part in _chunks(len(installed_rows), 5000):
                await session.execute(
                    insert(InstalledPackage.__table__), installed_rows[part.start : part.stop]
                )
            await session.commit()
    async with db.sessionmaker() as session:  # the per-site read model, as processing keeps it
        await status.refresh_site_summaries(session, InstalledPackage.organization_id == org.id)
        await session.commit()
    return {
        "organization_uuid": str(org.uuid),
        "site_uuids": site_uuids,
        "seconds": time.perf_counter() - started,
    }


# --- measurements over HTTP -----------------------------------------------------------------------


def _push_body(universe: Universe, site_no: int, site_uuid: str, seed: int) -> dict[str, Any]:
    """A new report of a site: its packages with a few versions moved (updates, downgrades)."""
    rng = random.Random(seed + 7 * site_no)
    packages = inventory(universe, site_no, seed)
    for name in rng.sample(sorted(packages), 5):
        packages[name] = rng.choice(universe.versions[name])
    return {
        "site": {"uuid": site_uuid},
        "collected_at": datetime.now(UTC).isoformat(),
        "packages": [
            {
                "ecosystem": ECOSYSTEM,
                "name": name,
                "version": version,
                "type": "module",
                "enabled": True,
            }
            for name, version in packages.items()
        ],
    }


async def _pending(db: Database) -> int:
    async with db.sessionmaker() as session:
        stmt = select(func.count()).select_from(Snapshot).where(Snapshot.status == "received")
        return int(await session.scalar(stmt) or 0)


async def measure_http(
    base: str, db: Database, universe: Universe, fleet: dict[str, Any], args: argparse.Namespace
) -> list[tuple[str, str]]:
    site_uuids: list[str] = fleet["site_uuids"]
    rows: list[tuple[str, str]] = []
    async with client(base) as http:
        admin = await sign_in(http)
        created = await http.post(
            "/api/v1/api-keys",
            headers=admin,
            json={
                "name": "bench agent",
                "permissions": ["snapshots:write", "snapshots:read"],
                "organization_uuid": fleet["organization_uuid"],
            },
        )
        created.raise_for_status()
        agent = {"Authorization": f"Bearer {created.json()['data']['secret']}"}

        # 1. snapshots, end to end
        count = min(args.snapshots, len(site_uuids))
        bodies = [_push_body(universe, n, site_uuids[n], args.seed) for n in range(count)]

        refused: Counter[str] = Counter()

        async def push(n: int) -> None:
            for _ in range(3):  # as an agent would: retry a server error, then give up
                response = await http.post("/api/v1/snapshots", headers=agent, json=bodies[n])
                if response.status_code == 202:
                    return
                refused[f"{response.status_code} {response.json()['error']['code']}"] += 1
                if response.status_code < 500:
                    return
                await asyncio.sleep(0.5)

        started = time.perf_counter()
        pushed, push_wall, push_lat = await drive(args.push_clients, count, push, args.max_seconds)
        deadline = time.monotonic() + args.max_seconds
        while await _pending(db) and time.monotonic() < deadline:
            await asyncio.sleep(0.25)
        wall = time.perf_counter() - started
        async with db.sessionmaker() as session:
            outcome = dict(
                (
                    await session.execute(
                        select(Snapshot.status, func.count()).group_by(Snapshot.status)
                    )
                )
                .tuples()
                .all()
            )
        rows += [
            (
                f"snapshots processed/s ({pushed} x {PER_SITE} packages, {args.push_clients} "
                "pushers, end to end)",
                f"{outcome.get('processed', 0) / wall:.1f}  (outcome {outcome})",
            ),
            ("  answers other than 202 (retried up to 3 times)", str(dict(refused)) or "none"),
            (
                "  accepted/s (202 answers) and POST p50 / p95 / p99 ms",
                f"{pushed / push_wall:.1f};  {latency(push_lat)}",
            ),
        ]

        # 2. reads
        async def summary(_: int) -> None:
            response = await http.get("/api/v1/fleet/summary", headers=admin)
            assert response.status_code == 200, response.text

        rng = random.Random(args.seed)

        async def site_packages(_: int) -> None:
            site = rng.choice(site_uuids)
            response = await http.get(
                f"/api/v1/sites/{site}/packages", headers=admin, params={"per_page": 200}
            )
            assert response.status_code == 200, response.text
            assert len(response.json()["data"]) == PER_SITE

        for label, call in (
            ("GET /fleet/summary", summary),
            (f"GET /sites/{{uuid}}/packages ({PER_SITE} rows)", site_packages),
        ):
            await drive(2, 10, call)  # warm-up
            done, wall, lat = await drive(args.read_clients, args.reads, call, args.max_seconds)
            rows.append(
                (
                    f"{label} p50 / p95 / p99 ms ({args.read_clients} clients, {done} requests)",
                    f"{latency(lat)}  ({done / wall:.0f} req/s)",
                )
            )
        for label, call in (
            ("GET /fleet/summary", summary),
            ("GET /sites/{uuid}/packages", site_packages),
        ):
            single: list[float] = []
            for _ in range(50):
                t0 = time.perf_counter()
                await call(0)
                single.append(time.perf_counter() - t0)
            rows.append(
                (
                    f"{label} alone (1 client) p50 / p95 ms",
                    f"{ms(single, 50):.1f} / {ms(single, 95):.1f}",
                )
            )

        # 3. a core security release that hits every site, through the API
        feed = (FEEDS / CORE_AFTER).read_bytes()
        started = time.perf_counter()
        response = await http.post(
            "/api/v1/catalog/drupal/release-history",
            headers={**admin, "Content-Type": "application/xml"},
            content=feed,
        )
        seconds = time.perf_counter() - started
        response.raise_for_status()
        result = response.json()["data"]
        rows.append(
            (
                "core security release: import + re-evaluation (one POST)",
                f"{seconds:.2f} s  ({result['installed_packages_changed']} installed packages "
                f"changed, {result['events']} events)",
            )
        )
    return rows


async def reevaluate_fleet(db: Database, universe: Universe) -> tuple[str, str]:
    """Security releases of the ten most-installed modules, then every package re-evaluated."""
    async with db.sessionmaker() as session:
        for name in universe.common[:10]:
            await catalog.store_drupal_feed(session, _feed(COMMON_AFTER, name))
        await session.commit()
    started = time.perf_counter()
    async with db.sessionmaker() as session:
        result = await status.reevaluate_packages(session, universe.ids.values())
        await session.commit()
    seconds = time.perf_counter() - started
    async with db.sessionmaker() as session:
        total = await session.scalar(select(func.count()).select_from(InstalledPackage))
        packages = await session.scalar(select(func.count()).select_from(Package))
    return (
        "whole fleet re-evaluated (every package) after 10 module security releases",
        f"{seconds:.2f} s  ({total} installed packages of {packages} packages; "
        f"{result.versions} versions decided, {result.changed} changed, {result.events} events)",
    )


def run_one(args: argparse.Namespace, sites: int) -> None:
    context = machine()
    rows: list[tuple[str, str]] = []
    with fresh_database(args.postgres) as target:

        async def build() -> tuple[Universe, dict[str, Any]]:
            db = Database(target.url)
            try:
                universe = await build_catalog(db)
                fleet = await build_fleet(db, universe, sites, args.seed)
            finally:
                await db.dispose()
            return universe, fleet

        universe, fleet = asyncio.run(build())
        rows.append(
            (
                "fleet built (services + bulk inserts)",
                f"{sites} sites x {PER_SITE} packages in {fleet['seconds']:.1f} s",
            )
        )
        with running_server(target, args.workers) as base:

            async def over_http() -> list[tuple[str, str]]:
                db = Database(target.url)
                try:
                    return await measure_http(base, db, universe, fleet, args)
                finally:
                    await db.dispose()

            rows += asyncio.run(over_http())

        async def whole() -> tuple[str, str]:
            db = Database(target.url)
            try:
                return await reevaluate_fleet(db, universe)
            finally:
                await db.dispose()

        rows.append(asyncio.run(whole()))
    processes = "one API process" if args.workers == 1 else f"{args.workers} API processes"
    print_table(f"fleet of {sites} sites on {target.kind} — {processes}; {context}", rows)


def run(args: argparse.Namespace) -> None:
    for sites in args.sites:
        run_one(args, sites)
