"""Registration in each mode, and approval after it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.events.models import OutboxEvent
from patchwatch.settings import RegistrationMode
from tests.conftest import RunningServer
from tests.factories import make_org, make_user

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
