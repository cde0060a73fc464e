"""The notifier's public face: the bell (in-app notifications), preferences and webhooks.

Notifications and personal webhooks are the caller's own, whatever their role: nobody reads
another person's. Organization webhooks are scoped to the caller's organization and need
``webhooks:manage``.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from sqlalchemy import Select, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import NotFound, PermissionDenied
from patchwatch.identity.principal import Principal
from patchwatch.notify.kinds import KINDS, Channel, Digest, default_preference
from patchwatch.notify.models import Delivery, Notification, NotificationPreference, Webhook
from patchwatch.notify.schemas import (
    SUBSCRIBABLE,
    PreferenceIn,
    PreferenceOut,
    WebhookCreate,
    WebhookScope,
    WebhookUpdate,
)
from patchwatch.tenancy import scoped

MANAGE_WEBHOOKS = "webhooks:manage"


def _user_id(actor: Principal) -> int:
    if actor.user is None:
        raise PermissionDenied("Only a signed-in user has notifications.", code="user_required")
    return actor.user.id


# --- the bell ---------------------------------------------------------------------------------


def notifications_query(
    actor: Principal, *, unread: bool | None = None, kind: str | None = None
) -> Select[Any]:
    """The caller's in-app notifications, optionally only the unread ones or one kind."""
    stmt = select(Notification).where(
        Notification.user_id == _user_id(actor), Notification.in_app.is_(True)
    )
    if unread is True:
        stmt = stmt.where(Notification.read_at.is_(None))
    elif unread is False:
        stmt = stmt.where(Notification.read_at.is_not(None))
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return stmt


async def unread_count(session: AsyncSession, actor: Principal) -> int:
    stmt = notifications_query(actor, unread=True).with_only_columns(func.count())
    return int(await session.scalar(stmt.order_by(None)) or 0)


async def get_notification(
    session: AsyncSession, actor: Principal, notification_uuid: uuid.UUID
) -> Notification:
    """One of the caller's notifications, or ``NotFound`` (also anybody else's)."""
    found: Notification | None = await session.scalar(
        notifications_query(actor).where(Notification.uuid == notification_uuid)
    )
    if found is None:
        raise NotFound("There is no such notification.")
    return found


def mark(notification: Notification, *, read: bool) -> Notification:
    """Mark read (keeping the first time it was read) or unread again."""
    if read and notification.read_at is None:
        notification.read_at = utcnow()
    elif not read:
        notification.read_at = None
    return notification


async def mark_all_read(session: AsyncSession, actor: Principal) -> int:
    result = await session.execute(
        update(Notification)
        .where(
            Notification.user_id == _user_id(actor),
            Notification.in_app.is_(True),
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- preferences ------------------------------------------------------------------------------


async def preferences(session: AsyncSession, actor: Principal) -> list[PreferenceOut]:
    """Every subscribable kind with the caller's choice, or their role's default."""
    user_id = _user_id(actor)
    assert actor.user is not None
    saved = {
        row.kind: row
        for row in await session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        )
    }
    out = []
    for kind in SUBSCRIBABLE:
        row = saved.get(kind)
        if row is None:
            channels, digest = default_preference(actor.user.role.name, kind)
        else:
            channels, digest = tuple(Channel(c) for c in row.channels), Digest(row.digest)
        out.append(
            PreferenceOut(
                kind=kind,
                description=KINDS[kind].description,
                channels=list(channels),
                digest=digest,
                is_default=row is None,
            )
        )
    return out


async def set_preferences(
    session: AsyncSession, actor: Principal, changes: list[PreferenceIn]
) -> list[PreferenceOut]:
    """Save the caller's choice for each listed kind; the others are left as they are."""
    user_id = _user_id(actor)
    saved = {
        row.kind: row
        for row in await session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        )
    }
    for change in changes:
        row = saved.get(change.kind)
        if row is None:
            row = NotificationPreference(user_id=user_id, kind=change.kind)
            session.add(row)
        row.channels = [channel.value for channel in change.channels]
        row.digest = change.digest.value
    await session.flush()
    return await preferences(session, actor)


