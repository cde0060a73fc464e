"""Helpers of the import and export tests: upload a file, read an export, count rows."""

from __future__ import annotations

import io
from typing import Any

import httpx
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from patchwatch.db import Database
from patchwatch.identity.models import User
from patchwatch.patching.models import Import, PatchRun, PatchRunItem
from patchwatch.sites.models import Site


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    kind: str,
    content: bytes | str,
    name: str = "file.csv",
    **form: Any,
) -> httpx.Response:
    """POST /api/v1/imports with ``content`` as the file and ``form`` as the other fields."""
    data = {"kind": kind}
    for key, value in form.items():
        data[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    body = content.encode() if isinstance(content, str) else content
    return await client.post(
        "/api/v1/imports", headers=headers, data=data, files={"file": (name, body)}
    )


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """An xlsx made by openpyxl with ``rows`` on its first sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_rows(content: bytes) -> list[list[Any]]:
    """The first sheet of an xlsx, read back with calamine."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return workbook.get_sheet_by_index(0).to_python()


async def counts(db: Database) -> dict[str, int]:
    """How many sites, runs, items, users and import records there are (all organizations)."""
    async with db.sessionmaker() as session:
        result = {}
        for name, model in (
            ("sites", Site),
            ("runs", PatchRun),
            ("items", PatchRunItem),
            ("users", User),
            ("imports", Import),
        ):
            result[name] = int(await session.scalar(select(func.count()).select_from(model)) or 0)
        return result
