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


async def test_unknown_permissions_are_all_listed(client: httpx.AsyncClient, db: Database) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    response = await client.post(
        "/api/v1/roles",
        headers=admin,
        json={"name": "odd", "permissions": ["sites:read", "sites:destroy", "users:own"]},
    )
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [d["message"] for d in details] == ["unknown: sites:destroy", "unknown: users:own"]


async def test_builtin_admin_role_cannot_lose_anything(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    roles = (await client.get("/api/v1/roles?per_page=200", headers=admin)).json()["data"]
    admin_role = next(r for r in roles if r["name"] == "admin")
    for body in ({"description": "renamed"}, {"permissions": admin_role["permissions"][1:]}):
        response = await client.patch(
            f"/api/v1/roles/{admin_role['uuid']}", headers=admin, json=body
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "builtin_role"
    again = (await client.get("/api/v1/roles?per_page=200", headers=admin)).json()["data"]
    assert next(r for r in again if r["name"] == "admin") == admin_role


async def test_admin_changes_a_custom_roles_permissions(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    role = (
        await client.post(
            "/api/v1/roles", headers=admin, json={"name": "reader", "permissions": ["sites:read"]}
        )
    ).json()["data"]
    response = await client.patch(
        f"/api/v1/roles/{role['uuid']}",
        headers=admin,
        json={"permissions": ["catalog:read", "sites:read", "sites:read"]},
    )
    assert response.status_code == 200
    assert response.json()["data"]["permissions"] == ["catalog:read", "sites:read"]


async def test_role_writer_who_is_not_admin_cannot_escalate(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, admin = await signed_in(db, client, org, role="admin")
    keeper = (
        await client.post(
            "/api/v1/roles",
            headers=admin,
            json={"name": "keeper", "permissions": ["roles:read", "roles:write"]},
        )
    ).json()["data"]
    _, writer = await signed_in(db, client, org, role="keeper")
    own_role = await client.patch(
        f"/api/v1/roles/{keeper['uuid']}",
        headers=writer,
        json={"permissions": ["platform:admin", "roles:read", "roles:write"]},
    )
    assert own_role.status_code == 403
    new_role = await client.post(
        "/api/v1/roles", headers=writer, json={"name": "god", "permissions": ["platform:admin"]}
    )
    assert new_role.status_code == 403


async def test_duplicate_role_name_is_a_conflict(client: httpx.AsyncClient, db: Database) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    response = await client.post(
        "/api/v1/roles", headers=admin, json={"name": "manager", "permissions": []}
    )
    assert response.status_code == 409


async def test_unused_custom_role_is_deleted(client: httpx.AsyncClient, db: Database) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    role = (
        await client.post("/api/v1/roles", headers=admin, json={"name": "gone", "permissions": []})
    ).json()["data"]
    assert (await client.delete(f"/api/v1/roles/{role['uuid']}", headers=admin)).status_code == 200
    names = [r["name"] for r in (await client.get("/api/v1/roles", headers=admin)).json()["data"]]
    assert "gone" not in names


async def test_builtin_manager_role_cannot_be_deleted(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    roles = (await client.get("/api/v1/roles", headers=admin)).json()["data"]
    manager = next(r for r in roles if r["name"] == "manager")
    response = await client.delete(f"/api/v1/roles/{manager['uuid']}", headers=admin)
    assert response.status_code == 409


async def test_role_list_paginates(client: httpx.AsyncClient, db: Database) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    page = (await client.get("/api/v1/roles?per_page=2&sort=name", headers=admin)).json()
    assert [r["name"] for r in page["data"]] == ["admin", "engineer"]
    assert page["meta"]["total"] == 5 and page["links"]["next"] is not None


async def test_admin_creates_a_group_and_a_manager_cannot(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, admin = await signed_in(db, client, org, role="admin")
    _, manager = await signed_in(db, client, org)
    created = await client.post("/api/v1/groups", headers=admin, json={"name": "window_approvers"})
    assert created.status_code == 201
    assert created.json()["data"]["is_builtin"] is False
    duplicate = await client.post(
        "/api/v1/groups", headers=admin, json={"name": "window_approvers"}
    )
    assert duplicate.status_code == 409
    refused = await client.post("/api/v1/groups", headers=manager, json={"name": "mine"})
    assert refused.status_code == 403


async def test_manager_adds_and_removes_a_member_of_their_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    engineer = await make_user(db, org, role="engineer")
    groups = (await client.get("/api/v1/groups", headers=manager)).json()["data"]
    group = next(g for g in groups if g["name"] == "login_approvers")
    member_url = f"/api/v1/groups/{group['uuid']}/members/{engineer.uuid}"
    added = await client.put(member_url, headers=manager)
    assert added.status_code == 200 and added.json()["data"]["groups"] == ["login_approvers"]
    members = await client.get(f"/api/v1/groups/{group['uuid']}/members", headers=manager)
    assert [m["login"] for m in members.json()["data"]] == [engineer.login]
    removed = await client.delete(member_url, headers=manager)
    assert removed.status_code == 200 and removed.json()["data"]["groups"] == []
