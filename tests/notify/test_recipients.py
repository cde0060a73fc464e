"""Who hears of what: each kind reaches the people it concerns, driven by the real flows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from patchwatch.db import Database
from patchwatch.identity.models import User
from tests.factories import make_org, make_site, make_user, signed_in
from tests.notify.helpers import emit_event, emit_security_update, notifications_of, run_notifier

WINDOW = (datetime.now(UTC) + timedelta(days=20)).isoformat()


async def _kinds(db: Database, user: User) -> list[str]:
    return [n.kind for n in await notifications_of(db, user.id)]


async def test_security_update_reaches_the_organization_not_others(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    manager, headers = await signed_in(db, client, org)
    viewer = await make_user(db, org, role="viewer")
    requester = await make_user(db, org, role="requester")
    outsider = await make_user(db, await make_org(db), role="engineer")
    site = await make_site(client, headers, "https://shop.example.org")

    await emit_security_update(db, org, site)
    await run_notifier(db)

    assert await _kinds(db, manager) == ["security_update"]
    assert await _kinds(db, viewer) == ["security_update"]
    assert await _kinds(db, requester) == ["security_update"]  # requesters read sites too
    assert await _kinds(db, outsider) == []


async def test_an_event_delivered_twice_notifies_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    from patchwatch.events.bus import Event
    from patchwatch.notify.fanout import notify_event

    org = await make_org(db)
    manager, headers = await signed_in(db, client, org)
    site = await make_site(client, headers, "https://shop.example.org")
    event = Event(
        id=1,
        uuid=uuid.uuid4(),
        event_type="sla_breached",
        version=1,
        aggregate_type="site",
        aggregate_uuid=uuid.UUID(site["uuid"]),
        organization_id=org.id,
        payload={"site_uuid": site["uuid"], "package": "views", "sla_due_at": "2026-11-01"},
        occurred_at=datetime.now(UTC),
    )
    for _ in range(2):
        async with db.sessionmaker() as session:
            await notify_event(session, event)
            await session.commit()

    assert await _kinds(db, manager) == ["sla_breached"]


async def test_maintenance_request_goes_to_deciders_and_the_answer_to_the_requester(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    manager, headers = await signed_in(db, client, org)
    requester, requester_headers = await signed_in(db, client, org, role="requester")
    site = await make_site(client, headers, "https://shop.example.org", name="Shop")
    booked = await client.post(
        "/api/v1/maintenance-requests",
        headers=requester_headers,
        json={
            "site_uuid": site["uuid"],
            "topic": "Core update",
            "starts_at": WINDOW,
            "duration_minutes": 60,
            "contact_email": "ops@example.org",
        },
    )
    assert booked.status_code == 201, booked.text
    await run_notifier(db)
    submitted = await _kinds(db, manager)

    rejected = await client.post(
        f"/api/v1/maintenance-requests/{booked.json()['data']['uuid']}/reject",
        headers=headers,
        json={"reason": "Freeze week"},
    )
    assert rejected.status_code == 200, rejected.text
    await run_notifier(db)

    assert submitted == ["maintenance_submitted"]
    [answer] = await notifications_of(db, requester.id)
    assert answer.kind == "maintenance_rejected"
    assert "Freeze week" in answer.body and "Shop" in answer.title
    assert answer.link == f"/maintenance/{booked.json()['data']['uuid']}"


async def test_registration_waits_for_login_approvers_and_approval_is_told(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    approver, headers = await signed_in(db, client, org, groups=["login_approvers"])
    other_manager = await make_user(db, org)
    invited = await make_user(db, org, password=None, approved=False, role="viewer")
    registered = await client.post(
        "/api/v1/auth/register",
        json={"login": invited.login, "email": invited.email, "password": "a long passphrase!"},
    )
    assert registered.status_code == 201, registered.text
    await run_notifier(db)
    waiting = await _kinds(db, approver)

    approved = await client.post(f"/api/v1/users/{invited.uuid}/approve", headers=headers)
    assert approved.status_code == 200, approved.text
    await run_notifier(db)

    assert waiting == ["registration_pending"]
    assert await _kinds(db, other_manager) == []
    assert await _kinds(db, invited) == ["account_approved"]


async def test_import_finished_is_told_to_the_importer(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    manager, headers = await signed_in(db, client, org)
    colleague = await make_user(db, org)
    imported = await client.post(
        "/api/v1/imports",
        headers=headers,
        data={"kind": "sites", "dry_run": "true"},
        files={"file": ("sites.csv", b"url\nhttps://a.example.org\n")},
    )
    assert imported.status_code == 201, imported.text
    await run_notifier(db)

    [told] = await notifications_of(db, manager.id)
    assert told.kind == "import_finished" and "sites.csv" in told.title
    assert await _kinds(db, colleague) == []


async def test_task_assignment_is_told_to_the_assignee_only(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    manager = await make_user(db, org)
    engineer = await make_user(db, org, role="engineer")
    task_uuid = uuid.uuid4()
    await emit_event(
        db,
        "task_assigned",
        org,
        {"task_uuid": str(task_uuid), "title": "Update views", "user_uuid": str(engineer.uuid)},
        aggregate_type="task",
        aggregate_uuid=task_uuid,
    )
    await run_notifier(db)

    [told] = await notifications_of(db, engineer.id)
    assert told.kind == "task_assigned" and told.link == f"/tasks/{task_uuid}"
    assert await _kinds(db, manager) == []


async def test_catalog_sync_failure_is_told_to_platform_admins(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    admin = await make_user(db, org, role="admin")
    manager = await make_user(db, org)
    await emit_event(
        db,
        "catalog_sync_failed",
        None,
        {"failures": [{"package": "views", "error": "HTTP 503"}]},
        aggregate_type="catalog",
    )
    await run_notifier(db)

    assert await _kinds(db, admin) == ["catalog_sync_failed"]
    assert await _kinds(db, manager) == []
