"""The `patchwatch` command, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, _create_pg_database, _drop_pg_database

PATCHWATCH = str(Path(sys.executable).parent / "patchwatch")


@pytest_asyncio.fixture(loop_scope="session")
async def cli_env(database_url: str, tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    """Environment for a CLI run against its own empty database of this run's kind."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHWATCH_")}
    env["PATCHWATCH_DATA_DIR"] = str(tmp_path)
    if PG_URL:
        url = await _create_pg_database(PG_URL)
        env["PATCHWATCH_DATABASE_URL"] = url
        env["PATCHWATCH_SECRET_KEY"] = "c" * 40
        yield env
        await _drop_pg_database(PG_URL, make_url(url).database or "")
    else:
        yield env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PATCHWATCH, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


async def test_version_prints_the_version(cli_env: dict[str, str]) -> None:
    result = run(cli_env, "version")
    assert result.returncode == 0 and result.stdout.startswith("patchwatch ")


async def test_db_current_reports_pending_then_up_to_date(cli_env: dict[str, str]) -> None:
    assert run(cli_env, "db", "current").returncode == 1
    assert run(cli_env, "db", "upgrade").returncode == 0
    current = run(cli_env, "db", "current")
    assert current.returncode == 0 and "up to date" in current.stdout


async def test_create_admin_without_prompts_then_manage_users(cli_env: dict[str, str]) -> None:
    run(cli_env, "db", "upgrade")
    created = run(
        cli_env,
        "create-admin",
        "--login",
        "root",
        "--email",
        "root@example.org",
        "--password",
        "a strong admin passphrase",
    )
    assert created.returncode == 0, created.stdout + created.stderr
    assert "root" in run(cli_env, "users", "list").stdout
    reset = run(cli_env, "users", "reset-password", "root")
    assert reset.returncode == 0 and "password of 'root' reset:" in reset.stdout
    assert run(cli_env, "users", "deactivate", "root").returncode == 0
    assert run(cli_env, "users", "deactivate", "nobody").returncode == 1
    verify = run(cli_env, "audit", "verify")
    assert verify.returncode == 0 and "audit chain intact" in verify.stdout


async def test_create_admin_refuses_a_weak_password(cli_env: dict[str, str]) -> None:
    run(cli_env, "db", "upgrade")
    result = run(
        cli_env,
        "create-admin",
        "--login",
        "root",
        "--email",
        "r@example.org",
        "--password",
        "short",
    )
    assert result.returncode == 1 and "too weak" in result.stdout


async def test_demo_prints_a_password_that_signs_in(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    import asyncio

    run(cli_env, "db", "upgrade")
    demo = run(cli_env, "demo")
    assert demo.returncode == 0
    password = demo.stdout.split("with password ")[1].split()[0]
    server = subprocess.Popen(
        [PATCHWATCH, "serve", "--port", "18765"],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url="http://127.0.0.1:18765") as http:
            for _ in range(200):
                try:
                    if (await http.get("/ping")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            response = await http.post(
                "/api/v1/auth/login", json={"login": "admin", "password": password}
            )
            assert response.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)  # the loops end their round first (SHUTDOWN_GRACE_SECONDS 20)
