"""Uploading a deployment-status report: name it, read it, refuse it whole or write it whole.

The file name ``CYCLE-DEPLOYMENT-YYMMDD-hhmmTZ.xlsx`` (or the form's fields) names the cycle,
the deployment and the moment. The file is read and every row checked before anything is
written; one wrong row refuses the report (422 with the errors by row and column). Then, in one
transaction: the deployment and cycle when missing and allowed, a ``server`` site for each new
device, the collections first seen (ring 0), the report and its rows, the cycle's RAG.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from typing import IO, Any, cast

from pydantic import ValidationError
from sqlalchemy import Select, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.errors import Conflict, Invalid, NotFound, PayloadTooLarge
from patchwatch.identity.principal import Principal
from patchwatch.patching import spreadsheets
from patchwatch.rollouts import files, service
from patchwatch.rollouts.models import (
    RolloutCollection,
    RolloutCycle,
    RolloutDeployment,
    RolloutReport,
    RolloutReportRow,
)
from patchwatch.rollouts.parsing import parse_file_name
from patchwatch.rollouts.schemas import (
    CycleCreate,
    DeploymentCreate,
    Layout,
    ReportUpdate,
)
from patchwatch.sites import service as sites
from patchwatch.tenancy import scoped

CHUNK = 1_000
FILE_NAME_PATTERN = "CYCLE-DEPLOYMENT-YYMMDD-hhmmTZ.xlsx"


@dataclass
class Upload:
    file: IO[bytes]
    name: str


@dataclass(frozen=True)
class Target:
    deployment: str
    cycle: str
    reported_at: datetime
    zone: timezone


def name_target(
    file_name: str,
    deployment: str | None = None,
    cycle: str | None = None,
    reported_at: datetime | None = None,
) -> Target:
    """What the report is of: the form's fields first, else the file name's parts."""
    parts = parse_file_name(file_name)
    chosen = {
        "deployment": deployment or (parts.deployment if parts else None),
        "cycle": cycle or (parts.cycle if parts else None),
        "reported_at": reported_at or (parts.reported_at if parts else None),
    }
    missing = [name for name, value in chosen.items() if not value]
    if missing:
        raise Invalid(
            f"The file name does not follow {FILE_NAME_PATTERN} (e.g. "
            "May-Win10_CU-200521-0300KZN.xlsx); give " + ", ".join(missing) + " in the form.",
            code="report_unnamed",
            details=[{"field": name, "message": "missing"} for name in missing],
        )
    moment = cast(datetime, chosen["reported_at"])
    if reported_at is not None:
        offset = reported_at.utcoffset()
        zone = timezone(offset) if offset is not None else UTC
    else:
        assert parts is not None
        zone = parts.zone
    return Target(str(chosen["deployment"]), str(chosen["cycle"]), moment.astimezone(UTC), zone)


def _valid(model: Any, field: str, **values: Any) -> Any:
    """A create schema for a missing deployment or cycle; a bad title is a 422 naming it."""
    try:
        return model(**values)
    except ValidationError as exc:
        raise Invalid(
            f"The {field} name {values.get('title')!r} cannot be used: "
            + str(exc.errors()[0].get("msg", "not valid")),
            code=f"invalid_{field}",
            details=[{"field": field}],
        ) from exc


async def _resolve(
    session: AsyncSession, organization_id: int, target: Target, create_missing: bool
) -> tuple[RolloutDeployment | None, RolloutCycle | None]:
    deployment = await service.find_deployment(session, organization_id, target.deployment)
    if deployment is None and not create_missing:
        raise NotFound(
            f"There is no deployment '{target.deployment}'; create it first, or upload with "
            "create_missing=true.",
            code="unknown_deployment",
            details=[{"field": "deployment", "deployment": target.deployment}],
        )
    cycle = await service.find_cycle(session, deployment, target.cycle) if deployment else None
    if cycle is None and not create_missing:
        raise NotFound(
            f"The deployment '{target.deployment}' has no cycle '{target.cycle}'; create it "
            "first, or upload with create_missing=true.",
            code="unknown_cycle",
            details=[{"field": "cycle", "cycle": target.cycle}],
        )
    return deployment, cycle


def _layout(deployment: RolloutDeployment | None, cycle: RolloutCycle | None) -> Layout:
    if deployment is None:
        return Layout(excel_columns=None, excel_header_row=None, excel_sheet=None)
    if cycle is None:
        return Layout(
            excel_columns=deployment.excel_columns,
            excel_header_row=deployment.excel_header_row,
            excel_sheet=deployment.excel_sheet,
        )
    return service.effective_layout(cycle, deployment)


def _check_size(file: IO[bytes]) -> int:
    size = spreadsheets.file_size(file)
    if size > spreadsheets.MAX_FILE_BYTES:
        raise PayloadTooLarge(
            f"The file is larger than {spreadsheets.MAX_FILE_BYTES:,} bytes.",
            code="file_too_large",
        )
    if size == 0:
        raise Invalid("The file is empty.", code="empty_file")
    return size


async def upload_report(
    session: AsyncSession,
    actor: Principal,
    organization_id: int,
    upload: Upload,
    target: Target,
    *,
    show_in_history: bool = True,
    create_missing: bool = False,
) -> RolloutReport:
    """Read and store one report (the caller commits); refuses it whole on any bad row."""
    service.check_may_write(actor)
    size = _check_size(upload.file)
    deployment, cycle = await _resolve(session, organization_id, target, create_missing)
    if cycle is not None and await session.scalar(
        select(RolloutReport.uuid).where(
            RolloutReport.cycle_id == cycle.id, RolloutReport.reported_at == target.reported_at
        )
    ):
        raise Conflict(
            f"The cycle already has a report of {target.reported_at.isoformat()}; delete it to "
            "upload it again.",
            code="report_exists",
        )
    layout = service.file_layout(_layout(deployment, cycle))
    read = await asyncio.to_thread(files.read_report, upload.file, upload.name, layout, target.zone)
    if read.error_count:
        raise Invalid(
            f"Nothing was stored: {read.error_count} of {read.error_count + len(read.rows)} rows "
            "are not valid (see details, by row and column).",
            code="report_invalid",
            details=read.errors,
        )
    if not read.rows:
        raise Invalid("The file has a header row but no data rows.", code="no_rows")
    if deployment is None:
        data = _valid(DeploymentCreate, "deployment", title=target.deployment)
        deployment = await service.create_deployment(session, actor, organization_id, data)
    if cycle is None:
        data = _valid(CycleCreate, "cycle", title=target.cycle, started_at=target.reported_at)
        cycle = await service.create_cycle(session, actor, deployment, data)
    site_ids, created = await _sites_of(session, actor, organization_id, read.rows)
    collection_ids = await _collections_of(session, cycle, read.rows)
    report = RolloutReport(
        uuid=uuid.uuid4(),
        organization_id=organization_id,
        cycle_id=cycle.id,
        reported_at=target.reported_at,
        show_in_history=show_in_history,
        file_name=upload.name[:255],
        file_format=read.file_format,
        file_size=size,
        encoding=read.encoding,
        rows_total=len(read.rows),
        sites_created=created,
        actor_type=actor.kind,
        actor_uuid=actor.actor_uuid,
        actor_label=actor.label[:200],
    )
    session.add(report)
    await service.flush_unique(session, "The cycle already has this report.", "report_exists")
    table = cast(Table, RolloutReportRow.__table__)
    values = [
        {
            "report_id": report.id,
            "site_id": site_ids[row.url],
            "collection_id": collection_ids.get(row.collection) if row.collection else None,
            "row_number": row.number,
            "device": row.device,
            "os_build": row.os_build,
            "is_active": row.is_active,
            "last_logon_at": row.last_logon_at,
            "last_logon_user": row.last_logon_user,
            "status": row.status,
            "status_raw": row.status_raw,
            "note": row.note,
            "error_code": row.error_code,
        }
        for row in read.rows
    ]
    for start in range(0, len(values), CHUNK):
        await session.execute(insert(table), values[start : start + CHUNK])
    await _after_change(session, actor, cycle)
    await service.record(
        session,
        actor,
        "rollout_report.uploaded",
        target_type="rollout_report",
        target_uuid=report.uuid,
        organization_id=organization_id,
        changes={
            "deployment": deployment.title,
            "cycle": cycle.title,
            "cycle_uuid": str(cycle.uuid),
            "reported_at": report.reported_at.isoformat(),
            "file_name": report.file_name,
            "rows": report.rows_total,
            "sites_created": created,
            "mapped_by": read.mapped_by,
        },
        event="rollout_report_uploaded",
    )
    return report


async def _after_change(session: AsyncSession, actor: Principal, cycle: RolloutCycle) -> None:
    """The cycle's RAG by the rules after its reports changed, unless a person set it."""
    if cycle.rag_source != "rules":
        return
    await service.rejudge_rag(session, actor, cycle)


