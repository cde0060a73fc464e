"""Rollout reports: upload, list, change, delete; their rows, KPIs and CSV export."""

from __future__ import annotations

import os
import re
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile, status
from pydantic import AwareDatetime
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.api.deps import SessionDep, require
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import (
    PageParams,
    fetch_page,
    fetch_rows_page,
    list_envelope,
    page_params,
)
from patchwatch.identity.principal import Principal
from patchwatch.patching import spreadsheets
from patchwatch.patching.schemas import Actor
from patchwatch.rollouts import kpis, reports, service
from patchwatch.rollouts.models import RolloutReport, RolloutReportRow
from patchwatch.rollouts.schemas import (
    InstallStatus,
    ReportKpis,
    ReportOut,
    ReportRowOut,
    ReportUpdate,
)
from patchwatch.sites import service as sites

router = APIRouter()  # included by rollouts/router.py under /rollouts
Page = Annotated[PageParams, Depends(page_params)]
Reader = Annotated[Principal, Depends(require("rollouts:read"))]
Writer = Annotated[Principal, Depends(require("rollouts:write"))]
REPORT_SORT = {"reported_at": RolloutReport.reported_at, "created_at": RolloutReport.created_at}
ROW_SORT = {
    "device": RolloutReportRow.device,
    "status": RolloutReportRow.status,
    "row_number": RolloutReportRow.row_number,
    "error_code": RolloutReportRow.error_code,
    "last_logon_at": RolloutReportRow.last_logon_at,
}
_TEXT = r"^[^\x00-\x1f\x7f]+$"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


async def _reports_out(session: AsyncSession, rows: list[RolloutReport]) -> list[ReportOut]:
    cycles = await service.cycles_by_id(session, {r.cycle_id for r in rows})
    deployments = await service.deployments_by_id(
        session, {c.deployment_id for c in cycles.values()}
    )
    items = []
    for report in rows:
        cycle = cycles[report.cycle_id]
        deployment = deployments[cycle.deployment_id]
        items.append(
            ReportOut(
                uuid=report.uuid,
                cycle_uuid=cycle.uuid,
                cycle_title=cycle.title,
                deployment_uuid=deployment.uuid,
                deployment_title=deployment.title,
                reported_at=report.reported_at,
                show_in_history=report.show_in_history,
                file_name=report.file_name,
                file_format=report.file_format,
                file_size=report.file_size,
                encoding=report.encoding,
                rows_total=report.rows_total,
                sites_created=report.sites_created,
                actor=Actor(
                    type=report.actor_type, uuid=report.actor_uuid, label=report.actor_label
                ),
                created_at=report.created_at,
            )
        )
    return items


# --- reports --------------------------------------------------------------------------------

_UPLOAD_DESCRIPTION = """Upload an SCCM deployment-status report (`.xlsx` or `.csv`, multipart).

The file name `CYCLE-DEPLOYMENT-YYMMDD-hhmmTZ.xlsx` (e.g. `May-Win10_CU-200521-0300KZN.xlsx`)
names the cycle, the deployment and the moment in a time-zone abbreviation; the form fields
`deployment`, `cycle` and `reported_at` win over it. An unknown deployment or cycle is a 404
unless `create_missing=true`. The layout (sheet, header row, columns) is the cycle's, else the
deployment's, else the first sheet, row 1 and every column. Columns are matched by header name
(Device, Collection, OS Build, Active, Last Logon, Last Logon User, Status, Note, Error Code and
the names in docs/api.md); when no header names the device, the layout's columns are read in
that order. One wrong row refuses the whole report: 422 `report_invalid` with the errors by
row and column, nothing stored. Every device becomes (or is) a `server` site."""


@router.post(
    "/reports",
    status_code=status.HTTP_201_CREATED,
    summary="Upload a deployment-status report of a cycle",
    description=_UPLOAD_DESCRIPTION,
)
async def upload_report(
    session: SessionDep,
    actor: Writer,
    file: Annotated[UploadFile, File(description="A .csv or .xlsx file (at most 50 MB).")],
    deployment: Annotated[str | None, Form(min_length=1, max_length=200, pattern=_TEXT)] = None,
    cycle: Annotated[str | None, Form(min_length=1, max_length=200, pattern=_TEXT)] = None,
    reported_at: Annotated[
        AwareDatetime | None, Form(description="The report's moment (wins over the file name).")
    ] = None,
    create_missing: Annotated[
        bool, Form(description="Create an unknown deployment or cycle.")
    ] = False,
    show_in_history: Annotated[bool, Form(description="A point of the cycle's trend.")] = True,
) -> Envelope[ReportOut]:
    name = _CONTROL.sub("", os.path.basename((file.filename or "").replace("\\", "/")))
    target = reports.name_target(name, deployment, cycle, reported_at)
    report = await reports.upload_report(
        session,
        actor,
        service.organization_of(actor),
        reports.Upload(file.file, name),
        target,
        show_in_history=show_in_history,
        create_missing=create_missing,
    )
    await session.commit()
    return wrap((await _reports_out(session, [report]))[0])


