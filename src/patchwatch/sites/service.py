"""Sites: create, read, change, delete (soft), always inside the caller's organization."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import (
    Select,
    column,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Conflict, NotFound
from patchwatch.identity.models import Organization
from patchwatch.identity.principal import Principal
from patchwatch.sites.models import Site
from patchwatch.tenancy import scoped

LOCATION_FIELDS = ("street", "city", "state", "country")


S = TypeVar("S", bound=Select[Any])


def _visible(stmt: S, actor: Principal) -> S:
    """The caller's organization; a key bound to one site sees only that site."""
    stmt = scoped(stmt.where(Site.is_deleted.is_(False)), Site.organization_id, actor)
    if actor.site_uuid is not None:
        stmt = stmt.where(Site.uuid == actor.site_uuid)  # type: ignore[assignment]
    return stmt


async def get_site(session: AsyncSession, actor: Principal, site_uuid: uuid.UUID) -> Site:
    """A site the caller may see, or ``NotFound`` (also for another organization's site)."""
    site = await session.scalar(_visible(select(Site).where(Site.uuid == site_uuid), actor))
    if site is None:
        raise NotFound("There is no such site.")
    return site


async def find_site_by_url(session: AsyncSession, organization_id: int, url: str) -> Site | None:
    """The organization's (not deleted) site with this normalised URL."""
    return await session.scalar(
        select(Site)
        .where(Site.organization_id == organization_id, Site.url == url, Site.is_deleted.is_(False))
        .order_by(Site.id)
        .limit(1)
    )


async def organization_uuids(
    session: AsyncSession, organization_ids: Iterable[int]
) -> dict[int, uuid.UUID]:
    """Organization id -> uuid, in one query (for lists of sites)."""
    ids = set(organization_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Organization.id, Organization.uuid).where(Organization.id.in_(ids))
    )
    return dict(rows.tuples().all())


class SiteRef(NamedTuple):
    """What another module shows of a site it refers to."""

    uuid: uuid.UUID
    name: str


async def site_refs(session: AsyncSession, site_ids: Iterable[int]) -> dict[int, SiteRef]:
    """Site id -> uuid and name, in one query (deleted sites too: history still names them)."""
    ids = set(site_ids)
    if not ids:
        return {}
    rows = await session.execute(select(Site.id, Site.uuid, Site.name).where(Site.id.in_(ids)))
    return {site_id: SiteRef(site_uuid, name) for site_id, site_uuid, name in rows.tuples()}


async def lock_site(session: AsyncSession, site_id: int) -> None:
    """Hold the site until commit, so that check-then-write work about it runs one at a time.

    PostgreSQL locks the row. SQLite has one writer: a write statement that changes nothing takes
    the database's write lock before the caller reads (as ``audit.record`` does).
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(Site.id).where(Site.id == site_id).with_for_update())
    else:
        await session.execute(text("UPDATE sites SET id = id WHERE 0"))


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


async def _lock_url(session: AsyncSession, organization_id: int, url: str) -> None:
    """On PostgreSQL, serialise claims of one URL until commit (SQLite has one writer).

    The organization's URL lock is taken shared: one site's claim waits only for a file import
    of the organization (which takes it exclusively, see ``_lock_urls``) and for claims of the
    same URL.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(
        select(func.pg_advisory_xact_lock_shared(_lock_key(f"site-urls:{organization_id}")))
    )
    await session.execute(
        select(func.pg_advisory_xact_lock(_lock_key(f"site-url:{organization_id}:{url}")))
    )


def _url_taken(clash: Site) -> Conflict:
    return Conflict(
        "This organization already has a site with this URL.",
        code="site_exists",
        details=[{"field": "url", "site_uuid": str(clash.uuid)}],
    )


async def _assert_url_free(
    session: AsyncSession, organization_id: int, url: str, site_id: int | None = None
) -> None:
    await _lock_url(session, organization_id, url)
    clash = await find_site_by_url(session, organization_id, url)
    if clash is not None and clash.id != site_id:
        raise _url_taken(clash)


