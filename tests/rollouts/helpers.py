"""Helpers of the rollout tests: SCCM-like report files and their upload."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from openpyxl import Workbook

HEADER = [
    "Device",
    "Collection",
    "OS Build",
    "Active",
    "Last Logon",
    "Last Logon User",
    "Status",
    "Note",
    "Error Code",
]


def machine(
    device: str,
    collection: str,
    status: str,
    error_code: Any = "",
    *,
    note: str = "",
    last_logon: Any = "5/20/2020 9:15 AM",
    user: str = "CONTOSO\\alice",
    active: str = "Yes",
    build: str = "19041.264",
) -> list[Any]:
    """One row in the standard SCCM column order."""
    return [device, collection, build, active, last_logon, user, status, note, error_code]


def xlsx_bytes(
    rows: list[list[Any]], *, sheet: str = "Sheet1", before: list[list[Any]] | None = None
) -> bytes:
    """A workbook made by openpyxl; ``before`` adds a first sheet holding something else."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    if before is not None:
        first.title = "Summary"
        for row in before:
            first.append(row)
        target = workbook.create_sheet(sheet)
    else:
        first.title = sheet
        target = first
    for row in rows:
        target.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    name: str,
    **form: Any,
) -> httpx.Response:
    """POST /api/v1/rollouts/reports with ``content`` as the file and ``form`` as fields."""
    data = {
        key: ("true" if value else "false") if isinstance(value, bool) else str(value)
        for key, value in form.items()
    }
    return await client.post(
        "/api/v1/rollouts/reports", headers=headers, data=data, files={"file": (name, content)}
    )


async def get_data(client: httpx.AsyncClient, headers: dict[str, str], path: str) -> Any:
    response = await client.get(f"/api/v1/rollouts{path}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]
