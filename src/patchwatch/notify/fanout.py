"""From an event to rows: in-app notifications and the deliveries that the sender will send.

No network I/O here (this runs inside the event runner's transaction): an email or a webhook
call is a ``Delivery`` row with status ``pending``, sent later by ``sender.deliver_due``.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.errors import NotFound
from patchwatch.events.bus import Event
from patchwatch.identity.models import User
from patchwatch.identity.principal import system_principal
from patchwatch.notify import render
from patchwatch.notify.kinds import KIND_OF_EVENT, Channel, Digest, default_preference
from patchwatch.notify.models import Delivery, Notification, NotificationPreference, Webhook
from patchwatch.notify.recipients import recipients
from patchwatch.sites import service as sites

log = structlog.get_logger(__name__)

_LINKS = {
    "security_update": "/sites/{site_uuid}",
    "sla_due_soon": "/sites/{site_uuid}",
    "sla_breached": "/sites/{site_uuid}",
    "task_assigned": "/tasks/{aggregate_uuid}",
    "maintenance_submitted": "/maintenance/{aggregate_uuid}",
    "maintenance_accepted": "/maintenance/{aggregate_uuid}",
    "maintenance_rejected": "/maintenance/{aggregate_uuid}",
    "registration_pending": "/users/{aggregate_uuid}",
    "account_approved": "/",
    "import_finished": "/imports/{aggregate_uuid}",
    "statement": "/statements",
    "catalog_sync_failed": "/catalog",
    "webhook_disabled": "/settings/webhooks",
}


def link_for(kind: str, event: Event) -> str:
    """The dashboard path a notification of ``kind`` about ``event`` points at."""
    values = {"aggregate_uuid": event.aggregate_uuid or "", **event.payload}
    return _LINKS[kind].format_map({k: str(v) for k, v in values.items()})[:500]


async def _facts(session: AsyncSession, event: Event) -> dict[str, Any]:
    """The event's payload plus what a reader needs that it lacks (the site's name)."""
    data = dict(event.payload)
    site_uuid = data.get("site_uuid")
    if site_uuid and "site_name" not in data:
        try:
            site = await sites.get_site(session, system_principal("notify"), uuid.UUID(site_uuid))
            data["site_name"] = site.name
        except (NotFound, ValueError):
            pass
    return data


async def preferences_of(
    session: AsyncSession, users: list[User], kind: str
) -> dict[int, tuple[tuple[Channel, ...], Digest]]:
    """Each user's channels and digest for ``kind``: saved, or their role's default."""
    saved = {
        row.user_id: row
        for row in await session.scalars(
            select(NotificationPreference).where(
                NotificationPreference.kind == kind,
                NotificationPreference.user_id.in_([user.id for user in users]),
            )
        )
    }
    chosen = {}
    for user in users:
        row = saved.get(user.id)
        if row is None:
            chosen[user.id] = default_preference(user.role.name, kind)
        else:
            chosen[user.id] = (tuple(Channel(c) for c in row.channels), Digest(row.digest))
    return chosen


async def notify_user(
    session: AsyncSession,
    user: User,
    kind: str,
    *,
    cause: str,
    data: dict[str, Any],
    link: str,
    channels: tuple[Channel, ...],
    digest: Digest,
    organization_id: int | None,
) -> Notification | None:
    """One user's notification and deliveries; nothing when this cause reached them already."""
    if not channels:
        return None
    exists = await session.scalar(
        select(Notification.id).where(Notification.user_id == user.id, Notification.cause == cause)
    )
    if exists is not None:
        return None
    title = render.title(kind, data)
    notification = Notification(
        user_id=user.id,
        organization_id=organization_id,
        kind=kind,
        cause=cause[:120],
        title=title,
        body=render.body(kind, data),
        link=link,
        data=data,
        in_app=Channel.in_app in channels,
        digest_pending=Channel.email in channels and digest is Digest.daily,
    )
    session.add(notification)
    common = {"organization_id": organization_id, "kind": kind, "title": title, "link": link}
    if Channel.email in channels and digest is Digest.immediate:
        session.add(
            Delivery(
                channel="email", user_id=user.id, to_address=user.email, context=data, **common
            )
        )
    if Channel.webhook in channels:
        hooks = await session.scalars(
            select(Webhook).where(Webhook.user_id == user.id, Webhook.is_active.is_(True))
        )
        for hook in hooks:
            session.add(Delivery(channel="webhook", webhook_id=hook.id, context=data, **common))
    return notification


async def _queue_organization_webhooks(
    session: AsyncSession, event: Event, kind: str, data: dict[str, Any], link: str
) -> int:
    if event.organization_id is None:
        return 0
    hooks = await session.scalars(
        select(Webhook).where(
            Webhook.organization_id == event.organization_id,
            Webhook.user_id.is_(None),
            Webhook.is_active.is_(True),
        )
    )
    queued = 0
    for hook in hooks:
        if kind not in hook.event_kinds:
            continue
        session.add(
            Delivery(
                organization_id=event.organization_id,
                channel="webhook",
                kind=kind,
                webhook_id=hook.id,
                title=render.title(kind, data),
                link=link,
                context=data,
            )
        )
        queued += 1
    return queued


async def notify_event(session: AsyncSession, event: Event) -> int:
    """Turn one domain event into notifications and deliveries; how many users it reached."""
    kind = KIND_OF_EVENT.get(event.event_type)
    if kind is None:
        return 0
    data = await _facts(session, event)
    link = link_for(kind, event)
    users = await recipients(session, kind, event)
    chosen = await preferences_of(session, users, kind)
    reached = 0
    for user in users:
        channels, digest = chosen[user.id]
        created = await notify_user(
            session,
            user,
            kind,
            cause=str(event.uuid),
            data=data,
            link=link,
            channels=channels,
            digest=digest,
            organization_id=event.organization_id,
        )
        reached += created is not None
    await _queue_organization_webhooks(session, event, kind, data, link)
    log.debug("notified", event_type=event.event_type, kind=kind, users=reached)
    return reached
