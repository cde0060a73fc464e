"""API keys: shown once, stored hashed, scoped, accepted in two headers, revocable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update

from patchwatch.db import Database
from patchwatch.identity.models import ApiKey, Organization
from tests.factories import key_headers, make_api_key, make_org, signed_in


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
