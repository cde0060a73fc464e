"""Imports benchmark: 100,000-row sites and patch-runs files (CSV and XLSX) over HTTP.

Builds the files here (sites with every column; patch runs of 10 items each over those sites),
starts a real `patchwatch serve` process on a fresh database, and POSTs each file to
/api/v1/imports as the admin, in this order: sites CSV (creates), sites XLSX (the same sites
again: all unchanged), patch runs CSV (creates), patch runs XLSX (all unchanged). Prints rows
per second per import and the server process's peak memory (VmHWM from /proc, the RSS
high-water mark of the whole process, so it includes the app's baseline).

The server's body cap (PATCHWATCH_MAX_BODY_BYTES, 10 MB by default) is raised for the run:
100,000 sites with every column make a CSV of about 14 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import client, fresh_database, machine, print_table, running_server, sign_in
from openpyxl import Workbook

SITE_HEADER = [
    "url", "name", "kind", "environment", "criticality", "tags", "description",
    "street", "city", "state", "country",
]  # fmt: skip
RUN_HEADER = [
    "site", "date", "external_id", "ecosystem", "package", "from_version", "to_version",
    "result", "status", "log",
]  # fmt: skip
MODULES = [f"module_{n}" for n in range(300)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=100_000, help="rows per file (100,000)")
    parser.add_argument("--skip-xlsx", action="store_true", help="CSV files only")


def site_rows(count: int) -> list[list[str]]:
    rng = random.Random(1)
    kinds, envs = ("drupal", "server", "application"), ("production", "staging", "development")
    rows = []
    for n in range(count):
        located = n % 3 == 0
        rows.append(
            [
                f"https://site{n}.example.org",
                f"Site number {n}",
                kinds[n % 3],
                envs[n % 3],
                rng.choice(("low", "normal", "high", "critical")),
                ",".join(rng.sample(["eu", "us", "public", "internal", "shop", "blog"], 2)),
                f"Description of site {n}" if n % 2 else "",
                f"{n} Main Street" if located else "",
                "Springfield" if located else "",
                "IL" if located else "",
                "US" if located else "",
            ]
        )
    return rows


def run_rows(count: int, sites: int) -> list[list[str]]:
    rng = random.Random(2)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(count):
        run = n // 10
        site = run % sites
        when = (start + timedelta(minutes=run)).isoformat().replace("+00:00", "Z")
        rows.append(
            [
                f"https://site{site}.example.org",
                when,
                f"DEP-{run}",
                "drupal",
                MODULES[(n % 10) * 30 + rng.randrange(30)],
                f"1.{rng.randrange(20)}.0",
                f"1.{rng.randrange(20, 40)}.0",
                "succeeded" if rng.random() > 0.05 else "failed",
                "",
                f"deployed by CI job {run}" if n % 10 == 0 else "",
            ]
        )
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def peak_rss_mb(port_pid: int) -> float:
    """VmHWM (peak resident set) of the server process, in MB."""
    status = Path(f"/proc/{port_pid}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def current_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(base: str, pid: int, files: list[tuple[str, str, Path]]) -> list[tuple[str, str]]:
    results = [("server RSS before imports", f"{current_rss_mb(pid):.0f} MB")]
    async with client(base, connections=2) as http:
        headers = await sign_in(http)
        for label, kind, path in files:
            started = time.perf_counter()
            with path.open("rb") as stream:
                response = await http.post(
                    "/api/v1/imports",
                    headers=headers,
                    data={"kind": kind},
                    files={"file": (path.name, stream)},
                    timeout=1800,
                )
            elapsed = time.perf_counter() - started
            if response.status_code != 201:
                raise RuntimeError(f"{label}: {response.status_code} {response.text[:500]}")
            data = response.json()["data"]
            size_mb = path.stat().st_size / 1e6
            outcome = (
                f"created {data['rows_created']:,}, unchanged {data['rows_unchanged']:,}, "
                f"failed {data['rows_failed']:,}"
            )
            results.append(
                (
                    f"{label} ({size_mb:.1f} MB)",
                    f"{data['rows_total'] / elapsed:,.0f} rows/s  ({elapsed:.1f} s; {outcome})",
                )
            )
            results.append((f"  server peak RSS after {label}", f"{peak_rss_mb(pid):.0f} MB"))
    return results


def run(args: argparse.Namespace) -> None:
    context = machine()
    with tempfile.TemporaryDirectory(prefix="pw-bench-imports-") as folder:
        work = Path(folder)
        sites, runs = site_rows(args.rows), run_rows(args.rows, args.rows)
        files: list[tuple[str, str, Path]] = []
        for fmt in ("csv",) if args.skip_xlsx else ("csv", "xlsx"):
            for kind, header, rows in (
                ("sites", SITE_HEADER, sites),
                ("patch-runs", RUN_HEADER, runs),
            ):
                path = work / f"{kind}.{fmt}"
                (write_csv if fmt == "csv" else write_xlsx)(path, header, rows)
        order = [("sites", "csv"), ("sites", "xlsx"), ("patch-runs", "csv"), ("patch-runs", "xlsx")]
        for kind, fmt in order:
            if fmt == "xlsx" and args.skip_xlsx:
                continue
            verb = "create" if fmt == "csv" else "again, unchanged"
            files.append((f"{kind} {fmt.upper()} ({verb})", kind, work / f"{kind}.{fmt}"))
        del sites, runs
        with fresh_database(args.postgres) as target:
            target.env["PATCHWATCH_MAX_BODY_BYTES"] = str(60 * 1024 * 1024)
            with running_server(target) as base:
                pid = _server_pid(base)
                rows = asyncio.run(measure(base, pid, files))
    print_table(
        f"imports of {args.rows:,} rows on {target.kind} — one API process; {context}", rows
    )


def _server_pid(base: str) -> int:
    """The pid of the `patchwatch serve` process listening on ``base``'s port."""
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmdline and port.encode() in cmdline:
            return int(entry.name)
    raise RuntimeError("the server process was not found")
