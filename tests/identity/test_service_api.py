"""The internal /user identity API (pypatch3 design), behind an identity:service key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from patchwatch.audit.models import AuditEvent
from patchwatch.db import Database
from patchwatch.identity import service as identity
from patchwatch.identity.models import Role
from patchwatch.identity.permissions import BUILTIN_ROLES
from patchwatch.settings import RegistrationMode
from tests.conftest import RunningServer
from tests.factories import PASSWORD, key_headers, make_api_key, make_org, make_user, signed_in

SERVICE_PERMISSIONS = [
    "identity:service",
    "users:read",
    "users:write",
    # enough to create viewers through the API (nobody grants more than they hold)
    *BUILTIN_ROLES["viewer"][1],
]


async def service_key(client: httpx.AsyncClient, db: Database, org: Any) -> dict[str, str]:
    """An API key with identity:service, created by a user whose role holds it."""
    async with db.sessionmaker() as session:
        if await session.scalar(select(Role).where(Role.name == "svc-owner")) is None:
            await identity.create_role(
                session,
                None,
                name="svc-owner",
                description="",
                permissions=[*SERVICE_PERMISSIONS, "api_keys:write"],
            )
            await session.commit()
    _, owner = await signed_in(db, client, org, role="svc-owner")
    return key_headers(await make_api_key(client, owner, SERVICE_PERMISSIONS))


@pytest.fixture
def closed_registration(server: RunningServer) -> Iterator[None]:
    original = server.settings.registration
    server.settings.registration = RegistrationMode.closed
    yield
    server.settings.registration = original


async def authn(
    client: httpx.AsyncClient, headers: dict[str, str], login: str, password: str
) -> Any:
    response = await client.post(
        f"/user/authn/{login}", headers=headers, json={"password": password}
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_authn_answers_true_or_false(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    user = await make_user(db, org, role="viewer")
    good = await client.post(
        f"/user/authn/{user.login}", headers=headers, json={"password": PASSWORD}
    )
    bad = await client.post(
        f"/user/authn/{user.login}", headers=headers, json={"password": "nope-nope"}
    )
    unknown = await client.post("/user/authn/ghost", headers=headers, json={"password": PASSWORD})
    assert good.json() == {"data": True, "meta": {}, "links": {"next": None, "prev": None}}
    assert bad.json()["data"] is False and unknown.json()["data"] is False
    with_get = await client.request(
        "GET", f"/user/authn/{user.login}", headers=headers, json={"password": PASSWORD}
    )
    assert with_get.json()["data"] is True


async def test_the_service_api_is_never_anonymous(client: httpx.AsyncClient, db: Database) -> None:
    user = await make_user(db, await make_org(db))
    response = await client.post(f"/user/authn/{user.login}", json={"password": PASSWORD})
    assert response.status_code == 401
    _, manager = await signed_in(db, client, await make_org(db))
    response = await client.get(f"/user/{user.login}", headers=manager)
    assert response.status_code == 403


async def test_authz_checks_group_membership(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    approver = await make_user(db, org, groups=["login_approvers"])
    plain = await make_user(db, org)
    yes = await client.get(f"/user/authz/{approver.login}/login_approvers", headers=headers)
    no = await client.get(f"/user/authz/{plain.login}/login_approvers", headers=headers)
    assert yes.json()["data"] is True and no.json()["data"] is False


async def test_crud_create_read_update_delete(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    created = await client.put(
        "/user/svc-made", headers=headers, json={"email": "svc@example.org", "name": "Made"}
    )
    assert created.status_code == 201
    again = await client.put("/user/svc-made", headers=headers, json={"email": "x@example.org"})
    assert again.status_code == 409
    updated = await client.post("/user/svc-made", headers=headers, json={"name": "Renamed"})
    assert updated.json()["data"]["name"] == "Renamed"
    assert (await client.get("/user/svc-made", headers=headers)).json()["data"][
        "login"
    ] == "svc-made"
    assert (await client.delete("/user/svc-made", headers=headers)).status_code == 200
    assert (await client.get("/user/svc-made", headers=headers)).status_code == 404


async def test_register_then_approve_by_a_login_approver(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    invited = await make_user(db, org, role="viewer", password=None, approved=False)
    approver = await make_user(db, org, groups=["login_approvers"])
    plain = await make_user(db, org)
    registered = await client.post(
        "/user/register",
        headers=headers,
        json={"login": invited.login, "email": invited.email, "password": "fresh passphrase 1"},
    )
    assert registered.status_code == 201
    refused = await client.post(
        "/user/approve", headers=headers, json={"login": invited.login, "authz_login": plain.login}
    )
    assert refused.status_code == 403
    approved = await client.post(
        "/user/approve",
        headers=headers,
        json={"login": invited.login, "authz_login": approver.login},
    )
    assert approved.json()["data"]["is_approved"] is True


async def test_service_key_never_sees_another_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await service_key(client, db, await make_org(db))
    stranger = await make_user(db, await make_org(db))
    assert (await client.get(f"/user/{stranger.login}", headers=headers)).status_code == 404
    authn = await client.post(
        f"/user/authn/{stranger.login}", headers=headers, json={"password": PASSWORD}
    )
    assert authn.json()["data"] is False
    authz = await client.get(f"/user/authz/{stranger.login}/login_approvers", headers=headers)
    assert authz.json()["data"] is False
    assert (await client.delete(f"/user/{stranger.login}", headers=headers)).status_code == 404


@pytest.mark.parametrize(
    "fields",
    [
        {"approved": False},
        {"is_active": False},
        {"is_deleted": True},
        {"totp_enabled": True},
    ],
    ids=["unapproved", "deactivated", "deleted", "two_factor"],
)
async def test_authn_is_false_for_users_who_cannot_sign_in_with_a_password(
    client: httpx.AsyncClient, db: Database, fields: dict[str, Any]
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    user = await make_user(db, org, role="viewer", **fields)
    assert await authn(client, headers, user.login, PASSWORD) is False


async def test_authn_without_a_body_is_a_422(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    user = await make_user(db, org, role="viewer")
    response = await client.get(f"/user/authn/{user.login}", headers=headers)
    assert response.status_code == 422


async def test_repeated_authn_failures_lock_the_account(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    user = await make_user(db, org, role="viewer")
    for _ in range(server.settings.login_max_failures_per_account):
        assert await authn(client, headers, user.login, "wrong password!") is False
    locked = await client.post(
        f"/user/authn/{user.login}", headers=headers, json={"password": PASSWORD}
    )
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    signin = await client.post(
        "/api/v1/auth/login", json={"login": user.login, "password": PASSWORD}
    )
    assert signin.status_code == 429


async def test_user_json_holds_no_secrets(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    user = await make_user(db, org, role="viewer")
    response = await client.get(f"/user/{user.login}", headers=headers)
    data = response.json()["data"]
    assert data["login"] == user.login and data["has_password"] is True
    assert not {"password", "password_hash", "totp_secret"} & set(data)
    assert "argon2" not in response.text


async def test_update_changes_the_password_and_deactivates(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    user = await make_user(db, org, role="viewer")
    new_password = "a brand new passphrase"
    changed = await client.post(
        f"/user/{user.login}", headers=headers, json={"password": new_password}
    )
    assert changed.status_code == 200
    assert await authn(client, headers, user.login, PASSWORD) is False
    assert await authn(client, headers, user.login, new_password) is True
    await client.post(f"/user/{user.login}", headers=headers, json={"is_active": False})
    assert await authn(client, headers, user.login, new_password) is False


async def test_update_refuses_a_weak_password(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    user = await make_user(db, org, role="viewer")
    response = await client.post(f"/user/{user.login}", headers=headers, json={"password": "short"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "weak_password"


async def test_update_cannot_touch_a_user_with_more_permissions_than_the_key(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    manager = await make_user(db, org, role="manager")
    response = await client.post(
        f"/user/{manager.login}", headers=headers, json={"password": "a takeover passphrase"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "privilege_escalation"


async def test_create_defaults_to_viewer_and_grants_no_more_than_the_key(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    created = await client.put("/user/plain-one", headers=headers, json={"email": "p@example.org"})
    data = created.json()["data"]
    assert data["role"] == "viewer" and data["organization"]["uuid"] == str(org.uuid)
    assert data["is_approved"] is False
    escalated = await client.put(
        "/user/boss-one", headers=headers, json={"email": "b@example.org", "role": "admin"}
    )
    assert escalated.status_code == 403


async def test_create_refuses_a_login_that_would_shadow_a_route(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await service_key(client, db, await make_org(db))
    response = await client.put("/user/register", headers=headers, json={"email": "r@example.org"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "reserved_login"


async def test_approve_refuses_unknown_foreign_and_inactive_approvers(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    invited = await make_user(db, org, role="viewer", approved=False)
    foreign = await make_user(db, await make_org(db), groups=["login_approvers"])
    inactive = await make_user(db, org, groups=["login_approvers"], is_active=False)
    for authz_login in ("nobody-here", foreign.login, inactive.login):
        response = await client.post(
            "/user/approve",
            headers=headers,
            json={"login": invited.login, "authz_login": authz_login},
        )
        assert response.status_code == 403, authz_login
        assert response.json()["error"]["code"] == "not_an_approver"


async def test_approval_records_the_approver_and_the_key(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    invited = await make_user(db, org, role="viewer", approved=False)
    approver = await make_user(db, org, groups=["login_approvers"])
    approved = await client.post(
        "/user/approve",
        headers=headers,
        json={"login": invited.login, "authz_login": approver.login},
    )
    assert approved.json()["data"]["approved_by"] == str(approver.uuid)
    async with db.sessionmaker() as session:
        event = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "user.approved", AuditEvent.target_uuid == invited.uuid
            )
        )
    assert event is not None and event.actor_uuid == approver.uuid
    assert "via api key pw_" in event.actor_label


async def test_register_needs_the_exact_invited_pair(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    invited = await make_user(db, org, role="viewer", password=None, approved=False)
    response = await client.post(
        "/user/register",
        headers=headers,
        json={
            "login": invited.login,
            "email": "other@example.org",
            "password": "fresh passphrase 1",
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_invitation"


@pytest.mark.usefixtures("closed_registration")
async def test_register_is_refused_while_registration_is_closed(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    invited = await make_user(db, org, role="viewer", password=None, approved=False)
    response = await client.post(
        "/user/register",
        headers=headers,
        json={"login": invited.login, "email": invited.email, "password": "fresh passphrase 1"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "registration_closed"


async def test_changes_through_the_service_api_are_audited_with_the_key_as_actor(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    headers = await service_key(client, db, org)
    await client.put("/user/audited-one", headers=headers, json={"email": "au@example.org"})
    await client.post("/user/audited-one", headers=headers, json={"name": "Renamed"})
    await client.delete("/user/audited-one", headers=headers)
    async with db.sessionmaker() as session:
        events = list(
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_(["user.created", "user.updated", "user.deleted"]))
                .order_by(AuditEvent.id)
            )
        )
    mine = [e for e in events if e.actor_type == "api_key"]
    assert [e.action for e in mine] == ["user.created", "user.updated", "user.deleted"]
