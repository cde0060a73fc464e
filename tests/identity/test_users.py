"""Users: admins manage all, managers their organization, nobody escalates privileges."""

from __future__ import annotations

from uuid import UUID

import httpx
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.events.models import OutboxEvent
from tests.factories import (
    PASSWORD,
    audit_events,
    key_headers,
    login_headers,
    make_api_key,
    make_org,
    make_user,
    outbox_events,
    signed_in,
)


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
    me, approver = await signed_in(db, client, org, groups=["login_approvers"])
    waiting = await make_user(db, org, role="viewer", approved=False)
    response = await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=approver)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["is_approved"] is True and data["approved_at"] is not None
    assert data["approved_by"] == str(me.uuid)
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


async def test_engineer_in_login_approvers_approves(
    client: httpx.AsyncClient, db: Database
) -> None:
    # Membership of login_approvers of the same organization is what counts, not the role.
    org = await make_org(db)
    _, engineer = await signed_in(db, client, org, role="engineer", groups=["login_approvers"])
    waiting = await make_user(db, org, approved=False)
    response = await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=engineer)
    assert response.status_code == 200
    assert response.json()["data"]["is_approved"] is True


async def test_plain_engineer_cannot_approve(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, engineer = await signed_in(db, client, org, role="engineer")
    waiting = await make_user(db, org, approved=False)
    response = await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=engineer)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_an_approver"


async def test_approval_writes_an_outbox_event_and_an_audit_event(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    me, approver = await signed_in(db, client, org, groups=["login_approvers"])
    waiting = await make_user(db, org, approved=False)
    await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=approver)
    [event] = await outbox_events(db, waiting.uuid)
    assert event.event_type == "user_approved"
    assert event.organization_id == org.id
    assert event.payload["approved_by"] == str(me.uuid)
    actions = [(e.action, e.actor_uuid) for e in await audit_events(db, waiting.uuid)]
    assert ("user.approved", me.uuid) in actions


