"""Drupal connector benchmark (issue 7): pushes per second sustained with the rate limiter on.

Many sites, each with its own connector key, each pushing up to its limit (by default 4 an
hour, the default of PATCHWATCH_CONNECTOR_PUSHES_PER_HOUR): every push is a full sync of a
Drupal site (core, modules and sub-modules with ``reported_project``, a few without a known
version), a few versions changed from the site's previous push, processed in the request
(200). A real `patchwatch serve` process over loopback; then one push more per site (a sample)
proves the limiter is on: each is a 429.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from typing import Any

from common import client, drive, fresh_database, latency, machine, print_table, running_server
from common import sign_in as admin_headers

CORE = "10.5.0"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sites", type=int, default=200, help="sites (200)")
    parser.add_argument("--modules", type=int, default=150, help="modules per push (150)")
    parser.add_argument(
        "--pushes-per-site", type=int, default=4, help="pushes per site = the hourly limit (4)"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent pushes (16)")
    parser.add_argument("--max-seconds", type=float, default=600, help="stop after (600)")


def modules_of(site: int, push: int, count: int) -> list[dict[str, Any]]:
    """A site's modules: core's, projects with a sub-module each, a few of unknown version."""
    rng = random.Random(site)
    modules: list[dict[str, Any]] = []
    for n in range(count):
        kind = n % 10
        if kind == 0:
            modules.append(_module(f"core_part_{n}", CORE))
            continue
        project = f"project_{rng.randrange(400)}_{n // 2}"
        patch = rng.randrange(20) + (push if n % 7 == 0 else 0)  # some change each push
        if kind == 9:
            modules.append(_module(f"custom_{site}_{n}", "0.0.0", version_known=False))
        elif n % 2:
            modules.append(_module(f"{project}_sub", f"8.x-1.{patch}", reported_project=project))
        else:
            modules.append(_module(project, f"8.x-1.{patch}", reported_project=project))
    return modules


def _module(machine_name: str, version: str, **extra: Any) -> dict[str, Any]:
    return {
        "machine_name": machine_name,
        "display_name": machine_name.replace("_", " ").title(),
        "module_type": "module",
        "enabled": True,
        "version": version,
        "description": "A module of the benchmark fleet.",
        **extra,
    }


def payload(url: str, site: int, push: int, count: int) -> dict[str, Any]:
    return {
        "site": {"url": url, "name": f"Site {site}"},
        "drupal_info": {"core_version": CORE, "php_version": "8.3.6", "ip_address": "10.0.0.5"},
        "modules": modules_of(site, push, count),
        "full_sync": True,
        "connector_version": "2.1.0",
    }


async def measure(base: str, args: argparse.Namespace) -> list[tuple[str, str]]:
    async with client(base, args.concurrency * 2) as http:
        admin = await admin_headers(http)
        org = await http.post("/api/v1/organizations", headers=admin, json={"name": "Fleet"})
        org.raise_for_status()
        org_uuid = org.json()["data"]["uuid"]
        sites: list[tuple[str, str, str]] = []

        async def add_site(n: int) -> None:
            url = f"https://site{n}.example.org"
            created = await http.post(
                "/api/v1/sites",
                headers=admin,
                json={"url": url, "name": f"Site {n}", "organization_uuid": org_uuid},
            )
            created.raise_for_status()
            site_uuid = created.json()["data"]["uuid"]
            key = await http.post(f"/api/v1/sites/{site_uuid}/connector-key", headers=admin)
            key.raise_for_status()
            sites.append((site_uuid, url, key.json()["data"]["secret"]))

        await drive(8, args.sites, add_site)
        bodies = [
            (site_uuid, secret, payload(url, n, push, args.modules))
            for push in range(args.pushes_per_site)
            for n, (site_uuid, url, secret) in enumerate(sites)
        ]
        statuses: dict[int, int] = {}

        async def push_one(n: int) -> None:
            site_uuid, secret, body = bodies[n]
            response = await http.post(
                f"/api/v1/sites/{site_uuid}/modules/sync", headers={"X-API-Key": secret}, json=body
            )
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        _, seconds, latencies = await drive(
            args.concurrency, len(bodies), push_one, args.max_seconds
        )
        accepted = statuses.get(200, 0)
        over: dict[int, int] = {}
        sample = sites[: min(20, len(sites))]
        started = time.perf_counter()
        for n, (site_uuid, url, secret) in enumerate(sample):
            response = await http.post(
                f"/api/v1/sites/{site_uuid}/modules/sync",
                headers={"X-API-Key": secret},
                json=payload(url, n, args.pushes_per_site, args.modules),
            )
            over[response.status_code] = over.get(response.status_code, 0) + 1
        refusal = (time.perf_counter() - started) / max(1, len(sample))
    return [
        (
            "pushes processed (200)",
            f"{accepted:,} of {len(bodies):,} in {seconds:.2f} s = "
            f"{accepted / seconds:,.1f} pushes/s ({accepted * args.modules / seconds:,.0f} "
            "modules/s)",
        ),
        ("latency p50 / p95 / p99 (ms)", latency(latencies)),
        ("answers", ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items()))),
        (
            "one more push per site (sample)",
            ", ".join(f"{code}: {count}" for code, count in sorted(over.items()))
            + f" (mean {refusal * 1000:.1f} ms)",
        ),
    ]


def run(args: argparse.Namespace) -> None:
    context = machine()
    with fresh_database(args.postgres) as target:
        target.env["PATCHWATCH_CONNECTOR_PUSHES_PER_HOUR"] = str(args.pushes_per_site)
        with running_server(target) as base:
            rows = asyncio.run(measure(base, args))
    print_table(
        f"Drupal connector ({target.kind}): {args.sites} sites x {args.pushes_per_site} full "
        f"syncs of {args.modules} modules, {args.concurrency} concurrent, rate limiter on; "
        f"{context}",
        rows,
    )
