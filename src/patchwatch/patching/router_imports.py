"""Imports of sites, patch runs and users from CSV and XLSX files, and the matching exports."""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile, status
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.background import BackgroundTask

from patchwatch.api.deps import SessionDep, get_database, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.errors import Invalid, PermissionDenied
from patchwatch.identity import service as identity
from patchwatch.identity.models import Organization
from patchwatch.identity.principal import Principal
from patchwatch.patching import exports, imports
from patchwatch.patching.models import Import
from patchwatch.patching.schemas import Actor
from patchwatch.patching.schemas_imports import (
    ExportFormat,
    ImportKind,
    ImportOut,
    ImportStatus,
    RowError,
)
from patchwatch.sites import service as sites

router = APIRouter(tags=["imports"])
Reader = Annotated[Principal, Depends(require("imports:read"))]
IMPORT_SORT = {"created_at": Import.created_at, "kind": Import.kind, "status": Import.status}

_IMPORT_DESCRIPTION = """Import a `.csv` or `.xlsx` file (multipart form) of one `kind`:

- `sites`: url, name, kind, environment, criticality, tags, description, street, city, state,
  country — a site with the same (normalised) URL is updated, else created;
- `patch-runs`: site, date, external_id, ecosystem, package, from_version, to_version, result,
  status, log — rows with the same site, date and external id are one run;
- `users`: login, email, name, role — invitations (users without a password).

Headers match whatever their case, spaces, `_` and `-`; docs/api.md lists the other accepted
names, and `mapping` (JSON `{"file header": "our column"}`, `null` to ignore one) maps others.
All or nothing unless `on_error=skip`; `dry_run=true` only reports. A file that cannot be
imported (not a spreadsheet, too large, encrypted, unknown encoding, bad header) is refused
with a 4xx and nothing is recorded; an import whose rows are wrong is recorded as failed and
answers 422 `import_failed` with the errors by row and column (and `Location` of the record).
"""


def import_out(record: Import, organization_uuid: UUID) -> ImportOut:
    return ImportOut(
        uuid=record.uuid,
        organization_uuid=organization_uuid,
        kind=record.kind,  # type: ignore[arg-type]
        file_name=record.file_name,
        file_format=record.file_format,
        file_size=record.file_size,
        encoding=record.encoding,
        dry_run=record.dry_run,
        on_error=record.on_error,  # type: ignore[arg-type]
        status=record.status,  # type: ignore[arg-type]
        rows_total=record.rows_total,
        rows_created=record.rows_created,
        rows_updated=record.rows_updated,
        rows_unchanged=record.rows_unchanged,
        rows_failed=record.rows_failed,
        errors=[RowError(**error) for error in record.errors or []],
        actor=Actor(type=record.actor_type, uuid=record.actor_uuid, label=record.actor_label),
        created_at=record.created_at,
        finished_at=record.finished_at,
    )


async def _organization(
    session: AsyncSession, actor: Principal, organization_uuid: UUID | None
) -> Organization:
    """The named organization (platform admin), else the caller's own."""
    chosen = organization_uuid or actor.organization_uuid
    if chosen is None:
        raise PermissionDenied("Name the organization (organization).")
    return await identity.get_organization(session, actor, chosen)


@router.post(
    "/imports",
    status_code=status.HTTP_201_CREATED,
    summary="Import sites, patch runs or users from a CSV or XLSX file",
    description=_IMPORT_DESCRIPTION,
)
async def create_import(
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("imports:write"))],
    file: Annotated[UploadFile, File(description="A .csv or .xlsx file (at most 50 MB).")],
    kind: Annotated[ImportKind, Form()],
    dry_run: Annotated[bool, Form(description="Only report what would happen.")] = False,
    on_error: Annotated[
        Literal["abort", "skip"], Form(description="skip: write the valid rows, report the rest")
    ] = "abort",
    mapping: Annotated[
        str | None, Form(max_length=20_000, description='JSON {"file header": "our column"}')
    ] = None,
    organization: Annotated[
        UUID | None, Form(description="Platform admin: import into this organization.")
    ] = None,
) -> Envelope[ImportOut]:
    imports.check_may_import(actor, kind)
    columns = imports.parse_mapping(mapping)
    org = await _organization(session, actor, organization)
    org_uuid = org.uuid  # the import commits or rolls back: the object expires
    name = os.path.basename((file.filename or "").replace("\\", "/"))
    record = await imports.run_import(
        session,
        actor,
        org,
        imports.Upload(file.file, name),
        kind=kind,
        dry_run=dry_run,
        on_error=on_error,
        mapping=columns,
    )
    if record.status == "failed" and not record.dry_run:
        raise Invalid(
            f"Nothing was imported: {record.rows_failed} of {record.rows_total} rows are not "
            "valid (see details; the import's record keeps them).",
            code="import_failed",
            details=list(record.errors or []),
            headers={"Location": f"/api/v1/imports/{record.uuid}"},
        )
    return wrap(import_out(record, org_uuid))


