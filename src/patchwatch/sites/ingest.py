"""Receiving snapshots: validate, find the site, store raw, answer at once. Never half-written."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import utcnow
from patchwatch.errors import Invalid, NotFound, PermissionDenied
from patchwatch.identity.principal import Principal
from patchwatch.sites import formats
from patchwatch.sites import service as sites
from patchwatch.sites.models import Site, Snapshot
from patchwatch.sites.schemas import normalize_url


@dataclass(frozen=True)
class Received:
    snapshot: Snapshot
    site: Site
    duplicate: bool


def decode_body(body: bytes, format_name: str) -> Any:
    """The body as JSON (or text for the drush table), with the position of a fault."""
    if format_name == "drush-pm-list-table":
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Invalid("The body is not UTF-8 text.", code="invalid_encoding") from exc
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Invalid(
            f"The body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            code="invalid_json",
            details=[{"field": "body", "line": exc.lineno, "column": exc.colno}],
        ) from exc


def choose_format(requested: str | None, content_type: str, body: bytes) -> str:
    if requested:
        if requested not in formats.FORMATS:
            raise Invalid(
                f"Unknown format '{requested}'.",
                code="unknown_format",
                details=[{"field": "format", "message": "one of " + ", ".join(formats.FORMATS)}],
            )
        return requested
    media_type = content_type.split(";")[0].strip().lower()
    if media_type in formats.CONTENT_TYPES:
        return formats.CONTENT_TYPES[media_type]
    return formats.detect_format(decode_body(body, "patchwatch"))


async def _resolve_site(
    session: AsyncSession,
    actor: Principal,
    claimed: dict[str, Any] | None,
    site_url: str | None,
    site_name: str | None,
    kind: str,
) -> Site:
    """The key's own site, or the site named in the body or the query, in the caller's org."""
    assert actor.organization_id is not None
    url = (claimed or {}).get("url") or site_url
    if url:
        try:
            url = normalize_url(url)
        except ValueError as exc:
            raise Invalid("The site URL is not valid.", code="invalid_site_url") from exc
    site_uuid = (claimed or {}).get("uuid")
    if actor.site_uuid is not None:
        site = await sites.get_site(session, actor, actor.site_uuid)
        if (url and url != site.url) or (site_uuid and uuid.UUID(str(site_uuid)) != site.uuid):
            raise PermissionDenied("This key may only push for its own site.", code="wrong_site")
        return site
    if site_uuid:
        return await sites.get_site(session, actor, uuid.UUID(str(site_uuid)))
    if not url:
        raise Invalid(
            "Name the site: site.url in the body or ?site_url=.",
            code="site_required",
            details=[{"field": "site_url", "message": "required for this format"}],
        )
    found = await sites.find_site_by_url(session, actor.organization_id, url)
    if found is not None:
        return found
    if not actor.has("sites:write"):
        raise NotFound("There is no site with this URL, and this key may not create one.")
    name = (claimed or {}).get("name") or site_name or url.split("://", 1)[1]
    return await sites.create_site(
        session, actor, actor.organization_id, {"url": url, "name": name[:200], "kind": kind}
    )


async def receive_snapshot(
    session: AsyncSession,
    actor: Principal,
    *,
    body: bytes,
    format_name: str,
    idempotency_key: str | None,
    site_url: str | None,
    site_name: str | None,
) -> Received:
    """Validate and store a snapshot (status ``received``); processing happens afterwards."""
    if idempotency_key:
        earlier = await session.scalar(
            select(Snapshot).where(
                Snapshot.organization_id == actor.organization_id,
                Snapshot.idempotency_key == idempotency_key,
            )
        )
        if earlier is not None:
            site = await session.get_one(Site, earlier.site_id)
            return Received(earlier, site, duplicate=True)
    decoded = decode_body(body, format_name)
    inventory = formats.parse(format_name, decoded)
    kind = "drupal" if format_name != "patchwatch" else _kind_of(inventory)
    site = await _resolve_site(session, actor, inventory.site, site_url, site_name, kind)
    content_hash = hashlib.sha256(
        format_name.encode() + b"\n" + orjson.dumps(decoded, option=orjson.OPT_SORT_KEYS)
    ).hexdigest()
    same = await session.scalar(
        select(Snapshot).where(Snapshot.site_id == site.id, Snapshot.content_hash == content_hash)
    )
    if same is not None:
        return Received(same, site, duplicate=True)
    snapshot = Snapshot(
        uuid=uuid.uuid4(),
        site_id=site.id,
        organization_id=site.organization_id,
        format=format_name,
        content_hash=content_hash,
        idempotency_key=idempotency_key,
        raw=decoded if not isinstance(decoded, str) else {"text": decoded},
        received_at=utcnow(),
        collected_at=_parse_time(inventory.collected_at),
        status="received",
        received_by=actor.actor_uuid,
    )
    session.add(snapshot)
    await session.flush()
    return Received(snapshot, site, duplicate=False)


def _kind_of(inventory: formats.Inventory) -> str:
    ecosystems = {p.ecosystem for p in inventory.packages}
    if "drupal" in ecosystems:
        return "drupal"
    return "server" if ecosystems & {"deb", "rpm", "apk"} else "application"


def _parse_time(value: str | None) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value) if value else None


def raw_body(snapshot: Snapshot) -> Any:
    raw = snapshot.raw
    if snapshot.format == "drush-pm-list-table" and isinstance(raw, dict):
        return raw.get("text", "")
    return raw
