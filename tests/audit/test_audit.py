"""The audit trail: every identity change is recorded, chained, scoped and verifiable."""

from __future__ import annotations

import itertools

import httpx
from sqlalchemy import select, update

from patchwatch.audit import service as audit
from patchwatch.audit.models import AuditEvent
from patchwatch.db import Database
from tests.factories import PASSWORD, make_org, make_user, signed_in


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
    async with db.engine.begin() as conn:
        await conn.execute(
            update(AuditEvent).where(AuditEvent.id == victim.id).values(changes={"forged": True})
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
