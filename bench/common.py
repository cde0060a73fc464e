"""What every benchmark needs: a fresh database, a real server process, bounded load, a table.

Loopback only: the server listens on 127.0.0.1 and every request goes there.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

PATCHWATCH = str(Path(sys.executable).parent / "patchwatch")
ADMIN_LOGIN = "bench"
PASSWORD = "benchmark passphrase 1"


@dataclass
class Target:
    """A fresh database and the environment that points a `patchwatch` process at it."""

    kind: str  # sqlite | postgresql
    url: str
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _admin_sql(server_url: str, statement: str) -> None:
    import asyncpg

    url = make_url(server_url)
    conn = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextmanager
def fresh_database(postgres: str | None) -> Iterator[Target]:
    """A migrated database with an admin: SQLite in a temporary folder, or a new PostgreSQL
    database on the server of ``postgres`` (dropped afterwards)."""
    workdir = tempfile.mkdtemp(prefix="pw-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHWATCH_")}
    env.update(
        PATCHWATCH_DATA_DIR=workdir,
        PATCHWATCH_LOG_LEVEL="WARNING",
        # Periodic jobs (catalog sync over the network, SLA checks) would compete with the
        # figures; `patchwatch jobs run` measures them on their own.
        PATCHWATCH_SCHEDULER_ENABLED="false",
        PATCHWATCH_SECRET_KEY=secrets.token_urlsafe(40),
        # Sign-in counts an attempt before it verifies the password (parallel guesses cannot
        # slip through), so many clients of one account need a high limit to be measured.
        PATCHWATCH_LOGIN_MAX_FAILURES_PER_ADDRESS="1000000",
        PATCHWATCH_LOGIN_MAX_FAILURES_PER_ACCOUNT="1000000",
    )
    dbname = None
    if postgres:
        dbname = f"pw_bench_{secrets.token_hex(4)}"
        asyncio.run(_admin_sql(postgres, f'CREATE DATABASE "{dbname}"'))
        url = make_url(postgres).set(database=dbname).render_as_string(hide_password=False)
        kind = "postgresql"
    else:
        url = f"sqlite+aiosqlite:///{workdir}/bench.db"
        kind = "sqlite"
    env["PATCHWATCH_DATABASE_URL"] = url
    try:
        patchwatch(env, "db", "upgrade")
        patchwatch(
            env,
            "create-admin",
            "--login",
            ADMIN_LOGIN,
            "--email",
            "bench@example.org",
            "--password",
            PASSWORD,
        )
        yield Target(kind=kind, url=url, env=env)
    finally:
        if postgres and dbname:
            asyncio.run(_admin_sql(postgres, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        shutil.rmtree(workdir, ignore_errors=True)


def patchwatch(env: dict[str, str], *args: str) -> None:
    subprocess.run([PATCHWATCH, *args], env=env, check=True, capture_output=True, timeout=300)


@contextmanager
def running_server(target: Target, workers: int = 1) -> Iterator[str]:
    """`patchwatch serve` (``workers`` uvicorn processes) on a free loopback port; its URL."""
    port = _free_port()
    log_path = Path(tempfile.gettempdir()) / f"pw-bench-server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [PATCHWATCH, "serve", "--host", "127.0.0.1", "--port", str(port)]
            + (["--workers", str(workers)] if workers > 1 else []),
            env=target.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(_wait_ready(base, process))
        yield base
    except BaseException:
        print(f"the server's log (warnings and errors): {log_path}", file=sys.stderr)
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


async def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if (await http.get("/ping")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not become ready")


def client(base: str, connections: int = 100) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=120)


async def sign_in(http: httpx.AsyncClient, login: str = ADMIN_LOGIN) -> dict[str, str]:
    response = await http.post("/api/v1/auth/login", json={"login": login, "password": PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


async def drive(
    concurrency: int,
    total: int,
    one: Callable[[int], Awaitable[None]],
    max_seconds: float = 300,
) -> tuple[int, float, list[float]]:
    """Run up to ``total`` calls of ``one`` on ``concurrency`` workers, stopping early after
    ``max_seconds``; returns (calls done, wall time, latencies in seconds)."""
    latencies: list[float] = []
    counter = iter(range(total))
    stop_at = time.monotonic() + max_seconds

    async def worker() -> None:
        for n in counter:
            if time.monotonic() > stop_at:
                return
            started = time.perf_counter()
            await one(n)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies), time.perf_counter() - started, latencies


def ms(values: list[float], q: int) -> float:
    """The q-th percentile of ``values`` (seconds) in milliseconds."""
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def latency(values: list[float]) -> str:
    return f"{ms(values, 50):.1f} / {ms(values, 95):.1f} / {ms(values, 99):.1f}"


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores, load average before the run {load[0]:.2f} "
        f"(others' work on the machine shows here)"
    )


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n{title}")
    width = max(len(key) for key, _ in rows)
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    sys.stdout.flush()
