"""`patchwatch import KIND FILE` and `patchwatch export KIND`: CSV/XLSX files through the API.

Like `patchwatch push`, they need only the server's URL and an API key (or a token).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TransferSpeedColumn,
)
from rich.table import Table

from patchwatch.cli.client import _fail
from patchwatch.cli.main import app

import_app = typer.Typer(
    help="Import sites, patch runs or users from a CSV or XLSX file.", no_args_is_help=True
)
export_app = typer.Typer(
    help="Export sites, patch runs or users as CSV or XLSX.", no_args_is_help=True
)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
_stderr = Console(stderr=True)
_CHUNK = 256 * 1024

Url = Annotated[
    str, typer.Option(envvar="PATCHWATCH_URL", help="The server, e.g. https://patch.example.org")
]
ApiKey = Annotated[
    str, typer.Option(envvar="PATCHWATCH_API_KEY", help="A pw_ API key (or the env var).")
]
Timeout = Annotated[float, typer.Option(help="Seconds to wait for the server.")]


def _headers(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}", "User-Agent": "patchwatch-cli"}


def _mapping(text: str | None) -> str | None:
    """``--mapping`` is JSON, or a file holding it; checked here for a clear message."""
    if text is None:
        return None
    if not text.lstrip().startswith("{") and Path(text).is_file():
        text = Path(text).read_text(encoding="utf-8")
    try:
        if not isinstance(json.loads(text), dict):
            raise ValueError
    except ValueError as exc:
        _stderr.print('[red]error:[/red] --mapping must be JSON {"file header": "our column"}')
        raise typer.Exit(2) from exc
    return text


def _multipart(
    path: Path, fields: dict[str, str], progress: Progress
) -> tuple[Iterator[bytes], str, int]:
    """The form as a byte stream (so that the progress bar follows the upload)."""
    boundary = f"patchwatch-{secrets.token_hex(16)}"
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    file_name = path.name.replace('"', "")
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = path.stat().st_size
    task = progress.add_task(f"uploading {escape(path.name)}", total=size)

    def body() -> Iterator[bytes]:
        yield head
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                progress.advance(task, len(chunk))
                yield chunk
        yield tail

    return body(), f"multipart/form-data; boundary={boundary}", len(head) + size + len(tail)


def _summary(record: dict[str, Any]) -> None:
    title = f"{record['kind']} from {record['file_name']}: {record['status']}"
    if record["dry_run"]:
        title += " (dry run: nothing written)"
    counts = Table(title=escape(title))
    for column in ("rows", "created", "updated", "unchanged", "failed"):
        counts.add_column(column, justify="right")
    counts.add_row(
        *(
            str(record[key])
            for key in ("rows_total", "rows_created", "rows_updated", "rows_unchanged")
        ),
        str(record["rows_failed"]),
    )
    _stderr.print(counts)
    _errors(record["errors"], record["rows_failed"])


def _errors(errors: list[dict[str, Any]], total: int) -> None:
    if not errors:
        return
    table = Table(title=f"errors ({len(errors)} of {total} rows shown)" if total else "errors")
    table.add_column("row", justify="right")
    table.add_column("column")
    table.add_column("message")
    for error in errors:
        table.add_row(str(error.get("row") or ""), str(error.get("column") or ""), error["message"])
    _stderr.print(table)


def _import(
    kind: str,
    path: Path,
    url: str,
    api_key: str,
    dry_run: bool,
    on_error: str,
    mapping: str | None,
    timeout: float,
) -> None:
    if not path.is_file():
        _stderr.print(f"[red]error:[/red] cannot read {escape(str(path))}")
        raise typer.Exit(2)
    fields = {"kind": kind, "dry_run": "true" if dry_run else "false", "on_error": on_error}
    if mapping_text := _mapping(mapping):
        fields["mapping"] = mapping_text
    server = url.rstrip("/")
    columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn())
    try:
        with Progress(*columns, console=_stderr, transient=True) as progress:
            body, content_type, length = _multipart(path, fields, progress)
            headers = {
                **_headers(api_key),
                "Content-Type": content_type,
                "Content-Length": str(length),
            }
            with httpx.Client(timeout=timeout) as http:
                response = http.post(f"{server}/api/v1/imports", content=body, headers=headers)
    except httpx.HTTPError as exc:
        _stderr.print(f"[red]error:[/red] could not reach {server}: {type(exc).__name__}")
        raise typer.Exit(2) from exc
    if response.status_code == 422 and _code(response) == "import_failed":
        error = response.json()["error"]
        _stderr.print(f"[red]import failed:[/red] {escape(error['message'])}")
        _errors(error["details"], 0)
        raise typer.Exit(1)
    if not response.is_success:
        raise _fail(response)
    record = response.json()["data"]
    typer.echo(record["uuid"])
    _summary(record)
    if record["status"] != "succeeded":
        raise typer.Exit(1)


def _code(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def _import_command(kind: str) -> None:
    @import_app.command(kind)
    def command(
        file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file.")],
        url: Url,
        api_key: ApiKey,
        dry_run: Annotated[bool, typer.Option(help="Only report what would happen.")] = False,
        on_error: Annotated[
            str, typer.Option(help="abort (nothing written on an error) or skip (write the rest)")
        ] = "abort",
        mapping: Annotated[
            str | None,
            typer.Option(help='JSON {"file header": "our column"}, or a file holding it.'),
        ] = None,
        timeout: Timeout = 600,
    ) -> None:
        """Import; prints the import's id, a summary and the errors. Exit 1 unless all rows
        were imported."""
        if on_error not in {"abort", "skip"}:
            _stderr.print("[red]error:[/red] --on-error is abort or skip")
            raise typer.Exit(2)
        _import(kind, file, url, api_key, dry_run, on_error, mapping, timeout)

    command.__doc__ = f"Import {kind} from a CSV or XLSX file (see docs/api.md for the columns)."


def _export_command(kind: str) -> None:
    @export_app.command(kind)
    def command(
        url: Url,
        api_key: ApiKey,
        output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
        format: Annotated[str, typer.Option(help="csv or xlsx")] = "csv",
        timeout: Timeout = 600,
    ) -> None:
        """Export as CSV or XLSX with the import's columns (it imports back unchanged)."""
        if format not in {"csv", "xlsx"}:
            _stderr.print("[red]error:[/red] --format is csv or xlsx")
            raise typer.Exit(2)
        server = url.rstrip("/")
        partial = output.with_name(output.name + ".part")
        try:
            with (
                httpx.Client(timeout=timeout, headers=_headers(api_key)) as http,
                http.stream(
                    "GET", f"{server}/api/v1/exports/{kind}", params={"format": format}
                ) as response,
            ):
                if not response.is_success:
                    response.read()
                    raise _fail(response)
                with partial.open("wb") as stream:
                    for chunk in response.iter_bytes():
                        stream.write(chunk)
        except httpx.HTTPError as exc:
            partial.unlink(missing_ok=True)
            _stderr.print(f"[red]error:[/red] could not reach {server}: {type(exc).__name__}")
            raise typer.Exit(2) from exc
        partial.replace(output)
        _stderr.print(f"{kind} written to {escape(str(output))} ({output.stat().st_size:,} bytes)")

    command.__doc__ = f"Export {kind} as CSV or XLSX (imports back unchanged)."


for _kind in ("sites", "patch-runs", "users"):
    _import_command(_kind)
    _export_command(_kind)
