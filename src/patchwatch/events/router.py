"""HTTP for the event flow: a site's activity timeline, and the platform admin's delivery view."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from patchwatch.api.deps import SessionDep, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, list_envelope, page_params
from patchwatch.db import utcnow
from patchwatch.events import activity, admin
from patchwatch.events.models import EventDelivery, OutboxEvent
from patchwatch.events.registry import consumers
from patchwatch.events.schemas import (
    ActivityOut,
    ConsumerStatusOut,
    DeadLetterOut,
    ReplayOut,
)
from patchwatch.identity.permissions import PLATFORM_ADMIN
from patchwatch.identity.principal import Principal

router = APIRouter(tags=["events"])
Page = Annotated[PageParams, Depends(page_params)]
SiteReader = Annotated[Principal, Depends(require("sites:read"))]
PlatformAdmin = Annotated[Principal, Depends(require(PLATFORM_ADMIN))]
ADMIN = "/admin/events"


@router.get("/sites/{site_uuid}/activity", summary="A site's activity timeline, newest first")
async def site_activity(
    site_uuid: UUID, request: Request, session: SessionDep, page: Page, actor: SiteReader
) -> ListEnvelope[ActivityOut]:
    rows, total = await activity.list_activity(session, actor, site_uuid, page)
    items = [ActivityOut.model_validate(row, from_attributes=True) for row in rows]
    return list_envelope(request, items, total, page)


def _dead_letter_out(delivery: EventDelivery, event: OutboxEvent) -> DeadLetterOut:
    return DeadLetterOut(
        uuid=delivery.uuid,
        consumer=delivery.consumer,
        status=delivery.status,
        attempts=delivery.attempts,
        last_error=delivery.last_error,
        failed_at=delivery.updated_at,
        event_uuid=event.uuid,
        event_type=event.event_type,
        event_version=event.version,
        aggregate_type=event.aggregate_type,
        aggregate_uuid=event.aggregate_uuid,
        occurred_at=event.occurred_at,
        payload=event.payload,
    )


@router.get(f"{ADMIN}/dead-letters", summary="Deliveries that failed their last attempt")
async def list_dead_letters(
    request: Request,
    session: SessionDep,
    page: Page,
    _admin: PlatformAdmin,
    consumer: Annotated[str | None, Query(max_length=64)] = None,
) -> ListEnvelope[DeadLetterOut]:
    rows, total = await admin.list_dead_letters(session, page, consumer=consumer)
    items = [_dead_letter_out(delivery, event) for delivery, event in rows]
    return list_envelope(request, items, total, page)


@router.post(
    f"{ADMIN}/dead-letters/{{delivery_uuid}}/replay",
    summary="Deliver a dead letter again, with a fresh set of attempts",
)
async def replay_dead_letter(
    delivery_uuid: UUID, session: SessionDep, actor: PlatformAdmin
) -> Envelope[ReplayOut]:
    delivery = await admin.replay(session, delivery_uuid, actor)
    await session.commit()
    return wrap(ReplayOut.model_validate(delivery, from_attributes=True))


@router.get(f"{ADMIN}/status", summary="Per consumer: events waiting, retrying and dead")
async def delivery_status(
    session: SessionDep, _admin: PlatformAdmin
) -> Envelope[list[ConsumerStatusOut]]:
    now = utcnow()
    found = await admin.status(session, consumers(), now)
    return wrap(
        [
            ConsumerStatusOut(
                **vars(each),
                oldest_pending_age_seconds=(
                    (now - each.oldest_pending_at).total_seconds()
                    if each.oldest_pending_at
                    else None
                ),
            )
            for each in found
        ]
    )
