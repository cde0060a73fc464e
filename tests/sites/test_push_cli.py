"""`patchwatch push`, run as a real process against the running test server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx

from patchwatch.db import Database
from tests.conftest import FIXTURES, RunningServer
from tests.factories import key_headers, make_api_key, make_org, poll_snapshot, signed_in

PATCHWATCH = str(Path(sys.executable).parent / "patchwatch")
SITES = FIXTURES / "drupal-sites"
AGENT = ["snapshots:write", "snapshots:read", "sites:write", "sites:read"]


async def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHWATCH_")}
    return await asyncio.to_thread(
        subprocess.run,
        [PATCHWATCH, "push", *args],
        input=stdin.decode() if stdin is not None else None,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def agent_key(client: httpx.AsyncClient, db: Database) -> dict[str, object]:
    _, manager = await signed_in(db, client, await make_org(db))
    return await make_api_key(client, manager, AGENT)


async def test_push_a_composer_lock_prints_the_snapshot_id(
    client: httpx.AsyncClient, db: Database, server: RunningServer, tmp_path: Path
) -> None:
    key = await agent_key(client, db)
    lock = tmp_path / "composer.lock"
    lock.write_bytes((SITES / "acquia-drupal-cms-project.composer.lock").read_bytes())
    result = await run(
        str(lock),
        "--url",
        server.url,
        "--api-key",
        str(key["secret"]),
        "--site-url",
        "https://cms.example.org",
        "--wait",
    )
    assert result.returncode == 0, result.stderr
    snapshot_uuid = result.stdout.strip()
    snapshot = await poll_snapshot(client, key_headers(key), snapshot_uuid)
    assert snapshot["format"] == "composer-lock" and snapshot["status"] == "processed"
    assert "processed" in result.stderr
    assert str(key["secret"]) not in result.stdout + result.stderr


async def test_push_from_stdin_with_an_explicit_format(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    key = await agent_key(client, db)
    result = await run(
        "-",
        "--url",
        server.url,
        "--api-key",
        str(key["secret"]),
        "--format",
        "drush-pm-list-table",
        "--site-url",
        "https://emm.example.org",
        stdin=(SITES / "emmfinalist-cms.drush-pm-list.txt").read_bytes(),
    )
    assert result.returncode == 0, result.stderr
    snapshot = await poll_snapshot(client, key_headers(key), result.stdout.strip())
    assert snapshot["format"] == "drush-pm-list-table" and snapshot["package_count"] == 17


async def test_push_exits_non_zero_with_the_servers_message(
    client: httpx.AsyncClient, db: Database, server: RunningServer, tmp_path: Path
) -> None:
    key = await agent_key(client, db)
    broken = tmp_path / "inventory.json"
    broken.write_text('{"site": {"url": "https://x.example.org"}, "packages": [{"name": 1}]}')
    result = await run(str(broken), "--url", server.url, "--api-key", str(key["secret"]))
    assert result.returncode == 1 and result.stdout == ""
    assert "error 422" in result.stderr and "packages.0" in result.stderr


async def test_push_with_a_wrong_key_exits_non_zero(
    client: httpx.AsyncClient, server: RunningServer, tmp_path: Path
) -> None:
    body = tmp_path / "inventory.json"
    body.write_text('{"packages": []}')
    result = await run(str(body), "--url", server.url, "--api-key", "pw_not_a_real_key")
    assert result.returncode == 1 and "error 401" in result.stderr


async def test_push_of_a_missing_file_exits_2(server: RunningServer, tmp_path: Path) -> None:
    result = await run(str(tmp_path / "nope.json"), "--url", server.url, "--api-key", "pw_x")
    assert result.returncode == 2 and "cannot read" in result.stderr


async def test_push_to_an_unreachable_server_exits_2(tmp_path: Path) -> None:
    body = tmp_path / "inventory.json"
    body.write_text('{"packages": []}')
    result = await run(str(body), "--url", "http://127.0.0.1:9", "--api-key", "pw_x")
    assert result.returncode == 2 and "could not reach" in result.stderr
