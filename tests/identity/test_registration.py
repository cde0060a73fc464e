"""Registration in each mode, and approval after it."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import httpx
import pytest
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.events.models import OutboxEvent
from patchwatch.settings import RegistrationMode
from tests.conftest import RunningServer
from tests.factories import (
    audit_events,
    login_headers,
    make_org,
    make_user,
    outbox_events,
    signed_in,
)

REGISTER = "/api/v1/auth/register"
GOOD = "a long enough passphrase"


@pytest.fixture
def registration_mode(server: RunningServer) -> Iterator[object]:
    original = server.settings.registration

    def set_mode(mode: RegistrationMode) -> None:
        server.settings.registration = mode

    yield set_mode
    server.settings.registration = original


async def test_invited_person_completes_registration_and_waits(
    client: httpx.AsyncClient, db: Database
) -> None:
    invited = await make_user(db, await make_org(db), password=None, approved=False)
    response = await client.post(
        REGISTER, json={"login": invited.login, "email": invited.email, "password": GOOD}
    )
    assert response.status_code == 201
    assert response.json()["data"]["is_approved"] is False
    login = await client.post("/api/v1/auth/login", json={"login": invited.login, "password": GOOD})
    assert login.status_code == 403
    assert login.json()["error"]["code"] == "account_not_approved"
    async with db.sessionmaker() as session:
        kinds = list(await session.scalars(select(OutboxEvent.event_type)))
    assert "user_registered" in kinds


async def test_invite_mode_refuses_a_mismatched_pair_without_saying_which(
    client: httpx.AsyncClient, db: Database
) -> None:
    invited = await make_user(db, await make_org(db), password=None, approved=False)
    wrong_email = await client.post(
        REGISTER, json={"login": invited.login, "email": "other@example.org", "password": GOOD}
    )
    unknown = await client.post(
        REGISTER, json={"login": "stranger", "email": "s@example.org", "password": GOOD}
    )
    assert wrong_email.status_code == unknown.status_code == 422
    assert wrong_email.json() == unknown.json()


async def test_invitation_cannot_be_used_twice(client: httpx.AsyncClient, db: Database) -> None:
    invited = await make_user(db, await make_org(db), password=None, approved=False)
    body = {"login": invited.login, "email": invited.email, "password": GOOD}
    assert (await client.post(REGISTER, json=body)).status_code == 201
    assert (
        await client.post(REGISTER, json=body | {"password": "another passphrase"})
    ).status_code == 422


async def test_weak_password_is_refused_at_registration(
    client: httpx.AsyncClient, db: Database
) -> None:
    invited = await make_user(db, await make_org(db), password=None, approved=False)
    response = await client.post(
        REGISTER, json={"login": invited.login, "email": invited.email, "password": "password123"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "password"


async def test_open_mode_creates_an_organization_with_its_manager(
    client: httpx.AsyncClient, db: Database, registration_mode: object
) -> None:
    registration_mode(RegistrationMode.open)  # type: ignore[operator]
    response = await client.post(
        REGISTER,
        json={
            "login": "founder",
            "email": "f@startup.io",
            "password": GOOD,
            "organization_name": "Startup",
        },
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["role"] == "manager" and data["organization"]["name"] == "Startup"
    assert data["is_approved"] is False


async def test_closed_mode_refuses(
    client: httpx.AsyncClient, db: Database, registration_mode: object
) -> None:
    registration_mode(RegistrationMode.closed)  # type: ignore[operator]
    response = await client.post(
        REGISTER, json={"login": "someone", "email": "s@x.org", "password": GOOD}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "registration_closed"


async def test_pre_approved_invitation_still_waits_for_approval_after_registering(
    client: httpx.AsyncClient, db: Database
) -> None:
    invited = await make_user(db, await make_org(db), password=None, approved=True)
    response = await client.post(
        REGISTER, json={"login": invited.login, "email": invited.email, "password": GOOD}
    )
    assert response.status_code == 201
    assert response.json()["data"]["is_approved"] is False
    assert response.json()["data"]["approved_at"] is None


async def test_registration_answer_has_no_secrets_and_says_approval_is_pending(
    client: httpx.AsyncClient, db: Database
) -> None:
    invited = await make_user(db, await make_org(db), password=None, approved=False)
    response = await client.post(
        REGISTER,
        json={"login": invited.login.upper(), "email": invited.email.upper(), "password": GOOD},
    )
    assert response.status_code == 201
    body = response.json()
    assert "approval" in body["meta"]["message"]
    assert body["data"]["has_password"] is True and body["data"]["login"] == invited.login
    assert GOOD not in response.text and "hash" not in response.text


async def test_registered_person_signs_in_once_approved(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, approver = await signed_in(db, client, org, groups=["login_approvers"])
    invited = await make_user(db, org, password=None, approved=False)
    await client.post(
        REGISTER, json={"login": invited.login, "email": invited.email, "password": GOOD}
    )
    approved = await client.post(f"/api/v1/users/{invited.uuid}/approve", headers=approver)
    assert approved.status_code == 200
    await login_headers(client, invited.login, GOOD)


async def test_registration_is_audited_without_the_password(
    client: httpx.AsyncClient, db: Database
) -> None:
    invited = await make_user(db, await make_org(db), password=None, approved=False)
    await client.post(
        REGISTER, json={"login": invited.login, "email": invited.email, "password": GOOD}
    )
    events = await audit_events(db, invited.uuid)
    [registered] = [e for e in events if e.action == "user.registered"]
    assert registered.changes["mode"] == "invite"
    assert GOOD not in str(registered.changes)
    [event] = await outbox_events(db, invited.uuid)
    assert event.event_type == "user_registered" and event.payload["mode"] == "invite"


async def test_used_invitation_answers_like_an_unknown_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    member = await make_user(db, await make_org(db))  # has a password already
    used = await client.post(
        REGISTER, json={"login": member.login, "email": member.email, "password": GOOD}
    )
    unknown = await client.post(
        REGISTER, json={"login": "nobody", "email": "nobody@example.org", "password": GOOD}
    )
    assert used.status_code == unknown.status_code == 422
    assert used.json() == unknown.json()


async def test_invite_mode_does_not_create_new_people(
    client: httpx.AsyncClient, db: Database
) -> None:
    response = await client.post(
        REGISTER,
        json={"login": "walk-in", "email": "walk@in.org", "password": GOOD, "name": "Walk In"},
    )
    assert response.status_code == 422
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    users = (await client.get("/api/v1/users?q=walk-in", headers=admin)).json()
    assert users["meta"]["total"] == 0


async def test_invalid_registration_input_is_refused_with_the_field(
    client: httpx.AsyncClient, db: Database
) -> None:
    for body, field in (
        ({"login": "a@b", "email": "a@b.org", "password": GOOD}, "body.login"),
        ({"login": "fine", "email": "nope", "password": GOOD}, "body.email"),
        ({"login": "fine", "email": "a@b.org", "password": GOOD, "role": "admin"}, "body.role"),
    ):
        response = await client.post(REGISTER, json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["details"][0]["field"] == field


async def test_open_mode_emits_user_registered_and_waits_for_approval(
    client: httpx.AsyncClient, db: Database, registration_mode: object
) -> None:
    registration_mode(RegistrationMode.open)  # type: ignore[operator]
    response = await client.post(
        REGISTER, json={"login": "Solo", "email": "solo@example.org", "password": GOOD}
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["login"] == "solo" and data["organization"]["name"] == "solo's organization"
    [event] = await outbox_events(db, UUID(data["uuid"]))
    assert event.event_type == "user_registered" and event.payload["mode"] == "open"
    login = await client.post("/api/v1/auth/login", json={"login": "solo", "password": GOOD})
    assert login.status_code == 403


async def test_open_mode_refuses_a_taken_login_or_email(
    client: httpx.AsyncClient, db: Database, registration_mode: object
) -> None:
    existing = await make_user(db, await make_org(db))
    registration_mode(RegistrationMode.open)  # type: ignore[operator]
    for body in (
        {"login": existing.login, "email": "new@example.org", "password": GOOD},
        {"login": "brand-new", "email": existing.email, "password": GOOD},
    ):
        response = await client.post(REGISTER, json=body)
        assert response.status_code == 409, body
    _, admin = await signed_in(db, client, await make_org(db, "Admins"), role="admin")
    orgs = (await client.get("/api/v1/organizations?per_page=200", headers=admin)).json()
    assert orgs["meta"]["total"] == 2  # the failed sign-ups left no organization behind


async def test_open_mode_refuses_a_weak_password(
    client: httpx.AsyncClient, db: Database, registration_mode: object
) -> None:
    registration_mode(RegistrationMode.open)  # type: ignore[operator]
    response = await client.post(
        REGISTER, json={"login": "weakling", "email": "w@example.org", "password": "weakling"}
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["error"]["details"]} == {"password"}


async def test_closed_mode_refuses_even_an_invited_person(
    client: httpx.AsyncClient, db: Database, registration_mode: object
) -> None:
    invited = await make_user(db, await make_org(db), password=None, approved=False)
    registration_mode(RegistrationMode.closed)  # type: ignore[operator]
    response = await client.post(
        REGISTER, json={"login": invited.login, "email": invited.email, "password": GOOD}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "registration_closed"
