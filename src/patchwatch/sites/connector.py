"""The Drupal connector contract: per-site keys, the push limit, and receiving a module sync.

A push is stored as a snapshot of format ``drupal-connector`` and processed by the snapshot
machinery (``sites.jobs``): small pushes in the request, large ones in the background. Every
push is applied, also when its body repeats an earlier one: the connector reports a state, and
the same state after a change in between is news (the per-site limit keeps floods out).
"""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from dataclasses import dataclass

import orjson
import structlog
from limits import RateLimitItemPerHour
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import Database, utcnow
from patchwatch.errors import DomainError, NotFound, PermissionDenied, TooManyRequests
from patchwatch.identity import apikeys
from patchwatch.identity.models import ApiKey, Organization
from patchwatch.identity.principal import Principal
from patchwatch.settings import Settings
from patchwatch.sites import connector_format, jobs
from patchwatch.sites.models import Site, Snapshot
from patchwatch.sites.schemas_connector import INLINE_MODULES, ConnectorPush
from patchwatch.tenancy import scoped

log = structlog.get_logger(__name__)
KEY_NAME = "Drupal connector"
# What the connector does with its key: push, and read the job of a large push.
KEY_PERMISSIONS = ["snapshots:read", "snapshots:write"]


class SiteUrlMismatch(DomainError):
    status_code = 400
    code = "site_url_mismatch"


@dataclass(frozen=True)
class Quota:
    """Where a site stands against its push limit after this push."""

    limit: int
    remaining: int

    def headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining)}


class PushLimiter:
    """Pushes per site and hour (a moving window), in Redis when configured, else in memory."""

    def __init__(self, settings: Settings, *, namespace: str = "patchwatch") -> None:
        self.storage: Storage = MemoryStorage()
        if settings.redis_url:
            shared = storage_from_string(f"async+{settings.redis_url}", key_prefix=namespace)
            assert isinstance(shared, Storage)
            self.storage = shared
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.item = RateLimitItemPerHour(settings.connector_pushes_per_hour)

    async def hit(self, site_uuid: uuid.UUID) -> Quota:
        """Count a push of the site; 429 with Retry-After and the limit headers past the limit."""
        key = f"connector-push:{site_uuid}"
        allowed = await self.limiter.hit(self.item, key)
        stats = await self.limiter.get_window_stats(self.item, key)
        quota = Quota(self.item.amount, max(0, stats.remaining))
        if not allowed:
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            raise TooManyRequests(
                f"This site may push {self.item.amount} times an hour; try again later.",
                code="push_limit_reached",
                details=[{"limit": self.item.amount, "retry_after_seconds": retry_after}],
                headers={**quota.headers(), "Retry-After": str(retry_after)},
            )
        return quota

    async def reset(self) -> None:
        """Forget every counter (tests; an operator lifting the limits)."""
        await self.storage.reset()


async def connector_site(session: AsyncSession, actor: Principal, site_uuid: uuid.UUID) -> Site:
    """The site a push names: 404 when the caller's organization has no such site, 403 when
    the caller's key belongs to another of its sites."""
    site = await session.scalar(
        scoped(
            select(Site).where(Site.uuid == site_uuid, Site.is_deleted.is_(False)),
            Site.organization_id,
            actor,
        )
    )
    if site is None:
        raise NotFound("There is no such site.", code="site_not_found")
    if actor.site_uuid is not None and actor.site_uuid != site.uuid:
        raise PermissionDenied("This key belongs to another site.", code="wrong_site")
    return site


def check_site_url(site: Site, push: ConnectorPush) -> None:
    """The body's site URL (normalised as sites are) must be the site's: 400 otherwise."""
    if push.site.url != site.url:
        raise SiteUrlMismatch(
            "The body's site.url is not this site's URL.",
            details=[{"field": "site.url", "message": f"this site's URL is {site.url}"}],
        )


def _stored_body(push: ConnectorPush) -> dict[str, object]:
    # The site's token is a secret of the old system: it is never stored.
    return push.model_dump(mode="json", exclude={"site": {"token"}}, exclude_none=True)


async def receive_push(
    session: AsyncSession, actor: Principal, site: Site, push: ConnectorPush
) -> Snapshot:
    """Store the push as a snapshot (status ``received``) and commit; processing follows."""
    body = _stored_body(push)
    snapshot_uuid = uuid.uuid4()
    # Unique per push (see the module's docstring): the snapshot's uuid is part of the hash.
    digest = hashlib.sha256(
        connector_format.FORMAT.encode()
        + b"\n"
        + snapshot_uuid.bytes
        + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    ).hexdigest()
    snapshot = Snapshot(
        uuid=snapshot_uuid,
        site_id=site.id,
        organization_id=site.organization_id,
        format=connector_format.FORMAT,
        content_hash=digest,
        raw=body,
        received_at=utcnow(),
        status="received",
        result={},
        received_by=actor.actor_uuid,
    )
    session.add(snapshot)
    await session.commit()
    log.info(
        "connector_push_received",
        site_uuid=str(site.uuid),
        modules=len(push.modules),
        full_sync=push.full_sync,
        connector_version=push.connector_version,
    )
    return snapshot


@dataclass(frozen=True)
class Synced:
    """A push stored, and processed unless it was large (then a job to poll)."""

    snapshot: Snapshot
    site: Site
    quota: Quota
    projects: int
    processed: bool


async def sync_modules(
    session: AsyncSession,
    database: Database,
    limiter: PushLimiter,
    actor: Principal,
    site_uuid: uuid.UUID,
    push: ConnectorPush,
) -> Synced:
    """Check site, URL and limit (in that order: refusals do not count), store the push, and
    process it now when it has at most ``INLINE_MODULES`` modules, else in the background."""
    site = await connector_site(session, actor, site_uuid)
    check_site_url(site, push)
    quota = await limiter.hit(site.uuid)
    snapshot = await receive_push(session, actor, site, push)
    projects = len(connector_format.collapse(push))
    if len(push.modules) > INLINE_MODULES:
        jobs.schedule(database, snapshot.id)
        return Synced(snapshot, site, quota, projects, processed=False)
    await jobs.process_snapshot(database, snapshot.id)
    await session.refresh(snapshot)
    await session.refresh(site)
    return Synced(snapshot, site, quota, projects, processed=True)


async def rotate_key(
    session: AsyncSession, actor: Principal, site: Site
) -> tuple[ApiKey, str, list[ApiKey]]:
    """A new connector key for the site; the site's earlier connector keys stop working."""
    organization = await session.get_one(Organization, site.organization_id)
    return await apikeys.rotate_site_key(
        session,
        actor,
        organization=organization,
        site_uuid=site.uuid,
        name=KEY_NAME,
        permissions=KEY_PERMISSIONS,
    )
