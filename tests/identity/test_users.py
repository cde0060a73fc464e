"""Users: admins manage all, managers their organization, nobody escalates privileges."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.events.models import OutboxEvent
from tests.factories import PASSWORD, login_headers, make_org, make_user, signed_in


async def test_manager_invites_a_user_without_password(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    response = await client.post(
        "/api/v1/users",
        headers=manager,
        json={"login": "New.Person", "email": "New@Example.org", "role": "engineer"},
    )
    assert response.status_code == 201
    user = response.json()["data"]
    assert user["login"] == "new.person" and user["email"] == "new@example.org"
    assert user["has_password"] is False and user["is_approved"] is False


async def test_duplicate_login_or_email_is_a_conflict(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    existing = await make_user(db, org)
    _, manager = await signed_in(db, client, org)
    for body in (
        {"login": existing.login, "email": "fresh@example.org"},
        {"login": "fresh-login", "email": existing.email},
    ):
        response = await client.post("/api/v1/users", headers=manager, json=body)
        assert response.status_code == 409


async def test_manager_cannot_see_or_change_another_organizations_users(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    stranger = await make_user(db, await make_org(db))
    assert (await client.get(f"/api/v1/users/{stranger.uuid}", headers=manager)).status_code == 404
    patch = await client.patch(
        f"/api/v1/users/{stranger.uuid}", headers=manager, json={"name": "x"}
    )
    assert patch.status_code == 404
    listed = (await client.get("/api/v1/users?per_page=200", headers=manager)).json()["data"]
    assert stranger.login not in {u["login"] for u in listed}


async def test_manager_cannot_make_anyone_an_admin(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    colleague = await make_user(db, org, role="engineer")
    created = await client.post(
        "/api/v1/users",
        headers=manager,
        json={"login": "boss", "email": "b@x.org", "role": "admin"},
    )
    assert created.status_code == 403
    assert created.json()["error"]["code"] == "privilege_escalation"
    promoted = await client.patch(
        f"/api/v1/users/{colleague.uuid}", headers=manager, json={"role": "admin"}
    )
    assert promoted.status_code == 403


async def test_manager_cannot_deactivate_an_admin_of_their_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    admin = await make_user(db, org, role="admin")
    _, manager = await signed_in(db, client, org)
    response = await client.post(f"/api/v1/users/{admin.uuid}/deactivate", headers=manager)
    assert response.status_code == 403


async def test_viewer_cannot_create_users(client: httpx.AsyncClient, db: Database) -> None:
    _, viewer = await signed_in(db, client, await make_org(db), role="viewer")
    response = await client.post(
        "/api/v1/users", headers=viewer, json={"login": "a1", "email": "a@b.org"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["details"] == [{"permission": "users:write"}]


async def test_deactivation_ends_sessions_and_activation_restores_login(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    engineer = await make_user(db, org, role="engineer")
    engineer_headers = await login_headers(client, engineer.login)
    response = await client.post(f"/api/v1/users/{engineer.uuid}/deactivate", headers=manager)
    assert response.json()["data"]["is_active"] is False
    assert (await client.get("/api/v1/me", headers=engineer_headers)).status_code == 401
    await client.post(f"/api/v1/users/{engineer.uuid}/activate", headers=manager)
    await login_headers(client, engineer.login)


async def test_nobody_deactivates_or_deletes_themselves(
    client: httpx.AsyncClient, db: Database
) -> None:
    me, headers = await signed_in(db, client, await make_org(db))
    assert (
        await client.post(f"/api/v1/users/{me.uuid}/deactivate", headers=headers)
    ).status_code == 409
    assert (await client.delete(f"/api/v1/users/{me.uuid}", headers=headers)).status_code == 409


async def test_soft_deleted_user_is_hidden_and_cannot_sign_in(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    doomed = await make_user(db, org, role="viewer")
    assert (await client.delete(f"/api/v1/users/{doomed.uuid}", headers=manager)).status_code == 200
    assert (await client.get(f"/api/v1/users/{doomed.uuid}", headers=manager)).status_code == 404
    response = await client.post(
        "/api/v1/auth/login", json={"login": doomed.login, "password": PASSWORD}
    )
    assert response.status_code == 401


async def test_user_list_filters_and_searches(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    await make_user(db, org, role="engineer", login="eng-zebra")
    await make_user(db, org, role="viewer", login="view-zebra", approved=False)
    found = (await client.get("/api/v1/users?q=zebra&sort=login", headers=manager)).json()
    assert [u["login"] for u in found["data"]] == ["eng-zebra", "view-zebra"]
    engineers = (await client.get("/api/v1/users?role=engineer", headers=manager)).json()
    assert [u["login"] for u in engineers["data"]] == ["eng-zebra"]
    pending = (await client.get("/api/v1/users?is_approved=false", headers=manager)).json()
    assert [u["login"] for u in pending["data"]] == ["view-zebra"]


async def test_login_approver_of_the_organization_approves(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, approver = await signed_in(db, client, org, groups=["login_approvers"])
    waiting = await make_user(db, org, role="viewer", approved=False)
    response = await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=approver)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["is_approved"] is True and data["approved_at"] is not None
    assert data["approved_by"] is not None
    async with db.sessionmaker() as session:
        events = list(
            await session.scalars(
                select(OutboxEvent).where(OutboxEvent.aggregate_uuid == waiting.uuid)
            )
        )
    assert [e.event_type for e in events] == ["user_approved"]
    await login_headers(client, waiting.login)


async def test_manager_outside_login_approvers_cannot_approve(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    waiting = await make_user(db, org, approved=False)
    response = await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=manager)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_an_approver"


async def test_login_approver_of_another_organization_cannot_approve(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, approver = await signed_in(db, client, await make_org(db), groups=["login_approvers"])
    waiting = await make_user(db, await make_org(db), approved=False)
    response = await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=approver)
    assert response.status_code == 404


async def test_engineer_cannot_approve(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, engineer = await signed_in(db, client, org, role="engineer", groups=["login_approvers"])
    waiting = await make_user(db, org, approved=False)
    response = await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=engineer)
    assert response.status_code == 403


async def test_admin_approves_in_any_organization(client: httpx.AsyncClient, db: Database) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    waiting = await make_user(db, await make_org(db), approved=False)
    response = await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=admin)
    assert response.status_code == 200


async def test_manager_sets_groups_of_their_users(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    engineer = await make_user(db, org, role="engineer")
    response = await client.put(
        f"/api/v1/users/{engineer.uuid}/groups",
        headers=manager,
        json={"groups": ["login_approvers"]},
    )
    assert response.json()["data"]["groups"] == ["login_approvers"]
    unknown = await client.put(
        f"/api/v1/users/{engineer.uuid}/groups", headers=manager, json={"groups": ["nope"]}
    )
    assert unknown.status_code == 404
