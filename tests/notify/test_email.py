"""Email: templates with a link, the daily digest, retries with backoff, email switched off."""

from __future__ import annotations

from datetime import timedelta

import httpx

from patchwatch.db import Database, utcnow
from patchwatch.notify import sender
from patchwatch.settings import Settings
from tests.factories import make_org, make_site, signed_in
from tests.notify.conftest import PUBLIC_URL, Mailbox
from tests.notify.helpers import deliveries, emit_security_update, run_notifier


async def test_security_update_email_has_text_html_and_a_link_to_the_site(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, mailbox: Mailbox
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    engineer, _ = await signed_in(db, client, org, role="engineer")
    site = await make_site(client, manager, "https://shop.example.org", name="Shop")
    await emit_security_update(db, org, site)
    await run_notifier(db)

    figures = await sender.deliver_due(db, notify_settings)

    assert figures["sent"] >= 1
    [message] = mailbox.to(engineer.email)
    assert "views" in message["Subject"] and "Shop" in message["Subject"]
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    link = f"{PUBLIC_URL}/sites/{site['uuid']}"
    assert link in text.get_content()
    assert f'href="{link}"' in html.get_content()


async def test_daily_digest_groups_many_findings_into_one_email(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, mailbox: Mailbox
) -> None:
    org = await make_org(db)
    manager, headers = await signed_in(db, client, org)  # managers' default: a daily digest
    site = await make_site(client, headers, "https://shop.example.org", name="Shop")
    packages = ["views", "token", "pathauto", "webform", "ctools"]
    for package in packages:
        await emit_security_update(db, org, site, package)
    await run_notifier(db)
    await sender.deliver_due(db, notify_settings)
    assert mailbox.to(manager.email) == []  # nothing until the digest

    await sender.send_digests(db, notify_settings)
    await sender.deliver_due(db, notify_settings)

    [digest] = mailbox.to(manager.email)
    assert "5 notifications" in digest["Subject"]
    text = digest.get_body(preferencelist=("plain",))
    assert text is not None
    assert all(package in text.get_content() for package in packages)


async def test_a_digest_is_sent_once(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, mailbox: Mailbox
) -> None:
    org = await make_org(db)
    manager, headers = await signed_in(db, client, org)
    site = await make_site(client, headers, "https://shop.example.org")
    await emit_security_update(db, org, site)
    await run_notifier(db)

    await sender.send_digests(db, notify_settings)
    await sender.send_digests(db, notify_settings)
    await sender.deliver_due(db, notify_settings)

    assert len(mailbox.to(manager.email)) == 1


async def test_smtp_failure_is_retried_after_a_backoff(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, mailbox: Mailbox
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    engineer, _ = await signed_in(db, client, org, role="engineer")
    site = await make_site(client, manager, "https://shop.example.org")
    await emit_security_update(db, org, site)
    await run_notifier(db)
    now = utcnow()
    down = notify_settings.model_copy(update={"smtp_port": notify_settings.smtp_port + 1})

    first = await sender.deliver_due(db, down, now=now)
    too_soon = await sender.deliver_due(db, notify_settings, now=now + timedelta(seconds=59))
    after_backoff = await sender.deliver_due(db, notify_settings, now=now + timedelta(seconds=61))

    assert first["retrying"] == 1
    assert too_soon["sent"] == 0
    assert after_backoff["sent"] == 1
    assert len(mailbox.to(engineer.email)) == 1
    [delivery] = await deliveries(db, "email")
    assert (delivery.status, delivery.attempts) == ("sent", 2)


async def test_backoff_doubles_until_the_delivery_fails_for_good(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    await signed_in(db, client, org, role="engineer")
    site = await make_site(client, manager, "https://shop.example.org")
    await emit_security_update(db, org, site)
    await run_notifier(db)
    down = notify_settings.model_copy(update={"smtp_port": notify_settings.smtp_port + 1})
    now = utcnow()
    waits = []
    for _ in range(down.notify_max_attempts):
        await sender.deliver_due(db, down, now=now)
        [delivery] = await deliveries(db, "email")
        waits.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at

    assert delivery.status == "failed"
    assert delivery.last_error
    assert waits[:3] == [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=240)]


async def test_with_email_off_emails_are_skipped_and_say_why(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, mailbox: Mailbox
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    await signed_in(db, client, org, role="engineer")
    site = await make_site(client, manager, "https://shop.example.org")
    await emit_security_update(db, org, site)
    await run_notifier(db)

    await sender.deliver_due(db, notify_settings.model_copy(update={"smtp_host": ""}))

    [delivery] = await deliveries(db, "email")
    assert delivery.status == "skipped"
    assert "PATCHWATCH_SMTP_HOST" in (delivery.last_error or "")
    assert mailbox.messages == []


async def test_the_notify_send_job_sends_pending_emails(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, mailbox: Mailbox
) -> None:
    from patchwatch.jobs import scheduler

    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    engineer, _ = await signed_in(db, client, org, role="engineer")
    site = await make_site(client, manager, "https://shop.example.org")
    await emit_security_update(db, org, site)
    await run_notifier(db)
    job = scheduler.jobs(notify_settings)["notify-send"]

    result = await scheduler.run_job(db, notify_settings, job, force=True)

    assert job.interval == timedelta(seconds=notify_settings.notify_send_interval_seconds)
    assert result is not None and result["sent"] == 1
    assert len(mailbox.to(engineer.email)) == 1
