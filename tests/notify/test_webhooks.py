"""Webhooks: signed JSON, the Slack shape, retries, a dead one disabled and its owner told."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

import httpx
import pytest

from patchwatch.db import Database, utcnow
from patchwatch.notify import sender, webhooks
from patchwatch.settings import Settings
from tests.factories import make_org, make_site, signed_in
from tests.notify.conftest import PUBLIC_URL, Mailbox, Receiver
from tests.notify.helpers import deliveries, emit_security_update, run_notifier

WEBHOOK_ONLY = {"preferences": [{"kind": "security_update", "channels": ["webhook"]}]}


async def _personal_webhook(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, **body: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/webhooks", headers=headers, json={"name": "mine", "url": url, **body}
    )
    assert response.status_code == 201, response.text
    put = await client.put(
        "/api/v1/me/notification-preferences", headers=headers, json=WEBHOOK_ONLY
    )
    assert put.status_code == 200, put.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def _engineer_with_site(
    client: httpx.AsyncClient, db: Database
) -> tuple[Any, Any, dict[str, str], dict[str, Any]]:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    engineer, headers = await signed_in(db, client, org, role="engineer")
    site = await make_site(client, manager, "https://shop.example.org", name="Shop")
    return org, engineer, headers, site


async def test_webhook_body_is_signed_with_the_secret_and_a_timestamp(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, receiver: Receiver
) -> None:
    org, _, headers, site = await _engineer_with_site(client, db)
    hook = await _personal_webhook(client, headers, receiver.url)
    await emit_security_update(db, org, site)
    await run_notifier(db)

    await sender.deliver_due(db, notify_settings)

    [request] = receiver.requests
    signature = dict(
        part.split("=", 1) for part in request.headers["X-Patchwatch-Signature"].split(",")
    )
    signed = f"{signature['t']}.".encode() + request.body
    expected = hmac.new(hook["secret"].encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature["v1"], expected)
    header = request.headers["X-Patchwatch-Signature"]
    assert webhooks.verify(hook["secret"], header, request.body)
    assert not webhooks.verify(hook["secret"], header, request.body + b" ")
    assert not webhooks.verify("another secret entirely", header, request.body)
    assert abs(int(signature["t"]) - utcnow().timestamp()) < 60
    body = request.json()
    assert body["kind"] == "security_update"
    assert body["link"] == f"{PUBLIC_URL}/sites/{site['uuid']}"
    assert body["data"]["package"] == "views"


async def test_slack_webhook_gets_a_text_payload(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, receiver: Receiver
) -> None:
    org, _, headers, site = await _engineer_with_site(client, db)
    await _personal_webhook(client, headers, receiver.url, payload_format="slack")
    await emit_security_update(db, org, site)
    await run_notifier(db)

    await sender.deliver_due(db, notify_settings)

    [request] = receiver.requests
    body = request.json()
    assert list(body) == ["text"]
    assert "views" in body["text"] and f"{PUBLIC_URL}/sites/{site['uuid']}" in body["text"]


async def test_failed_webhook_call_is_retried_after_a_backoff(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, receiver: Receiver
) -> None:
    org, _, headers, site = await _engineer_with_site(client, db)
    await _personal_webhook(client, headers, receiver.url)
    await emit_security_update(db, org, site)
    await run_notifier(db)
    receiver.statuses = [503]
    now = utcnow()

    await sender.deliver_due(db, notify_settings, now=now)
    await sender.deliver_due(db, notify_settings, now=now + timedelta(seconds=30))
    await sender.deliver_due(db, notify_settings, now=now + timedelta(seconds=61))

    assert len(receiver.requests) == 2
    [delivery] = await deliveries(db, "webhook")
    assert (delivery.status, delivery.attempts) == ("sent", 2)


async def test_webhook_to_an_address_inside_the_network_is_refused(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, receiver: Receiver
) -> None:
    # SSRF: a user's webhook must not make the server call its own network (the receiver
    # listens on 127.0.0.1), unless the operator allows private addresses.
    org, _, headers, site = await _engineer_with_site(client, db)
    await _personal_webhook(client, headers, receiver.url)
    await emit_security_update(db, org, site)
    await run_notifier(db)
    strict = notify_settings.model_copy(update={"webhook_allow_private_addresses": False})

    await sender.deliver_due(db, strict)

    assert receiver.requests == []
    [delivery] = await deliveries(db, "webhook")
    assert delivery.status != "sent" and "non-public address (127.0.0.1)" in (
        delivery.last_error or ""
    )


@pytest.mark.parametrize(
    "address",
    ["10.0.0.8", "192.168.1.1", "169.254.169.254", "::1", "fd00::1", "::ffff:127.0.0.1"],
)
def test_private_loopback_and_metadata_addresses_are_not_public(address: str) -> None:
    assert not webhooks._is_public(address)


def test_public_addresses_are_public() -> None:
    assert webhooks._is_public("93.184.216.34") and webhooks._is_public("2606:4700::1111")


@pytest.mark.parametrize(
    ("url", "address", "target", "host", "sni"),
    [
        ("http://hooks.example.org:8080/in?x=1", "93.184.216.34",
         "http://93.184.216.34:8080/in?x=1", "hooks.example.org:8080", None),
        ("https://hooks.example.org/in", "2606:4700::1111",
         "https://[2606:4700::1111]/in", "hooks.example.org", "hooks.example.org"),
    ],
)  # fmt: skip
def test_the_call_goes_to_the_checked_address_under_the_original_name(
    url: str, address: str, target: str, host: str, sni: str | None
) -> None:
    # DNS rebinding: the name is resolved once, checked, and the call connects to that address;
    # Host and the TLS server name (the certificate's name) stay the receiver's.
    pinned_url, headers, extensions = webhooks.pinned(url, address)
    assert (pinned_url, headers["Host"], extensions.get("sni_hostname")) == (target, host, sni)


async def test_a_receiver_named_by_host_name_is_called_at_its_checked_address(
    receiver: Receiver,
) -> None:
    # localhost may resolve to ::1 first while the receiver listens on 127.0.0.1 only: the
    # next checked address is tried, and the receiver sees the name it was given.
    port = receiver.url.split(":")[2].split("/")[0]
    url = f"http://localhost:{port}/hook"
    with pytest.raises(webhooks.WebhookFailed, match="non-public address"):
        await webhooks.resolve_destination(url)

    await webhooks.post(
        url, "s3cret", {"a": 1}, kind="test", delivery_uuid="d-1", timeout_seconds=5,
        allow_private=True,
    )  # fmt: skip

    [request] = receiver.requests
    assert request.headers["Host"] == f"localhost:{port}"
    assert webhooks.verify("s3cret", request.headers["X-Patchwatch-Signature"], request.body)


async def test_dead_webhook_is_disabled_and_its_owner_told(
    client: httpx.AsyncClient,
    db: Database,
    notify_settings: Settings,
    receiver: Receiver,
    mailbox: Mailbox,
) -> None:
    org, engineer, headers, site = await _engineer_with_site(client, db)
    hook = await _personal_webhook(client, headers, receiver.url)
    receiver.always = 500
    for package in ("views", "token", "pathauto", "webform"):
        await emit_security_update(db, org, site, package)
    await run_notifier(db)
    now = utcnow()
    for step in range(notify_settings.webhook_failure_limit):
        await sender.deliver_due(db, notify_settings, now=now + timedelta(hours=step))
    await sender.deliver_due(db, notify_settings, now=now + timedelta(days=2))

    assert len(receiver.requests) == notify_settings.webhook_failure_limit
    shown = (await client.get(f"/api/v1/webhooks/{hook['uuid']}", headers=headers)).json()["data"]
    assert shown["is_active"] is False and shown["consecutive_failures"] == 3
    bell = (await client.get("/api/v1/notifications", headers=headers)).json()["data"]
    assert [n["kind"] for n in bell] == ["webhook_disabled"]
    [told] = mailbox.to(engineer.email)
    assert "Webhook disabled" in told["Subject"]


async def test_enabling_a_disabled_webhook_again_resets_its_failures(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, receiver: Receiver
) -> None:
    org, _, headers, site = await _engineer_with_site(client, db)
    hook = await _personal_webhook(client, headers, receiver.url)
    receiver.always = 500
    await emit_security_update(db, org, site)
    await run_notifier(db)
    now = utcnow()
    for step in range(notify_settings.webhook_failure_limit):
        await sender.deliver_due(db, notify_settings, now=now + timedelta(hours=step))

    response = await client.patch(
        f"/api/v1/webhooks/{hook['uuid']}", headers=headers, json={"is_active": True}
    )

    assert response.status_code == 200
    assert response.json()["data"]["is_active"] is True
    assert response.json()["data"]["consecutive_failures"] == 0


async def test_organization_webhook_receives_the_kinds_it_lists(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, receiver: Receiver
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    site = await make_site(client, manager, "https://shop.example.org")
    created = await client.post(
        "/api/v1/webhooks",
        headers=manager,
        json={
            "name": "ops channel",
            "url": receiver.url,
            "scope": "organization",
            "event_kinds": ["security_update"],
        },
    )
    assert created.status_code == 201, created.text
    await emit_security_update(db, org, site)
    await run_notifier(db)

    await sender.deliver_due(db, notify_settings)

    [request] = receiver.requests
    assert request.json()["kind"] == "security_update"


async def test_engineer_cannot_add_an_organization_webhook(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, headers = await signed_in(db, client, org, role="engineer")

    response = await client.post(
        "/api/v1/webhooks",
        headers=headers,
        json={"name": "ops", "url": "https://hooks.example.org/x", "scope": "organization"},
    )

    assert response.status_code == 403
    assert (await client.get("/api/v1/webhooks", headers=headers)).json()["meta"]["total"] == 0


async def test_non_http_webhook_url_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, headers = await signed_in(db, client, org)

    for url in ("ftp://hooks.example.org/x", "file:///etc/passwd", "javascript:alert(1)", "x"):
        response = await client.post(
            "/api/v1/webhooks", headers=headers, json={"name": "bad", "url": url}
        )
        assert response.status_code == 422, url
        assert response.json()["error"]["code"] == "invalid"
    assert (await client.get("/api/v1/webhooks", headers=headers)).json()["meta"]["total"] == 0


async def test_webhook_secret_is_shown_only_when_created(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, headers = await signed_in(db, client, org)
    created = await client.post(
        "/api/v1/webhooks", headers=headers, json={"name": "a", "url": "https://h.example.org/"}
    )
    secret = created.json()["data"]["secret"]

    listed = await client.get("/api/v1/webhooks", headers=headers)

    assert len(secret) >= 32
    assert secret not in listed.text
