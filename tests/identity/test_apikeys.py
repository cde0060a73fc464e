"""API keys: shown once, stored hashed, scoped, accepted in two headers, revocable."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from patchwatch.audit import service as audit
from patchwatch.db import Database
from patchwatch.identity.models import ApiKey, Organization
from patchwatch.identity.principal import system_principal
from patchwatch.sites import service as sites
from tests.factories import key_headers, make_api_key, make_org, signed_in


async def make_site_of(db: Database, org: Organization) -> uuid.UUID:
    async with db.sessionmaker() as session:
        site = await sites.create_site(
            session,
            system_principal("test"),
            org.id,
            {"url": f"https://{uuid.uuid4().hex[:8]}.example.org", "name": "site"},
        )
        await session.commit()
        return site.uuid


async def test_created_key_is_shown_once_and_stored_hashed(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    key = await make_api_key(client, manager, ["snapshots:write"])
    assert key["secret"].startswith("pw_") and key["secret"].startswith(key["prefix"])
    listed = await client.get("/api/v1/api-keys", headers=manager)
    assert key["secret"] not in listed.text
    assert listed.json()["data"][0]["prefix"] == key["prefix"]
    async with db.sessionmaker() as session:
        stored = await session.scalar(select(ApiKey.secret_hash))
    assert stored is not None and key["secret"] not in stored


async def test_key_works_as_bearer_and_as_x_api_key(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    key = await make_api_key(client, manager, ["users:read"])
    bearer = await client.get("/api/v1/users", headers=key_headers(key))
    header = await client.get("/api/v1/users", headers={"X-API-Key": key["secret"]})
    assert bearer.status_code == header.status_code == 200
    listed = (await client.get("/api/v1/api-keys", headers=manager)).json()["data"]
    assert listed[0]["last_used_at"] is not None


async def test_key_without_the_permission_is_forbidden(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    key = await make_api_key(client, manager, ["snapshots:write"])
    response = await client.get("/api/v1/users", headers=key_headers(key))
    assert response.status_code == 403


async def test_wrong_key_is_unauthorized(client: httpx.AsyncClient, db: Database) -> None:
    response = await client.get("/api/v1/users", headers={"X-API-Key": "pw_not-a-real-key"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


async def test_revoked_key_stops_working(client: httpx.AsyncClient, db: Database) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    key = await make_api_key(client, manager, ["users:read"])
    revoked = await client.delete(f"/api/v1/api-keys/{key['uuid']}", headers=manager)
    assert revoked.json()["data"]["revoked_at"] is not None
    assert (await client.get("/api/v1/users", headers=key_headers(key))).status_code == 401
    as_header = await client.get("/api/v1/users", headers={"X-API-Key": key["secret"]})
    assert as_header.status_code == 401


async def test_expired_key_stops_working(client: httpx.AsyncClient, db: Database) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    key = await make_api_key(client, manager, ["users:read"], expires_at=soon)
    async with db.engine.begin() as conn:
        await conn.execute(
            update(ApiKey).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    response = await client.get("/api/v1/users", headers=key_headers(key))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "api_key_expired"


async def test_expiry_in_the_past_or_without_timezone_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    for expires in ("2000-01-01T00:00:00Z", "2099-01-01T00:00:00"):
        response = await client.post(
            "/api/v1/api-keys",
            headers=manager,
            json={"name": "k", "permissions": [], "expires_at": expires},
        )
        assert response.status_code == 422, expires


async def test_key_of_a_deactivated_organization_stops_working(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    key = await make_api_key(client, manager, ["users:read"])
    async with db.engine.begin() as conn:
        await conn.execute(update(Organization).values(is_active=False))
    assert (await client.get("/api/v1/users", headers=key_headers(key))).status_code == 401


async def test_key_cannot_hold_more_than_its_creator(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    for permissions in (["roles:write"], ["platform:admin"]):
        response = await client.post(
            "/api/v1/api-keys", headers=manager, json={"name": "k", "permissions": permissions}
        )
        assert response.status_code == 403, permissions
        assert response.json()["error"]["code"] == "privilege_escalation"


async def test_keys_cannot_manage_keys(client: httpx.AsyncClient, db: Database) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    key = await make_api_key(client, manager, ["api_keys:write", "api_keys:read"])
    response = await client.post(
        "/api/v1/api-keys", headers=key_headers(key), json={"name": "child", "permissions": []}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "user_required"


async def test_another_organizations_key_cannot_be_seen_or_revoked(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, ours = await signed_in(db, client, await make_org(db))
    _, theirs = await signed_in(db, client, await make_org(db))
    their_key = await make_api_key(client, theirs, ["users:read"])
    assert (await client.get("/api/v1/api-keys", headers=ours)).json()["data"] == []
    response = await client.delete(f"/api/v1/api-keys/{their_key['uuid']}", headers=ours)
    assert response.status_code == 404


async def test_unknown_permission_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    response = await client.post(
        "/api/v1/api-keys", headers=manager, json={"name": "k", "permissions": ["sites:fly"]}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_permission"


async def test_a_person_without_api_keys_write_cannot_create_keys(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, viewer = await signed_in(db, client, await make_org(db), role="viewer")
    response = await client.post(
        "/api/v1/api-keys", headers=viewer, json={"name": "k", "permissions": []}
    )
    assert response.status_code == 403


async def test_creation_and_revocation_are_audited_without_the_secret(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, headers = await signed_in(db, client, await make_org(db))
    key = await make_api_key(client, headers, ["users:read"])
    await client.delete(f"/api/v1/api-keys/{key['uuid']}", headers=headers)
    trail = await client.get(f"/api/v1/audit-events?target_uuid={key['uuid']}", headers=headers)
    actions = [(e["action"], e["actor_uuid"]) for e in trail.json()["data"]]
    assert actions == [
        ("api_key.revoked", str(manager.uuid)),
        ("api_key.created", str(manager.uuid)),
    ]
    assert key["secret"] not in trail.text


async def test_revoking_again_keeps_the_first_revocation(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    key = await make_api_key(client, manager, [])
    first = await client.delete(f"/api/v1/api-keys/{key['uuid']}", headers=manager)
    second = await client.delete(f"/api/v1/api-keys/{key['uuid']}", headers=manager)
    assert second.status_code == 200
    assert second.json()["data"]["revoked_at"] == first.json()["data"]["revoked_at"]


async def test_admin_creates_a_key_that_acts_in_another_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    other = await make_org(db)
    member, _ = await signed_in(db, client, other, role="viewer")
    key = await make_api_key(client, admin, ["users:read"], organization_uuid=str(other.uuid))
    assert key["organization_uuid"] == str(other.uuid)
    users = (await client.get("/api/v1/users", headers=key_headers(key))).json()["data"]
    assert [u["login"] for u in users] == [member.login]


async def test_manager_cannot_create_a_key_in_another_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    other = await make_org(db)
    response = await client.post(
        "/api/v1/api-keys",
        headers=manager,
        json={"name": "k", "permissions": [], "organization_uuid": str(other.uuid)},
    )
    assert response.status_code == 404


async def test_admin_lists_every_organizations_keys_and_filters_by_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    first, second = await make_org(db), await make_org(db)
    _, first_manager = await signed_in(db, client, first)
    _, second_manager = await signed_in(db, client, second)
    first_key = await make_api_key(client, first_manager, [])
    second_key = await make_api_key(client, second_manager, [])
    everything = (await client.get("/api/v1/api-keys", headers=admin)).json()["data"]
    assert {k["uuid"] for k in everything} == {first_key["uuid"], second_key["uuid"]}
    only_first = await client.get(f"/api/v1/api-keys?organization={first.uuid}", headers=admin)
    assert [k["uuid"] for k in only_first.json()["data"]] == [first_key["uuid"]]
    foreign_filter = await client.get(
        f"/api/v1/api-keys?organization={second.uuid}", headers=first_manager
    )
    assert foreign_filter.status_code == 404


async def test_key_can_be_limited_to_a_site_of_its_own_organization_only(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    own_site, foreign_site = await make_site_of(db, org), await make_site_of(db, await make_org(db))
    key = await make_api_key(client, manager, ["snapshots:write"], site_uuid=str(own_site))
    assert key["site_uuid"] == str(own_site)
    for site_uuid in (foreign_site, uuid.uuid4()):
        response = await client.post(
            "/api/v1/api-keys",
            headers=manager,
            json={"name": "k", "permissions": [], "site_uuid": str(site_uuid)},
        )
        assert response.status_code == 404, site_uuid


async def test_concurrent_revocations_keep_the_audit_chain_intact(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db))
    keys: list[dict[str, Any]] = [await make_api_key(client, manager, []) for _ in range(8)]
    responses = await asyncio.gather(
        *(client.delete(f"/api/v1/api-keys/{k['uuid']}", headers=manager) for k in keys)
    )
    assert {r.status_code for r in responses} == {200}
    async with db.sessionmaker() as session:
        report = await audit.verify_chain(session)
    assert report.ok, report