@router.get("/reports", summary="Uploaded reports, newest first")
async def list_reports(
    request: Request, session: SessionDep, page: Page, actor: Reader
) -> ListEnvelope[ReportOut]:
    stmt = reports.reports_query(actor)
    default = [RolloutReport.reported_at.desc(), RolloutReport.id.desc()]
    rows, total = await fetch_page(session, stmt, page, REPORT_SORT, default)
    return list_envelope(request, await _reports_out(session, rows), total, page)


@router.get("/cycles/{rollout_cycle_uuid}/reports", summary="A cycle's reports, newest first")
async def list_cycle_reports(
    rollout_cycle_uuid: UUID,
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    show_in_history: bool | None = None,
) -> ListEnvelope[ReportOut]:
    cycle = await service.get_cycle(session, actor, rollout_cycle_uuid)
    stmt = reports.reports_query(actor, cycle=cycle)
    if show_in_history is not None:
        stmt = stmt.where(RolloutReport.show_in_history.is_(show_in_history))
    default = [RolloutReport.reported_at.desc(), RolloutReport.id.desc()]
    rows, total = await fetch_page(session, stmt, page, REPORT_SORT, default)
    return list_envelope(request, await _reports_out(session, rows), total, page)


@router.get("/reports/{report_uuid}", summary="One report")
async def get_report(report_uuid: UUID, session: SessionDep, actor: Reader) -> Envelope[ReportOut]:
    report = await reports.get_report(session, actor, report_uuid)
    return wrap((await _reports_out(session, [report]))[0])


@router.patch("/reports/{report_uuid}", summary="Show a report in the cycle's trend or not")
async def update_report(
    report_uuid: UUID, body: ReportUpdate, session: SessionDep, actor: Writer
) -> Envelope[ReportOut]:
    report = await reports.get_report(session, actor, report_uuid)
    await reports.update_report(session, actor, report, body)
    await session.commit()
    return wrap((await _reports_out(session, [report]))[0])


@router.delete("/reports/{report_uuid}", summary="Delete a report and its rows")
async def delete_report(
    report_uuid: UUID, session: SessionDep, actor: Writer
) -> Envelope[ReportOut]:
    report = await reports.get_report(session, actor, report_uuid)
    out = (await _reports_out(session, [report]))[0]
    await reports.delete_report(session, actor, report)
    await session.commit()
    return wrap(out)


@router.get("/reports/{report_uuid}/kpis", summary="A report's KPIs, by ring and collection")
async def get_report_kpis(
    report_uuid: UUID, session: SessionDep, actor: Reader
) -> Envelope[ReportKpis]:
    report = await reports.get_report(session, actor, report_uuid)
    return wrap(await kpis.report_kpis(session, report))


@router.get("/reports/{report_uuid}/rows", summary="A report's machine statuses, with filters")
async def list_report_rows(
    report_uuid: UUID,
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Reader,
    status: InstallStatus | None = None,
    device: Annotated[str | None, Query(min_length=1, max_length=255, pattern=_TEXT)] = None,
    collection: Annotated[str | None, Query(min_length=1, max_length=200, pattern=_TEXT)] = None,
    ring: Annotated[int | None, Query(ge=0, le=99)] = None,
) -> ListEnvelope[ReportRowOut]:
    report = await reports.get_report(session, actor, report_uuid)
    stmt = reports.rows_query(
        report,
        status=status.value if status else None,
        device=device,
        collection=collection,
        ring=ring,
    )
    rows, total = await fetch_rows_page(
        session, stmt, page, ROW_SORT, [RolloutReportRow.row_number]
    )
    refs = await sites.site_refs(session, {row.site_id for row, _ in rows})
    items = [
        ReportRowOut(
            row_number=row.row_number,
            device=row.device,
            site_uuid=refs[row.site_id].uuid,
            collection=group.name if group else None,
            ring=group.ring if group else None,
            os_build=row.os_build,
            is_active=row.is_active,
            last_logon_at=row.last_logon_at,
            last_logon_user=row.last_logon_user,
            status=InstallStatus(row.status),
            status_raw=row.status_raw,
            note=row.note,
            error_code=row.error_code,
        )
        for row, group in rows
    ]
    return list_envelope(request, items, total, page)


EXPORT_HEADER = [
    "Device",
    "Collection",
    "Ring",
    "OS Build",
    "Active",
    "Last Logon",
    "Last Logon User",
    "Status",
    "Status Text",
    "Note",
    "Error Code",
]


@router.get(
    "/reports/{report_uuid}/export",
    summary="A report's rows as CSV (cells that would run as formulas are neutralised)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def export_report(report_uuid: UUID, session: SessionDep, actor: Reader) -> Response:
    report = await reports.get_report(session, actor, report_uuid)
    stmt = reports.rows_query(report).order_by(RolloutReportRow.row_number)
    rows = [
        [
            row.device,
            group.name if group else "",
            str(group.ring) if group else "",
            row.os_build or "",
            "" if row.is_active is None else ("yes" if row.is_active else "no"),
            row.last_logon_at.isoformat() if row.last_logon_at else "",
            row.last_logon_user or "",
            row.status,
            row.status_raw,
            row.note,
            row.error_code or "",
        ]
        for row, group in (await session.execute(stmt)).tuples()
    ]
    name = os.path.splitext(report.file_name)[0] or "report"
    return Response(
        spreadsheets.csv_lines([EXPORT_HEADER, *rows]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_SAFE_NAME.sub("_", name)}.csv"'},
    )
