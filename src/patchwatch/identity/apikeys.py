"""API keys for machines: created with a secret shown once, scoped, revocable.

Decisions: a key holds only known permissions, never more than the person creating it, and
never ``platform:admin`` (not even when an admin creates it: a leaked key must stay inside one
organization). Only signed-in people manage keys (the routers use ``require_user``). A key
belongs to its organization, not to its creator: it keeps working when the creator leaves,
until it is revoked or expires. The secret is returned once and stored as a SHA-256 hash.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Invalid, NotFound, PermissionDenied
from patchwatch.identity import service as identity
from patchwatch.identity.models import ApiKey, Organization
from patchwatch.identity.permissions import PLATFORM_ADMIN, unknown_permissions
from patchwatch.identity.principal import Principal
from patchwatch.identity.tokens import hash_token, new_api_key
from patchwatch.sites import service as sites
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


async def key_organization(
    session: AsyncSession, actor: Principal, organization_uuid: uuid.UUID | None
) -> Organization:
    """The organization a new key belongs to: the caller's own, or (admins) the one named."""
    if organization_uuid is not None:
        return await identity.get_organization(session, actor, organization_uuid)
    organization = await session.get(Organization, actor.organization_id)
    if organization is None:
        raise NotFound("You have no organization to create a key in.")
    return organization


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
    if site_uuid is not None:
        await _assert_site_of(session, actor, organization, site_uuid)
    secret, prefix = new_api_key()
    api_key = ApiKey(
        uuid=uuid.uuid4(),
        name=name,
        prefix=prefix,
        secret_hash=hash_token(secret),
        organization_id=organization.id,
        organization=organization,
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


async def _assert_site_of(
    session: AsyncSession, actor: Principal, organization: Organization, site_uuid: uuid.UUID
) -> None:
    """A key limited to a site needs a site of the key's own organization (else 404)."""
    site = await sites.get_site(session, actor, site_uuid)
    if site.organization_id != organization.id:
        raise NotFound("There is no such site in the key's organization.")


def api_keys_query(actor: Principal, *, organization_id: int | None = None) -> Select[Any]:
    """The keys the caller may list (the platform admin: every organization's)."""
    stmt = scoped(select(ApiKey), ApiKey.organization_id, actor)
    if organization_id is not None:
        stmt = stmt.where(ApiKey.organization_id == organization_id)
    return stmt


async def get_api_key(session: AsyncSession, actor: Principal, key_uuid: uuid.UUID) -> ApiKey:
    """A key of the caller's organization (another organization's answers 404)."""
    api_key = await session.scalar(select(ApiKey).where(ApiKey.uuid == key_uuid))
    if api_key is None or not actor.can_see_organization(api_key.organization_id):
        raise NotFound("There is no such API key.")
    return api_key


async def revoke_api_key(session: AsyncSession, actor: Principal, api_key: ApiKey) -> ApiKey:
    """Revoke (soft: ``revoked_at``); revoking again changes nothing."""
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        # Write first: on SQLite this takes the write lock before the audit chain is read,
        # so concurrent revocations cannot chain to the same previous event.
        await session.flush()
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


async def rotate_site_key(
    session: AsyncSession,
    actor: Principal,
    *,
    organization: Organization,
    site_uuid: uuid.UUID,
    name: str,
    permissions: list[str],
) -> tuple[ApiKey, str, list[ApiKey]]:
    """Create a key bound to one site and revoke that site's earlier keys of the same name.

    Returns the new key, its secret (shown once) and the keys revoked. The new key is checked
    like any other (the caller must hold its permissions) before anything is revoked.
    """
    check_grantable(actor, permissions)
    earlier = list(
        await session.scalars(
            select(ApiKey).where(
                ApiKey.organization_id == organization.id,
                ApiKey.site_uuid == site_uuid,
                ApiKey.name == name,
                ApiKey.revoked_at.is_(None),
            )
        )
    )
    for old in earlier:
        await revoke_api_key(session, actor, old)
    api_key, secret = await create_api_key(
        session,
        actor,
        organization=organization,
        name=name,
        permissions=permissions,
        site_uuid=site_uuid,
    )
    return api_key, secret, earlier
