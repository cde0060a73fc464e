"""Benchmarks (never part of `make test`). Usage:

    .venv/bin/python bench/run.py identity [--postgres URL] [--logins 200] [--requests 5000]

Starts a real `patchwatch serve` process on a fresh database, loads what it needs through the CLI,
and drives it over loopback with bounded request counts. Prints a table of figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

PATCHWATCH = str(Path(sys.executable).parent / "patchwatch")
PASSWORD = "benchmark passphrase 1"


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    for args in (["db", "upgrade"],):
        subprocess.run([PATCHWATCH, *args], env=env, check=True, capture_output=True)
    subprocess.run(
        [
            PATCHWATCH,
            "create-admin",
            "--login",
            "bench",
            "--email",
            "bench@example.org",
            "--password",
            PASSWORD,
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return subprocess.Popen(
        [PATCHWATCH, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_ready(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if (await http.get("/ping")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("server did not become ready")


async def drive(
    concurrency: int, total: int, one: Callable[[int], Awaitable[None]]
) -> tuple[float, list[float]]:
    """Run ``total`` calls of ``one`` with ``concurrency`` workers; wall time and latencies."""
    latencies: list[float] = []
    counter = iter(range(total))

    async def worker() -> None:
        for n in counter:
            started = time.perf_counter()
            await one(n)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


async def bench_identity(base: str, logins: int, requests: int) -> dict[str, str]:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:

        async def login(_: int) -> None:
            response = await http.post(
                "/api/v1/auth/login", json={"login": "bench", "password": PASSWORD}
            )
            assert response.status_code == 200, response.text

        login_wall, login_lat = await drive(8, logins, login)
        tokens = (
            await http.post("/api/v1/auth/login", json={"login": "bench", "password": PASSWORD})
        ).json()["data"]
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}

        async def me(_: int) -> None:
            response = await http.get("/api/v1/me", headers=headers)
            assert response.status_code == 200

        await drive(10, 200, me)  # warm-up
        me_wall, me_lat = await drive(50, requests, me)
    return {
        "logins/s (8 clients, argon2id)": f"{logins / login_wall:.1f}",
        "login p50 / p95 ms": f"{pct(login_lat, 50):.0f} / {pct(login_lat, 95):.0f}",
        "GET /me requests/s (50 clients)": f"{requests / me_wall:.0f}",
        "GET /me p50 / p95 / p99 ms": (
            f"{pct(me_lat, 50):.1f} / {pct(me_lat, 95):.1f} / {pct(me_lat, 99):.1f}"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("suite", choices=["identity"])
    parser.add_argument("--postgres", help="PostgreSQL URL of a server (a fresh database is made)")
    parser.add_argument("--logins", type=int, default=200)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--port", type=int, default=18800)
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHWATCH_")}
    env["PATCHWATCH_LOG_LEVEL"] = "WARNING"
    env["PATCHWATCH_LOGIN_MAX_FAILURES_PER_ADDRESS"] = "1000000"
    workdir = tempfile.mkdtemp(prefix="pw-bench-")
    env["PATCHWATCH_DATA_DIR"] = workdir
    database = "sqlite"
    dbname = None
    if args.postgres:
        dbname = f"pw_bench_{secrets.token_hex(3)}"
        subprocess.run(
            ["psql", args.postgres.replace("+asyncpg", ""), "-qc", f"CREATE DATABASE {dbname}"],
            check=True,
        )
        env["PATCHWATCH_DATABASE_URL"] = args.postgres.rsplit("/", 1)[0] + "/" + dbname
        env["PATCHWATCH_SECRET_KEY"] = secrets.token_urlsafe(40)
        database = "postgresql"
    server = start_server(env, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        asyncio.run(wait_ready(base))
        figures = asyncio.run(bench_identity(base, args.logins, args.requests))
    finally:
        server.terminate()
        server.wait(timeout=10)
        if dbname:
            subprocess.run(
                [
                    "psql",
                    args.postgres.replace("+asyncpg", ""),
                    "-qc",
                    f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)",
                ],
                check=False,
            )
    print(f"\nidentity benchmark on {database}, {os.cpu_count()} cores, one API process")
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")


if __name__ == "__main__":
    main()
