"""The catalog: import Drupal release-history feeds; read packages and their releases."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import or_, select

from patchwatch.api.deps import SessionDep, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.catalog import service as catalog
from patchwatch.catalog.drupal_feed import FeedError, parse_release_history
from patchwatch.catalog.models import Package
from patchwatch.errors import Invalid, PermissionDenied
from patchwatch.identity.principal import Principal
from patchwatch.sites.models import InstalledPackage
from patchwatch.status import service as status

router = APIRouter(tags=["catalog"])


class FeedImported(BaseModel):
    package: str
    usable: bool
    releases: int
    versions_reevaluated: int
    installed_packages_changed: int
    events: int


class PackageOut(BaseModel):
    uuid: UUID
    ecosystem: str
    name: str
    title: str | None
    project_status: str | None
    homepage: str | None
    supported_branches: list[str] | None
    has_feed: bool
    feed_usable: bool


@router.post(
    "/catalog/drupal/release-history",
    summary="Import one Drupal release-history XML document (platform admin)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
)
async def import_release_history(
    request: Request,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("catalog:write"))],
    project: Annotated[str | None, Query(max_length=255, pattern=r"^[a-z0-9_]+$")] = None,
) -> Envelope[FeedImported]:
    if not actor.is_platform_admin:
        raise PermissionDenied("Only the platform admin imports feeds.", code="admin_only")
    body = await request.body()
    try:
        feed = parse_release_history(body)
    except FeedError as exc:
        raise Invalid(f"The feed was refused: {exc}.", code="invalid_feed") from exc
    if not feed.usable and not project:
        raise Invalid(
            "The document is not a usable release history (no short_name); "
            "pass ?project= to record it as such.",
            code="unusable_feed",
        )
    package = await catalog.store_drupal_feed(session, feed, name=project)
    result = await status.reevaluate_packages(session, [package.id])
    await session.commit()
    return wrap(
        FeedImported(
            package=package.name,
            usable=feed.usable,
            releases=len(feed.releases),
            versions_reevaluated=result.versions,
            installed_packages_changed=result.changed,
            events=result.events,
        )
    )


@router.get("/catalog/packages", summary="Packages the catalog knows")
async def list_packages(
    request: Request,
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    actor: Annotated[Principal, Depends(require("catalog:read"))],
    ecosystem: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> ListEnvelope[PackageOut]:
    stmt = select(Package)
    if not actor.is_platform_admin:
        # Package names come from inventories too: show only public feeds and what we run.
        ours = select(InstalledPackage.package_id).where(
            InstalledPackage.organization_id == actor.organization_id
        )
        stmt = stmt.where(or_(Package.has_feed.is_(True), Package.id.in_(ours.scalar_subquery())))
    if ecosystem:
        stmt = stmt.where(Package.ecosystem == ecosystem)
    if q:
        stmt = stmt.where(Package.name.contains(q.lower(), autoescape=True))
    rows, total = await fetch_page(
        session, stmt, page, {"name": Package.name, "ecosystem": Package.ecosystem}, [Package.id]
    )
    items = [PackageOut.model_validate(p, from_attributes=True) for p in rows]
    return list_envelope(request, items, total, page)
