"""Sites and snapshots."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, status
from sqlalchemy import select

from patchwatch.api.deps import SessionDep, get_database, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.errors import NotFound, PermissionDenied
from patchwatch.identity import service as identity
from patchwatch.identity.principal import Principal
from patchwatch.sites import ingest, jobs
from patchwatch.sites import service as sites
from patchwatch.sites.models import Site, Snapshot
from patchwatch.sites.schemas import (
    Criticality,
    Environment,
    Kind,
    Location,
    SiteCreate,
    SiteOut,
    SiteUpdate,
    SnapshotAccepted,
    SnapshotOut,
    WorstStatus,
)

router = APIRouter()
Page = Annotated[PageParams, Depends(page_params)]
Reader = Annotated[Principal, Depends(require("sites:read"))]
Writer = Annotated[Principal, Depends(require("sites:write"))]
SnapshotReader = Annotated[Principal, Depends(require("snapshots:read"))]
SITE_SORT = {
    "name": Site.name,
    "url": Site.url,
    "created_at": Site.created_at,
    "updated_at": Site.updated_at,
    "last_snapshot_at": Site.last_snapshot_at,
    "worst_status": Site.worst_status,
    "criticality": Site.criticality,
}
SNAPSHOT_SORT = {"received_at": Snapshot.received_at, "collected_at": Snapshot.collected_at}


def site_out(site: Site, organization_uuid: UUID) -> SiteOut:
    location = sites.location_of(site)
    return SiteOut(
        uuid=site.uuid,
        url=site.url,
        name=site.name,
        description=site.description,
        kind=site.kind,
        environment=site.environment,
        criticality=site.criticality,
        tags=list(site.tags or []),
        location=Location.as_stored(location) if location else None,
        organization_uuid=organization_uuid,
        worst_status=site.worst_status,
        last_snapshot_at=site.last_snapshot_at,
        is_active=site.is_active,
        is_deleted=site.is_deleted,
        created_at=site.created_at,
        updated_at=site.updated_at,
        created_by=site.created_by,
        updated_by=site.updated_by,
    )


async def _one_site_out(session: SessionDep, site: Site) -> SiteOut:
    org_uuids = await sites.organization_uuids(session, [site.organization_id])
    return site_out(site, org_uuids[site.organization_id])


@router.get("/sites", tags=["sites"], summary="Sites, with filters, search and sorting")
async def list_sites(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    kind: Kind | None = None,
    environment: Environment | None = None,
    criticality: Criticality | None = None,
    status: Annotated[WorstStatus | None, Query(description="The site's worst status")] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Search name and URL")] = None,
    is_active: bool | None = None,
    organization: Annotated[
        UUID | None, Query(description="Platform admin: one organization's sites")
    ] = None,
) -> ListEnvelope[SiteOut]:
    org_id = (
        (await identity.get_organization(session, actor, organization)).id if organization else None
    )
    stmt = sites.sites_query(
        actor,
        dialect=session.get_bind().dialect.name,
        organization_id=org_id,
        kind=kind,
        environment=environment,
        criticality=criticality,
        status=status,
        tag=tag,
        q=q,
        is_active=is_active,
    )
    rows, total = await fetch_page(session, stmt, page, SITE_SORT, [Site.id])
    org_uuids = await sites.organization_uuids(session, {s.organization_id for s in rows})
    items = [site_out(s, org_uuids[s.organization_id]) for s in rows]
    return list_envelope(request, items, total, page)


@router.post("/sites", tags=["sites"], status_code=status.HTTP_201_CREATED, summary="Add a site")
async def create_site(body: SiteCreate, session: SessionDep, actor: Writer) -> Envelope[SiteOut]:
    if actor.site_uuid is not None:
        raise PermissionDenied("A key bound to one site cannot add sites.", code="site_bound_key")
    if body.organization_uuid is not None:
        org_id = (await identity.get_organization(session, actor, body.organization_uuid)).id
    elif actor.organization_id is not None:
        org_id = actor.organization_id
    else:
        raise PermissionDenied("Name the organization (organization_uuid).")
    fields = body.model_dump(mode="json", exclude={"organization_uuid"})
    site = await sites.create_site(session, actor, org_id, fields)
    await session.commit()
    return wrap(await _one_site_out(session, site))


@router.get("/sites/{site_uuid}", tags=["sites"], summary="One site")
async def get_site(site_uuid: UUID, session: SessionDep, actor: Reader) -> Envelope[SiteOut]:
    return wrap(await _one_site_out(session, await sites.get_site(session, actor, site_uuid)))


@router.patch("/sites/{site_uuid}", tags=["sites"], summary="Change a site")
async def update_site(
    site_uuid: UUID, body: SiteUpdate, session: SessionDep, actor: Writer
) -> Envelope[SiteOut]:
    site = await sites.get_site(session, actor, site_uuid)
    changes = body.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    if "location" in body.model_fields_set and body.location is None:
        changes["location"] = None
    await sites.update_site(session, actor, site, changes)
    await session.commit()
    return wrap(await _one_site_out(session, site))


@router.delete("/sites/{site_uuid}", tags=["sites"], summary="Delete a site (soft)")
async def delete_site(site_uuid: UUID, session: SessionDep, actor: Writer) -> Envelope[SiteOut]:
    site = await sites.get_site(session, actor, site_uuid)
    await sites.delete_site(session, actor, site)
    await session.commit()
    return wrap(await _one_site_out(session, site))


# --- snapshots ------------------------------------------------------------------------------


def snapshot_out(snapshot: Snapshot, site_uuid: UUID, *, include_raw: bool = False) -> SnapshotOut:
    return SnapshotOut(
        uuid=snapshot.uuid,
        site_uuid=site_uuid,
        format=snapshot.format,
        status=snapshot.status,
        failure_reason=snapshot.failure_reason,
        content_hash=snapshot.content_hash,
        received_at=snapshot.received_at,
        collected_at=snapshot.collected_at,
        processed_at=snapshot.processed_at,
        package_count=snapshot.package_count,
        result=snapshot.result or {},
        raw=ingest.raw_body(snapshot) if include_raw else None,
    )


_PUSH_DESCRIPTION = """Push what a site runs. The body is one of:

