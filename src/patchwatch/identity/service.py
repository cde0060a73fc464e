"""Identity logic: organizations, users, roles, groups. Routers and other modules call this."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Conflict, Invalid, NotFound, PermissionDenied
from patchwatch.events import service as events
from patchwatch.identity.models import Group, Organization, RefreshToken, Role, User, user_groups
from patchwatch.identity.passwords import check_password_policy
from patchwatch.identity.permissions import (
    BUILTIN_GROUPS,
    BUILTIN_ROLES,
    PLATFORM_ADMIN,
    unknown_permissions,
)
from patchwatch.identity.principal import Principal
from patchwatch.identity.tokens import hash_password
from patchwatch.tenancy import scoped

# Logins never contain '@', so a login can never be mistaken for somebody's email at sign-in.
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
LOGIN_APPROVERS = "login_approvers"


async def _flush_or_conflict(session: AsyncSession, message: str, code: str) -> None:
    """Flush; a unique constraint hit by a concurrent request is a 409, not a 500."""
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(message, code=code) from exc


def require_platform_admin(actor: Principal | None) -> None:
    """Refuse anyone but the platform admin (``None`` is the operator's own code)."""
    if actor is not None and not actor.is_platform_admin:
        raise PermissionDenied("Only the platform admin can do this.", code="admin_only")


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


def check_login(login: str) -> str:
    """The normalised login, or ``Invalid`` (field ``login``) when it breaks the pattern."""
    key = normalize_login(login)
    if not LOGIN_PATTERN.fullmatch(key):
        raise Invalid(
            "A login is 2 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
            details=[{"field": "login", "message": f"must match {LOGIN_PATTERN.pattern}"}],
        )
    return key


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
    login_key, email_key = check_login(login), normalize_email(email)
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
    await _flush_or_conflict(session, "A user with this login or email exists.", "user_exists")
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


# --- queries scoped to the caller -------------------------------------------------------------


async def get_organization(
    session: AsyncSession, actor: Principal, org_uuid: uuid.UUID
) -> Organization:
    """An organization the caller may see (another's answers 404, as if it did not exist)."""
    org = await session.scalar(
        select(Organization).where(
            Organization.uuid == org_uuid, Organization.is_deleted.is_(False)
        )
    )
    if org is None or not actor.can_see_organization(org.id):
        raise NotFound("There is no such organization.")
    return org


def organizations_query(
    actor: Principal, *, q: str | None = None, is_active: bool | None = None
) -> Select[Any]:
    """The organizations the caller may see (never deleted ones), optionally filtered."""
    stmt = scoped(
        select(Organization).where(Organization.is_deleted.is_(False)), Organization.id, actor
    )
    if is_active is not None:
        stmt = stmt.where(Organization.is_active.is_(is_active))
    if q:
        stmt = stmt.where(Organization.name.ilike(f"%{_escape_like(q)}%", escape="\\"))
    return stmt


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def update_organization(
    session: AsyncSession, actor: Principal, org: Organization, changes: dict[str, Any]
) -> Organization:
    """Change an organization; deactivating it stops its users and keys at their next request."""
    if changes.get("is_active") is False and actor.organization_id == org.id:
        raise Conflict("You cannot deactivate your own organization.", code="own_organization")
    before = {key: getattr(org, key) for key in changes}
    for key, value in changes.items():
        setattr(org, key, value)
    org.updated_by = actor.actor_uuid
    await audit.record(
        session,
        actor,
        "organization.updated",
        target_type="organization",
        target_uuid=org.uuid,
        organization_id=org.id,
        changes={"before": before, "after": changes},
    )
    return org


async def delete_organization(session: AsyncSession, actor: Principal, org: Organization) -> None:
    if actor.organization_id == org.id:
        raise Conflict("You cannot delete your own organization.", code="own_organization")
    org.is_deleted = True
    org.is_active = False
    org.updated_by = actor.actor_uuid
    await audit.record(
        session,
        actor,
        "organization.deleted",
        target_type="organization",
        target_uuid=org.uuid,
        organization_id=org.id,
    )


async def get_user(session: AsyncSession, actor: Principal, user_uuid: uuid.UUID) -> User:
    user = await session.scalar(
        select(User).where(User.uuid == user_uuid, User.is_deleted.is_(False))
    )
    if user is None or not actor.can_see_organization(user.organization_id):
        raise NotFound("There is no such user.")
    return user


def users_query(
    actor: Principal,
    *,
    organization_id: int | None = None,
    role_id: int | None = None,
    is_active: bool | None = None,
    is_approved: bool | None = None,
    q: str | None = None,
) -> Select[Any]:
    stmt = scoped(select(User).where(User.is_deleted.is_(False)), User.organization_id, actor)
    if organization_id is not None:
        stmt = stmt.where(User.organization_id == organization_id)
    if role_id is not None:
        stmt = stmt.where(User.role_id == role_id)
    if is_active is not None:
        stmt = stmt.where(User.is_active.is_(is_active))
    if is_approved is not None:
        stmt = stmt.where(User.is_approved.is_(is_approved))
    if q:
        pattern = f"%{_escape_like(q.lower())}%"
        stmt = stmt.where(
            or_(
                User.login.like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                func.lower(User.name).like(pattern, escape="\\"),
            )
        )
    return stmt


def assert_can_grant(actor: Principal, role: Role) -> None:
    """Nobody hands out permissions they do not hold themselves."""
    missing = set(role.permissions) - actor.permissions
    if missing:
        raise PermissionDenied(
            f"You cannot give the role '{role.name}': it holds permissions you do not have.",
            code="privilege_escalation",
            details=[{"permission": p} for p in sorted(missing)],
        )


async def update_user(
    session: AsyncSession, actor: Principal, user: User, changes: dict[str, Any]
) -> User:
    before: dict[str, Any] = {}
    if "role" in changes:
        role = await get_role_by_name(session, changes.pop("role"))
        assert_can_grant(actor, role)
        assert_can_grant(actor, user.role)  # a manager cannot demote an admin either
        before["role"] = user.role.name
        user.role_id = role.id
        user.role = role
        changes_out: dict[str, Any] = {"role": role.name}
    else:
        changes_out = {}
    if "email" in changes:
        email = normalize_email(changes["email"])
        clash = await session.scalar(
            select(func.count()).select_from(User).where(User.email == email, User.id != user.id)
        )
        if clash:
            raise Conflict("Another user has this email.", code="user_exists")
        changes["email"] = email
    for key, value in changes.items():
        before[key] = getattr(user, key)
        setattr(user, key, value)
        changes_out[key] = value
    user.updated_by = actor.actor_uuid
    await _flush_or_conflict(session, "Another user has this email.", "user_exists")
    await audit.record(
        session,
        actor,
        "user.updated",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
        changes={"before": before, "after": changes_out},
    )
    return user


def assert_not_self(actor: Principal, user: User, action: str) -> None:
    if actor.actor_uuid == user.uuid:
        raise Conflict(f"You cannot {action} yourself.", code="own_account")


async def delete_user(session: AsyncSession, actor: Principal, user: User) -> None:
    assert_not_self(actor, user, "delete")
    assert_can_grant(actor, user.role)
    user.is_deleted = True
    user.is_active = False
    user.updated_by = actor.actor_uuid
    await revoke_sessions(session, user)
    await audit.record(
        session,
        actor,
        "user.deleted",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
    )


def is_login_approver(user: User | None) -> bool:
    return user is not None and any(g.name == LOGIN_APPROVERS for g in user.groups)


def can_approve(actor: Principal, approver: User | None, organization_id: int) -> bool:
    """The platform admin, or an active member of ``login_approvers`` of that organization.

    Membership of the group is what counts (not a role permission): it is the pypatch3 rule,
    and the internal ``/user/approve`` API names the approver by login in the same way.
    """
    if actor.is_platform_admin:
        return True
    return (
        approver is not None
        and is_login_approver(approver)
        and approver.organization_id == organization_id
        and approver.can_log_in
    )


async def approve_user(
    session: AsyncSession, actor: Principal, approver: User | None, user: User
) -> User:
    """Approve a registration: the platform admin, or a login approver of the same organization.

    An invitation is approved only after the person has registered (set a password): approving
    a bare login and email would let whoever guesses the pair take the account.
    """
    if not can_approve(actor, approver, user.organization_id):
        raise PermissionDenied(
            "Only a member of 'login_approvers' of this organization can approve it.",
            code="not_an_approver",
        )
    if user.is_approved:
        return user
    if user.password_hash is None:
        raise Conflict(
            "This person has not registered yet; approve them once they have.",
            code="not_registered",
        )
    user.is_approved = True
    user.approved_by = actor.actor_uuid
    user.approved_at = utcnow()
    await audit.record(
        session,
        actor,
        "user.approved",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
    )
    events.emit(
        session,
        "user_approved",
        aggregate_type="user",
        aggregate_uuid=user.uuid,
        organization_id=user.organization_id,
        payload={
            "user_uuid": str(user.uuid),
            "login": user.login,
            "approved_by": str(actor.actor_uuid),
        },
    )
    return user


async def set_groups(session: AsyncSession, actor: Principal, user: User, names: list[str]) -> User:
    """Replace ``user``'s groups; nobody changes the groups of someone holding more than them."""
    assert_can_grant(actor, user.role)
    groups = [await get_group_by_name(session, name) for name in sorted(set(names))]
    before = sorted(g.name for g in user.groups)
    user.groups = groups
    await audit.record(
        session,
        actor,
        "user.groups_changed",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
        changes={"before": before, "after": [g.name for g in groups]},
    )
    return user


async def get_role(session: AsyncSession, role_uuid: uuid.UUID) -> Role:
    role = await session.scalar(select(Role).where(Role.uuid == role_uuid))
    if role is None:
        raise NotFound("There is no such role.")
    return role


def check_permissions_known(permissions: list[str]) -> None:
    unknown = unknown_permissions(permissions)
    if unknown:
        raise Invalid(
            "Unknown permissions: " + ", ".join(unknown),
            code="unknown_permission",
            details=[{"field": "body.permissions", "message": f"unknown: {p}"} for p in unknown],
        )


async def create_role(
    session: AsyncSession, actor: Principal, *, name: str, description: str, permissions: list[str]
) -> Role:
    """A custom role (platform admin only: a role can hold any permission, even platform:admin)."""
    require_platform_admin(actor)
    check_permissions_known(permissions)
    if await session.scalar(select(func.count()).select_from(Role).where(Role.name == name)):
        raise Conflict(f"A role '{name}' exists.", code="role_exists")
    role = Role(name=name, description=description, permissions=sorted(set(permissions)))
    session.add(role)
    await _flush_or_conflict(session, f"A role '{name}' exists.", "role_exists")
    await audit.record(
        session,
        actor,
        "role.created",
        target_type="role",
        target_uuid=role.uuid,
        organization_id=None,
        changes={"name": name, "permissions": role.permissions},
    )
    return role


async def update_role(
    session: AsyncSession, actor: Principal, role: Role, changes: dict[str, Any]
) -> Role:
    """Change a role's description or permissions (platform admin; never the built-in admin)."""
    require_platform_admin(actor)
    if role.name == "admin" or (role.is_builtin and PLATFORM_ADMIN in role.permissions):
        raise Conflict("The built-in admin role cannot be changed.", code="builtin_role")
    if "permissions" in changes:
        check_permissions_known(changes["permissions"])
        changes["permissions"] = sorted(set(changes["permissions"]))
    before = {key: getattr(role, key) for key in changes}
    for key, value in changes.items():
        setattr(role, key, value)
    await audit.record(
        session,
        actor,
        "role.updated",
        target_type="role",
        target_uuid=role.uuid,
        organization_id=None,
        changes={"before": before, "after": changes},
    )
    return role


async def delete_role(session: AsyncSession, actor: Principal, role: Role) -> None:
    """Delete a custom role nobody holds (soft-deleted users still hold theirs)."""
    require_platform_admin(actor)
    if role.is_builtin:
        raise Conflict("Built-in roles cannot be deleted.", code="builtin_role")
    in_use = await session.scalar(
        select(func.count()).select_from(User).where(User.role_id == role.id)
    )
    if in_use:
        raise Conflict(f"{in_use} users have this role.", code="role_in_use")
    await session.delete(role)
    await audit.record(
        session,
        actor,
        "role.deleted",
        target_type="role",
        target_uuid=role.uuid,
        organization_id=None,
        changes={"name": role.name},
    )


async def create_group(
    session: AsyncSession, actor: Principal, *, name: str, description: str
) -> Group:
    """A new group (platform admin only: groups are shared by every organization)."""
    require_platform_admin(actor)
    if await session.scalar(select(func.count()).select_from(Group).where(Group.name == name)):
        raise Conflict(f"A group '{name}' exists.", code="group_exists")
    group = Group(name=name, description=description)
    session.add(group)
    await _flush_or_conflict(session, f"A group '{name}' exists.", "group_exists")
    await audit.record(
        session,
        actor,
        "group.created",
        target_type="group",
        target_uuid=group.uuid,
        organization_id=None,
        changes={"name": name},
    )
    return group


async def get_group(session: AsyncSession, group_uuid: uuid.UUID) -> Group:
    group = await session.scalar(select(Group).where(Group.uuid == group_uuid))
    if group is None:
        raise NotFound("There is no such group.")
    return group


def group_members_query(actor: Principal, group: Group) -> Select[Any]:
    return scoped(
        select(User)
        .join(user_groups, user_groups.c.user_id == User.id)
        .where(user_groups.c.group_id == group.id, User.is_deleted.is_(False)),
        User.organization_id,
        actor,
    )


async def change_membership(
    session: AsyncSession, actor: Principal, group: Group, user: User, *, member: bool
) -> None:
    names = {g.name for g in user.groups}
    if member:
        names.add(group.name)
    else:
        names.discard(group.name)
    await set_groups(session, actor, user, sorted(names))
