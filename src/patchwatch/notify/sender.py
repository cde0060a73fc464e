"""The sender: sends due deliveries (email, webhooks) with retries, and the daily digests.

A periodic job (``notify-send``) calls ``deliver_due``; tests call it with the ``now`` they want.
Sending happens outside any transaction; each outcome is then recorded in its own one. A failed
attempt is retried after ``base * 2^(attempts - 1)``; after the last attempt the delivery is
``failed``. A webhook failing ``webhook_failure_limit`` times in a row is disabled and its owner
told, in the app and by email.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import Database, utcnow
from patchwatch.identity.models import User
from patchwatch.notify import email, render, webhooks
from patchwatch.notify.fanout import notify_user
from patchwatch.notify.kinds import EMAIL_AND_IN_APP, Digest
from patchwatch.notify.models import Delivery, Notification, Webhook
from patchwatch.settings import Settings

log = structlog.get_logger(__name__)

BATCH = 200
MAX_BACKOFF = timedelta(hours=24)
MAX_ERROR = 1000


def next_attempt_at(settings: Settings, now: datetime, attempts: int) -> datetime:
    """Exponential backoff after the ``attempts``-th failure, capped at a day."""
    delay = timedelta(seconds=settings.notify_retry_base_seconds * 2 ** max(attempts - 1, 0))
    return now + min(delay, MAX_BACKOFF)


def _message(delivery: Delivery, settings: Settings) -> render.Message:
    if delivery.kind == "digest":
        return render.digest(delivery.context.get("items", []), settings.public_url)
    return render.message(delivery.kind, delivery.context, delivery.link, settings.public_url)


async def _send_webhook(delivery: Delivery, hook: Webhook, settings: Settings) -> None:
    body = webhooks.payload(
        hook.payload_format,
        delivery_uuid=str(delivery.uuid),
        kind=delivery.kind,
        title=delivery.title,
        text=render.body(delivery.kind, delivery.context),
        link=render.absolute(settings.public_url, delivery.link),
        data=delivery.context,
        created_at=delivery.created_at,
    )
    await webhooks.post(
        hook.url,
        hook.secret,
        body,
        kind=delivery.kind,
        delivery_uuid=str(delivery.uuid),
        timeout_seconds=settings.webhook_timeout_seconds,
        allow_private=settings.webhook_allow_private_addresses,
    )


async def _attempt(delivery: Delivery, hook: Webhook | None, settings: Settings) -> str | None:
    """Send once; None on success, else what went wrong (one line, no secrets)."""
    try:
        if delivery.channel == "email":
            await email.send(settings, delivery.to_address or "", _message(delivery, settings))
        elif hook is not None:
            await _send_webhook(delivery, hook, settings)
        else:
            return "the webhook no longer exists"
    except Exception as exc:  # any failure of the far side is retried
        return f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
    return None


async def _disable_webhook(
    session: AsyncSession, hook: Webhook, settings: Settings, now: datetime
) -> None:
    """Stop calling a dead receiver; tell its owner (in-app and email, whatever they chose)."""
    hook.is_active = False
    hook.disabled_at = now
    await session.execute(
        update(Delivery)
        .where(Delivery.webhook_id == hook.id, Delivery.status == "pending")
        .values(status="failed", last_error="the webhook was disabled")
    )
    owner = await session.get(User, hook.owner_id) if hook.owner_id else None
    log.warning("webhook_disabled", webhook=str(hook.uuid), failures=hook.consecutive_failures)
    if owner is None or not owner.is_active or owner.is_deleted:
        return
    data = {
        "name": hook.name,
        "url": hook.url,
        "failures": hook.consecutive_failures,
        "last_error": hook.last_error or "",
        "webhook_uuid": str(hook.uuid),
    }
    await notify_user(
        session,
        owner,
        "webhook_disabled",
        cause=f"webhook_disabled:{hook.uuid}:{now.isoformat()}",
        data=data,
        link="/settings/webhooks",
        channels=EMAIL_AND_IN_APP,
        digest=Digest.immediate,
        organization_id=hook.organization_id,
    )


async def _record(
    database: Database, delivery_id: int, error: str | None, settings: Settings, now: datetime
) -> str:
    """Record one attempt's outcome: sent, retrying or failed (and the webhook's streak)."""
    async with database.sessionmaker() as session:
        delivery = await session.get(Delivery, delivery_id)
        assert delivery is not None
        hook = await session.get(Webhook, delivery.webhook_id) if delivery.webhook_id else None
        delivery.attempts += 1
        delivery.last_error = error
        if error is None:
            delivery.status, delivery.sent_at = "sent", now
            outcome = "sent"
        elif delivery.attempts >= settings.notify_max_attempts:
            delivery.status = outcome = "failed"
        else:
            delivery.next_attempt_at = next_attempt_at(settings, now, delivery.attempts)
            outcome = "retrying"
        if hook is not None:
            hook.consecutive_failures = 0 if error is None else hook.consecutive_failures + 1
            hook.last_error = error or hook.last_error
            await session.flush()
            if hook.is_active and hook.consecutive_failures >= settings.webhook_failure_limit:
                await _disable_webhook(session, hook, settings, now)
        await session.commit()
    return outcome


async def _skip_email(database: Database, now: datetime) -> int:
    """With email off, pending emails are marked ``skipped`` and say why."""
    async with database.sessionmaker() as session:
        result = await session.execute(
            update(Delivery)
            .where(Delivery.channel == "email", Delivery.status == "pending")
            .values(status="skipped", last_error=email.EMAIL_OFF, sent_at=None)
        )
        await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def deliver_due(
    database: Database, settings: Settings, *, now: datetime | None = None
) -> dict[str, int]:
    """Send every delivery that is due at ``now``; counts of sent, retrying, failed, skipped."""
    now = now or utcnow()
    figures = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    if not email.email_enabled(settings):
        figures["skipped"] = await _skip_email(database, now)
    async with database.sessionmaker() as session:
        due = list(
            await session.scalars(
                select(Delivery)
                .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(BATCH)
            )
        )
        hook_ids = {d.webhook_id for d in due if d.webhook_id is not None}
        hooks = {
            hook.id: hook
            for hook in await session.scalars(select(Webhook).where(Webhook.id.in_(hook_ids)))
        }
    disabled: set[int] = set()
    for delivery in due:
        hook = hooks.get(delivery.webhook_id) if delivery.webhook_id else None
        if hook is not None and hook.id in disabled:
            continue  # disabled by an earlier failure in this run: its deliveries are failed
        error = await _attempt(delivery, hook, settings)
        outcome = await _record(database, delivery.id, error, settings, now)
        figures[outcome] += 1
        if hook is not None:
            hook.consecutive_failures = 0 if error is None else hook.consecutive_failures + 1
            if hook.consecutive_failures >= settings.webhook_failure_limit:
                disabled.add(hook.id)
    if any(figures.values()):
        log.info("notifications_sent", **figures)
    return figures


async def send_digests(
    database: Database, settings: Settings, *, now: datetime | None = None
) -> dict[str, int]:
    """Group each user's notifications waiting for a digest into one email (a delivery)."""
    now = now or utcnow()
    async with database.sessionmaker() as session:
        user_ids = list(
            await session.scalars(
                select(Notification.user_id).where(Notification.digest_pending.is_(True)).distinct()
            )
        )
    digests = 0
    for user_id in user_ids:
        digests += await _digest_for(database, user_id, now)
    return {"digests": digests}


async def _digest_for(database: Database, user_id: int, now: datetime) -> int:
    async with database.sessionmaker() as session:
        user = await session.get(User, user_id)
        waiting = list(
            await session.scalars(
                select(Notification)
                .where(Notification.user_id == user_id, Notification.digest_pending.is_(True))
                .order_by(Notification.created_at, Notification.id)
            )
        )
        if not waiting or user is None:
            return 0
        items: list[dict[str, Any]] = [
            {
                "title": n.title,
                "link": n.link,
                "kind": n.kind,
                "created_at": n.created_at.isoformat(),
            }
            for n in waiting
        ]
        title = render.digest(items, "").subject
        session.add(
            Delivery(
                organization_id=user.organization_id,
                channel="email",
                kind="digest",
                user_id=user.id,
                to_address=user.email,
                title=title[:300],
                link="/notifications",
                context={"items": items},
                next_attempt_at=now,
            )
        )
        for notification in waiting:
            notification.digest_pending = False
        await session.commit()
    return 1
