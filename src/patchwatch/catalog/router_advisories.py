"""Advisories: import OSV documents (platform admin); read them (anyone signed in)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import or_, select

from patchwatch.api.deps import SessionDep, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.catalog import osv
from patchwatch.catalog import service as catalog
from patchwatch.catalog.models import Advisory, AffectedPackage, Package
from patchwatch.errors import Invalid, NotFound, PermissionDenied
from patchwatch.identity.principal import Principal
from patchwatch.status import service as status

router = APIRouter(tags=["catalog"])
Reader = Annotated[Principal, Depends(require("catalog:read"))]


class AdvisoriesImported(BaseModel):
    advisories: int
    packages: int
    versions_reevaluated: int
    installed_packages_changed: int
    events: int


class AffectedOut(BaseModel):
    ecosystem: str
    package: str
    ranges: list[dict[str, object]]
    versions: list[str]
    fixed_versions: list[str]


class AdvisoryOut(BaseModel):
    uuid: UUID
    id: str
    aliases: list[str]
    title: str
    severity: str
    published_at: datetime | None
    modified_at: datetime | None
    withdrawn_at: datetime | None
    url: str | None
    affected: list[AffectedOut]


@router.post(
    "/catalog/advisories",
    summary="Import OSV advisories: one document, a JSON list, or a zip of .json files (admin)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def import_advisories(
    request: Request,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("catalog:write"))],
) -> Envelope[AdvisoriesImported]:
    if not actor.is_platform_admin:
        raise PermissionDenied("Only the platform admin imports advisories.", code="admin_only")
    try:
        advisories = osv.parse(await request.body())
    except osv.OsvError as exc:
        raise Invalid(f"The advisories were refused: {exc}.", code="invalid_osv") from exc
    package_ids = await catalog.store_advisories(session, advisories)
    result = await status.reevaluate_packages(session, package_ids)
    await session.commit()
    return wrap(
        AdvisoriesImported(
            advisories=len({a.external_id for a in advisories}),
            packages=len(package_ids),
            versions_reevaluated=result.versions,
            installed_packages_changed=result.changed,
            events=result.events,
        )
    )


async def _out(session: SessionDep, advisories: list[Advisory]) -> list[AdvisoryOut]:
    rows = await session.execute(
        select(AffectedPackage, Package.ecosystem, Package.name)
        .join(Package, Package.id == AffectedPackage.package_id)
        .where(AffectedPackage.advisory_id.in_([a.id for a in advisories]))
        .order_by(Package.name)
    )
    affected: dict[int, list[AffectedOut]] = {a.id: [] for a in advisories}
    for entry, ecosystem, name in rows.tuples():
        affected[entry.advisory_id].append(
            AffectedOut(
                ecosystem=ecosystem,
                package=name,
                ranges=entry.ranges,
                versions=entry.versions,
                fixed_versions=entry.fixed_versions,
            )
        )
    return [
        AdvisoryOut(
            uuid=a.uuid,
            id=a.external_id,
            aliases=a.aliases,
            title=a.title,
            severity=a.severity,
            published_at=a.published_at,
            modified_at=a.modified_at,
            withdrawn_at=a.withdrawn_at,
            url=a.url,
            affected=affected[a.id],
        )
        for a in advisories
    ]


@router.get("/catalog/advisories", summary="Advisories (public data: every signed-in reader)")
async def list_advisories(
    request: Request,
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    _actor: Reader,
    package: Annotated[str | None, Query(max_length=255)] = None,
    ecosystem: Annotated[str | None, Query(max_length=32)] = None,
    severity: Annotated[str | None, Query(pattern="^(critical|high|medium|low)$")] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> ListEnvelope[AdvisoryOut]:
    stmt = select(Advisory)
    if package or ecosystem:
        named = select(AffectedPackage.advisory_id).join(
            Package, Package.id == AffectedPackage.package_id
        )
        if package:
            named = named.where(Package.name == package)
        if ecosystem:
            named = named.where(Package.ecosystem == ecosystem)
        stmt = stmt.where(Advisory.id.in_(named.scalar_subquery()))
    if severity:
        stmt = stmt.where(Advisory.severity == severity)
    if q:
        stmt = stmt.where(
            or_(
                Advisory.external_id.contains(q, autoescape=True),
                Advisory.title.contains(q, autoescape=True),
            )
        )
    rows, total = await fetch_page(
        session,
        stmt,
        page,
        {
            "id": Advisory.external_id,
            "severity": Advisory.severity,
            "published_at": Advisory.published_at,
        },
        [Advisory.id],
    )
    return list_envelope(request, await _out(session, list(rows)), total, page)


@router.get("/catalog/advisories/{advisory_uuid}", summary="One advisory")
async def get_advisory(
    advisory_uuid: UUID, session: SessionDep, _actor: Reader
) -> Envelope[AdvisoryOut]:
    advisory = await session.scalar(select(Advisory).where(Advisory.uuid == advisory_uuid))
    if advisory is None:
        raise NotFound("No such advisory.", code="advisory_not_found")
    [out] = await _out(session, [advisory])
    return wrap(out)
