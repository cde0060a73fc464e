"""The internal /user identity API (pypatch3 design), behind an identity:service key."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.identity import service as identity
from patchwatch.identity.models import Role
from tests.factories import PASSWORD, key_headers, make_api_key, make_org, make_user, signed_in

SERVICE_PERMISSIONS = [
    "identity:service",
    "users:read",
    "users:write",
    # enough to create viewers through the API (nobody grants more than they hold)
    "sites:read",
    "snapshots:read",
    "catalog:read",
    "organizations:read",
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
