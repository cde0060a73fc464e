"""API keys: create (secret shown once), list, revoke. Only signed-in people manage keys."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status

from patchwatch.api.deps import SessionDep, require_user
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.identity import apikeys
from patchwatch.identity import service as identity
from patchwatch.identity.models import ApiKey
from patchwatch.identity.principal import Principal
from patchwatch.identity.schemas_apikeys import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    key_created,
    key_out,
)

router = APIRouter(tags=["api keys"])
Page = Annotated[PageParams, Depends(page_params)]
KeyReader = Annotated[Principal, Depends(require_user("api_keys:read"))]
KeyWriter = Annotated[Principal, Depends(require_user("api_keys:write"))]
SORT = {"name": ApiKey.name, "created_at": ApiKey.created_at, "last_used_at": ApiKey.last_used_at}


@router.post("/api-keys", status_code=status.HTTP_201_CREATED, summary="Create an API key")
async def create_api_key(
    body: ApiKeyCreate, session: SessionDep, actor: KeyWriter
) -> Envelope[ApiKeyCreated]:
    org = await apikeys.key_organization(session, actor, body.organization_uuid)
    api_key, secret = await apikeys.create_api_key(
        session,
        actor,
        organization=org,
        name=body.name,
        permissions=body.permissions,
        site_uuid=body.site_uuid,
        expires_at=body.expires_at,
    )
    await session.commit()
    return wrap(key_created(api_key, secret))


@router.get("/api-keys", summary="API keys of your organization (admins: all)")
async def list_api_keys(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: KeyReader,
    organization: Annotated[
        UUID | None, Query(description="Only this organization's keys (admins: any)")
    ] = None,
) -> ListEnvelope[ApiKeyOut]:
    org_id = (
        (await identity.get_organization(session, actor, organization)).id if organization else None
    )
    rows, total = await fetch_page(
        session, apikeys.api_keys_query(actor, organization_id=org_id), page, SORT, [ApiKey.id]
    )
    return list_envelope(request, [key_out(k) for k in rows], total, page)


@router.delete("/api-keys/{key_uuid}", summary="Revoke an API key")
async def revoke_api_key(
    key_uuid: UUID, session: SessionDep, actor: KeyWriter
) -> Envelope[ApiKeyOut]:
    api_key = await apikeys.get_api_key(session, actor, key_uuid)
    await apikeys.revoke_api_key(session, actor, api_key)
    await session.commit()
    return wrap(key_out(api_key))