async def _assert_url_unique(session: AsyncSession, site: Site) -> None:
    """After the write: a concurrent claim of the same URL that slipped through loses (409)."""
    await session.flush()
    clash = await session.scalar(
        select(Site)
        .where(
            Site.organization_id == site.organization_id,
            Site.url == site.url,
            Site.is_deleted.is_(False),
            Site.id != site.id,
        )
        .limit(1)
    )
    if clash is not None:
        raise _url_taken(clash)


def _apply_location(site: Site, location: dict[str, Any] | None) -> None:
    for field in LOCATION_FIELDS:
        setattr(site, f"location_{field}", location.get(field) if location else None)


def location_of(site: Site) -> dict[str, str] | None:
    values = {field: getattr(site, f"location_{field}") for field in LOCATION_FIELDS}
    return values if all(values.values()) else None


async def create_site(
    session: AsyncSession, actor: Principal, organization_id: int, fields: dict[str, Any]
) -> Site:
    """Add a site; its URL must be new in the organization (409 otherwise)."""
    fields = dict(fields)
    await _assert_url_free(session, organization_id, fields["url"])
    location = fields.pop("location", None)
    site = Site(
        uuid=uuid.uuid4(),
        organization_id=organization_id,
        created_by=actor.actor_uuid,
        updated_by=actor.actor_uuid,
        **fields,
    )
    _apply_location(site, location)
    session.add(site)
    await _assert_url_unique(session, site)
    await audit.record(
        session,
        actor,
        "site.created",
        target_type="site",
        target_uuid=site.uuid,
        organization_id=organization_id,
        changes={"url": site.url, "name": site.name, "kind": site.kind},
    )
    return site


async def update_site(
    session: AsyncSession, actor: Principal, site: Site, changes: dict[str, Any]
) -> Site:
    """Change the given fields (``location: None`` removes the location)."""
    if "url" in changes and changes["url"] != site.url:
        await _assert_url_free(session, site.organization_id, changes["url"], site.id)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in changes.items():
        current = location_of(site) if key == "location" else getattr(site, key)
        if current == value:
            continue
        before[key], after[key] = current, value
        if key == "location":
            _apply_location(site, value)
        else:
            setattr(site, key, value)
    if not after:
        return site
    site.updated_by = actor.actor_uuid
    if "url" in after:
        await _assert_url_unique(session, site)
    await session.flush()
    await audit.record(
        session,
        actor,
        "site.updated",
        target_type="site",
        target_uuid=site.uuid,
        organization_id=site.organization_id,
        changes={"before": before, "after": after},
    )
    return site


async def delete_site(session: AsyncSession, actor: Principal, site: Site) -> None:
    """Soft delete: the site disappears from lists and its URL is free again."""
    site.is_deleted = True
    site.is_active = False
    site.updated_by = actor.actor_uuid
    await session.flush()
    await audit.record(
        session,
        actor,
        "site.deleted",
        target_type="site",
        target_uuid=site.uuid,
        organization_id=site.organization_id,
        changes={"url": site.url},
    )


def _has_tag(dialect: str, tag: str) -> Any:
    """Exact membership of ``tag`` in the JSON list of tags, per dialect."""
    if dialect == "postgresql":
        return type_coerce(Site.tags, JSONB).contains([tag])
    each = func.json_each(Site.tags).table_valued("value")
    return exists(select(1).select_from(each).where(column("value") == tag))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sites_query(
    actor: Principal,
    *,
    dialect: str,
    organization_id: int | None = None,
    kind: str | None = None,
    environment: str | None = None,
    criticality: str | None = None,
    status: str | None = None,
    tag: str | None = None,
    q: str | None = None,
    is_active: bool | None = None,
) -> Select[Any]:
    """The sites the caller may see, filtered; ``q`` searches name and URL."""
    stmt = _visible(select(Site), actor)
    filters = {
        Site.organization_id: organization_id,
        Site.kind: kind,
        Site.environment: environment,
        Site.criticality: criticality,
        Site.worst_status: status,
        Site.is_active: is_active,
    }
    for col, value in filters.items():
        if value is not None:
            stmt = stmt.where(col == value)
    if tag:
        stmt = stmt.where(_has_tag(dialect, tag))
    if q and q.strip():
        pattern = f"%{_escape_like(q.strip().lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(Site.name).like(pattern, escape="\\"),
                func.lower(Site.url).like(pattern, escape="\\"),
            )
        )
    return stmt


