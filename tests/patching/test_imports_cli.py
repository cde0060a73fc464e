"""`patchwatch import` and `patchwatch export`, run as real processes against the test server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx

from patchwatch.db import Database
from tests.conftest import RunningServer
from tests.factories import make_api_key, make_org, signed_in
from tests.patching.imports_helpers import counts, xlsx_rows

PATCHWATCH = str(Path(sys.executable).parent / "patchwatch")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PERMISSIONS = ["imports:write", "imports:read", "sites:write", "sites:read"]


async def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHWATCH_")}
    env["COLUMNS"] = "200"
    return await asyncio.to_thread(
        subprocess.run,
        [PATCHWATCH, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _key(client: httpx.AsyncClient, db: Database) -> str:
    _, manager = await signed_in(db, client, await make_org(db))
    return str((await make_api_key(client, manager, PERMISSIONS))["secret"])


async def test_cli_imports_sites_and_prints_a_summary(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    key = await _key(client, db)
    result = await run(
        "import",
        "sites",
        str(FIXTURES / "sites-libreoffice.xlsx"),
        "--url",
        server.url,
        "--api-key",
        key,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip()) == 36  # the import's uuid
    assert "succeeded" in result.stderr and "created" in result.stderr
    assert (await counts(db))["sites"] == 3


async def test_cli_dry_run_with_a_mapping_writes_nothing(
    client: httpx.AsyncClient, db: Database, server: RunningServer, tmp_path: Path
) -> None:
    key = await _key(client, db)
    source = tmp_path / "hosts.csv"
    source.write_text("Adresse,Bezeichnung\nhttps://a.example.org,A\n")
    result = await run(
        "import",
        "sites",
        str(source),
        "--url",
        server.url,
        "--api-key",
        key,
        "--dry-run",
        "--mapping",
        '{"Adresse": "url", "Bezeichnung": "name"}',
    )
    assert result.returncode == 0, result.stderr
    assert "dry run" in result.stderr
    assert (await counts(db))["sites"] == 0


async def test_cli_shows_row_errors_and_exits_1(
    client: httpx.AsyncClient, db: Database, server: RunningServer, tmp_path: Path
) -> None:
    key = await _key(client, db)
    source = tmp_path / "bad.csv"
    source.write_text("url\nhttps://a.example.org\nnot a url\n")
    result = await run(
        "import",
        "sites",
        str(source),
        "--url",
        server.url,
        "--api-key",
        key,
        "--on-error",
        "skip",
    )
    assert result.returncode == 1
    assert "partial" in result.stderr and "must not contain spaces" in result.stderr
    assert (await counts(db))["sites"] == 1


async def test_cli_exports_xlsx_to_a_file(
    client: httpx.AsyncClient, db: Database, server: RunningServer, tmp_path: Path
) -> None:
    key = await _key(client, db)
    await run("import", "sites", str(FIXTURES / "sites.csv"), "--url", server.url, "--api-key", key)
    target = tmp_path / "sites.xlsx"
    result = await run(
        "export",
        "sites",
        "--format",
        "xlsx",
        "-o",
        str(target),
        "--url",
        server.url,
        "--api-key",
        key,
    )
    assert result.returncode == 0, result.stderr
    rows = xlsx_rows(target.read_bytes())
    assert rows[0][0] == "url" and len(rows) == 4


async def test_cli_export_refused_shows_the_servers_message(
    client: httpx.AsyncClient, db: Database, server: RunningServer, tmp_path: Path
) -> None:
    key = await _key(client, db)
    target = tmp_path / "users.csv"
    result = await run("export", "users", "-o", str(target), "--url", server.url, "--api-key", key)
    assert result.returncode == 1
    assert "users:read" in result.stderr and not target.exists()
