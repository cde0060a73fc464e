"""The audit trail: every identity change is recorded, chained, scoped and verifiable."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import httpx
from sqlalchemy import delete, select, text

from patchwatch.audit import service as audit
from patchwatch.audit.models import AuditEvent
from patchwatch.db import Database
from tests.factories import PASSWORD, key_headers, make_api_key, make_org, make_user, signed_in


def stamp(moment: datetime) -> str:
    return quote(moment.isoformat())


async def test_identity_changes_are_listed_with_actor_and_no_secrets(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    manager, headers = await signed_in(db, client, org)
    await client.post(
        "/api/v1/users",
        headers=headers,
        json={"login": "audited", "email": "a@example.org", "password": "secret passphrase 9"},
    )
    events = (await client.get("/api/v1/audit-events?action=user.created", headers=headers)).json()
    created = [e for e in events["data"] if e["changes"].get("login") == "audited"]
    assert created and created[0]["actor_uuid"] == str(manager.uuid)
    assert created[0]["client_address"] == "127.0.0.1"
    everything = await client.get("/api/v1/audit-events?per_page=200", headers=headers)
    assert "secret passphrase 9" not in everything.text and PASSWORD not in everything.text


async def test_each_event_links_to_the_previous_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    for _ in range(3):
        await make_user(db, org)
    async with db.sessionmaker() as session:
        rows = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        report = await audit.verify_chain(session)
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(rows))
    assert report.ok and report.checked == len(rows)


async def test_tampering_is_found_at_the_changed_event(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, admin = await signed_in(db, client, org, role="admin")
    await make_user(db, org)
    async with db.sessionmaker() as session:
        victim = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()[1]
    async with db.engine.begin() as conn:  # a tamperer writes straight to the table
        await conn.execute(
            text("""UPDATE audit_events SET changes = '{"forged": true}' WHERE id = :id"""),
            {"id": victim.id},
        )
    report = (await client.get("/api/v1/audit-events/verify", headers=admin)).json()["data"]
    assert report["ok"] is False
    assert report["first_bad_uuid"] == str(victim.uuid)
    assert report["problem"] == "content does not match its hash"


async def test_managers_see_only_their_organizations_events(
    client: httpx.AsyncClient, db: Database
) -> None:
    own, other = await make_org(db), await make_org(db)
    stranger = await make_user(db, other)
    _, manager = await signed_in(db, client, own)
    listed = await client.get("/api/v1/audit-events?per_page=200", headers=manager)
    assert listed.status_code == 200
    assert str(stranger.uuid) not in listed.text
    verify = await client.get("/api/v1/audit-events/verify", headers=manager)
    assert verify.status_code == 403


async def test_viewer_cannot_read_the_audit_trail(client: httpx.AsyncClient, db: Database) -> None:
    _, viewer = await signed_in(db, client, await make_org(db), role="viewer")
    assert (await client.get("/api/v1/audit-events", headers=viewer)).status_code == 403


async def test_audit_filter_by_naive_datetime_is_a_clear_422(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    response = await client.get("/api/v1/audit-events?since=2026-01-01T00:00:00", headers=manager)
    assert response.status_code == 422


async def test_an_intact_chain_verifies_over_http(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, admin = await signed_in(db, client, org, role="admin")
    await make_user(db, org)
    report = (await client.get("/api/v1/audit-events/verify", headers=admin)).json()["data"]
    async with db.sessionmaker() as session:
        count = len(list(await session.scalars(select(AuditEvent.id))))
    assert report == {"ok": True, "checked": count, "first_bad_uuid": None, "problem": None}


async def test_a_deleted_event_breaks_the_link_of_the_next_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, admin = await signed_in(db, client, org, role="admin")
    await make_user(db, org)
    async with db.sessionmaker() as session:
        rows = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
    async with db.engine.begin() as conn:
        await conn.execute(delete(AuditEvent).where(AuditEvent.id == rows[1].id))
    report = (await client.get("/api/v1/audit-events/verify", headers=admin)).json()["data"]
    assert report["ok"] is False
    assert report["first_bad_uuid"] == str(rows[2].uuid)
    assert report["problem"] == "link to previous event broken"


async def test_events_are_listed_newest_first_and_paginated(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    for _ in range(3):
        await make_user(db, org)
    first = (await client.get("/api/v1/audit-events?per_page=2", headers=manager)).json()
    second = (await client.get(first["links"]["next"], headers=manager)).json()
    times = [e["occurred_at"] for e in first["data"] + second["data"]]
    assert times == sorted(times, reverse=True)
    assert first["meta"]["total"] >= 4 and len(first["data"]) == 2
    assert not {e["uuid"] for e in first["data"]} & {e["uuid"] for e in second["data"]}


async def test_events_filter_by_actor_target_and_action(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    manager, headers = await signed_in(db, client, org)
    target = await make_user(db, org, role="viewer")
    await client.patch(f"/api/v1/users/{target.uuid}", headers=headers, json={"name": "New"})
    by_actor = await client.get(f"/api/v1/audit-events?actor_uuid={manager.uuid}", headers=headers)
    assert {e["actor_uuid"] for e in by_actor.json()["data"]} == {str(manager.uuid)}
    by_target = await client.get(
        f"/api/v1/audit-events?target_uuid={target.uuid}&action=user.updated", headers=headers
    )
    [event] = by_target.json()["data"]
    assert event["changes"]["after"] == {"name": "New"}


async def test_events_filter_by_time_window(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, headers = await signed_in(db, client, org)
    now = datetime.now(UTC)
    later = await client.get(
        f"/api/v1/audit-events?since={stamp(now + timedelta(minutes=1))}", headers=headers
    )
    assert later.json()["data"] == []
    earlier = await client.get(
        f"/api/v1/audit-events?until={stamp(now - timedelta(minutes=1))}", headers=headers
    )
    assert earlier.json()["data"] == []
    inside = await client.get(
        f"/api/v1/audit-events?since={stamp(now - timedelta(minutes=1))}"
        f"&until={stamp(now + timedelta(minutes=1))}",
        headers=headers,
    )
    assert inside.json()["meta"]["total"] > 0


async def test_admin_sees_every_organization_and_filters_by_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    first, second = await make_org(db), await make_org(db)
    _, admin = await signed_in(db, client, first, role="admin")
    stranger = await make_user(db, second)
    everything = await client.get("/api/v1/audit-events?per_page=200", headers=admin)
    assert str(stranger.uuid) in everything.text
    only_first = await client.get(
        f"/api/v1/audit-events?per_page=200&organization={first.uuid}", headers=admin
    )
    assert only_first.status_code == 200 and str(stranger.uuid) not in only_first.text


async def test_manager_cannot_filter_by_another_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    other = await make_org(db)
    response = await client.get(f"/api/v1/audit-events?organization={other.uuid}", headers=manager)
    assert response.status_code == 404


async def test_api_key_with_audit_read_sees_only_its_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    own, other = await make_org(db), await make_org(db)
    _, manager = await signed_in(db, client, own)
    stranger = await make_user(db, other)
    key = await make_api_key(client, manager, ["audit:read"])
    listed = await client.get("/api/v1/audit-events?per_page=200", headers=key_headers(key))
    assert listed.status_code == 200 and listed.json()["meta"]["total"] > 0
    assert str(stranger.uuid) not in listed.text
    verify = await client.get("/api/v1/audit-events/verify", headers=key_headers(key))
    assert verify.status_code == 403
