"""`patchwatch push`: send an inventory snapshot to a Patchwatch server (for agents and CI)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import httpx
import typer

from patchwatch.cli.main import app, console


def guess_format(name: str) -> str | None:
    if name.endswith("composer.lock"):
        return "composer-lock"
    if name.endswith(".txt"):
        return "drush-pm-list-table"
    return None


@app.command()
def push(
    source: Annotated[str, typer.Argument(help="A file, or - for standard input.")],
    url: Annotated[str, typer.Option(help="The Patchwatch server, e.g. https://patch.example.org")],
    api_key: Annotated[str, typer.Option(envvar="PATCHWATCH_API_KEY", help="A pw_ API key.")],
    format: Annotated[
        str | None, typer.Option(help="patchwatch, composer-lock, drush-pm-list, …")
    ] = None,
    site_url: Annotated[str | None, typer.Option(help="The site, for formats without one.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the server.")] = 60,
) -> None:
    """Push a snapshot; prints its id. Exits non-zero with the server's message on an error."""
    body = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    params = {
        k: v
        for k, v in {"format": format or guess_format(source), "site_url": site_url}.items()
        if v
    }
    try:
        response = httpx.post(
            f"{url.rstrip('/')}/api/v1/snapshots",
            content=body,
            params=params,
            headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        console.print(f"[red]error:[/red] could not reach {url}: {exc}")
        raise typer.Exit(2) from exc
    if response.is_success:
        data = response.json()["data"]
        note = " (already received)" if data["duplicate"] else ""
        console.print(f"snapshot {data['uuid']} {data['status']}{note}")
        return
    try:
        error = response.json()["error"]
        console.print(f"[red]error {response.status_code}:[/red] {error['message']}")
        for detail in error.get("details", []):
            console.print(f"  - {detail}")
    except (ValueError, KeyError):
        console.print(f"[red]error {response.status_code}[/red]")
    raise typer.Exit(1)
