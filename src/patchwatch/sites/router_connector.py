"""The Drupal connector contract: module syncs pushed by the sites' connector, and its key."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response, status

from patchwatch.api.deps import SessionDep, get_database, require, require_user
from patchwatch.api.envelope import Envelope, wrap
from patchwatch.identity.principal import Principal
from patchwatch.identity.schemas_apikeys import ApiKeyCreated, key_created
from patchwatch.sites import connector
from patchwatch.sites import service as sites
from patchwatch.sites.schemas_connector import INLINE_MODULES, ConnectorPush, ConnectorSyncResult

router = APIRouter(tags=["drupal connector"])
Pusher = Annotated[Principal, Depends(require("snapshots:write"))]
KeyWriter = Annotated[Principal, Depends(require_user("api_keys:write"))]

_SYNC_DESCRIPTION = f"""The Drupal connector module's push, as the connector sends it, with the
site's connector key in `X-API-Key`. Modules are collapsed to projects (status is per project;
sub-modules name theirs in `reported_project`); core is `drupal_info.core_version`; a version
`0.0.0` with `version_known: false` is stored as unknown. `full_sync: true` removes the projects
absent from the push; otherwise the push only adds and updates.

Up to {INLINE_MODULES} modules: processed at once, 200 with the result. More: 202, processed in
the background; poll `GET /api/v1/snapshots/{{snapshot_uuid}}`. Errors: 400 `site_url_mismatch`,
403 `wrong_site` (a key of another site), 404 `site_not_found`, 429 `push_limit_reached` past
the per-site limit (`PATCHWATCH_CONNECTOR_PUSHES_PER_HOUR`, default 4). Accepted pushes and
429s carry `X-RateLimit-Limit` and `X-RateLimit-Remaining`; a 429 also `Retry-After`.
"""


def _limiter(request: Request) -> connector.PushLimiter:
    limiter: connector.PushLimiter = request.app.state.connector_limiter
    return limiter


async def _sync(
    request: Request,
    response: Response,
    session: SessionDep,
    actor: Principal,
    site_uuid: UUID,
    body: ConnectorPush,
) -> Envelope[ConnectorSyncResult]:
    synced = await connector.sync_modules(
        session, get_database(request), _limiter(request), actor, site_uuid, body
    )
    response.headers.update(synced.quota.headers())
    if not synced.processed:
        response.status_code = status.HTTP_202_ACCEPTED
        response.headers["Location"] = f"/api/v1/snapshots/{synced.snapshot.uuid}"
    return wrap(_result(synced, body))


def _result(synced: connector.Synced, body: ConnectorPush) -> ConnectorSyncResult:
    snapshot, site = synced.snapshot, synced.site
    counts = snapshot.result or {}
    return ConnectorSyncResult(
        snapshot_uuid=snapshot.uuid,
        site_uuid=site.uuid,
        status=snapshot.status,
        full_sync=body.full_sync,
        modules=len(body.modules),
        projects=synced.projects,
        added=counts.get("added"),
        updated=counts.get("updated"),
        removed=counts.get("removed"),
        unknown_versions=counts.get("unknown_versions"),
        worst_status=site.worst_status if synced.processed else None,
        failure_reason=snapshot.failure_reason,
    )


@router.post(
    "/sites/{site_uuid}/modules/sync",
    summary="Drupal connector: push the site's modules",
    description=_SYNC_DESCRIPTION,
    responses={202: {"description": "Large push: processing in the background"}},
)
async def sync_modules(
    site_uuid: UUID,
    body: ConnectorPush,
    request: Request,
    response: Response,
    session: SessionDep,
    actor: Pusher,
) -> Envelope[ConnectorSyncResult]:
    return await _sync(request, response, session, actor, site_uuid, body)


@router.post(
    "/sites/{site_id}/modules",
    summary="Drupal connector (earlier form): push the site's modules",
    description="The connector's earlier path; `site_id` is the site's uuid. Same as "
    "`POST /api/v1/sites/{site_uuid}/modules/sync`.",
    responses={202: {"description": "Large push: processing in the background"}},
)
async def sync_modules_earlier_form(
    site_id: UUID,
    body: ConnectorPush,
    request: Request,
    response: Response,
    session: SessionDep,
    actor: Pusher,
) -> Envelope[ConnectorSyncResult]:
    return await _sync(request, response, session, actor, site_id, body)


@router.post(
    "/sites/{site_uuid}/connector-key",
    status_code=status.HTTP_201_CREATED,
    summary="Create or rotate the site's Drupal connector key (the old one stops working)",
    description="A key bound to this site with `snapshots:write` and `snapshots:read`. The "
    "secret is shown once; the site's earlier connector key is revoked.",
)
async def rotate_connector_key(
    site_uuid: UUID, session: SessionDep, actor: KeyWriter
) -> Envelope[ApiKeyCreated]:
    site = await sites.get_site(session, actor, site_uuid)
    api_key, secret, revoked = await connector.rotate_key(session, actor, site)
    await session.commit()
    return wrap(key_created(api_key, secret), revoked=[str(old.uuid) for old in revoked])
