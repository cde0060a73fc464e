"""Tenancy is absolute: walk every route of the live OpenAPI schema and prove that users and API
keys of organization A can neither read nor change organization B's data.

Principals of A: every built-in non-admin role, a custom role holding every permission except
platform:admin, and an API key with all those permissions. The platform admin is cross-tenant by
design and not walked here.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.identity import service as identity
from patchwatch.identity.models import ApiKey, Organization, User
from patchwatch.identity.permissions import PERMISSIONS, PLATFORM_ADMIN
from patchwatch.sites.models import Site
from tests.factories import (
    key_headers,
    make_api_key,
    make_org,
    make_user,
    poll_snapshot,
    signed_in,
)

ALL_BUT_ADMIN = sorted(set(PERMISSIONS) - {PLATFORM_ADMIN})

# How to fill each path parameter with organization B's resource. A route whose parameter is
# missing here makes the test fail: add the parameter and the B resource it names.
PARAMETER_KINDS = {
    "org_uuid": "organization",
    "user_uuid": "user",
    "key_uuid": "api_key",
    "login": "login",
    "role_uuid": "role",
    "group_uuid": "group",
    "group": "group_name",
    "site_uuid": "site",
    "snapshot_uuid": "snapshot",
}

# Valid-looking bodies, so that a refusal proves tenancy rather than a validation error.
BODIES: dict[tuple[str, str], Any] = {
    ("patch", "/api/v1/organizations/{org_uuid}"): {"name": "Hijacked"},
    ("patch", "/api/v1/users/{user_uuid}"): {"name": "Hijacked"},
    ("put", "/api/v1/users/{user_uuid}/groups"): {"groups": ["login_approvers"]},
    ("patch", "/api/v1/roles/{role_uuid}"): {"description": "hijacked"},
    ("post", "/user/{login}"): {"name": "Hijacked"},
    ("put", "/user/{login}"): {"email": "hijack@example.org"},
    ("post", "/user/authn/{login}"): {"password": "whatever-it-is"},
    ("get", "/user/authn/{login}"): {"password": "whatever-it-is"},
    ("patch", "/api/v1/sites/{site_uuid}"): {"name": "Hijacked"},
}


async def _org_b(db: Database, client: httpx.AsyncClient) -> dict[str, Any]:
    """Organization B with a user, an API key and audit events; returns what identifies them."""
    org = await make_org(db, "Organization B")
    manager, headers = await signed_in(db, client, org, groups=["login_approvers"])
    key = await make_api_key(client, headers, ["users:read"])
    site = (
        await client.post(
            "/api/v1/sites", headers=headers, json={"url": "https://b.example.org", "name": "B"}
        )
    ).json()["data"]
    pusher = key_headers(await make_api_key(client, headers, ["snapshots:write"]))
    snapshot = (
        await client.post(
            "/api/v1/snapshots",
            headers=pusher,
            json={
                "site": {"uuid": site["uuid"]},
                "packages": [
                    {"ecosystem": "drupal", "name": "drupal", "version": "8.0.0"},
                    {"ecosystem": "drupal", "name": "b_private_module", "version": "1.0.0"},
                ],
            },
        )
    ).json()["data"]
    assert (await poll_snapshot(client, headers, snapshot["uuid"]))["status"] == "processed"
    async with db.sessionmaker() as session:
        role = await identity.get_role_by_name(session, "viewer")
        group = await identity.get_group_by_name(session, "login_approvers")
    return {
        "organization": str(org.uuid),
        "user": str(manager.uuid),
        "api_key": key["uuid"],
        "login": manager.login,
        "role": str(role.uuid),
        "group": str(group.uuid),
        "group_name": "login_approvers",
        "site": site["uuid"],
        "snapshot": snapshot["uuid"],
        "secrets": [
            manager.email,
            manager.login,
            str(manager.uuid),
            key["uuid"],
            str(org.uuid),
            site["uuid"],
            snapshot["uuid"],
            "https://b.example.org",
            "b_private_module",
        ],
    }


async def _principals_of_a(db: Database, client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    org = await make_org(db, "Organization A")
    async with db.sessionmaker() as session:
        await identity.create_role(
            session, None, name="org-superuser", description="", permissions=ALL_BUT_ADMIN
        )
        await session.commit()
    principals = {}
    for role in ("manager", "engineer", "requester", "viewer", "org-superuser"):
        _, headers = await signed_in(db, client, org, role=role)
        principals[role] = headers
    key = await make_api_key(client, principals["org-superuser"], ALL_BUT_ADMIN)
    principals["api-key"] = key_headers(key)
    return principals


def _fill(path: str, b: dict[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PARAMETER_KINDS:
            pytest.fail(f"route {path}: map path parameter '{name}' in PARAMETER_KINDS")
        return str(b[PARAMETER_KINDS[name]])

    return re.sub(r"\{([^}]+)\}", replace, path)


async def test_no_route_lets_organization_a_touch_organization_b(
    client: httpx.AsyncClient, db: Database
) -> None:
    b = await _org_b(db, client)
    principals = await _principals_of_a(db, client)
    schema = (await client.get("/api/v1/openapi.json")).json()
    checked = 0
    for path, operations in schema["paths"].items():
        for method in operations:
            if path in ("/api/v1/auth/logout",):
                continue  # ends the caller's own session; nothing of B is involved
            url = _fill(path, b)
            body = BODIES.get((method, path))
            for name, headers in principals.items():
                response = await client.request(
                    method.upper(), url, headers=headers, json=body if body is not None else None
                )
                checked += 1
                assert response.status_code < 500, f"{name} {method} {path}: {response.text}"
                if response.is_success:
                    for secret in b["secrets"]:
                        assert secret not in response.text, (
                            f"{name} {method.upper()} {path} leaked B's {secret}"
                        )
    assert checked > 100
    await _assert_b_unchanged(db, b)


async def _assert_b_unchanged(db: Database, b: dict[str, Any]) -> None:
    async with db.sessionmaker() as session:
        org = await session.scalar(
            select(Organization).where(Organization.uuid == _uuid(b["organization"]))
        )
        user = await session.scalar(select(User).where(User.uuid == _uuid(b["user"])))
        key = await session.scalar(select(ApiKey).where(ApiKey.uuid == _uuid(b["api_key"])))
    assert org is not None and org.name == "Organization B" and not org.is_deleted
    assert user is not None and user.is_active and not user.is_deleted and user.name != "Hijacked"
    assert key is not None and key.revoked_at is None
    async with db.sessionmaker() as session:
        site = await session.scalar(select(Site).where(Site.uuid == _uuid(b["site"])))
    assert site is not None and site.name == "B" and not site.is_deleted


def _uuid(text: str) -> Any:
    import uuid

    return uuid.UUID(text)


async def test_a_user_of_b_is_invisible_in_a_lists(client: httpx.AsyncClient, db: Database) -> None:
    b_org = await make_org(db, "B")
    stranger = await make_user(db, b_org, login="stranger-b")
    _, headers = await signed_in(db, client, await make_org(db, "A"))
    for url in ("/api/v1/users?q=stranger", "/api/v1/audit-events", "/api/v1/organizations"):
        response = await client.get(url, headers=headers)
        assert response.status_code == 200
        assert str(stranger.uuid) not in response.text and "stranger-b" not in response.text
