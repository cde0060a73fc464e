"""`patchwatch push`: send an inventory snapshot to a Patchwatch server (for agents and CI).

It needs no database and no server settings: only the server's URL and an API key. The
snapshot's id goes to standard output (one line, for scripts); messages go to standard error.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape

from patchwatch.cli.main import app

FORMATS = ("patchwatch", "composer-lock", "drush-pm-list", "drush-pm-list-table")
_stderr = Console(stderr=True)


def guess_format(name: str) -> str | None:
    """The format a file name suggests; None lets the server recognise the body."""
    base = Path(name).name.lower()
    if base.endswith(".lock") and "composer" in base:
        return "composer-lock"
    if base.endswith(".txt"):
        return "drush-pm-list-table"
    if base.endswith(".json") and ("drush" in base or "pm-list" in base or "pm_list" in base):
        return "drush-pm-list"
    return None  # *.json, stdin: the server tells composer.lock, drush JSON and ours apart


def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        _stderr.print(f"[red]error:[/red] cannot read {source}: {exc.strerror}")
        raise typer.Exit(2) from exc


def _fail(response: httpx.Response) -> typer.Exit:
    try:
        error: dict[str, Any] = response.json()["error"]
        _stderr.print(f"[red]error {response.status_code}:[/red] {escape(str(error['message']))}")
        for detail in error.get("details") or []:
            _stderr.print(f"  - {detail}", markup=False)
    except (ValueError, KeyError, TypeError):
        _stderr.print(f"[red]error {response.status_code}:[/red] {escape(response.text[:500])}")
    return typer.Exit(1)


def _wait(
    http: httpx.Client, server: str, snapshot_uuid: str, timeout: float
) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = http.get(f"{server}/api/v1/snapshots/{snapshot_uuid}")
        if not response.is_success:
            raise _fail(response)
        data: dict[str, Any] = response.json()["data"]
        if data["status"] != "received":
            return data
        time.sleep(0.5)
    return None


@app.command()
def push(
    source: Annotated[str, typer.Argument(help="A file, or - for standard input.")],
    url: Annotated[
        str,
        typer.Option(envvar="PATCHWATCH_URL", help="The server, e.g. https://patch.example.org"),
    ],
    api_key: Annotated[
        str, typer.Option(envvar="PATCHWATCH_API_KEY", help="A pw_ API key (or the env var).")
    ],
    format: Annotated[
        str | None,
        typer.Option(help="patchwatch, composer-lock, drush-pm-list or drush-pm-list-table."),
    ] = None,
    site_url: Annotated[
        str | None, typer.Option(help="The site, for formats that do not name it.")
    ] = None,
    site_name: Annotated[
        str | None, typer.Option(help="The name of a site created by this push.")
    ] = None,
    include_dev: Annotated[bool, typer.Option(help="composer-lock: add packages-dev.")] = False,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Makes a retried push harmless (e.g. the CI job id).")
    ] = None,
    wait: Annotated[
        bool, typer.Option(help="Wait until processed; exit 1 if it failed (snapshots:read).")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the server.")] = 60,
) -> None:
    """Push an inventory snapshot; prints its id. Exits 1 with the server's message on errors."""
    if format is not None and format not in FORMATS:
        _stderr.print(f"[red]error:[/red] unknown format {format!r}; one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    body = _read(source)
    chosen = format or guess_format(source)
    params = {
        key: value
        for key, value in {
            "format": chosen,
            "site_url": site_url,
            "site_name": site_name,
            "include_dev": "true" if include_dev else None,
        }.items()
        if value
    }
    headers = {
        "Authorization": f"Bearer {api_key}",
        "Content-Type": "text/plain; charset=utf-8"
        if chosen == "drush-pm-list-table"
        else "application/json",
        "User-Agent": "patchwatch-push",
    }
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    server = url.rstrip("/")
    try:
        with httpx.Client(headers=headers, timeout=timeout) as http:
            response = http.post(f"{server}/api/v1/snapshots", content=body, params=params)
            if not response.is_success:
                raise _fail(response)
            data = response.json()["data"]
            typer.echo(data["uuid"])
            note = " (already received earlier)" if data["duplicate"] else ""
            _stderr.print(f"snapshot {data['status']}{note}; site {data['site_uuid']}")
            if wait:
                _report(_wait(http, server, data["uuid"], timeout))
    except httpx.HTTPError as exc:
        _stderr.print(f"[red]error:[/red] could not reach {server}: {type(exc).__name__}")
        raise typer.Exit(2) from exc


def _report(processed: dict[str, Any] | None) -> None:
    if processed is None:
        _stderr.print("[yellow]not processed yet[/yellow] (timed out waiting)")
        raise typer.Exit(3)
    if processed["status"] == "failed":
        _stderr.print(f"[red]processing failed:[/red] {escape(str(processed['failure_reason']))}")
        raise typer.Exit(1)
    _stderr.print(
        f"processed: {processed['package_count']} packages", escape(str(processed["result"]))
    )
