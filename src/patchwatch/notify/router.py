"""The bell (in-app notifications), notification preferences and webhooks."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status

from patchwatch.api.deps import SessionDep, SettingsDep, require_user
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.identity.principal import Principal
from patchwatch.notify import service as notify
from patchwatch.notify.email import email_enabled
from patchwatch.notify.models import Notification, Webhook
from patchwatch.notify.schemas import (
    KindName,
    MarkedCount,
    NotificationOut,
    PayloadFormat,
    PreferenceOut,
    PreferencesIn,
    UnreadCount,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookUpdate,
)

router = APIRouter(tags=["notifications"])
Page = Annotated[PageParams, Depends(page_params)]
# Notifications, preferences and webhooks are a person's: API keys have none.
Person = Annotated[Principal, Depends(require_user())]
SORT = {"created_at": Notification.created_at, "kind": Notification.kind}
WEBHOOK_SORT = {"name": Webhook.name, "created_at": Webhook.created_at}


def notification_out(row: Notification) -> NotificationOut:
    return NotificationOut(
        uuid=row.uuid,
        kind=row.kind,
        title=row.title,
        body=row.body,
        link=row.link,
        data=row.data,
        read=row.read_at is not None,
        read_at=row.read_at,
        created_at=row.created_at,
    )


def webhook_out(hook: Webhook) -> WebhookOut:
    return WebhookOut(
        uuid=hook.uuid,
        name=hook.name,
        url=hook.url,
        scope=notify.scope_of(hook),
        payload_format=PayloadFormat(hook.payload_format),
        event_kinds=hook.event_kinds,
        is_active=hook.is_active,
        consecutive_failures=hook.consecutive_failures,
        disabled_at=hook.disabled_at,
        last_error=hook.last_error,
        created_at=hook.created_at,
        updated_at=hook.updated_at,
    )


@router.get("/notifications", summary="Your in-app notifications (the bell), newest first")
async def list_notifications(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Person,
    unread: Annotated[bool | None, Query(description="true: unread only; false: read")] = None,
    kind: KindName | None = None,
) -> ListEnvelope[NotificationOut]:
    stmt = notify.notifications_query(actor, unread=unread, kind=kind)
    default_order = [Notification.created_at.desc(), Notification.id.desc()]
    rows, total = await fetch_page(session, stmt, page, SORT, default_order)
    return list_envelope(request, [notification_out(row) for row in rows], total, page)


@router.get("/notifications/unread-count", summary="How many of your notifications are unread")
async def count_unread(session: SessionDep, actor: Person) -> Envelope[UnreadCount]:
    return wrap(UnreadCount(unread=await notify.unread_count(session, actor)))


@router.post("/notifications/read-all", summary="Mark all your notifications read")
async def read_all(session: SessionDep, actor: Person) -> Envelope[MarkedCount]:
    marked = await notify.mark_all_read(session, actor)
    await session.commit()
    return wrap(MarkedCount(marked=marked))


@router.post("/notifications/{notification_uuid}/read", summary="Mark one notification read")
async def read_one(
    notification_uuid: UUID, session: SessionDep, actor: Person
) -> Envelope[NotificationOut]:
    found = await notify.get_notification(session, actor, notification_uuid)
    notify.mark(found, read=True)
    await session.commit()
    return wrap(notification_out(found))


@router.post("/notifications/{notification_uuid}/unread", summary="Mark one notification unread")
async def unread_one(
    notification_uuid: UUID, session: SessionDep, actor: Person
) -> Envelope[NotificationOut]:
    found = await notify.get_notification(session, actor, notification_uuid)
    notify.mark(found, read=False)
    await session.commit()
    return wrap(notification_out(found))


@router.get(
    "/me/notification-preferences",
    summary="Your channels and digest per kind of notification (your role's default if unset)",
)
async def get_preferences(
    session: SessionDep, settings: SettingsDep, actor: Person
) -> Envelope[list[PreferenceOut]]:
    found = await notify.preferences(session, actor)
    return wrap(found, email_enabled=email_enabled(settings))


@router.put(
    "/me/notification-preferences", summary="Change your channels and digest for some kinds"
)
async def put_preferences(
    body: PreferencesIn, session: SessionDep, settings: SettingsDep, actor: Person
) -> Envelope[list[PreferenceOut]]:
    found = await notify.set_preferences(session, actor, body.preferences)
    await session.commit()
    return wrap(found, email_enabled=email_enabled(settings))


@router.get("/webhooks", summary="Your webhooks, and your organization's if you manage them")
async def list_webhooks(
    request: Request, session: SessionDep, page: Page, actor: Person
) -> ListEnvelope[WebhookOut]:
    stmt = notify.webhooks_query(actor)
    rows, total = await fetch_page(session, stmt, page, WEBHOOK_SORT, [Webhook.id])
    return list_envelope(request, [webhook_out(row) for row in rows], total, page)


@router.post(
    "/webhooks",
    status_code=status.HTTP_201_CREATED,
    summary="Add a webhook; its signing secret is shown once",
)
async def create_webhook(
    body: WebhookCreate, session: SessionDep, actor: Person
) -> Envelope[WebhookCreated]:
    hook = await notify.create_webhook(session, actor, body)
    await session.commit()
    return wrap(WebhookCreated(**webhook_out(hook).model_dump(), secret=hook.secret))


@router.get("/webhooks/{webhook_uuid}", summary="One webhook")
async def get_webhook(
    webhook_uuid: UUID, session: SessionDep, actor: Person
) -> Envelope[WebhookOut]:
    return wrap(webhook_out(await notify.get_webhook(session, actor, webhook_uuid)))


@router.patch("/webhooks/{webhook_uuid}", summary="Change, disable or enable again a webhook")
async def update_webhook(
    webhook_uuid: UUID, body: WebhookUpdate, session: SessionDep, actor: Person
) -> Envelope[WebhookOut]:
    hook = await notify.get_webhook(session, actor, webhook_uuid)
    await notify.update_webhook(session, actor, hook, body)
    await session.commit()
    return wrap(webhook_out(hook))


@router.delete("/webhooks/{webhook_uuid}", summary="Delete a webhook")
async def delete_webhook(
    webhook_uuid: UUID, session: SessionDep, actor: Person
) -> Envelope[WebhookOut]:
    hook = await notify.get_webhook(session, actor, webhook_uuid)
    gone = webhook_out(hook)
    await notify.delete_webhook(session, actor, hook)
    await session.commit()
    return wrap(gone)
