"""Snapshot to email (issue 5): how long from a push that makes a site insecure to the email.

A real `patchwatch serve` with its scheduler and in-process event runner on (as `make run`
has them), a real SMTP server (aiosmtpd) in this process, the Drupal core feed of the
fixtures in the catalog, and an engineer of the organization (engineers get security updates
by email at once by default). Each round pushes a snapshot of a new site running an insecure
core and waits for the engineer's email about that site; the figure is the time from the
POST to the email's arrival. The path: snapshot processing, the `security_update_detected`
event, the notify consumer (event runner), the `notify-send` job (scheduler), SMTP.

Run it with the default scheduler tick (60 s) and with a short one (`--tick 1`): the tick
bounds how often `notify-send` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import socket
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from common import client, fresh_database, machine, print_table, running_server, sign_in
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.identity import service as identity
from patchwatch.identity.models import Organization, User
from patchwatch.identity.principal import system_principal

FEED = Path(__file__).resolve().parents[2] / "shared/fixtures/drupal-release-history"
ENGINEER = "bench-engineer@example.org"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, default=5, help="pushes, one after another (5)")
    parser.add_argument(
        "--tick", type=int, default=60, help="PATCHWATCH_SCHEDULER_TICK_SECONDS (60)"
    )


class Inbox:
    """The SMTP server's handler: when each message arrived, by the site it names."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if ENGINEER in str(message["To"]):
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""  # type: ignore[union-attr]
            self.arrived.setdefault(text, time.perf_counter())
        return "250 Message accepted for delivery"

    def arrival_for(self, site_uuid: str) -> float | None:
        for text, at in self.arrived.items():
            if site_uuid in text:
                return at
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def add_engineer(url: str) -> None:
    database = Database(url)
    try:
        async with database.sessionmaker() as session:
            admin = await session.scalar(select(User).limit(1))
            assert admin is not None
            org = await session.get(Organization, admin.organization_id)
            assert org is not None
            await identity.create_user(
                session,
                system_principal("bench"),
                organization=org,
                login="bench-engineer",
                email=ENGINEER,
                role="engineer",
                password=None,
                is_approved=True,
            )
            await session.commit()
    finally:
        await database.dispose()


def body(core: str) -> dict[str, Any]:
    return {
        "site": {"url": f"https://{uuid.uuid4().hex[:12]}.example.org", "name": "Bench"},
        "packages": [{"ecosystem": "drupal", "name": "drupal", "version": core, "type": "core"}],
    }


async def measure(base: str, inbox: Inbox, rounds: int) -> list[float]:
    async with client(base) as http:
        admin = await sign_in(http)
        feed = (FEED / "drupal.sec.8.0.2.xml").read_bytes()
        response = await http.post(
            "/api/v1/catalog/drupal/release-history",
            headers={**admin, "Content-Type": "application/xml"},
            content=feed,
        )
        response.raise_for_status()
        key = await http.post(
            "/api/v1/api-keys",
            headers=admin,
            json={
                "name": "bench",
                "permissions": ["snapshots:write", "snapshots:read", "sites:write", "sites:read"],
            },
        )
        key.raise_for_status()
        headers = {"Authorization": f"Bearer {key.json()['data']['secret']}"}
        latencies = []
        for _ in range(rounds):
            started = time.perf_counter()
            pushed = await http.post("/api/v1/snapshots", headers=headers, json=body("8.0.0"))
            pushed.raise_for_status()
            site = pushed.json()["data"]["site_uuid"]
            deadline = time.monotonic() + 300
            while (arrived := inbox.arrival_for(site)) is None:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no email about site {site} within 300 s")
                await asyncio.sleep(0.05)
            latencies.append(arrived - started)
        return latencies


def run(args: argparse.Namespace) -> None:
    load = machine()
    inbox = Inbox()
    port = _free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        with fresh_database(args.postgres) as target:
            asyncio.run(add_engineer(target.url))
            target.env.update(
                PATCHWATCH_SCHEDULER_ENABLED="true",
                PATCHWATCH_SCHEDULER_TICK_SECONDS=str(args.tick),
                PATCHWATCH_CATALOG_SYNC_INTERVAL_MINUTES="0",  # no network
                PATCHWATCH_SMTP_HOST="127.0.0.1",
                PATCHWATCH_SMTP_PORT=str(port),
                PATCHWATCH_SMTP_STARTTLS="false",
            )
            with running_server(target) as base:
                latencies = asyncio.run(measure(base, inbox, args.rounds))
    finally:
        smtp.stop()
    print_table(
        f"snapshot to email on {target.kind}, scheduler tick {args.tick} s — {load}",
        [
            ("rounds", str(len(latencies))),
            ("median", f"{statistics.median(latencies):.2f} s"),
            ("min / max", f"{min(latencies):.2f} / {max(latencies):.2f} s"),
        ],
    )