@router.get("/imports", summary="The record of file imports, newest first")
async def list_imports(
    request: Request,
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    actor: Reader,
    kind: ImportKind | None = None,
    status: ImportStatus | None = None,
    organization: Annotated[
        UUID | None, Query(description="Platform admin: one organization's imports")
    ] = None,
) -> ListEnvelope[ImportOut]:
    org_id = (
        (await identity.get_organization(session, actor, organization)).id if organization else None
    )
    stmt = imports.imports_query(actor, organization_id=org_id, kind=kind, status=status)
    rows, total = await fetch_page(
        session, stmt, page, IMPORT_SORT, [Import.created_at.desc(), Import.id.desc()]
    )
    org_uuids = await sites.organization_uuids(session, {r.organization_id for r in rows})
    items = [import_out(r, org_uuids[r.organization_id]) for r in rows]
    return list_envelope(request, items, total, page)


@router.get("/imports/{import_uuid}", summary="One import: its counts and errors")
async def get_import(import_uuid: UUID, session: SessionDep, actor: Reader) -> Envelope[ImportOut]:
    record = await imports.get_import(session, actor, import_uuid)
    org_uuids = await sites.organization_uuids(session, [record.organization_id])
    return wrap(import_out(record, org_uuids[record.organization_id]))


async def _export(
    request: Request,
    session: AsyncSession,
    actor: Principal,
    kind: str,
    format: str,
    organization: UUID | None,
) -> StreamingResponse:
    org = await _organization(session, actor, organization)
    file_name = f"{kind}-{date.today().isoformat()}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{file_name}"'}
    if format == "csv":
        body = exports.csv_stream(get_database(request), actor, kind, org.id)
        return StreamingResponse(body, media_type=exports.MEDIA_TYPES["csv"], headers=headers)
    path = await exports.xlsx_file(session, actor, kind, org.id)
    return StreamingResponse(
        exports.file_chunks(path),
        media_type=exports.MEDIA_TYPES["xlsx"],
        headers=headers,
        background=BackgroundTask(os.unlink, path),
    )


Format = Annotated[ExportFormat, Query(description="csv or xlsx")]
ExportOrganization = Annotated[
    UUID | None, Query(description="Platform admin: this organization's data")
]
_EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {media: {} for media in exports.MEDIA_TYPES.values()}}
}


@router.get(
    "/exports/sites",
    summary="Export sites (CSV or XLSX, the import's columns)",
    response_class=StreamingResponse,
    responses=_EXPORT_RESPONSES,
)
async def export_sites(
    request: Request,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("sites:read"))],
    format: Format = "csv",
    organization: ExportOrganization = None,
) -> StreamingResponse:
    return await _export(request, session, actor, "sites", format, organization)


@router.get(
    "/exports/patch-runs",
    summary="Export patch runs, one row per item (CSV or XLSX)",
    response_class=StreamingResponse,
    responses=_EXPORT_RESPONSES,
)
async def export_patch_runs(
    request: Request,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("patching:read"))],
    format: Format = "csv",
    organization: ExportOrganization = None,
) -> StreamingResponse:
    return await _export(request, session, actor, "patch-runs", format, organization)


@router.get(
    "/exports/users",
    summary="Export users (CSV or XLSX, the import's columns)",
    response_class=StreamingResponse,
    responses=_EXPORT_RESPONSES,
)
async def export_users(
    request: Request,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("users:read"))],
    format: Format = "csv",
    organization: ExportOrganization = None,
) -> StreamingResponse:
    return await _export(request, session, actor, "users", format, organization)
