"""End to end: a pushed snapshot becomes an email; SLA reminders once per threshold."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from patchwatch.db import Database
from patchwatch.identity.models import User
from patchwatch.notify import sender
from patchwatch.notify.reminders import emit_sla_reminders
from patchwatch.settings import Settings
from tests.factories import key_headers, make_api_key, make_org, signed_in
from tests.notify.conftest import PUBLIC_URL, Mailbox
from tests.notify.helpers import notifications_of, run_notifier
from tests.sites.test_flow import import_feed, native, packages_of, push


async def _insecure_site(
    client: httpx.AsyncClient, db: Database
) -> tuple[User, dict[str, Any], dict[str, Any]]:
    """An engineer of an organization whose pushed site runs an insecure Drupal core."""
    _, admin = await signed_in(db, client, await make_org(db, "Operators"), role="admin")
    org = await make_org(db, "Client")
    _, manager = await signed_in(db, client, org)
    engineer, _ = await signed_in(db, client, org, role="engineer")
    key = key_headers(
        await make_api_key(
            client, manager, ["snapshots:write", "snapshots:read", "sites:read", "sites:write"]
        )
    )
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    accepted, processed = await push(client, key, native("8.0.0"))
    assert processed["status"] == "processed"
    core = (await packages_of(client, key, accepted["site_uuid"]))["drupal"]
    return engineer, accepted, core


async def test_a_pushed_insecure_site_ends_in_an_engineers_inbox(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, mailbox: Mailbox
) -> None:
    engineer, accepted, _ = await _insecure_site(client, db)

    await run_notifier(db)
    await sender.deliver_due(db, notify_settings)

    [message] = mailbox.to(engineer.email)
    assert "drupal" in message["Subject"]
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    assert f"{PUBLIC_URL}/sites/{accepted['site_uuid']}" in text.get_content()
    assert "8.0.2" in text.get_content()


async def _remind(db: Database, at: datetime) -> int:
    async with db.sessionmaker() as session:
        emitted = await emit_sla_reminders(session, [7, 1], now=at)
        await session.commit()
    return emitted


async def test_sla_reminders_come_once_per_threshold(
    client: httpx.AsyncClient, db: Database
) -> None:
    engineer, _, core = await _insecure_site(client, db)
    due = datetime.fromisoformat(core["sla_due_at"])

    counts = [
        await _remind(db, due - timedelta(days=10)),  # too early
        await _remind(db, due - timedelta(days=5)),  # the 7-day reminder
        await _remind(db, due - timedelta(days=4)),  # already sent
        await _remind(db, due - timedelta(hours=12)),  # the 1-day reminder
        await _remind(db, due - timedelta(hours=1)),  # already sent
        await _remind(db, due + timedelta(hours=1)),  # past: that is a breach, not a reminder
    ]
    await run_notifier(db)

    assert counts == [0, 1, 0, 1, 0, 0]
    reminders = [n for n in await notifications_of(db, engineer.id) if n.kind == "sla_due_soon"]
    assert ["7 days" in reminders[0].title, "1 day:" in reminders[1].title] == [True, True]


async def test_a_deadline_first_seen_close_gets_only_the_nearest_reminder(
    client: httpx.AsyncClient, db: Database
) -> None:
    engineer, _, core = await _insecure_site(client, db)
    due = datetime.fromisoformat(core["sla_due_at"])

    counts = [
        await _remind(db, due - timedelta(hours=6)),
        await _remind(db, due - timedelta(hours=5)),
    ]
    await run_notifier(db)

    assert counts == [1, 0]
    reminders = [n for n in await notifications_of(db, engineer.id) if n.kind == "sla_due_soon"]
    assert len(reminders) == 1 and "1 day" in reminders[0].title
