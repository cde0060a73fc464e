"""Who hears of an event: the users each kind of notification goes to.

Organization-wide kinds go to the active, approved users of the event's organization whose
role grants the permission that lets them act on it; personal kinds go to the one user the
event names. The platform admins hear of platform events (the catalog sync).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.errors import NotFound
from patchwatch.events.bus import Event
from patchwatch.identity.models import Organization, User
from patchwatch.identity.permissions import PLATFORM_ADMIN
from patchwatch.identity.principal import system_principal
from patchwatch.identity.service import LOGIN_APPROVERS
from patchwatch.patching import maintenance

# Organization-wide kinds: the permission a user needs to receive them.
BY_PERMISSION = {
    "security_update": "sites:read",
    "sla_due_soon": "sites:read",
    "sla_breached": "sites:read",
    "maintenance_submitted": "maintenance:decide",
    "statement": "billing:read",  # the organization's bill: who may read it
}


def _active_users() -> Any:
    return (
        select(User)
        .join(Organization, Organization.id == User.organization_id)
        .where(
            User.is_active.is_(True),
            User.is_deleted.is_(False),
            User.is_approved.is_(True),
            Organization.is_active.is_(True),
            Organization.is_deleted.is_(False),
        )
        .order_by(User.id)
    )


async def _organization_users(session: AsyncSession, organization_id: int | None) -> list[User]:
    if organization_id is None:
        return []
    stmt = _active_users().where(User.organization_id == organization_id)
    return list((await session.scalars(stmt)).unique())


async def _user_by_uuid(session: AsyncSession, value: Any) -> list[User]:
    try:
        user_uuid = uuid.UUID(str(value))
    except ValueError:
        return []
    found = (await session.scalars(_active_users().where(User.uuid == user_uuid))).unique()
    return list(found)


async def _platform_admins(session: AsyncSession) -> list[User]:
    users = (await session.scalars(_active_users())).unique()
    return [user for user in users if PLATFORM_ADMIN in user.role.permissions]


async def _requester(session: AsyncSession, event: Event) -> list[User]:
    try:
        request = await maintenance.get_request(
            session, system_principal("notify"), uuid.UUID(str(event.payload.get("uuid")))
        )
    except (NotFound, ValueError):
        return []
    if request.requester_uuid is None:
        return []
    return await _user_by_uuid(session, request.requester_uuid)


def _first(payload: dict[str, Any], *keys: str) -> Any:
    return next((payload[key] for key in keys if payload.get(key)), None)


async def recipients(session: AsyncSession, kind: str, event: Event) -> list[User]:
    """The users to notify of ``event`` (of notification kind ``kind``)."""
    payload = event.payload
    if kind in BY_PERMISSION:
        if kind == "statement" and _first(payload, "engineer_uuid", "user_uuid"):
            return await _user_by_uuid(session, _first(payload, "engineer_uuid", "user_uuid"))
        permission = BY_PERMISSION[kind]
        users = await _organization_users(session, event.organization_id)
        return [user for user in users if permission in user.role.permissions]
    if kind == "task_assigned":
        return await _user_by_uuid(
            session, _first(payload, "assignee_uuid", "assignee_user_uuid", "user_uuid")
        )
    if kind in ("maintenance_accepted", "maintenance_rejected"):
        return await _requester(session, event)
    if kind == "registration_pending":
        users = await _organization_users(session, event.organization_id)
        return [
            user
            for user in users
            if any(group.name == LOGIN_APPROVERS for group in user.groups)
            and str(user.uuid) != payload.get("user_uuid")
        ]
    if kind == "account_approved":
        return await _user_by_uuid(session, payload.get("user_uuid"))
    if kind == "import_finished":
        if payload.get("actor_type") != "user":
            return []
        return await _user_by_uuid(session, payload.get("actor_uuid"))
    if kind == "catalog_sync_failed":
        return await _platform_admins(session)
    return []