async def _sites_of(
    session: AsyncSession, actor: Principal, organization_id: int, rows: list[files.ReportRow]
) -> tuple[dict[str, int], int]:
    """Each device's site (URL ``https://<computer name>``): found, else created as a server."""
    names = {row.url: row.device for row in rows}
    urls = list(names)
    found: dict[str, int] = {}
    for start in range(0, len(urls), CHUNK):
        chunk = await sites.site_ids_by_url(session, organization_id, urls[start : start + CHUNK])
        found.update({url: site_id for url, (site_id, _) in chunk.items()})
    missing = [url for url in urls if url not in found]
    for start in range(0, len(missing), CHUNK):
        await sites.upsert_sites(
            session,
            actor,
            organization_id,
            [
                {"url": url, "name": names[url][:200], "kind": "server"}
                for url in missing[start : start + CHUNK]
            ],
        )
        chunk = await sites.site_ids_by_url(
            session, organization_id, missing[start : start + CHUNK]
        )
        found.update({url: site_id for url, (site_id, _) in chunk.items()})
    return found, len(missing)


async def _collections_of(
    session: AsyncSession, cycle: RolloutCycle, rows: list[files.ReportRow]
) -> dict[str, int]:
    """Collection name -> id; a collection first seen is created in ring 0."""
    names = sorted({row.collection for row in rows if row.collection})
    existing = {
        c.name: c
        for c in await session.scalars(
            select(RolloutCollection).where(RolloutCollection.cycle_id == cycle.id)
        )
    }
    for name in names:
        if name not in existing:
            existing[name] = RolloutCollection(uuid=uuid.uuid4(), cycle_id=cycle.id, name=name)
            session.add(existing[name])
    await session.flush()
    return {name: c.id for name, c in existing.items()}


