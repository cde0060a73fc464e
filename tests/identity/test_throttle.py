"""Login throttling and temporary lockout, per account and per client address."""

from __future__ import annotations

import secrets

import httpx

from patchwatch.db import Database
from patchwatch.identity.throttle import LoginThrottle
from patchwatch.settings import Settings
from tests.conftest import RunningServer
from tests.factories import PASSWORD, make_org, make_user

LOGIN = "/api/v1/auth/login"


async def test_account_is_locked_after_repeated_failures_even_with_the_right_password(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    for _ in range(server.settings.login_max_failures_per_account):
        response = await client.post(LOGIN, json={"login": user.login, "password": "wrong-guess!"})
        assert response.status_code == 401
    locked = await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    assert int(locked.headers["retry-after"]) > 0


async def test_lockout_of_one_account_leaves_others_alone(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    org = await make_org(db)
    victim, other = await make_user(db, org), await make_user(db, org)
    for _ in range(server.settings.login_max_failures_per_account):
        await client.post(LOGIN, json={"login": victim.login, "password": "wrong-guess!"})
    response = await client.post(LOGIN, json={"login": other.login, "password": PASSWORD})
    assert response.status_code == 200


async def test_client_address_is_locked_after_spraying_many_accounts(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    for n in range(server.settings.login_max_failures_per_address):
        await client.post(LOGIN, json={"login": f"sprayed-{n}", "password": "Summer2026!!"})
    response = await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})
    assert response.status_code == 429


async def test_throttle_counts_are_shared_through_redis() -> None:
    settings = Settings(
        redis_url="redis://127.0.0.1:6379/0",
        secret_key="k" * 40,
        database_url="sqlite+aiosqlite:///:memory:",
        login_max_failures_per_account=2,
    )
    namespace = f"pw-test-{secrets.token_hex(4)}"
    first, second = (
        LoginThrottle(settings, namespace=namespace),
        LoginThrottle(settings, namespace=namespace),
    )
    await first.failed("alice", "10.0.0.1")
    await second.failed("alice", "10.0.0.1")
    try:
        await first.check("alice", "10.0.0.1")
    except Exception as exc:  # the second process's failures count for the first
        assert getattr(exc, "code", "") == "too_many_attempts"
    else:
        raise AssertionError("expected a lockout shared through Redis")
    await first.succeeded("alice")
    await second.check("alice", "10.0.0.1")
    await first.reset()
