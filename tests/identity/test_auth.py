"""Sign-in, tokens, sessions and the caller's own account, over real HTTP."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import uuid4

import httpx
import jwt
from pwdlib.hashers.bcrypt import BcryptHasher
from sqlalchemy import select, update

from patchwatch.audit.models import AuditEvent
from patchwatch.db import Database, utcnow
from patchwatch.identity import service as identity
from patchwatch.identity.models import RefreshToken, User
from patchwatch.identity.tokens import encode_access_token
from tests.conftest import RunningServer
from tests.factories import (
    PASSWORD,
    audit_events,
    login_headers,
    login_tokens,
    make_org,
    make_user,
)

LOGIN = "/api/v1/auth/login"


async def test_login_by_login_returns_a_token_pair(client: httpx.AsyncClient, db: Database) -> None:
    user = await make_user(db, await make_org(db))
    response = await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["token_type"] == "bearer"
    assert data["expires_in"] == 15 * 60
    assert data["access_token"] and data["refresh_token"]


async def test_login_by_email_is_case_insensitive(client: httpx.AsyncClient, db: Database) -> None:
    user = await make_user(db, await make_org(db))
    response = await client.post(LOGIN, json={"login": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 200


async def test_wrong_password_and_unknown_login_answer_the_same(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    wrong = await client.post(LOGIN, json={"login": user.login, "password": "not the password"})
    unknown = await client.post(LOGIN, json={"login": "nobody-here", "password": "whatever123"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"


async def test_unapproved_user_cannot_sign_in(client: httpx.AsyncClient, db: Database) -> None:
    user = await make_user(db, await make_org(db), approved=False)
    response = await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_not_approved"


async def test_unapproved_user_with_wrong_password_learns_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db), approved=False)
    response = await client.post(LOGIN, json={"login": user.login, "password": "wrong-password"})
    assert response.status_code == 401


async def test_deactivated_and_deleted_users_cannot_sign_in(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    inactive = await make_user(db, org, is_active=False)
    deleted = await make_user(db, org, is_deleted=True)
    inactive_response = await client.post(
        LOGIN, json={"login": inactive.login, "password": PASSWORD}
    )
    assert inactive_response.status_code == 403
    assert inactive_response.json()["error"]["code"] == "account_inactive"
    deleted_response = await client.post(LOGIN, json={"login": deleted.login, "password": PASSWORD})
    assert deleted_response.status_code == 401


async def test_deactivating_a_user_ends_their_access_at_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    headers = await login_headers(client, user.login)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    async with db.sessionmaker() as session:
        row = await session.get(User, user.id)
        assert row is not None
        await identity.set_active(session, None, row, False)
        await session.commit()
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401


async def test_deactivating_the_organization_ends_access(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    user = await make_user(db, org)
    headers = await login_headers(client, user.login)
    async with db.engine.begin() as conn:
        from patchwatch.identity.models import Organization

        await conn.execute(
            update(Organization).where(Organization.id == org.id).values(is_active=False)
        )
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_refresh_rotates_the_refresh_token(client: httpx.AsyncClient, db: Database) -> None:
    user = await make_user(db, await make_org(db))
    first = await login_tokens(client, user.login)
    response = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert response.status_code == 200
    second = response.json()["data"]
    assert second["refresh_token"] != first["refresh_token"]
    headers = {"Authorization": f"Bearer {second['access_token']}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200


async def test_reused_refresh_token_revokes_the_whole_family(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    first = await login_tokens(client, user.login)
    rotated = (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()["data"]
    reuse = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert reuse.status_code == 401
    assert reuse.json()["error"]["code"] == "refresh_token_reused"
    newer = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]}
    )
    assert newer.status_code == 401
    headers = {"Authorization": f"Bearer {rotated['access_token']}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_unknown_refresh_token_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    response = await client.post("/api/v1/auth/refresh", json={"refresh_token": "made-up"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_refresh_token"


async def test_logout_ends_the_access_token(client: httpx.AsyncClient, db: Database) -> None:
    user = await make_user(db, await make_org(db))
    tokens = await login_tokens(client, user.login)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401


async def test_logout_everywhere_ends_other_sessions(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    laptop = await login_headers(client, user.login)
    phone = await login_headers(client, user.login)
    response = await client.post("/api/v1/auth/logout", headers=laptop, json={"all": True})
    assert response.status_code == 200
    assert (await client.get("/api/v1/me", headers=phone)).status_code == 401


async def test_expired_access_token_is_refused(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    settings = server.settings
    token, _ = encode_access_token(
        user_uuid=user.uuid,
        family=None,
        secret=settings.secret_key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime=timedelta(seconds=-5),
    )
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


async def test_tokens_with_wrong_audience_or_no_signature_are_refused(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    settings = server.settings
    wrong_audience, _ = encode_access_token(
        user_uuid=user.uuid,
        family=None,
        secret=settings.secret_key,
        issuer=settings.jwt_issuer,
        audience="someone-else",
        lifetime=timedelta(minutes=5),
    )
    unsigned = jwt.encode(
        {
            "sub": str(user.uuid),
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "exp": 4102444800,
            "iat": 0,
            "typ": "access",
        },
        key=None,
        algorithm="none",
    )
    other_secret = jwt.encode(
        {
            "sub": str(user.uuid),
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "exp": 4102444800,
            "iat": 0,
            "typ": "access",
        },
        key="x" * 48,
        algorithm="HS256",
    )
    for token in (wrong_audience, unsigned, other_secret, "garbage"):
        response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["error"]["code"] == "invalid_token"


async def test_token_of_an_unknown_user_is_refused(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    settings = server.settings
    token, _ = encode_access_token(
        user_uuid=uuid4(),
        family=None,
        secret=settings.secret_key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime=timedelta(minutes=5),
    )
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_oauth2_password_form_signs_in_for_the_docs(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    response = await client.post(
        "/api/v1/auth/token", data={"username": user.login, "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200


async def test_me_shows_the_user_and_permissions_without_secrets(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db, "Acme")
    user = await make_user(db, org, role="viewer")
    response = await client.get("/api/v1/me", headers=await login_headers(client, user.login))
    data = response.json()["data"]
    assert data["login"] == user.login
    assert data["organization"]["name"] == "Acme"
    assert data["role"] == "viewer"
    assert "sites:read" in data["permissions"]
    assert "sites:write" not in data["permissions"]
    assert data["last_login_at"] is not None
    assert "password_hash" not in response.text and "totp_secret" not in response.text


async def test_me_requires_authentication(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_update_me_changes_name_and_preferences(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    headers = await login_headers(client, user.login)
    body = {"name": "New Name", "notification_preferences": {"security_update": ["email"]}}
    response = await client.patch("/api/v1/me", headers=headers, json=body)
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "New Name"
    refused = await client.patch("/api/v1/me", headers=headers, json={"role": "admin"})
    assert refused.status_code == 422


async def test_password_change_refuses_weak_passwords_with_field_details(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    headers = await login_headers(client, user.login)
    for weak in ("short", "password123", "1234567890"):
        response = await client.post(
            "/api/v1/me/password",
            headers=headers,
            json={"current_password": PASSWORD, "new_password": weak},
        )
        assert response.status_code == 422, weak
        assert response.json()["error"]["code"] == "weak_password"
        assert response.json()["error"]["details"][0]["field"] == "password"


async def test_password_change_ends_other_sessions_and_keeps_this_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    this = await login_headers(client, user.login)
    other = await login_headers(client, user.login)
    response = await client.post(
        "/api/v1/me/password",
        headers=this,
        json={"current_password": PASSWORD, "new_password": "a much better passphrase"},
    )
    assert response.status_code == 200
    assert (await client.get("/api/v1/me", headers=this)).status_code == 200
    assert (await client.get("/api/v1/me", headers=other)).status_code == 401
    old = await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})
    assert old.status_code == 401
    await login_headers(client, user.login, "a much better passphrase")


async def test_password_change_needs_the_current_password(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    headers = await login_headers(client, user.login)
    response = await client.post(
        "/api/v1/me/password",
        headers=headers,
        json={"current_password": "not it at all", "new_password": "a much better passphrase"},
    )
    assert response.status_code == 403


async def test_token_with_a_wrong_issuer_is_refused(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    settings = server.settings
    token, _ = encode_access_token(
        user_uuid=user.uuid,
        family=None,
        secret=settings.secret_key,
        issuer="somebody-else",
        audience=settings.jwt_audience,
        lifetime=timedelta(minutes=5),
    )
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


async def test_token_signed_with_another_algorithm_is_refused(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    settings = server.settings
    claims = {
        "sub": str(user.uuid),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "exp": 4102444800,
        "iat": 0,
        "typ": "access",
    }
    token = jwt.encode(claims, settings.secret_key, algorithm="HS512")
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


async def test_successful_login_is_audited(client: httpx.AsyncClient, db: Database) -> None:
    user = await make_user(db, await make_org(db))
    await login_tokens(client, user.login)
    events = [e for e in await audit_events(db, user.uuid) if e.action == "auth.login"]
    assert len(events) == 1
    assert events[0].actor_uuid == user.uuid
    assert events[0].client_address == "127.0.0.1"


async def test_failed_login_is_audited_with_the_login_but_never_the_password(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    guess = "my-secret-guess-123"
    await client.post(LOGIN, json={"login": user.login, "password": guess})
    await client.post(LOGIN, json={"login": "no-such-person", "password": guess})
    async with db.sessionmaker() as session:
        rows = list(
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "auth.login_failed")
                .order_by(AuditEvent.id)
            )
        )
    assert [row.changes["attempted_login"] for row in rows] == [user.login, "no-such-person"]
    assert rows[0].target_uuid == user.uuid and rows[1].target_uuid is None
    assert all(row.actor_type == "anonymous" for row in rows)
    assert all(guess not in str(row.changes) for row in rows)


async def test_login_upgrades_an_old_bcrypt_hash_to_argon2(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    async with db.sessionmaker() as session:
        await session.execute(
            update(User)
            .where(User.id == user.id)
            .values(password_hash=BcryptHasher(rounds=4).hash(PASSWORD))
        )
        await session.commit()
    await login_tokens(client, user.login)
    async with db.sessionmaker() as session:
        stored = await session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored is not None and stored.startswith("$argon2id$")


async def test_expired_refresh_token_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    user = await make_user(db, await make_org(db))
    tokens = await login_tokens(client, user.login)
    async with db.sessionmaker() as session:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    response = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "refresh_token_expired"


async def test_refresh_token_of_a_deactivated_user_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    tokens = await login_tokens(client, user.login)
    async with db.sessionmaker() as session:
        await session.execute(update(User).where(User.id == user.id).values(is_active=False))
        await session.commit()
    response = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 401


async def test_racing_refreshes_with_one_token_let_only_one_through(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    tokens = await login_tokens(client, user.login)
    body = {"refresh_token": tokens["refresh_token"]}
    responses = await asyncio.gather(
        *(client.post("/api/v1/auth/refresh", json=body) for _ in range(4))
    )
    assert sorted(r.status_code for r in responses) == [200, 401, 401, 401]


async def test_logout_with_a_refresh_token_ends_that_session_too(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    headers = await login_headers(client, user.login)
    other = await login_tokens(client, user.login)
    response = await client.post(
        "/api/v1/auth/logout", headers=headers, json={"refresh_token": other["refresh_token"]}
    )
    assert response.status_code == 200
    other_headers = {"Authorization": f"Bearer {other['access_token']}"}
    assert (await client.get("/api/v1/me", headers=other_headers)).status_code == 401
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_logout_cannot_end_another_users_session(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    attacker, victim = await make_user(db, org), await make_user(db, org)
    headers = await login_headers(client, attacker.login)
    victims = await login_tokens(client, victim.login)
    await client.post(
        "/api/v1/auth/logout", headers=headers, json={"refresh_token": victims["refresh_token"]}
    )
    victim_headers = {"Authorization": f"Bearer {victims['access_token']}"}
    assert (await client.get("/api/v1/me", headers=victim_headers)).status_code == 200


async def test_api_key_cannot_use_the_me_endpoints(client: httpx.AsyncClient, db: Database) -> None:
    from tests.factories import key_headers, make_api_key

    user = await make_user(db, await make_org(db))
    key = await make_api_key(client, await login_headers(client, user.login), ["sites:read"])
    response = await client.get("/api/v1/me", headers=key_headers(key))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "user_required"


async def test_update_me_refuses_oversized_preferences(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    headers = await login_headers(client, user.login)
    huge = {f"event_{n}": ["email"] * 50 for n in range(200)}
    response = await client.patch(
        "/api/v1/me", headers=headers, json={"notification_preferences": huge}
    )
    assert response.status_code == 422


async def test_update_me_is_audited(client: httpx.AsyncClient, db: Database) -> None:
    user = await make_user(db, await make_org(db))
    headers = await login_headers(client, user.login)
    await client.patch("/api/v1/me", headers=headers, json={"name": "Renamed"})
    events = [e for e in await audit_events(db, user.uuid) if e.action == "user.updated_self"]
    assert events[-1].changes["name"]["after"] == "Renamed"


async def test_openapi_offers_the_oauth2_password_flow_and_bearer(
    client: httpx.AsyncClient,
) -> None:
    schema = (await client.get("/api/v1/openapi.json")).json()
    schemes = schema["components"]["securitySchemes"]
    flows = [s for s in schemes.values() if s["type"] == "oauth2"]
    assert flows and flows[0]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())
