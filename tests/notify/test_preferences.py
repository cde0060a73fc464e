"""Preferences: defaults per role, changes respected by the notifier, bad input refused."""

from __future__ import annotations

from typing import Any

import httpx

from patchwatch.db import Database
from patchwatch.notify import sender
from patchwatch.settings import Settings
from tests.factories import make_org, make_site, signed_in
from tests.notify.conftest import Mailbox
from tests.notify.helpers import emit_security_update, run_notifier

PATH = "/api/v1/me/notification-preferences"


def _by_kind(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return {item["kind"]: item for item in response.json()["data"]}


async def test_defaults_depend_on_the_role(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    _, engineer = await signed_in(db, client, org, role="engineer")
    _, viewer = await signed_in(db, client, org, role="viewer")

    managers = _by_kind(await client.get(PATH, headers=manager))
    engineers = _by_kind(await client.get(PATH, headers=engineer))
    viewers = _by_kind(await client.get(PATH, headers=viewer))

    assert managers["security_update"]["digest"] == "daily"
    assert managers["maintenance_submitted"]["channels"] == ["email", "in_app"]
    assert engineers["security_update"] == {
        **engineers["security_update"],
        "channels": ["email", "in_app"],
        "digest": "immediate",
        "is_default": True,
    }
    assert engineers["task_assigned"]["channels"] == ["email", "in_app"]
    assert viewers["security_update"]["channels"] == ["in_app"]
    assert "webhook_disabled" not in viewers


async def test_email_off_is_said_in_the_preferences(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, headers = await signed_in(db, client, org)

    response = await client.get(PATH, headers=headers)

    assert response.json()["meta"]["email_enabled"] is False  # the test server has no SMTP


async def test_saved_preference_is_shown_and_others_keep_their_default(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, headers = await signed_in(db, client, org, role="engineer")

    response = await client.put(
        PATH,
        headers=headers,
        json={"preferences": [{"kind": "sla_breached", "channels": ["in_app", "in_app"]}]},
    )

    saved = _by_kind(response)
    assert saved["sla_breached"]["channels"] == ["in_app"]
    assert saved["sla_breached"]["is_default"] is False
    assert saved["security_update"]["is_default"] is True
    assert _by_kind(await client.get(PATH, headers=headers)) == saved


async def test_in_app_only_sends_no_email(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, mailbox: Mailbox
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    engineer, headers = await signed_in(db, client, org, role="engineer")
    await client.put(
        PATH,
        headers=headers,
        json={"preferences": [{"kind": "security_update", "channels": ["in_app"]}]},
    )
    site = await make_site(client, manager, "https://shop.example.org")
    await emit_security_update(db, org, site)
    await run_notifier(db)

    await sender.deliver_due(db, notify_settings)

    assert mailbox.to(engineer.email) == []
    bell = (await client.get("/api/v1/notifications", headers=headers)).json()
    assert bell["meta"]["total"] == 1


async def test_a_kind_turned_off_reaches_no_channel(
    client: httpx.AsyncClient, db: Database, notify_settings: Settings, mailbox: Mailbox
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    engineer, headers = await signed_in(db, client, org, role="engineer")
    await client.put(
        PATH, headers=headers, json={"preferences": [{"kind": "security_update", "channels": []}]}
    )
    site = await make_site(client, manager, "https://shop.example.org")
    await emit_security_update(db, org, site)
    await run_notifier(db)

    await sender.deliver_due(db, notify_settings)

    assert mailbox.to(engineer.email) == []
    assert (await client.get("/api/v1/notifications", headers=headers)).json()["meta"]["total"] == 0


async def test_unknown_kind_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, headers = await signed_in(db, client, org)
    before = (await client.get(PATH, headers=headers)).json()

    bad_bodies: list[Any] = [
        {"preferences": [{"kind": "weather_report", "channels": ["email"]}]},
        {"preferences": [{"kind": "security_update", "channels": ["pager"]}]},
        {"preferences": [{"kind": "security_update", "channels": [], "digest": "weekly"}]},
        {"preferences": [{"kind": "webhook_disabled", "channels": []}]},
        {
            "preferences": [
                {"kind": "sla_breached", "channels": []},
                {"kind": "sla_breached", "channels": ["email"]},
            ]
        },
        {"preferences": []},
        {"preferences": [{"kind": "security_update", "channels": [], "extra": 1}]},
    ]
    for body in bad_bodies:
        response = await client.put(PATH, headers=headers, json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid"
    assert (await client.get(PATH, headers=headers)).json() == before