# --- webhooks ---------------------------------------------------------------------------------


def _visible_webhooks(actor: Principal) -> Select[Any]:
    """The caller's own webhooks, and their organization's when they may manage those."""
    own = Webhook.user_id == actor.user.id if actor.user is not None else false()
    if not actor.has(MANAGE_WEBHOOKS):
        return select(Webhook).where(own)
    organization = scoped(select(Webhook.id), Webhook.organization_id, actor).where(
        Webhook.user_id.is_(None)
    )
    return select(Webhook).where(or_(own, Webhook.id.in_(organization)))


def webhooks_query(actor: Principal) -> Select[Any]:
    return _visible_webhooks(actor)


async def get_webhook(session: AsyncSession, actor: Principal, webhook_uuid: uuid.UUID) -> Webhook:
    """A webhook the caller may see, or ``NotFound``."""
    found: Webhook | None = await session.scalar(
        _visible_webhooks(actor).where(Webhook.uuid == webhook_uuid)
    )
    if found is None:
        raise NotFound("There is no such webhook.")
    return found


def scope_of(hook: Webhook) -> WebhookScope:
    return WebhookScope.user if hook.user_id is not None else WebhookScope.organization


async def _audit(session: AsyncSession, actor: Principal, action: str, hook: Webhook) -> None:
    await audit.record(
        session,
        actor,
        f"webhook.{action}",
        target_type="webhook",
        target_uuid=hook.uuid,
        organization_id=hook.organization_id,
        changes={
            "name": hook.name,
            "url": hook.url,
            "scope": scope_of(hook).value,
            "is_active": hook.is_active,
        },
    )


async def create_webhook(session: AsyncSession, actor: Principal, data: WebhookCreate) -> Webhook:
    """A personal webhook (any signed-in user) or an organization's (``webhooks:manage``)."""
    user_id = _user_id(actor)
    if data.scope is WebhookScope.organization and not actor.has(MANAGE_WEBHOOKS):
        raise PermissionDenied(
            f"An organization webhook needs the permission '{MANAGE_WEBHOOKS}'.",
            details=[{"permission": MANAGE_WEBHOOKS}],
        )
    assert actor.organization_id is not None
    hook = Webhook(
        organization_id=actor.organization_id,
        user_id=user_id if data.scope is WebhookScope.user else None,
        owner_id=user_id,
        name=data.name.strip(),
        url=str(data.url),
        secret=data.secret or secrets.token_urlsafe(32),
        payload_format=data.payload_format.value,
        event_kinds=sorted(set(data.event_kinds)),
    )
    session.add(hook)
    await session.flush()
    await _audit(session, actor, "created", hook)
    return hook


async def _fail_pending(session: AsyncSession, hook: Webhook, reason: str) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.webhook_id == hook.id, Delivery.status == "pending")
        .values(status="failed", last_error=reason)
    )


async def update_webhook(
    session: AsyncSession, actor: Principal, hook: Webhook, data: WebhookUpdate
) -> Webhook:
    """Change a webhook; enabling one that was disabled resets its failure streak."""
    if data.name is not None:
        hook.name = data.name.strip()
    if data.url is not None:
        hook.url = str(data.url)
    if data.payload_format is not None:
        hook.payload_format = data.payload_format.value
    if data.event_kinds is not None:
        hook.event_kinds = sorted(set(data.event_kinds))
    if data.is_active is True and not hook.is_active:
        hook.is_active, hook.consecutive_failures, hook.disabled_at = True, 0, None
    elif data.is_active is False and hook.is_active:
        hook.is_active, hook.disabled_at = False, utcnow()
        await _fail_pending(session, hook, "the webhook was disabled")
    hook.updated_at = utcnow()
    await session.flush()
    await _audit(session, actor, "updated", hook)
    return hook


async def delete_webhook(session: AsyncSession, actor: Principal, hook: Webhook) -> None:
    await _audit(session, actor, "deleted", hook)
    await session.delete(hook)
    await session.flush()
