"""Exports of sites, patch runs and users with the import's canonical columns.

An exported file imports back unchanged. Rows are read in keyset-paged chunks (bounded memory);
CSV streams as it is read, XLSX is written by openpyxl's write-only workbook to a temporary file
(a zip needs its directory at the end) and then streamed.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import Database
from patchwatch.identity import service as identity
from patchwatch.identity.models import User
from patchwatch.identity.principal import Principal
from patchwatch.patching.import_kinds import COLUMNS
from patchwatch.patching.models import PatchRun, PatchRunItem
from patchwatch.patching.spreadsheets import XlsxWriter, csv_lines
from patchwatch.sites import service as sites
from patchwatch.sites.models import Site
from patchwatch.tenancy import scoped

CHUNK = 1_000
RUN_CHUNK = 200  # runs carry their logs: fewer per query
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def header(kind: str) -> list[str]:
    return [column.name for column in COLUMNS[kind]]


def iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else ""


async def _site_rows(
    session: AsyncSession, actor: Principal, organization_id: int
) -> AsyncIterator[list[list[str]]]:
    stmt = sites.sites_query(
        actor, dialect=session.get_bind().dialect.name, organization_id=organization_id
    )
    last = 0
    while True:
        chunk = list(
            await session.scalars(stmt.where(Site.id > last).order_by(Site.id).limit(CHUNK))
        )
        if not chunk:
            return
        last = chunk[-1].id
        yield [
            [
                site.url,
                site.name,
                site.kind,
                site.environment,
                site.criticality,
                ",".join(site.tags or []),
                site.description or "",
                site.location_street or "",
                site.location_city or "",
                site.location_state or "",
                site.location_country or "",
            ]
            for site in chunk
        ]


async def _run_rows(
    session: AsyncSession, actor: Principal, organization_id: int
) -> AsyncIterator[list[list[str]]]:
    """One row per item (a run without items: one row without a package); the log once."""
    runs_query = (
        select(
            PatchRun.id,
            PatchRun.started_at,
            PatchRun.created_at,
            PatchRun.external_id,
            PatchRun.status,
            PatchRun.log,
            Site.url,
        )
        .join(Site, Site.id == PatchRun.site_id)
        .where(PatchRun.organization_id == organization_id, Site.is_deleted.is_(False))
    )
    stmt = scoped(runs_query, PatchRun.organization_id, actor)  # type: ignore[type-var]
    if actor.site_uuid is not None:
        stmt = stmt.where(Site.uuid == actor.site_uuid)
    last = 0
    while True:
        runs = (
            await session.execute(
                stmt.where(PatchRun.id > last).order_by(PatchRun.id).limit(RUN_CHUNK)
            )
        ).all()
        if not runs:
            return
        last = runs[-1].id
        items: dict[int, list[Any]] = {}
        found = await session.scalars(
            select(PatchRunItem)
            .where(PatchRunItem.patch_run_id.in_([run.id for run in runs]))
            .order_by(PatchRunItem.id)
        )
        for item in found:
            items.setdefault(item.patch_run_id, []).append(item)
        rows = []
        for run in runs:
            for position, item in enumerate(items.get(run.id) or [None]):
                rows.append(
                    [
                        run.url,
                        iso(run.started_at or run.created_at),
                        run.external_id or "",
                        item.ecosystem if item else "",
                        item.package if item else "",
                        (item.from_version or "") if item else "",
                        (item.to_version or "") if item else "",
                        item.result if item else "",
                        run.status,
                        run.log if position == 0 else "",
                    ]
                )
        yield rows


async def _user_rows(
    session: AsyncSession, actor: Principal, organization_id: int
) -> AsyncIterator[list[list[str]]]:
    stmt = identity.users_query(actor, organization_id=organization_id)
    last = 0
    while True:
        chunk = list(
            (await session.scalars(stmt.where(User.id > last).order_by(User.id).limit(CHUNK)))
            .unique()
            .all()
        )
        if not chunk:
            return
        last = chunk[-1].id
        yield [[user.login, user.email, user.name, user.role.name] for user in chunk]


def export_rows(
    session: AsyncSession, actor: Principal, kind: str, organization_id: int
) -> AsyncIterator[list[list[str]]]:
    """The organization's rows of ``kind``, as the caller may see them, in chunks."""
    produce = {"sites": _site_rows, "patch-runs": _run_rows, "users": _user_rows}[kind]
    return produce(session, actor, organization_id)


async def csv_stream(
    database: Database, actor: Principal, kind: str, organization_id: int
) -> AsyncIterator[bytes]:
    """The CSV file, chunk by chunk: UTF-8 with a BOM (so that Excel reads it as UTF-8)."""
    async with database.sessionmaker() as session:
        yield ("\ufeff" + csv_lines([header(kind)])).encode()
        async for rows in export_rows(session, actor, kind, organization_id):
            yield csv_lines(rows).encode()


async def xlsx_file(
    session: AsyncSession, actor: Principal, kind: str, organization_id: int
) -> str:
    """Write the XLSX file to a temporary path (the caller deletes it)."""
    writer = await asyncio.to_thread(XlsxWriter, kind, header(kind))
    async for rows in export_rows(session, actor, kind, organization_id):
        await asyncio.to_thread(writer.append, rows)
    handle, path = tempfile.mkstemp(prefix="pw-export-", suffix=".xlsx")
    os.close(handle)
    try:
        await asyncio.to_thread(writer.save, path)
    except BaseException:
        os.unlink(path)
        raise
    return path


async def file_chunks(path: str) -> AsyncIterator[bytes]:
    with open(path, "rb") as stream:  # noqa: ASYNC230 (a local temporary file, read in chunks)
        while chunk := await asyncio.to_thread(stream.read, 1024 * 1024):
            yield chunk
