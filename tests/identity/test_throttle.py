"""Login throttling and temporary lockout, per account and per client address."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from patchwatch.db import Database
from patchwatch.errors import TooManyRequests
from patchwatch.identity.throttle import LoginThrottle
from patchwatch.settings import Settings
from tests.conftest import RunningServer
from tests.factories import PASSWORD, login_tokens, make_org, make_user

LOGIN = "/api/v1/auth/login"
REDIS_URL = "redis://127.0.0.1:6379/0"


async def fail_logins(client: httpx.AsyncClient, login: str, times: int) -> None:
    for _ in range(times):
        response = await client.post(LOGIN, json={"login": login, "password": "wrong-guess!"})
        assert response.status_code == 401


async def test_account_is_locked_after_repeated_failures_even_with_the_right_password(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    await fail_logins(client, user.login, server.settings.login_max_failures_per_account)
    locked = await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["retry-after"]) <= server.settings.login_lockout_seconds


async def test_lockout_of_one_account_leaves_others_alone(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    org = await make_org(db)
    victim, other = await make_user(db, org), await make_user(db, org)
    await fail_logins(client, victim.login, server.settings.login_max_failures_per_account)
    response = await client.post(LOGIN, json={"login": other.login, "password": PASSWORD})
    assert response.status_code == 200


async def test_login_and_email_count_as_one_account(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    limit = server.settings.login_max_failures_per_account
    await fail_logins(client, user.login, limit - 1)
    await fail_logins(client, user.email.upper(), 1)
    locked = await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})
    assert locked.status_code == 429


async def test_parallel_guesses_cannot_exceed_the_account_limit(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    limit = server.settings.login_max_failures_per_account
    responses = await asyncio.gather(
        *(
            client.post(LOGIN, json={"login": user.login, "password": f"guess-{n}-wrong"})
            for n in range(limit + 5)
        )
    )
    statuses = [r.status_code for r in responses]
    assert statuses.count(401) == limit
    assert statuses.count(429) == 5


async def test_successful_login_clears_the_account_failures(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    limit = server.settings.login_max_failures_per_account
    await fail_logins(client, user.login, limit - 1)
    await login_tokens(client, user.login)
    await fail_logins(client, user.login, limit - 1)
    assert (await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})).is_success


async def test_client_address_is_locked_after_spraying_many_accounts(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    for n in range(server.settings.login_max_failures_per_address):
        await client.post(LOGIN, json={"login": f"sprayed-{n}", "password": "Summer2026!!"})
    response = await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0


async def test_oauth2_token_endpoint_shares_the_lockout(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    await fail_logins(client, user.login, server.settings.login_max_failures_per_account)
    response = await client.post(
        "/api/v1/auth/token", data={"username": user.login, "password": PASSWORD}
    )
    assert response.status_code == 429


async def test_guessed_refresh_tokens_lock_the_client_address(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    tokens = await login_tokens(client, user.login)
    for n in range(server.settings.login_max_failures_per_address):
        await client.post("/api/v1/auth/refresh", json={"refresh_token": f"guess-{n}"})
    response = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_attempts"


async def test_failed_logins_as_a_user_named_refresh_do_not_block_token_refresh(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    tokens = await login_tokens(client, user.login)
    await fail_logins(client, "refresh", server.settings.login_max_failures_per_account)
    response = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 200


async def test_reset_lifts_every_lockout(
    client: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    user = await make_user(db, await make_org(db))
    await fail_logins(client, user.login, server.settings.login_max_failures_per_account)
    throttle: LoginThrottle = server.app.state.login_throttle  # type: ignore[attr-defined]
    await throttle.reset()
    await login_tokens(client, user.login)


# --- the throttle object itself, with its counters in Redis ----------------------------------


def redis_settings(**limits: int) -> Settings:
    return Settings(
        redis_url=REDIS_URL,
        secret_key="k" * 40,
        database_url="sqlite+aiosqlite:///:memory:",
        **limits,  # type: ignore[arg-type]
    )


@pytest_asyncio.fixture(loop_scope="session")
async def redis_pair() -> AsyncIterator[tuple[LoginThrottle, LoginThrottle]]:
    """Two throttles (as in two API processes) sharing one Redis namespace of their own."""
    settings = redis_settings(login_max_failures_per_account=2, login_max_failures_per_address=3)
    namespace = f"pw-test-{secrets.token_hex(4)}"
    first = LoginThrottle(settings, namespace=namespace)
    second = LoginThrottle(settings, namespace=namespace)
    yield first, second
    await first.reset()


async def test_redis_counts_are_shared_between_processes(
    redis_pair: tuple[LoginThrottle, LoginThrottle],
) -> None:
    first, second = redis_pair
    await first.reserve("alice", "10.0.0.1")
    await second.reserve("alice", "10.0.0.1")
    with pytest.raises(TooManyRequests) as locked:
        await first.reserve("Alice ", "10.0.0.1")
    assert locked.value.code == "too_many_attempts"
    assert int(locked.value.headers["Retry-After"]) > 0


async def test_redis_success_clears_the_account_for_every_process(
    redis_pair: tuple[LoginThrottle, LoginThrottle],
) -> None:
    first, second = redis_pair
    await first.failed("bob", None)
    await first.failed("bob", None)
    await second.succeeded("bob")
    await first.check("bob", None)


async def test_redis_address_lockout_is_shared(
    redis_pair: tuple[LoginThrottle, LoginThrottle],
) -> None:
    first, second = redis_pair
    for n in range(3):
        await first.failed_from("10.0.0.9")
    with pytest.raises(TooManyRequests):
        await second.check(f"someone-{n}", "10.0.0.9")


async def test_redis_parallel_reservations_stop_at_the_limit(
    redis_pair: tuple[LoginThrottle, LoginThrottle],
) -> None:
    first, second = redis_pair
    results = await asyncio.gather(
        *(t.reserve("carol", None) for t in (first, second) * 4), return_exceptions=True
    )
    assert sum(r is None for r in results) == 2
    assert all(isinstance(r, TooManyRequests) for r in results if r is not None)
