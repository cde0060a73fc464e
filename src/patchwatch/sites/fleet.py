"""Read-only questions other modules ask about the fleet: which sites a scope covers, which
updates are open on them, what is installed now."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.catalog.models import Package
from patchwatch.sites.models import InstalledPackage, Site
from patchwatch.sites.service import _has_tag

_CHUNK = 1000
NEEDS_UPDATE = ("update_available", "security_update", "revoked", "unsupported")


async def site_ids_in_scope(
    session: AsyncSession,
    organization_id: int | None,
    *,
    kinds: Sequence[str] = (),
    environments: Sequence[str] = (),
    tags: Sequence[str] = (),
    site_uuids: Sequence[uuid.UUID] = (),
) -> list[int]:
    """Active sites of the organization (every organization for ``None``) that match each filter
    given: kind in ``kinds``, environment in ``environments``, any of ``tags``, one of
    ``site_uuids``."""
    stmt = select(Site.id).where(Site.is_deleted.is_(False), Site.is_active.is_(True))
    if organization_id is not None:
        stmt = stmt.where(Site.organization_id == organization_id)
    if kinds:
        stmt = stmt.where(Site.kind.in_(kinds))
    if environments:
        stmt = stmt.where(Site.environment.in_(environments))
    if tags:
        dialect = session.get_bind().dialect.name
        stmt = stmt.where(or_(*(_has_tag(dialect, tag) for tag in tags)))
    if site_uuids:
        stmt = stmt.where(Site.uuid.in_(site_uuids))
    return list(await session.scalars(stmt.order_by(Site.id)))


async def visible_site_ids(
    session: AsyncSession, organization_id: int | None, site_uuids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """uuid -> id of the given sites that exist (not deleted) in the organization."""
    wanted = list(set(site_uuids))
    found: dict[uuid.UUID, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        stmt = select(Site.uuid, Site.id).where(
            Site.uuid.in_(wanted[start : start + _CHUNK]), Site.is_deleted.is_(False)
        )
        if organization_id is not None:
            stmt = stmt.where(Site.organization_id == organization_id)
        found.update((await session.execute(stmt)).tuples().all())
    return found


@dataclass(frozen=True)
class Finding:
    """An update open on a site: the package, its version and what it should become."""

    site_id: int
    organization_id: int
    package_id: int
    version: str | None
    recommended_version: str | None
    status: str
    missing_security: bool


async def open_findings(
    session: AsyncSession, site_ids: Sequence[int], *, include_all_updates: bool
) -> list[Finding]:
    """Every installed package on these sites missing a security release (and, with
    ``include_all_updates``, every one with any update open)."""
    findings: list[Finding] = []
    for start in range(0, len(site_ids), _CHUNK):
        chunk = site_ids[start : start + _CHUNK]
        condition: Any = InstalledPackage.missing_security.is_(True)
        if include_all_updates:
            condition = or_(condition, InstalledPackage.status.in_(NEEDS_UPDATE))
        rows = await session.execute(
            select(
                InstalledPackage.site_id,
                InstalledPackage.organization_id,
                InstalledPackage.package_id,
                InstalledPackage.version,
                InstalledPackage.recommended_version,
                InstalledPackage.status,
                InstalledPackage.missing_security,
            )
            .where(InstalledPackage.site_id.in_(chunk), condition)
            .order_by(InstalledPackage.site_id, InstalledPackage.package_id)
        )
        findings += [Finding(*row) for row in rows.tuples()]
    return findings


@dataclass(frozen=True)
class Installed:
    version: str | None
    status: str
    missing_security: bool


async def installed_now(
    session: AsyncSession, site_id: int, package_ids: Iterable[int]
) -> dict[int, Installed]:
    """What the site has installed now of these packages (absent: not installed any more)."""
    ids = list(set(package_ids))
    found: dict[int, Installed] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = await session.execute(
            select(
                InstalledPackage.package_id,
                InstalledPackage.version,
                InstalledPackage.status,
                InstalledPackage.missing_security,
            ).where(
                InstalledPackage.site_id == site_id,
                InstalledPackage.package_id.in_(ids[start : start + _CHUNK]),
            )
        )
        found.update({row[0]: Installed(*row[1:]) for row in rows.tuples()})
    return found


async def package_names(session: AsyncSession, package_ids: Iterable[int]) -> dict[int, Any]:
    """Package id -> (ecosystem, name)."""
    ids = list(set(package_ids))
    names: dict[int, Any] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = await session.execute(
            select(Package.id, Package.ecosystem, Package.name).where(
                Package.id.in_(ids[start : start + _CHUNK])
            )
        )
        names.update({row[0]: (row[1], row[2]) for row in rows.tuples()})
    return names


async def sites_by_id(session: AsyncSession, site_ids: Iterable[int]) -> dict[int, Site]:
    """The sites with these ids (for names and uuids in lists)."""
    ids = list(set(site_ids))
    sites: dict[int, Site] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = await session.scalars(select(Site).where(Site.id.in_(ids[start : start + _CHUNK])))
        sites.update({site.id: site for site in rows})
    return sites


async def package_ids_named(
    session: AsyncSession, names: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """(ecosystem, name) -> package id, for the packages the catalog knows."""
    by_ecosystem: dict[str, set[str]] = {}
    for ecosystem, name in names:
        by_ecosystem.setdefault(ecosystem, set()).add(name)
    ids: dict[tuple[str, str], int] = {}
    for ecosystem, wanted in by_ecosystem.items():
        listed = sorted(wanted)
        for start in range(0, len(listed), _CHUNK):
            rows = await session.execute(
                select(Package.name, Package.id).where(
                    Package.ecosystem == ecosystem, Package.name.in_(listed[start : start + _CHUNK])
                )
            )
            ids.update({(ecosystem, name): package_id for name, package_id in rows.tuples()})
    return ids
