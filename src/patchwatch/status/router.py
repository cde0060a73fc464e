"""What is installed where, with its status; the fleet at a glance."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Select, func, select

from patchwatch.api.deps import SessionDep, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, list_envelope, order_by_clauses, page_params
from patchwatch.catalog.models import Package, Release
from patchwatch.db import utcnow
from patchwatch.errors import NotFound
from patchwatch.identity import service as identity
from patchwatch.identity.principal import Principal
from patchwatch.sites import service as sites
from patchwatch.sites.models import InstalledPackage, Site
from patchwatch.sites.schemas import InstalledPackageOut
from patchwatch.status import fleet
from patchwatch.status.fleet import AgeBucket, Exposure, SecurityTrendPoint, VersionUsage
from patchwatch.status.service import COUNTED_STATUSES
from patchwatch.status.types import PackageStatus
from patchwatch.tenancy import scoped

router = APIRouter(tags=["status"])
Page = Annotated[PageParams, Depends(page_params)]
Reader = Annotated[Principal, Depends(require("sites:read"))]
SORT = {
    "package": Package.name,
    "status": InstalledPackage.status,
    "sla_due_at": InstalledPackage.sla_due_at,
    "exposure_started_at": InstalledPackage.exposure_started_at,
    "status_changed_at": InstalledPackage.status_changed_at,
}


def _rows(stmt: Select[Any]) -> Select[Any]:
    return (
        stmt.add_columns(Package.name, Package.ecosystem, Site.uuid, Site.name)
        .join(Package, Package.id == InstalledPackage.package_id)
        .join(Site, Site.id == InstalledPackage.site_id)
    )


def _release_key(installed: InstalledPackage) -> tuple[int, str | None]:
    return installed.package_id, installed.recommended_version or installed.version


async def _release_links(
    session: SessionDep, installs: list[InstalledPackage]
) -> dict[tuple[int, str | None], str]:
    """The catalog's release pages of a page of installs, by (package id, version): one query.
    Feeds are untrusted: only http(s) links are passed on (no ``javascript:`` in an anchor)."""
    wanted = {key for key in map(_release_key, installs) if key[1]}
    if not wanted:
        return {}
    rows = await session.execute(
        select(Release.package_id, Release.version, Release.release_link).where(
            Release.package_id.in_({package_id for package_id, _ in wanted}),
            Release.version.in_({version for _, version in wanted}),
            Release.release_link.is_not(None),
        )
    )
    return {
        (package_id, version): link
        for package_id, version, link in rows.tuples()
        if link and (package_id, version) in wanted and urlsplit(link).scheme in ("http", "https")
    }


def _out(row: Any, links: dict[tuple[int, str | None], str]) -> InstalledPackageOut:
    installed, package, ecosystem, site_uuid, site_name = row
    return InstalledPackageOut(
        package=package,
        ecosystem=ecosystem,
        version=installed.version,
        package_type=installed.package_type,
        enabled=installed.enabled,
        status=installed.status,
        recommended_version=installed.recommended_version,
        latest_version=installed.latest_version,
        security_updates=installed.security_updates,
        missing_security=installed.missing_security,
        severity=installed.severity,
        reason=installed.reason,
        first_seen_at=installed.first_seen_at,
        version_seen_at=installed.version_seen_at,
        status_changed_at=installed.status_changed_at,
        exposure_started_at=installed.exposure_started_at,
        sla_due_at=installed.sla_due_at,
        site_uuid=site_uuid,
        site_name=site_name,
        release_notes_url=links.get(_release_key(installed)),
    )


async def _page(
    session: SessionDep, request: Request, stmt: Select[Any], page: PageParams
) -> ListEnvelope[InstalledPackageOut]:
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    ordered = _rows(stmt).order_by(*order_by_clauses(page.sort, SORT, [InstalledPackage.id]))
    rows = (await session.execute(ordered.offset(page.offset).limit(page.per_page))).all()
    links = await _release_links(session, [row[0] for row in rows])
    return list_envelope(request, [_out(r, links) for r in rows], int(total), page)


@router.get("/sites/{site_uuid}/packages", summary="A site's installed packages and their status")
async def site_packages(
    site_uuid: UUID,
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    status: PackageStatus | None = None,
) -> ListEnvelope[InstalledPackageOut]:
    site = await sites.get_site(session, actor, site_uuid)
    stmt = select(InstalledPackage).where(InstalledPackage.site_id == site.id)
    if status is not None:
        stmt = stmt.where(InstalledPackage.status == status.value)
    return await _page(session, request, stmt, page)


@router.get("/installed-packages", summary="Installed packages across the fleet")
async def installed_packages(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    status: PackageStatus | None = None,
    package: Annotated[str | None, Query(max_length=255)] = None,
    ecosystem: Annotated[str | None, Query(max_length=32)] = None,
    organization: UUID | None = None,
    overdue: bool | None = None,
    missing_security: bool | None = None,
) -> ListEnvelope[InstalledPackageOut]:
    stmt = scoped(select(InstalledPackage), InstalledPackage.organization_id, actor)
    if organization:
        org = await identity.get_organization(session, actor, organization)
        stmt = stmt.where(InstalledPackage.organization_id == org.id)
    if status is not None:
        stmt = stmt.where(InstalledPackage.status == status.value)
    if missing_security is not None:
        stmt = stmt.where(InstalledPackage.missing_security.is_(missing_security))
    if package or ecosystem:
        packages = select(Package.id)
        if package:
            packages = packages.where(Package.name == package)
        if ecosystem:
            packages = packages.where(Package.ecosystem == ecosystem)
        stmt = stmt.where(InstalledPackage.package_id.in_(packages.scalar_subquery()))
    if overdue is True:
        stmt = stmt.where(InstalledPackage.sla_due_at < utcnow())
    elif overdue is False:
        stmt = stmt.where(
            (InstalledPackage.sla_due_at.is_(None)) | (InstalledPackage.sla_due_at >= utcnow())
        )
    return await _page(session, request, stmt, page)


@router.get(
    "/installed-packages/versions",
    summary="The versions of one package across the fleet: sites, statuses, insecure installs",
)
async def installed_package_versions(
    session: SessionDep,
    actor: Reader,
    package: Annotated[str, Query(min_length=1, max_length=255)],
    ecosystem: Annotated[str, Query(min_length=1, max_length=32)] = "drupal",
) -> Envelope[list[VersionUsage]]:
    """One entry per installed version (``null``: the site did not report one): on how many of
    your live sites it runs, how many of those miss a security release, the worst status and
    the count per status. 404 when the catalog does not know the package."""
    found = await fleet.package_versions(session, actor, ecosystem, package)
    if found is None:
        raise NotFound(f"No package {package!r} in the {ecosystem} catalog.", code="not_found")
    return wrap(found)


class OldestExposure(BaseModel):
    site_uuid: UUID
    site_name: str
    package: str
    version: str | None
    exposure_started_at: datetime
    sla_due_at: datetime | None


class FleetSummary(BaseModel):
    sites: int
    sites_by_worst_status: dict[str, int]
    installed_by_status: dict[str, int]
    missing_security: int
    overdue: int
    oldest_exposure: OldestExposure | None


@router.get("/fleet/summary", summary="The fleet at a glance")
async def fleet_summary(session: SessionDep, actor: Reader) -> Envelope[FleetSummary]:
    """Read from the per-site read model (kept by the status recompute and the SLA job), so it
    costs one pass over the sites, never over their installed packages."""
    live = scoped(select(Site).where(Site.is_deleted.is_(False)), Site.organization_id, actor)
    sub = live.subquery()
    counted = [
        *(f"packages_{name}" for name in COUNTED_STATUSES),
        "packages_missing_security",
        "packages_overdue",
    ]
    # One pass over the sites: per worst status, how many sites and their counters' sums.
    rows = await session.execute(
        select(
            sub.c.worst_status,
            func.count(),
            *(func.coalesce(func.sum(sub.c[column]), 0) for column in counted),
        ).group_by(sub.c.worst_status)
    )
    by_site: dict[str, int] = {}
    totals = dict.fromkeys(counted, 0)
    for worst, site_count, *sums in rows.tuples():
        by_site[worst] = int(site_count)
        for column, value in zip(counted, sums, strict=True):
            totals[column] += int(value)
    by_status = {name: totals[f"packages_{name}"] for name in COUNTED_STATUSES}
    oldest = await _oldest_exposure(session, live)
    return wrap(
        FleetSummary(
            sites=sum(by_site.values()),
            sites_by_worst_status={s.value: by_site.get(s.value, 0) for s in PackageStatus},
            installed_by_status={s.value: int(by_status.get(s.value, 0)) for s in PackageStatus},
            missing_security=totals["packages_missing_security"],
            overdue=totals["packages_overdue"],
            oldest_exposure=oldest,
        )
    )


async def _oldest_exposure(session: SessionDep, live: Select[Any]) -> OldestExposure | None:
    site = await session.scalar(
        live.where(Site.oldest_exposure_at.is_not(None))
        .order_by(Site.oldest_exposure_at, Site.id)
        .limit(1)
    )
    if site is None:
        return None
    row = (
        await session.execute(
            select(InstalledPackage, Package.name)
            .join(Package, Package.id == InstalledPackage.package_id)
            .where(
                InstalledPackage.site_id == site.id,
                InstalledPackage.missing_security.is_(True),
                InstalledPackage.exposure_started_at.is_not(None),
            )
            .order_by(InstalledPackage.exposure_started_at, InstalledPackage.id)
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    item, package = row
    return OldestExposure(
        site_uuid=site.uuid,
        site_name=site.name,
        package=package,
        version=item.version,
        exposure_started_at=item.exposure_started_at,
        sla_due_at=item.sla_due_at,
    )


@router.get("/fleet/exposures/by-age", summary="Open security updates by age bucket")
async def fleet_exposures_by_age(session: SessionDep, actor: Reader) -> Envelope[list[AgeBucket]]:
    """Buckets of days since exposure started (0-7, 8-30, 31-90, 90+), each with its overdue."""
    return wrap(await fleet.exposures_by_age(session, actor))


@router.get("/fleet/exposures/oldest", summary="The longest-open security updates")
async def fleet_oldest_exposures(
    session: SessionDep, actor: Reader, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> Envelope[list[Exposure]]:
    return wrap(await fleet.oldest_exposures(session, actor, limit))


@router.get("/fleet/trend", summary="Open security updates at the end of each day")
async def fleet_trend(
    session: SessionDep, actor: Reader, days: Annotated[int, Query(ge=1, le=365)] = 30
) -> Envelope[list[SecurityTrendPoint]]:
    """Computed from today's open count and the detected/resolved events of the window."""
    return wrap(await fleet.open_security_trend(session, actor, days))
