"""The bell: in-app notifications, unread filter and count, read/unread, all read."""

from __future__ import annotations

from typing import Any

import httpx

from patchwatch.db import Database
from tests.factories import key_headers, make_api_key, make_org, make_site, signed_in
from tests.notify.helpers import emit_security_update, run_notifier


async def _engineer_with_findings(
    client: httpx.AsyncClient, db: Database, count: int
) -> tuple[dict[str, str], dict[str, str]]:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    _, engineer = await signed_in(db, client, org, role="engineer")
    site = await make_site(client, manager, "https://shop.example.org")
    for n in range(count):
        await emit_security_update(db, org, site, f"module_{n}")
    await run_notifier(db)
    return engineer, manager


async def _bell(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> Any:
    response = await client.get("/api/v1/notifications", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _unread(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    response = await client.get("/api/v1/notifications/unread-count", headers=headers)
    count: int = response.json()["data"]["unread"]
    return count


async def test_bell_lists_new_notifications_unread_newest_first(
    client: httpx.AsyncClient, db: Database
) -> None:
    engineer, _ = await _engineer_with_findings(client, db, 3)

    bell = await _bell(client, engineer)

    assert bell["meta"]["total"] == 3
    assert [n["read"] for n in bell["data"]] == [False, False, False]
    assert "module_2" in bell["data"][0]["title"]
    assert bell["data"][0]["link"].startswith("/sites/")
    assert await _unread(client, engineer) == 3


async def test_marking_one_read_and_unread_again(client: httpx.AsyncClient, db: Database) -> None:
    engineer, _ = await _engineer_with_findings(client, db, 2)
    first = (await _bell(client, engineer))["data"][0]["uuid"]

    read = await client.post(f"/api/v1/notifications/{first}/read", headers=engineer)
    unread_only = await _bell(client, engineer, unread="true")
    count_after_read = await _unread(client, engineer)
    again = await client.post(f"/api/v1/notifications/{first}/unread", headers=engineer)

    assert read.json()["data"]["read"] is True
    assert [n["uuid"] for n in unread_only["data"]] != [first] and unread_only["meta"]["total"] == 1
    assert count_after_read == 1
    assert again.json()["data"]["read"] is False
    assert await _unread(client, engineer) == 2


async def test_mark_all_read(client: httpx.AsyncClient, db: Database) -> None:
    engineer, _ = await _engineer_with_findings(client, db, 4)

    response = await client.post("/api/v1/notifications/read-all", headers=engineer)

    assert response.json()["data"]["marked"] == 4
    assert await _unread(client, engineer) == 0
    assert (await _bell(client, engineer, unread="false"))["meta"]["total"] == 4


async def test_nobody_reads_or_marks_another_persons_notification(
    client: httpx.AsyncClient, db: Database
) -> None:
    engineer, manager = await _engineer_with_findings(client, db, 1)
    theirs = (await _bell(client, engineer))["data"][0]["uuid"]
    org = await make_org(db)
    _, outsider = await signed_in(db, client, org)

    for headers in (manager, outsider):
        response = await client.post(f"/api/v1/notifications/{theirs}/read", headers=headers)
        assert response.status_code == 404
    assert await _unread(client, engineer) == 1


async def test_api_keys_have_no_bell(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    key = key_headers(await make_api_key(client, manager, ["sites:read"]))

    response = await client.get("/api/v1/notifications", headers=key)

    assert response.status_code == 403


async def test_bad_unread_filter_is_a_422(client: httpx.AsyncClient, db: Database) -> None:
    engineer, _ = await _engineer_with_findings(client, db, 1)

    response = await client.get(
        "/api/v1/notifications", headers=engineer, params={"unread": "maybe"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