- `patchwatch`: `{"site": {"url", "name"?, "uuid"?}, "collected_at"?, "packages": [...]}`;
- `drush-pm-list`: the JSON of `drush pm:list --format=json`;
- `drush-pm-list-table`: its default table output (`text/plain`);
- `composer-lock`: a `composer.lock` (`?include_dev=true` adds `packages-dev`).

The format comes from `?format=`, else the content type (`application/vnd.patchwatch+json`,
`application/vnd.drush.pm-list+json`, `application/vnd.composer-lock+json`, `text/plain`);
a plain JSON body is recognised by its shape. The site comes from the key's site, the body's
`site`, or `?site_url=`. Answers 202 at once; poll `GET /api/v1/snapshots/{uuid}`.
"""


@router.post(
    "/snapshots",
    tags=["snapshots"],
    status_code=status.HTTP_202_ACCEPTED,
    summary="Push an inventory snapshot (patchwatch JSON, composer.lock, drush pm:list)",
    description=_PUSH_DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/vnd.patchwatch+json": {"schema": {"type": "object"}},
                "application/vnd.drush.pm-list+json": {"schema": {"type": "object"}},
                "application/vnd.composer-lock+json": {"schema": {"type": "object"}},
                "text/plain": {"schema": {"type": "string"}},
            },
        }
    },
)
async def push_snapshot(
    request: Request,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("snapshots:write"))],
    format: Annotated[
        Literal["patchwatch", "composer-lock", "drush-pm-list", "drush-pm-list-table"] | None,
        Query(description="The body's format; by default from the content type or the body"),
    ] = None,
    include_dev: Annotated[bool, Query(description="composer-lock: add packages-dev")] = False,
    site_url: Annotated[str | None, Query(max_length=2048)] = None,
    site_name: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    idempotency_key: Annotated[
        str | None, Header(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")
    ] = None,
) -> Envelope[SnapshotAccepted]:
    push = ingest.Push(
        body=await request.body(),
        content_type=request.headers.get("content-type", ""),
        format=format,
        include_dev=include_dev,
        site_url=site_url,
        site_name=site_name,
        idempotency_key=idempotency_key,
    )
    received = await ingest.receive_snapshot(session, actor, push)
    if not received.duplicate:
        jobs.schedule(get_database(request), received.snapshot.id)
    return wrap(
        SnapshotAccepted(
            uuid=received.snapshot.uuid,
            status=received.snapshot.status,
            site_uuid=received.site.uuid,
            duplicate=received.duplicate,
        )
    )


@router.get("/snapshots/{snapshot_uuid}", tags=["snapshots"], summary="One snapshot and its result")
async def get_snapshot(
    snapshot_uuid: UUID,
    session: SessionDep,
    actor: SnapshotReader,
    include: Annotated[
        Literal["raw"] | None, Query(description="`raw`: add the body as received")
    ] = None,
) -> Envelope[SnapshotOut]:
    row = (
        await session.execute(
            select(Snapshot, Site.uuid)
            .join(Site, Site.id == Snapshot.site_id)
            .where(Snapshot.uuid == snapshot_uuid)
        )
    ).first()
    if (
        row is None
        or not actor.can_see_organization(row[0].organization_id)
        or (actor.site_uuid is not None and actor.site_uuid != row[1])
    ):
        raise NotFound("There is no such snapshot.")
    return wrap(snapshot_out(row[0], row[1], include_raw=include == "raw"))


@router.get(
    "/sites/{site_uuid}/snapshots", tags=["snapshots"], summary="A site's snapshots, newest first"
)
async def list_site_snapshots(
    site_uuid: UUID,
    request: Request,
    session: SessionDep,
    page: Page,
    actor: SnapshotReader,
) -> ListEnvelope[SnapshotOut]:
    site = await sites.get_site(session, actor, site_uuid)
    stmt = select(Snapshot).where(Snapshot.site_id == site.id)
    rows, total = await fetch_page(
        session, stmt, page, SNAPSHOT_SORT, [Snapshot.received_at.desc(), Snapshot.id.desc()]
    )
    return list_envelope(request, [snapshot_out(s, site.uuid) for s in rows], total, page)
