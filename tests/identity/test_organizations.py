"""Organizations: the platform admin manages them; everybody else sees only their own."""

from __future__ import annotations

import httpx

from patchwatch.db import Database
from tests.factories import PASSWORD, audit_events, make_org, make_user, signed_in


async def test_admin_creates_lists_updates_and_soft_deletes(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    created = await client.post(
        "/api/v1/organizations", headers=admin, json={"name": "Client Ltd", "tax_id": "DE123"}
    )
    assert created.status_code == 201
    org = created.json()["data"]
    assert org["tax_id"] == "DE123" and org["created_by"] is not None
    patched = await client.patch(
        f"/api/v1/organizations/{org['uuid']}", headers=admin, json={"name": "Client GmbH"}
    )
    assert patched.json()["data"]["name"] == "Client GmbH"
    assert (
        await client.delete(f"/api/v1/organizations/{org['uuid']}", headers=admin)
    ).status_code == 200
    assert (
        await client.get(f"/api/v1/organizations/{org['uuid']}", headers=admin)
    ).status_code == 404
    listed = (await client.get("/api/v1/organizations?per_page=200", headers=admin)).json()
    assert org["uuid"] not in {o["uuid"] for o in listed["data"]}


async def test_manager_sees_only_their_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    own, other = await make_org(db, "Own"), await make_org(db, "Other")
    _, manager = await signed_in(db, client, own)
    listed = (await client.get("/api/v1/organizations", headers=manager)).json()
    assert [o["name"] for o in listed["data"]] == ["Own"]
    response = await client.get(f"/api/v1/organizations/{other.uuid}", headers=manager)
    assert response.status_code == 404


async def test_manager_cannot_create_or_change_organizations(
    client: httpx.AsyncClient, db: Database
) -> None:
    own = await make_org(db)
    _, manager = await signed_in(db, client, own)
    created = await client.post("/api/v1/organizations", headers=manager, json={"name": "Mine"})
    assert created.status_code == 403
    patched = await client.patch(
        f"/api/v1/organizations/{own.uuid}", headers=manager, json={"name": "Renamed"}
    )
    assert patched.status_code == 403


async def test_invalid_organization_input_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    for body in (
        {"name": ""},
        {"name": "x" * 201},
        {"name": "A", "currency": "euro"},
        {"name": "A", "extra": 1},
    ):
        response = await client.post("/api/v1/organizations", headers=admin, json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid"


async def test_deactivated_organization_blocks_its_users(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    client_org = await make_org(db)
    _, member = await signed_in(db, client, client_org, role="viewer")
    await client.patch(
        f"/api/v1/organizations/{client_org.uuid}", headers=admin, json={"is_active": False}
    )
    assert (await client.get("/api/v1/me", headers=member)).status_code == 401


async def test_organization_list_paginates_with_links(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    for n in range(4):
        await make_org(db, f"Paged {n}")
    first = (await client.get("/api/v1/organizations?per_page=2&sort=-name", headers=admin)).json()
    assert first["meta"] == {"total": 5, "page": 1, "per_page": 2}
    assert first["links"]["prev"] is None and "page=2" in first["links"]["next"]
    last = (await client.get("/api/v1/organizations?per_page=2&page=3", headers=admin)).json()
    assert len(last["data"]) == 1 and last["links"]["next"] is None


async def test_sorting_by_an_unknown_field_is_a_clear_422(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    response = await client.get("/api/v1/organizations?sort=password", headers=admin)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_sort"


async def test_viewer_reads_their_organization_but_cannot_write(
    client: httpx.AsyncClient, db: Database
) -> None:
    own = await make_org(db, "Viewed")
    _, viewer = await signed_in(db, client, own, role="viewer")
    got = await client.get(f"/api/v1/organizations/{own.uuid}", headers=viewer)
    assert got.status_code == 200 and got.json()["data"]["name"] == "Viewed"
    created = await client.post("/api/v1/organizations", headers=viewer, json={"name": "V"})
    assert created.status_code == 403
    deleted = await client.delete(f"/api/v1/organizations/{own.uuid}", headers=viewer)
    assert deleted.status_code == 403


async def test_non_admin_with_write_permission_cannot_reach_another_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    own, other = await make_org(db), await make_org(db)
    _, admin = await signed_in(db, client, own, role="admin")
    await client.post(
        "/api/v1/roles",
        headers=admin,
        json={"name": "org-editor", "permissions": ["organizations:read", "organizations:write"]},
    )
    _, editor = await signed_in(db, client, own, role="org-editor")
    foreign = await client.delete(f"/api/v1/organizations/{other.uuid}", headers=editor)
    assert foreign.status_code == 404
    home = await client.patch(
        f"/api/v1/organizations/{own.uuid}", headers=editor, json={"name": "Renamed"}
    )
    assert home.status_code == 403
    assert home.json()["error"]["code"] == "admin_only"


async def test_admin_cannot_deactivate_or_delete_their_own_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    own = await make_org(db)
    _, admin = await signed_in(db, client, own, role="admin")
    patched = await client.patch(
        f"/api/v1/organizations/{own.uuid}", headers=admin, json={"is_active": False}
    )
    assert patched.status_code == 409
    deleted = await client.delete(f"/api/v1/organizations/{own.uuid}", headers=admin)
    assert deleted.status_code == 409
    assert (await client.get("/api/v1/me", headers=admin)).status_code == 200


async def test_deleted_organization_cannot_be_changed_and_its_users_cannot_sign_in(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    doomed = await make_org(db)
    member = await make_user(db, doomed, role="viewer")
    await client.delete(f"/api/v1/organizations/{doomed.uuid}", headers=admin)
    patched = await client.patch(
        f"/api/v1/organizations/{doomed.uuid}", headers=admin, json={"name": "Back"}
    )
    assert patched.status_code == 404
    login = await client.post(
        "/api/v1/auth/login", json={"login": member.login, "password": PASSWORD}
    )
    assert login.status_code in (401, 403)


async def test_organization_list_filters_by_activity_and_name(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db, "Home"), role="admin")
    dormant = await make_org(db, "Dormant Corp")
    await make_org(db, "Busy Corp")
    await client.patch(
        f"/api/v1/organizations/{dormant.uuid}", headers=admin, json={"is_active": False}
    )
    inactive = (await client.get("/api/v1/organizations?is_active=false", headers=admin)).json()
    assert [o["name"] for o in inactive["data"]] == ["Dormant Corp"]
    corps = (await client.get("/api/v1/organizations?q=corp&sort=name", headers=admin)).json()
    assert [o["name"] for o in corps["data"]] == ["Busy Corp", "Dormant Corp"]


async def test_organization_changes_are_audited_with_before_and_after(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    org = await make_org(db, "Before")
    await client.patch(f"/api/v1/organizations/{org.uuid}", headers=admin, json={"name": "After"})
    updated = [e for e in await audit_events(db, org.uuid) if e.action == "organization.updated"]
    assert updated[0].changes == {"before": {"name": "Before"}, "after": {"name": "After"}}
    assert updated[0].actor_type == "user"
