"""Identity logic: organizations, users, roles, groups. Routers and other modules call this."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Conflict, Invalid, NotFound
from patchwatch.identity.models import Group, Organization, RefreshToken, Role, User
from patchwatch.identity.passwords import check_password_policy
from patchwatch.identity.permissions import BUILTIN_GROUPS, BUILTIN_ROLES
from patchwatch.identity.principal import Principal
from patchwatch.identity.tokens import hash_password


async def ensure_builtins(session: AsyncSession) -> None:
    """Create the built-in roles and groups that are missing (idempotent)."""
    existing_roles = set(await session.scalars(select(Role.name)))
    for name, (description, permissions) in BUILTIN_ROLES.items():
        if name not in existing_roles:
            session.add(
                Role(name=name, description=description, permissions=permissions, is_builtin=True)
            )
    existing_groups = set(await session.scalars(select(Group.name)))
    for name, description in BUILTIN_GROUPS.items():
        if name not in existing_groups:
            session.add(Group(name=name, description=description, is_builtin=True))
    await session.flush()


async def get_role_by_name(session: AsyncSession, name: str) -> Role:
    role = await session.scalar(select(Role).where(Role.name == name))
    if role is None:
        raise Invalid(f"There is no role '{name}'.", code="unknown_role")
    return role


async def get_group_by_name(session: AsyncSession, name: str) -> Group:
    group = await session.scalar(select(Group).where(Group.name == name))
    if group is None:
        raise NotFound(f"There is no group '{name}'.")
    return group


async def create_organization(
    session: AsyncSession,
    actor: Principal | None,
    *,
    name: str,
    tax_id: str | None = None,
    currency: str = "EUR",
) -> Organization:
    org = Organization(
        name=name,
        tax_id=tax_id,
        currency=currency,
        created_by=actor.actor_uuid if actor else None,
        updated_by=actor.actor_uuid if actor else None,
    )
    session.add(org)
    await session.flush()
    await audit.record(
        session,
        actor,
        "organization.created",
        target_type="organization",
        target_uuid=org.uuid,
        organization_id=org.id,
        changes={"name": name, "tax_id": tax_id, "currency": currency},
    )
    return org


def normalize_login(login: str) -> str:
    return login.strip().lower()


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def find_user_by_login_or_email(session: AsyncSession, identifier: str) -> User | None:
    """The user whose login or email is ``identifier`` (case-insensitive)."""
    key = identifier.strip().lower()
    return await session.scalar(
        select(User).where(or_(User.login == key, User.email == key), User.is_deleted.is_(False))
    )


async def get_user_by_login(session: AsyncSession, login: str) -> User | None:
    return await session.scalar(
        select(User).where(User.login == normalize_login(login), User.is_deleted.is_(False))
    )


async def create_user(
    session: AsyncSession,
    actor: Principal | None,
    *,
    organization: Organization,
    login: str,
    email: str,
    role: str = "viewer",
    name: str = "",
    password: str | None = None,
    is_approved: bool = False,
    groups: list[str] | None = None,
    notification_preferences: dict[str, Any] | None = None,
) -> User:
    """Create a user; without a password it is an invitation the person completes by registering."""
    login_key, email_key = normalize_login(login), normalize_email(email)
    clash = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(or_(User.login == login_key, User.email == email_key))
    )
    if clash:
        raise Conflict("A user with this login or email exists.", code="user_exists")
    if password is not None:
        check_password_policy(password, login=login_key, email=email_key)
    user = User(
        uuid=uuid.uuid4(),
        name=name,
        login=login_key,
        email=email_key,
        password_hash=(
            await asyncio.to_thread(hash_password, password) if password is not None else None
        ),
        password_changed_at=utcnow() if password is not None else None,
        organization_id=organization.id,
        role_id=(await get_role_by_name(session, role)).id,
        is_approved=is_approved,
        approved_at=utcnow() if is_approved else None,
        approved_by=actor.actor_uuid if (is_approved and actor) else None,
        notification_preferences=notification_preferences or {},
        created_by=actor.actor_uuid if actor else None,
        updated_by=actor.actor_uuid if actor else None,
    )
    user.groups = [await get_group_by_name(session, g) for g in groups or []]
    session.add(user)
    await session.flush()
    await session.refresh(user, ["organization", "role"])
    await audit.record(
        session,
        actor,
        "user.created",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=organization.id,
        changes={"login": login_key, "email": email_key, "role": role, "groups": groups or []},
    )
    return user


async def revoke_sessions(
    session: AsyncSession, user: User, *, keep_family: uuid.UUID | None = None
) -> int:
    """End every session of ``user`` at once (all refresh-token families but ``keep_family``)."""
    stmt = update(RefreshToken).where(
        RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None)
    )
    if keep_family is not None:
        stmt = stmt.where(RefreshToken.family_id != keep_family)
    result = await session.execute(stmt.values(revoked_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


async def set_password(
    session: AsyncSession,
    actor: Principal | None,
    user: User,
    password: str,
    *,
    keep_family: uuid.UUID | None = None,
) -> None:
    """Give ``user`` a new password (policy-checked) and end their sessions (but one)."""
    check_password_policy(password, login=user.login, email=user.email)
    user.password_hash = await asyncio.to_thread(hash_password, password)
    user.password_changed_at = utcnow()
    user.updated_by = actor.actor_uuid if actor else None
    await revoke_sessions(session, user, keep_family=keep_family)
    await audit.record(
        session,
        actor,
        "user.password_reset",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
    )


async def set_active(
    session: AsyncSession, actor: Principal | None, user: User, active: bool
) -> None:
    """Activate or deactivate ``user``; deactivation ends their sessions at once."""
    if user.is_active == active:
        return
    user.is_active = active
    user.updated_by = actor.actor_uuid if actor else None
    if not active:
        await revoke_sessions(session, user)
    await audit.record(
        session,
        actor,
        "user.activated" if active else "user.deactivated",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
        changes={"is_active": {"before": not active, "after": active}},
    )
