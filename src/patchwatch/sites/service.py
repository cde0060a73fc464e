"""Sites: create, read, change, delete (soft), always inside the caller's organization."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, Text, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.errors import Conflict, NotFound
from patchwatch.identity.principal import Principal
from patchwatch.sites.models import Site
from patchwatch.tenancy import scoped

_LOCATION_FIELDS = ("street", "city", "state", "country")


async def get_site(session: AsyncSession, actor: Principal, site_uuid: uuid.UUID) -> Site:
    site = await session.scalar(
        select(Site).where(Site.uuid == site_uuid, Site.is_deleted.is_(False))
    )
    if site is None or not actor.can_see_organization(site.organization_id):
        raise NotFound("There is no such site.")
    return site


async def find_site_by_url(session: AsyncSession, organization_id: int, url: str) -> Site | None:
    return await session.scalar(
        select(Site).where(
            Site.organization_id == organization_id, Site.url == url, Site.is_deleted.is_(False)
        )
    )


async def _assert_url_free(
    session: AsyncSession, organization_id: int, url: str, site_id: int | None = None
) -> None:
    clash = await find_site_by_url(session, organization_id, url)
    if clash is not None and clash.id != site_id:
        raise Conflict(
            "This organization already has a site with this URL.",
            code="site_exists",
            details=[{"field": "body.url", "site_uuid": str(clash.uuid)}],
        )


def _apply_location(site: Site, location: dict[str, Any] | None) -> None:
    for field in _LOCATION_FIELDS:
        setattr(site, f"location_{field}", location.get(field) if location else None)


async def create_site(
    session: AsyncSession, actor: Principal, organization_id: int, fields: dict[str, Any]
) -> Site:
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
    await session.flush()
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
    if "url" in changes:
        await _assert_url_free(session, site.organization_id, changes["url"], site.id)
    if "location" in changes:
        _apply_location(site, changes.pop("location"))
    before = {key: getattr(site, key) for key in changes}
    for key, value in changes.items():
        setattr(site, key, value)
    site.updated_by = actor.actor_uuid
    await audit.record(
        session,
        actor,
        "site.updated",
        target_type="site",
        target_uuid=site.uuid,
        organization_id=site.organization_id,
        changes={"before": before, "after": changes},
    )
    return site


async def delete_site(session: AsyncSession, actor: Principal, site: Site) -> None:
    site.is_deleted = True
    site.is_active = False
    site.updated_by = actor.actor_uuid
    await audit.record(
        session,
        actor,
        "site.deleted",
        target_type="site",
        target_uuid=site.uuid,
        organization_id=site.organization_id,
    )


def sites_query(
    actor: Principal,
    *,
    organization_id: int | None = None,
    kind: str | None = None,
    environment: str | None = None,
    criticality: str | None = None,
    status: str | None = None,
    tag: str | None = None,
    q: str | None = None,
    is_active: bool | None = None,
) -> Select[Any]:
    stmt = scoped(select(Site).where(Site.is_deleted.is_(False)), Site.organization_id, actor)
    filters = {
        Site.organization_id: organization_id,
        Site.kind: kind,
        Site.environment: environment,
        Site.criticality: criticality,
        Site.worst_status: status,
        Site.is_active: is_active,
    }
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if tag:
        # Tags are a short JSON list; match the quoted tag in its text form on either dialect.
        stmt = stmt.where(cast(Site.tags, Text).contains(f'"{tag}"'))
    if q:
        pattern = f"%{q.lower().replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(func.lower(Site.name).like(pattern), Site.url.like(pattern)))
    return stmt
