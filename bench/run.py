"""Benchmarks (never part of `make test`; `make bench` runs the defaults).

    .venv/bin/python bench/run.py identity [--postgres URL] [--logins 200] [--requests 5000]
    .venv/bin/python bench/run.py fleet [--postgres URL] [--sites 1000 10000] [--snapshots 500]
    .venv/bin/python bench/run.py imports [--postgres URL] [--rows 100000] [--skip-xlsx]
    .venv/bin/python bench/run.py events [--postgres URL] [--events 10000] [--redis URL]
    .venv/bin/python bench/run.py connector [--postgres URL] [--sites 200] [--modules 150]
    .venv/bin/python bench/run.py notify [--postgres URL] [--rounds 5] [--tick 60]
    .venv/bin/python bench/run.py dashboard [--postgres URL] [--sites 10000] [--loads 7]
    .venv/bin/python bench/run.py            # identity, then fleet at 1,000 sites, on SQLite

Each run makes a fresh database (SQLite in a temporary folder, or a new database on the
PostgreSQL server of --postgres, dropped afterwards), starts a real `patchwatch serve` process on
a free loopback port, drives it with bounded request counts and time limits, and prints a table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import connector
import dashboard
import fleet
import imports

import events
import identity
import notify


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    suites = parser.add_subparsers(dest="suite")
    for name, module in (
        ("identity", identity),
        ("fleet", fleet),
        ("imports", imports),
        ("events", events),
        ("connector", connector),
        ("notify", notify),
        ("dashboard", dashboard),
    ):
        sub = suites.add_parser(name, help=(module.__doc__ or "").splitlines()[0])
        sub.add_argument(
            "--postgres",
            metavar="URL",
            help="a PostgreSQL server URL, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/"
            "postgres (a fresh database is created on it and dropped afterwards)",
        )
        module.add_arguments(sub)
    args = parser.parse_args()
    if args.suite is None:  # `make bench`: the defaults on SQLite
        for name, module in (("identity", identity), ("fleet", fleet)):
            module.run(parser.parse_args([name]))
        return
    suite = {
        "identity": identity,
        "fleet": fleet,
        "imports": imports,
        "events": events,
        "connector": connector,
        "notify": notify,
        "dashboard": dashboard,
    }
    suite[args.suite].run(args)


if __name__ == "__main__":
    main()
