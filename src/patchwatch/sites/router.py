"""Sites and snapshots."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, status
from sqlalchemy import select

from patchwatch.api.deps import SessionDep, get_database, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.errors import NotFound
from patchwatch.identity import service as identity
from patchwatch.identity.models import Organization
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
)

router = APIRouter()
Page = Annotated[PageParams, Depends(page_params)]
Reader = Annotated[Principal, Depends(require("sites:read"))]
Writer = Annotated[Principal, Depends(require("sites:write"))]
SITE_SORT = {
    "name": Site.name,
    "url": Site.url,
    "created_at": Site.created_at,
    "last_snapshot_at": Site.last_snapshot_at,
    "worst_status": Site.worst_status,
}


async def site_out(session: SessionDep, site: Site) -> SiteOut:
    org_uuid = await session.scalar(
        select(Organization.uuid).where(Organization.id == site.organization_id)
    )
    location = None
    if site.location_street:
        location = Location(
            street=site.location_street,
            city=site.location_city or "",
            state=site.location_state or "",
            country=site.location_country or "",
        )
    return SiteOut(
        uuid=site.uuid,
        url=site.url,
        name=site.name,
        description=site.description,
        kind=site.kind,
        environment=site.environment,
        criticality=site.criticality,
        tags=site.tags,
        location=location,
        organization_uuid=org_uuid,  # type: ignore[arg-type]
        worst_status=site.worst_status,
        last_snapshot_at=site.last_snapshot_at,
        is_active=site.is_active,
        created_at=site.created_at,
        updated_at=site.updated_at,
        created_by=site.created_by,
        updated_by=site.updated_by,
    )


@router.get("/sites", tags=["sites"], summary="Sites, with filters and search")
async def list_sites(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    kind: Kind | None = None,
    environment: Environment | None = None,
    criticality: Criticality | None = None,
    status: Annotated[str | None, Query(max_length=24)] = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    is_active: bool | None = None,
    organization: UUID | None = None,
) -> ListEnvelope[SiteOut]:
    org_id = (
        (await identity.get_organization(session, actor, organization)).id if organization else None
    )
    stmt = sites.sites_query(
        actor,
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
    return list_envelope(request, [await site_out(session, s) for s in rows], total, page)


@router.post("/sites", tags=["sites"], status_code=status.HTTP_201_CREATED, summary="Add a site")
async def create_site(body: SiteCreate, session: SessionDep, actor: Writer) -> Envelope[SiteOut]:
    if body.organization_uuid is not None:
        org_id = (await identity.get_organization(session, actor, body.organization_uuid)).id
    else:
        assert actor.organization_id is not None
        org_id = actor.organization_id
    fields = body.model_dump(exclude={"organization_uuid"})
    site = await sites.create_site(session, actor, org_id, fields)
    await session.commit()
    return wrap(await site_out(session, site))


@router.get("/sites/{site_uuid}", tags=["sites"], summary="One site")
async def get_site(site_uuid: UUID, session: SessionDep, actor: Reader) -> Envelope[SiteOut]:
    return wrap(await site_out(session, await sites.get_site(session, actor, site_uuid)))


@router.patch("/sites/{site_uuid}", tags=["sites"], summary="Change a site")
async def update_site(
    site_uuid: UUID, body: SiteUpdate, session: SessionDep, actor: Writer
) -> Envelope[SiteOut]:
    site = await sites.get_site(session, actor, site_uuid)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "location" in body.model_fields_set and body.location is None:
        changes["location"] = None
    await sites.update_site(session, actor, site, changes)
    await session.commit()
    return wrap(await site_out(session, site))


@router.delete("/sites/{site_uuid}", tags=["sites"], summary="Delete a site (soft)")
async def delete_site(site_uuid: UUID, session: SessionDep, actor: Writer) -> Envelope[SiteOut]:
    site = await sites.get_site(session, actor, site_uuid)
    await sites.delete_site(session, actor, site)
    await session.commit()
    return wrap(await site_out(session, site))


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
        raw=snapshot.raw if include_raw else None,
    )


@router.post(
    "/snapshots",
    tags=["snapshots"],
    status_code=status.HTTP_202_ACCEPTED,
    summary="Push an inventory snapshot (patchwatch JSON, composer.lock, drush pm:list)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/plain": {"schema": {"type": "string"}},
            },
        }
    },
)
async def push_snapshot(
    request: Request,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("snapshots:write"))],
    format: Annotated[str | None, Query(max_length=32)] = None,
    site_url: Annotated[str | None, Query(max_length=2048)] = None,
    site_name: Annotated[str | None, Query(max_length=200)] = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Envelope[SnapshotAccepted]:
    body = await request.body()
    format_name = ingest.choose_format(format, request.headers.get("content-type", ""), body)
    received = await ingest.receive_snapshot(
        session,
        actor,
        body=body,
        format_name=format_name,
        idempotency_key=idempotency_key,
        site_url=site_url,
        site_name=site_name,
    )
    await session.commit()
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
    actor: Annotated[Principal, Depends(require("snapshots:read"))],
    include: Annotated[str | None, Query(pattern="^raw$")] = None,
) -> Envelope[SnapshotOut]:
    row = (
        await session.execute(
            select(Snapshot, Site.uuid)
            .join(Site, Site.id == Snapshot.site_id)
            .where(Snapshot.uuid == snapshot_uuid)
        )
    ).first()
    if row is None or not actor.can_see_organization(row[0].organization_id):
        raise NotFound("There is no such snapshot.")
    return wrap(snapshot_out(row[0], row[1], include_raw=include == "raw"))


@router.get("/sites/{site_uuid}/snapshots", tags=["snapshots"], summary="A site's snapshots")
async def list_site_snapshots(
    site_uuid: UUID,
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Annotated[Principal, Depends(require("snapshots:read"))],
) -> ListEnvelope[SnapshotOut]:
    site = await sites.get_site(session, actor, site_uuid)
    stmt = select(Snapshot).where(Snapshot.site_id == site.id)
    rows, total = await fetch_page(
        session, stmt, page, {"received_at": Snapshot.received_at}, [Snapshot.id.desc()]
    )
    return list_envelope(request, [snapshot_out(s, site.uuid) for s in rows], total, page)