async def test_invitation_cannot_be_approved_before_registration(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, approver = await signed_in(db, client, org, groups=["login_approvers"])
    invited = await make_user(db, org, password=None, approved=False)
    response = await client.post(f"/api/v1/users/{invited.uuid}/approve", headers=approver)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_registered"


async def test_api_key_cannot_approve(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, approver = await signed_in(db, client, org, groups=["login_approvers"])
    key = await make_api_key(client, approver, ["users:read", "users:approve"])
    waiting = await make_user(db, org, approved=False)
    response = await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=key_headers(key))
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


async def test_manager_cannot_change_the_groups_of_an_admin(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    admin = await make_user(db, org, role="admin", groups=["login_approvers"])
    _, manager = await signed_in(db, client, org)
    response = await client.put(
        f"/api/v1/users/{admin.uuid}/groups", headers=manager, json={"groups": []}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "privilege_escalation"


async def test_manager_creates_users_only_in_their_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    other = await make_org(db)
    response = await client.post(
        "/api/v1/users",
        headers=manager,
        json={"login": "planted", "email": "p@x.org", "organization_uuid": str(other.uuid)},
    )
    assert response.status_code == 404


async def test_admin_creates_a_user_in_any_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    other = await make_org(db)
    response = await client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "login": "placed",
            "email": "placed@x.org",
            "organization_uuid": str(other.uuid),
            "password": "a long enough passphrase",
            "is_approved": True,
        },
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["organization"]["uuid"] == str(other.uuid) and data["is_approved"] is True
    await login_headers(client, "placed", "a long enough passphrase")


async def test_invitation_cannot_be_created_approved(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    response = await client.post(
        "/api/v1/users",
        headers=manager,
        json={"login": "early", "email": "early@x.org", "is_approved": True},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invitation_not_approvable"


async def test_invalid_login_or_email_is_refused_with_the_field(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    for body, field in (
        ({"login": "someone@example.org", "email": "s@example.org"}, "body.login"),
        ({"login": "-dash", "email": "s@example.org"}, "body.login"),
        ({"login": "x", "email": "s@example.org"}, "body.login"),
        ({"login": "fine", "email": "not-an-email"}, "body.email"),
    ):
        response = await client.post("/api/v1/users", headers=manager, json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["details"][0]["field"] == field


async def test_weak_password_is_refused_when_creating_a_user(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    response = await client.post(
        "/api/v1/users",
        headers=manager,
        json={"login": "weak", "email": "weak@x.org", "password": "qwertyuiop"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "password"


async def test_changing_email_to_a_taken_one_is_a_conflict(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    first, second = await make_user(db, org), await make_user(db, org)
    response = await client.patch(
        f"/api/v1/users/{second.uuid}", headers=manager, json={"email": first.email.upper()}
    )
    assert response.status_code == 409


async def test_viewer_cannot_read_or_change_users(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, viewer = await signed_in(db, client, org, role="viewer")
    colleague = await make_user(db, org, role="viewer")
    assert (await client.get("/api/v1/users", headers=viewer)).status_code == 403
    patched = await client.patch(
        f"/api/v1/users/{colleague.uuid}", headers=viewer, json={"name": "x"}
    )
    assert patched.status_code == 403
    deleted = await client.delete(f"/api/v1/users/{colleague.uuid}", headers=viewer)
    assert deleted.status_code == 403


async def test_deleting_a_user_ends_their_sessions(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    doomed, doomed_headers = await signed_in(db, client, org, role="engineer")
    assert (await client.get("/api/v1/me", headers=doomed_headers)).status_code == 200
    await client.delete(f"/api/v1/users/{doomed.uuid}", headers=manager)
    response = await client.get("/api/v1/me", headers=doomed_headers)
    assert response.status_code == 401


async def test_user_changes_are_audited_with_before_and_after(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    user = await make_user(db, org, role="viewer", name="Old Name")
    await client.patch(
        f"/api/v1/users/{user.uuid}",
        headers=manager,
        json={"name": "New Name", "role": "engineer"},
    )
    await client.post(f"/api/v1/users/{user.uuid}/deactivate", headers=manager)
    events = {e.action: e.changes for e in await audit_events(db, user.uuid)}
    assert events["user.updated"] == {
        "before": {"name": "Old Name", "role": "viewer"},
        "after": {"name": "New Name", "role": "engineer"},
    }
    assert events["user.deactivated"] == {"is_active": {"before": True, "after": False}}
    assert "password" not in str(events["user.created"]).replace("[redacted]", "")


async def test_user_list_paginates_and_sorts(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org, login="aaa-manager")
    for name in ("ccc", "bbb", "ddd"):
        await make_user(db, org, login=f"{name}-user")
    first = (await client.get("/api/v1/users?per_page=2&sort=-login", headers=manager)).json()
    assert [u["login"] for u in first["data"]] == ["ddd-user", "ccc-user"]
    assert first["meta"]["total"] == 4 and "page=2" in first["links"]["next"]
    second = (await client.get(first["links"]["next"], headers=manager)).json()
    assert [u["login"] for u in second["data"]] == ["bbb-user", "aaa-manager"]
    assert second["links"]["next"] is None and second["links"]["prev"] is not None


async def test_admin_filters_users_by_organization_and_activity(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    other = await make_org(db)
    active = await make_user(db, other)
    inactive = await make_user(db, other, is_active=False)
    base = f"/api/v1/users?organization={other.uuid}"
    listed = (await client.get(base, headers=admin)).json()["data"]
    assert {u["login"] for u in listed} == {active.login, inactive.login}
    only_inactive = (await client.get(f"{base}&is_active=false", headers=admin)).json()["data"]
    assert [u["login"] for u in only_inactive] == [inactive.login]


async def test_manager_filtering_by_another_organization_gets_404(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    other = await make_org(db)
    response = await client.get(f"/api/v1/users?organization={other.uuid}", headers=manager)
    assert response.status_code == 404


async def test_manager_demotes_a_colleague_but_not_themselves(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    me, manager = await signed_in(db, client, org)
    colleague = await make_user(db, org, role="manager")
    demoted = await client.patch(
        f"/api/v1/users/{colleague.uuid}", headers=manager, json={"role": "viewer"}
    )
    assert demoted.status_code == 200 and demoted.json()["data"]["role"] == "viewer"
    own = await client.patch(f"/api/v1/users/{me.uuid}", headers=manager, json={"role": "viewer"})
    assert own.status_code == 409


async def test_custom_role_with_more_permissions_cannot_be_granted_by_a_manager(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, admin = await signed_in(db, client, org, role="admin")
    await client.post(
        "/api/v1/roles",
        headers=admin,
        json={"name": "role-keeper", "permissions": ["roles:write", "users:read"]},
    )
    _, manager = await signed_in(db, client, org)
    colleague = await make_user(db, org, role="engineer")
    response = await client.patch(
        f"/api/v1/users/{colleague.uuid}", headers=manager, json={"role": "role-keeper"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["details"] == [{"permission": "roles:write"}]


async def test_approved_by_is_the_approver_uuid(client: httpx.AsyncClient, db: Database) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    waiting = await make_user(db, await make_org(db), approved=False)
    me = (await client.get("/api/v1/me", headers=admin)).json()["data"]
    data = (await client.post(f"/api/v1/users/{waiting.uuid}/approve", headers=admin)).json()[
        "data"
    ]
    assert UUID(data["approved_by"]) == UUID(me["uuid"])
