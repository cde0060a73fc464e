"""Roles as permission sets, groups as sets of users."""

from __future__ import annotations

import httpx

from patchwatch.db import Database
from tests.factories import make_org, make_user, signed_in


async def test_admin_creates_a_role_and_assigns_it(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, admin = await signed_in(db, client, org, role="admin")
    created = await client.post(
        "/api/v1/roles",
        headers=admin,
        json={"name": "auditor", "permissions": ["audit:read", "sites:read"]},
    )
    assert created.status_code == 201
    user = await make_user(db, org, role="viewer")
    patched = await client.patch(
        f"/api/v1/users/{user.uuid}", headers=admin, json={"role": "auditor"}
    )
    assert patched.json()["data"]["role"] == "auditor"


async def test_unknown_permission_is_refused_with_details(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    response = await client.post(
        "/api/v1/roles", headers=admin, json={"name": "odd", "permissions": ["sites:destroy"]}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_permission"


async def test_builtin_admin_role_cannot_change(client: httpx.AsyncClient, db: Database) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    roles = (await client.get("/api/v1/roles", headers=admin)).json()["data"]
    admin_role = next(r for r in roles if r["name"] == "admin")
    response = await client.patch(
        f"/api/v1/roles/{admin_role['uuid']}", headers=admin, json={"permissions": ["sites:read"]}
    )
    assert response.status_code == 409
    assert (
        await client.delete(f"/api/v1/roles/{admin_role['uuid']}", headers=admin)
    ).status_code == 409


async def test_role_in_use_cannot_be_deleted(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, admin = await signed_in(db, client, org, role="admin")
    role = (
        await client.post("/api/v1/roles", headers=admin, json={"name": "temp", "permissions": []})
    ).json()["data"]
    await make_user(db, org, role="temp")
    response = await client.delete(f"/api/v1/roles/{role['uuid']}", headers=admin)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "role_in_use"


async def test_manager_cannot_create_roles(client: httpx.AsyncClient, db: Database) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    response = await client.post(
        "/api/v1/roles", headers=manager, json={"name": "mine", "permissions": ["sites:read"]}
    )
    assert response.status_code == 403


async def test_login_approvers_group_exists_from_the_start(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, viewer = await signed_in(db, client, await make_org(db), role="viewer")
    response = await client.get("/api/v1/groups", headers=viewer)
    assert response.status_code == 403  # viewers do not read groups
    _, manager = await signed_in(db, client, await make_org(db))
    names = [
        g["name"] for g in (await client.get("/api/v1/groups", headers=manager)).json()["data"]
    ]
    assert "login_approvers" in names


async def test_group_members_are_scoped_to_the_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    own, other = await make_org(db), await make_org(db)
    mine = await make_user(db, own, groups=["login_approvers"])
    theirs = await make_user(db, other, groups=["login_approvers"])
    _, manager = await signed_in(db, client, own)
    groups = (await client.get("/api/v1/groups", headers=manager)).json()["data"]
    group = next(g for g in groups if g["name"] == "login_approvers")
    members = (await client.get(f"/api/v1/groups/{group['uuid']}/members", headers=manager)).json()[
        "data"
    ]
    logins = {m["login"] for m in members}
    assert mine.login in logins and theirs.login not in logins
    add = await client.put(f"/api/v1/groups/{group['uuid']}/members/{theirs.uuid}", headers=manager)
    assert add.status_code == 404