# --- reading, changing, deleting --------------------------------------------------------------


def reports_query(actor: Principal, *, cycle: RolloutCycle | None = None) -> Select[Any]:
    stmt = scoped(select(RolloutReport), RolloutReport.organization_id, actor)
    if cycle is not None:
        stmt = stmt.where(RolloutReport.cycle_id == cycle.id)
    return stmt


async def get_report(
    session: AsyncSession, actor: Principal, report_uuid: uuid.UUID
) -> RolloutReport:
    report: RolloutReport | None = await session.scalar(
        reports_query(actor).where(RolloutReport.uuid == report_uuid)
    )
    if report is None:
        raise NotFound("There is no such report.")
    return report


def rows_query(
    report: RolloutReport,
    *,
    status: str | None = None,
    device: str | None = None,
    collection: str | None = None,
    ring: int | None = None,
) -> Select[Any]:
    """A report's rows with their collection (outer join)."""
    stmt = (
        select(RolloutReportRow, RolloutCollection)
        .outerjoin(RolloutCollection, RolloutCollection.id == RolloutReportRow.collection_id)
        .where(RolloutReportRow.report_id == report.id)
    )
    if status is not None:
        stmt = stmt.where(RolloutReportRow.status == status)
    if device is not None:
        stmt = stmt.where(RolloutReportRow.device == device)
    if collection is not None:
        stmt = stmt.where(RolloutCollection.name == collection)
    if ring is not None:
        stmt = stmt.where(RolloutCollection.ring == ring)
    return cast("Select[Any]", stmt)


async def update_report(
    session: AsyncSession, actor: Principal, report: RolloutReport, changes: ReportUpdate
) -> RolloutReport:
    service.check_may_write(actor)
    report.show_in_history = changes.show_in_history
    await session.flush()
    await service.record(
        session,
        actor,
        "rollout_report.updated",
        target_type="rollout_report",
        target_uuid=report.uuid,
        organization_id=report.organization_id,
        changes={"show_in_history": changes.show_in_history},
    )
    return report


async def delete_report(session: AsyncSession, actor: Principal, report: RolloutReport) -> None:
    """The report and its rows go; the cycle's RAG follows its (new) latest report."""
    service.check_may_write(actor)
    cycle = await session.get(RolloutCycle, report.cycle_id)
    assert cycle is not None
    await service.record(
        session,
        actor,
        "rollout_report.deleted",
        target_type="rollout_report",
        target_uuid=report.uuid,
        organization_id=report.organization_id,
        changes={"file_name": report.file_name, "reported_at": report.reported_at.isoformat()},
        event="rollout_report_deleted",
    )
    await session.delete(report)
    await _after_change(session, actor, cycle)
