"""Identity benchmark (issue 2): login throughput with Argon2id included, and the latency of an
authenticated ``GET /api/v1/me`` under 50 concurrent clients."""

from __future__ import annotations

import argparse
import asyncio

from common import (
    ADMIN_LOGIN,
    PASSWORD,
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--logins", type=int, default=200, help="logins to time (default 200)")
    parser.add_argument("--login-clients", type=int, default=8, help="concurrent login clients")
    parser.add_argument("--requests", type=int, default=5000, help="GET /me requests (5000)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent /me clients (50)")
    parser.add_argument("--max-seconds", type=float, default=120, help="time bound per phase")


async def measure(base: str, args: argparse.Namespace) -> list[tuple[str, str]]:
    async with client(base) as http:

        async def login(_: int) -> None:
            response = await http.post(
                "/api/v1/auth/login", json={"login": ADMIN_LOGIN, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text

        await drive(2, 4, login)  # warm-up
        logins, login_wall, login_lat = await drive(
            args.login_clients, args.logins, login, args.max_seconds
        )
        headers = await sign_in(http)

        async def me(_: int) -> None:
            response = await http.get("/api/v1/me", headers=headers)
            assert response.status_code == 200, response.text

        await drive(10, 200, me)  # warm-up: connections, caches
        done, me_wall, me_lat = await drive(args.clients, args.requests, me, args.max_seconds)
    return [
        (f"logins/s ({args.login_clients} clients, Argon2id)", f"{logins / login_wall:.1f}"),
        ("login p50 / p95 ms", f"{ms(login_lat, 50):.0f} / {ms(login_lat, 95):.0f}"),
        (f"GET /me requests/s ({args.clients} clients, {done} requests)", f"{done / me_wall:.0f}"),
        ("GET /me p50 / p95 / p99 ms", latency(me_lat)),
    ]


def run(args: argparse.Namespace) -> None:
    context = machine()
    with fresh_database(args.postgres) as target, running_server(target) as base:
        rows = asyncio.run(measure(base, args))
    print_table(f"identity on {target.kind} — one API process; {context}", rows)
