"""Factories: arrange organizations, users and keys through the services, sign in over HTTP."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

import httpx

from patchwatch.db import Database
from patchwatch.identity import service as identity
from patchwatch.identity.models import Organization, User
from patchwatch.identity.principal import system_principal

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


async def make_org(db: Database, name: str | None = None) -> Organization:
    async with db.sessionmaker() as session:
        org = await identity.create_organization(
            session, system_principal("test"), name=name or f"Org {next(_counter)}"
        )
        await session.commit()
        return org


async def make_user(
    db: Database,
    org: Organization,
    *,
    role: str = "manager",
    login: str | None = None,
    email: str | None = None,
    password: str | None = PASSWORD,
    approved: bool = True,
    groups: list[str] | None = None,
    **fields: Any,
) -> User:
    n = next(_counter)
    login = login or f"user{n}-{secrets.token_hex(2)}"
    async with db.sessionmaker() as session:
        org_row = await session.get(Organization, org.id)
        assert org_row is not None
        user = await identity.create_user(
            session,
            system_principal("test"),
            organization=org_row,
            login=login,
            email=email or f"{login}@example.org",
            role=role,
            password=password,
            is_approved=approved,
            groups=groups,
        )
        for key, value in fields.items():
            setattr(user, key, value)
        await session.commit()
        return user


async def login_tokens(
    client: httpx.AsyncClient, login: str, password: str = PASSWORD, **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/auth/login", json={"login": login, "password": password, **extra}
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def login_headers(
    client: httpx.AsyncClient, login: str, password: str = PASSWORD, **extra: Any
) -> dict[str, str]:
    tokens = await login_tokens(client, login, password, **extra)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def signed_in(
    db: Database, client: httpx.AsyncClient, org: Organization, role: str = "manager", **kw: Any
) -> tuple[User, dict[str, str]]:
    """A new approved user of ``role`` in ``org`` and the headers of a fresh session."""
    user = await make_user(db, org, role=role, **kw)
    return user, await login_headers(client, user.login)


async def make_api_key(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    permissions: list[str],
    **body: Any,
) -> dict[str, Any]:
    """Create an API key through the API as the user of ``headers``; includes its ``secret``."""
    response = await client.post(
        "/api/v1/api-keys",
        headers=headers,
        json={"name": body.pop("name", "agent"), "permissions": permissions, **body},
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def key_headers(api_key: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key['secret']}"}


async def poll_snapshot(
    client: httpx.AsyncClient, headers: dict[str, str], snapshot_uuid: str, timeout: float = 20
) -> dict[str, Any]:
    """Wait (with a deadline) until a snapshot is processed or failed; returns it."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while True:
        response = await client.get(f"/api/v1/snapshots/{snapshot_uuid}", headers=headers)
        data: dict[str, Any] = response.json()["data"]
        if data["status"] != "received" or time.monotonic() > deadline:
            return data
        await asyncio.sleep(0.02)


async def outbox_events(db: Database, aggregate_uuid: Any) -> list[Any]:
    """The domain events written to the outbox about one aggregate, oldest first."""
    from sqlalchemy import select

    from patchwatch.events.models import OutboxEvent

    async with db.sessionmaker() as session:
        stmt = (
            select(OutboxEvent)
            .where(OutboxEvent.aggregate_uuid == aggregate_uuid)
            .order_by(OutboxEvent.id)
        )
        return list(await session.scalars(stmt))


async def audit_events(db: Database, target_uuid: Any) -> list[Any]:
    """The audit events about one target, oldest first."""
    from sqlalchemy import select

    from patchwatch.audit.models import AuditEvent

    async with db.sessionmaker() as session:
        stmt = (
            select(AuditEvent).where(AuditEvent.target_uuid == target_uuid).order_by(AuditEvent.id)
        )
        return list(await session.scalars(stmt))


async def make_site(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, **fields: Any
) -> dict[str, Any]:
    """Create a site through the API as the caller of ``headers``."""
    response = await client.post(
        "/api/v1/sites",
        headers=headers,
        json={"url": url, "name": fields.pop("name", url), **fields},
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
