"""API keys for machines: created with a secret shown once, scoped, revocable."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Invalid, NotFound, PermissionDenied
from patchwatch.identity.models import ApiKey, Organization
from patchwatch.identity.permissions import PLATFORM_ADMIN, unknown_permissions
from patchwatch.identity.principal import Principal
from patchwatch.identity.tokens import hash_token, new_api_key
from patchwatch.tenancy import scoped


def check_grantable(actor: Principal, permissions: list[str]) -> None:
    """A key holds known permissions, never more than its creator, never platform:admin."""
    unknown = unknown_permissions(permissions)
    if unknown:
        raise Invalid(
            "Unknown permissions: " + ", ".join(unknown),
            code="unknown_permission",
            details=[{"field": "body.permissions", "message": f"unknown: {p}"} for p in unknown],
        )
    if PLATFORM_ADMIN in permissions:
        raise PermissionDenied(
            "An API key cannot act across organizations.", code="privilege_escalation"
        )
    missing = set(permissions) - actor.permissions
    if missing:
        raise PermissionDenied(
            "A key cannot hold permissions you do not have.",
            code="privilege_escalation",
            details=[{"permission": p} for p in sorted(missing)],
        )


async def create_api_key(
    session: AsyncSession,
    actor: Principal,
    *,
    organization: Organization,
    name: str,
    permissions: list[str],
    site_uuid: uuid.UUID | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the secret (which is never stored or shown again)."""
    check_grantable(actor, permissions)
    if expires_at is not None and expires_at <= utcnow():
        raise Invalid(
            "The expiry must be in the future.",
            details=[{"field": "body.expires_at", "message": "must be in the future"}],
        )
    secret, prefix = new_api_key()
    api_key = ApiKey(
        uuid=uuid.uuid4(),
        name=name,
        prefix=prefix,
        secret_hash=hash_token(secret),
        organization_id=organization.id,
        site_uuid=site_uuid,
        permissions=sorted(set(permissions)),
        created_by=actor.actor_uuid,
        expires_at=expires_at,
    )
    session.add(api_key)
    await session.flush()
    await audit.record(
        session,
        actor,
        "api_key.created",
        target_type="api_key",
        target_uuid=api_key.uuid,
        organization_id=organization.id,
        changes={"name": name, "prefix": prefix, "permissions": api_key.permissions},
    )
    return api_key, secret


def api_keys_query(actor: Principal, *, organization_id: int | None = None) -> Select[Any]:
    stmt = scoped(select(ApiKey), ApiKey.organization_id, actor)
    if organization_id is not None:
        stmt = stmt.where(ApiKey.organization_id == organization_id)
    return stmt


async def get_api_key(session: AsyncSession, actor: Principal, key_uuid: uuid.UUID) -> ApiKey:
    api_key = await session.scalar(select(ApiKey).where(ApiKey.uuid == key_uuid))
    if api_key is None or not actor.can_see_organization(api_key.organization_id):
        raise NotFound("There is no such API key.")
    return api_key


async def revoke_api_key(session: AsyncSession, actor: Principal, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        await audit.record(
            session,
            actor,
            "api_key.revoked",
            target_type="api_key",
            target_uuid=api_key.uuid,
            organization_id=api_key.organization_id,
            changes={"prefix": api_key.prefix},
        )
    return api_key