_UPSERT_FIELDS = ("name", "description", "kind", "environment", "criticality", "tags")


async def _lock_urls(session: AsyncSession, organization_id: int) -> None:
    """Claims of many URLs (a file import): the organization's URL lock, exclusively, until commit.

    One lock, not one per URL: a transaction cannot hold 100,000 locks (PostgreSQL's lock table
    has room for ``max_locks_per_transaction`` times connections). Two imports of one organization
    run one after the other; single claims wait for the import.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(
        select(func.pg_advisory_xact_lock(_lock_key(f"site-urls:{organization_id}")))
    )


async def upsert_sites(
    session: AsyncSession,
    actor: Principal,
    organization_id: int,
    rows: list[dict[str, Any]],
    *,
    write: bool = True,
) -> list[str]:
    """Create or update many sites by normalised URL (file imports), in three statements.

    Each row holds ``url`` and only the fields to set (``location`` a dict or None); a site of
    the organization with that URL is updated, else one is created (named after its host when
    the row has no name). One SELECT finds the existing sites, one executemany INSERT and one
    executemany UPDATE write. The URLs must be distinct. ``write=False`` writes nothing.
    Returns each row's outcome: ``created``, ``updated`` or ``unchanged``.
    """
    urls = [row["url"] for row in rows]
    if write:
        await _lock_urls(session, organization_id)
    existing: dict[str, Any] = {}
    found = await session.execute(
        select(Site.__table__)
        .where(
            Site.organization_id == organization_id,
            Site.url.in_(urls),
            Site.is_deleted.is_(False),
        )
        .order_by(Site.id)
    )
    for site in found:
        existing.setdefault(site.url, site)
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    outcomes: list[str] = []
    for row in rows:
        current = existing.get(row["url"])
        if current is None:
            location = row.get("location") or {}
            inserts.append(
                {
                    "uuid": uuid.uuid4(),
                    "organization_id": organization_id,
                    "url": row["url"],
                    "name": row.get("name") or urlsplit(row["url"]).hostname or row["url"],
                    "description": row.get("description") or "",
                    "kind": row.get("kind") or "drupal",
                    "environment": row.get("environment") or "production",
                    "criticality": row.get("criticality") or "normal",
                    "tags": row.get("tags") or [],
                    **{f"location_{f}": location.get(f) for f in LOCATION_FIELDS},
                    "created_by": actor.actor_uuid,
                    "updated_by": actor.actor_uuid,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            outcomes.append("created")
            continue
        changes = {
            key: row[key]
            for key in _UPSERT_FIELDS
            if row.get(key) is not None and row[key] != getattr(current, key)
        }
        if "location" in row:
            location = row["location"] or {}
            for part in LOCATION_FIELDS:
                if location.get(part) != getattr(current, f"location_{part}"):
                    changes[f"location_{part}"] = location.get(part)
        if changes:
            updates.append(
                {"id": current.id, **changes, "updated_by": actor.actor_uuid, "updated_at": now}
            )
        outcomes.append("updated" if changes else "unchanged")
    if write and inserts:
        await session.execute(insert(Site), inserts)
    if write and updates:
        await session.execute(update(Site), updates)
    return outcomes


async def site_ids_by_url(
    session: AsyncSession, organization_id: int, urls: Iterable[str]
) -> dict[str, tuple[int, uuid.UUID]]:
    """Normalised URL -> id and uuid of the organization's (not deleted) sites, in one query."""
    wanted = set(urls)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Site.url, Site.id, Site.uuid)
        .where(
            Site.organization_id == organization_id,
            Site.url.in_(wanted),
            Site.is_deleted.is_(False),
        )
        .order_by(Site.id.desc())
    )
    return {url: (site_id, site_uuid) for url, site_id, site_uuid in rows}
