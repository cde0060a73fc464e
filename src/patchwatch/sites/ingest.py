"""Receiving snapshots: validate, find the site, store raw, answer at once. Never half-written."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import utcnow
from patchwatch.errors import Conflict, DomainError, Invalid, NotFound, PermissionDenied
from patchwatch.identity.principal import Principal
from patchwatch.sites import formats
from patchwatch.sites import service as sites
from patchwatch.sites.models import Site, Snapshot
from patchwatch.sites.schemas import normalize_url

MAX_DEPTH = 64  # a composer.lock nests about 6 deep; deeper bodies are refused, not stored


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"


@dataclass(frozen=True)
class Received:
    snapshot: Snapshot
    site: Site
    duplicate: bool


@dataclass(frozen=True)
class Push:
    """What a client sent: the body and how it named its format and site."""

    body: bytes
    content_type: str = ""
    format: str | None = None
    include_dev: bool = False
    site_url: str | None = None
    site_name: str | None = None
    idempotency_key: str | None = None


def _media_type(content_type: str) -> tuple[str, str | None]:
    media_type, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def decode_json(body: bytes) -> Any:
    """The body as JSON, with the position of a fault; too deep a nesting is refused."""
    if not body.strip():
        raise Invalid("The body is empty.", code="empty_body", details=[{"field": "body"}])
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Invalid(
            f"The body is not valid JSON (UTF-8): {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}.",
            code="invalid_json",
            details=[
                {"field": "body", "line": exc.lineno, "column": exc.colno, "message": exc.msg}
            ],
        ) from exc
    if _depth_exceeds(decoded, MAX_DEPTH):
        raise Invalid(
            f"The body is nested more than {MAX_DEPTH} levels deep.",
            code="too_deeply_nested",
            details=[{"field": "body", "message": f"at most {MAX_DEPTH} levels"}],
        )
    return decoded


def decode_text(body: bytes) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(
            f"The body is not UTF-8 text (byte {exc.start}).",
            code="invalid_encoding",
            details=[{"field": "body", "position": exc.start}],
        ) from exc
    if not text.strip():
        raise Invalid("The body is empty.", code="empty_body", details=[{"field": "body"}])
    return text


def choose_format(push: Push) -> tuple[str, Any]:
    """The stored format name and the decoded body.

    An explicit ``format`` wins; then a specific content type; a generic JSON body (or none
    given) is recognised by its shape: composer.lock, drush pm:list JSON, else Patchwatch's.
    """
    media_type, charset = _media_type(push.content_type)
    if charset not in (None, "utf-8", "utf8", "us-ascii", "ascii"):
        raise UnsupportedMediaType(
            f"The body must be UTF-8, not {charset}.",
            details=[{"field": "content-type", "message": "charset must be utf-8"}],
        )
    chosen = push.format
    if chosen is not None and chosen not in formats.FORMATS:
        raise Invalid(
            f"Unknown format '{chosen}'.",
            code="unknown_format",
            details=[{"field": "format", "message": "one of " + ", ".join(formats.FORMATS)}],
        )
    chosen = chosen or formats.CONTENT_TYPES.get(media_type)
    if chosen == formats.DRUSH_TABLE:
        return chosen, decode_text(push.body)
    decoded = decode_json(push.body)
    chosen = chosen or formats.detect_format(decoded)
    if chosen == formats.COMPOSER_LOCK and push.include_dev:
        chosen = formats.COMPOSER_LOCK_WITH_DEV
    return chosen, decoded


def content_hash(format_name: str, decoded: Any) -> str:
    """sha256 of the canonical body (sorted keys, compact) and its format."""
    canonical = orjson.dumps(decoded, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(format_name.encode() + b"\n" + canonical).hexdigest()


def _site_url(value: str | None, field: str) -> str | None:
    if not value:
        return None
    try:
        return normalize_url(value)
    except ValueError as exc:
        raise Invalid(
            f"The site URL is not valid: {exc}.",
            code="invalid_site_url",
            details=[{"field": field, "message": str(exc)}],
        ) from exc


def _site_uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None  # validated by the schema already


async def resolve_site(
    session: AsyncSession, actor: Principal, push: Push, claimed: dict[str, Any] | None, kind: str
) -> Site:
    """The key's own site; else the site named by uuid or url in the caller's organization.

    An unknown url creates the site when the caller may write sites, else 404.
    """
    claimed = claimed or {}
    url = _site_url(claimed.get("url"), "site.url") or _site_url(push.site_url, "site_url")
    site_uuid = _site_uuid(claimed.get("uuid"))
    if actor.site_uuid is not None:
        site = await sites.get_site(session, actor, actor.site_uuid)
        if (url and url != site.url) or (site_uuid and site_uuid != site.uuid):
            raise PermissionDenied("This key may only push for its own site.", code="wrong_site")
        return site
    if site_uuid:
        return await sites.get_site(session, actor, site_uuid)
    if not url:
        raise Invalid(
            "Name the site: site.url in the body or ?site_url=.",
            code="site_required",
            details=[{"field": "site_url", "message": "required for this snapshot"}],
        )
    if actor.organization_id is None:
        raise PermissionDenied("Only a member of an organization can push by URL.")
    found = await sites.find_site_by_url(session, actor.organization_id, url)
    if found is not None:
        return found
    if not actor.has("sites:write"):
        raise NotFound(
            "There is no site with this URL, and this caller may not create one.",
            code="site_not_found",
            details=[{"field": "site_url", "message": "unknown site; needs sites:write to add"}],
        )
    name = claimed.get("name") or push.site_name or url.split("://", 1)[1]
    return await sites.create_site(
        session,
        actor,
        actor.organization_id,
        {"url": url, "name": name[:200], "kind": kind},
    )


async def _earlier(
    session: AsyncSession, actor: Principal, idempotency_key: str | None
) -> Received | None:
    if not idempotency_key or actor.organization_id is None:
        return None
    earlier = await session.scalar(
        select(Snapshot).where(
            Snapshot.organization_id == actor.organization_id,
            Snapshot.idempotency_key == idempotency_key,
        )
    )
    if earlier is None:
        return None
    site = await session.get_one(Site, earlier.site_id)
    if actor.site_uuid is not None and site.uuid != actor.site_uuid:
        raise Conflict(
            "This Idempotency-Key was already used for another site.",
            code="idempotency_key_reused",
            details=[{"field": "Idempotency-Key"}],
        )
    return Received(earlier, site, duplicate=True)


async def _same_as_latest(session: AsyncSession, site: Site, digest: str) -> Received | None:
    """The site's latest snapshot when it has this content: a repeated push changes nothing.

    Only the latest: an inventory seen before and since replaced (a deployment rolled back
    to A after B) is news, and must be applied again. The site is locked first, so that of two
    identical pushes at the same moment the second finds the first.
    """
    await sites.lock_site(session, site.id)
    latest = await session.scalar(
        select(Snapshot).where(Snapshot.site_id == site.id).order_by(Snapshot.id.desc()).limit(1)
    )
    if latest is not None and latest.content_hash == digest:
        return Received(latest, site, duplicate=True)
    return None


def _kind_of(format_name: str, inventory: formats.Inventory) -> str:
    if format_name in formats.DRUPAL_FORMATS:
        return "drupal"
    ecosystems = {p.ecosystem for p in inventory.packages}
    if "drupal" in ecosystems:
        return "drupal"
    return "server" if ecosystems & {"deb", "rpm", "apk"} else "application"


async def _receive(session: AsyncSession, actor: Principal, push: Push) -> Received:
    earlier = await _earlier(session, actor, push.idempotency_key)
    if earlier is not None:
        return earlier
    format_name, decoded = choose_format(push)
    inventory = formats.parse(format_name, decoded)
    site = await resolve_site(
        session, actor, push, inventory.site, _kind_of(format_name, inventory)
    )
    digest = content_hash(format_name, decoded)
    same = await _same_as_latest(session, site, digest)
    if same is not None:
        return same
    snapshot = Snapshot(
        uuid=uuid.uuid4(),
        site_id=site.id,
        organization_id=site.organization_id,
        format=format_name,
        content_hash=digest,
        idempotency_key=push.idempotency_key,
        raw={"text": decoded} if isinstance(decoded, str) else decoded,
        received_at=utcnow(),
        collected_at=datetime.fromisoformat(inventory.collected_at)
        if inventory.collected_at
        else None,
        status="received",
        result={},
        received_by=actor.actor_uuid,
    )
    session.add(snapshot)
    await session.flush()
    return Received(snapshot, site, duplicate=False)


async def receive_snapshot(session: AsyncSession, actor: Principal, push: Push) -> Received:
    """Validate and store a snapshot (status ``received``) and commit; processing follows.

    A repeated push (same Idempotency-Key in the organization, or the same content as the
    site's latest snapshot) returns the snapshot stored first, also when two copies race.
    """
    try:
        received = await _receive(session, actor, push)
        await session.commit()
    except (IntegrityError, Conflict) as exc:
        if isinstance(exc, Conflict) and exc.code != "site_exists":
            raise
        # A concurrent push stored the same snapshot, or added the same new site, first.
        await session.rollback()
        received = await _receive(session, actor, push)
        if not received.duplicate and isinstance(exc, IntegrityError):
            await session.rollback()
            raise Conflict(
                "Another push changed this site at the same moment; send it again.",
                code="concurrent_push",
            ) from None
        await session.commit()
    return received


def raw_body(snapshot: Snapshot) -> Any:
    """The stored body as the client sent it (text for the drush table)."""
    raw = snapshot.raw
    if snapshot.format == formats.DRUSH_TABLE and isinstance(raw, dict):
        return raw.get("text", "")
    return raw
