"""Uploads: naming, layouts, bad rows refused whole, hostile files refused, nothing half-written."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from patchwatch.db import Database
from patchwatch.patching import spreadsheets
from patchwatch.rollouts.models import (
    RolloutCollection,
    RolloutCycle,
    RolloutDeployment,
    RolloutReport,
    RolloutReportRow,
)
from patchwatch.sites.models import Site
from tests.factories import make_org, signed_in
from tests.rollouts.helpers import HEADER, csv_bytes, get_data, machine, upload, xlsx_bytes

NAME = "May-Win10_CU-200521-0300KZN.xlsx"
GOOD = [HEADER, machine("WS-001", "Pilot", "Success"), machine("WS-002", "Pilot", "Failed")]


async def _manager(client: httpx.AsyncClient, db: Database) -> dict[str, str]:
    _, headers = await signed_in(db, client, await make_org(db))
    return headers


async def _counts(db: Database) -> dict[str, int]:
    async with db.sessionmaker() as session:
        return {
            model.__tablename__: int(
                await session.scalar(select(func.count()).select_from(model)) or 0
            )
            for model in (
                RolloutDeployment,
                RolloutCycle,
                RolloutCollection,
                RolloutReport,
                RolloutReportRow,
                Site,
            )
        }


NOTHING = {
    "rollout_deployments": 0,
    "rollout_cycles": 0,
    "rollout_collections": 0,
    "rollout_reports": 0,
    "rollout_report_rows": 0,
    "sites": 0,
}


async def _refused(
    client: httpx.AsyncClient,
    db: Database,
    content: bytes,
    status: int,
    code: str,
    name: str = NAME,
    **form: Any,
) -> dict[str, Any]:
    headers = await _manager(client, db)
    response = await upload(client, headers, content, name, create_missing=True, **form)
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert await _counts(db) == NOTHING
    return error


# --- naming -----------------------------------------------------------------------------------


async def test_an_unknown_deployment_is_404_unless_create_missing(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(client, headers, xlsx_bytes(GOOD), NAME)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "unknown_deployment"
    assert "Win10_CU" in error["message"] and "create_missing" in error["message"]
    assert await _counts(db) == NOTHING


async def test_an_unknown_cycle_of_a_known_deployment_is_404(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    created = await client.post(
        "/api/v1/rollouts/deployments", headers=headers, json={"title": "Win10_CU"}
    )
    assert created.status_code == 201, created.text
    response = await upload(client, headers, xlsx_bytes(GOOD), NAME)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_cycle"


async def test_an_unknown_time_zone_is_422_naming_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    error = await _refused(
        client,
        db,
        xlsx_bytes(GOOD),
        422,
        "unknown_time_zone",
        name="May-Win10_CU-200521-0300QQQ.xlsx",
    )
    assert "'QQQ'" in error["message"]


async def test_a_file_without_a_name_pattern_needs_the_form_fields(
    client: httpx.AsyncClient, db: Database
) -> None:
    await _refused(client, db, xlsx_bytes(GOOD), 422, "report_unnamed", name="status.xlsx")


async def test_the_same_report_twice_is_a_conflict(client: httpx.AsyncClient, db: Database) -> None:
    headers = await _manager(client, db)
    first = await upload(client, headers, xlsx_bytes(GOOD), NAME, create_missing=True)
    assert first.status_code == 201, first.text
    again = await upload(client, headers, xlsx_bytes(GOOD), NAME)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "report_exists"


async def test_a_known_device_is_reused_and_a_known_site_keeps_its_kind(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    site = await client.post(
        "/api/v1/sites",
        headers=headers,
        json={"url": "https://ws-001", "name": "Kiosk 1", "kind": "application"},
    )
    assert site.status_code == 201, site.text
    response = await upload(client, headers, xlsx_bytes(GOOD), NAME, create_missing=True)
    assert response.json()["data"]["sites_created"] == 1
    rows = await get_data(client, headers, f"/reports/{response.json()['data']['uuid']}/rows")
    assert rows[0]["site_uuid"] == site.json()["data"]["uuid"]
    async with db.sessionmaker() as session:
        kinds = {s.url: s.kind for s in await session.scalars(select(Site))}
    assert kinds == {"https://ws-001": "application", "https://ws-002": "server"}


# --- layouts ----------------------------------------------------------------------------------


async def test_a_deployment_layout_picks_sheet_header_row_and_columns_by_position(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    created = await client.post(
        "/api/v1/rollouts/deployments",
        headers=headers,
        json={
            "title": "OfficeUpdate",
            "excel_columns": "a,c,e-f,h-l",
            "excel_header_row": 3,
            "excel_sheet": "Status",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["data"]["excel_columns"] == "A,C,E-F,H-L"
    # Headers in another language: read by position over A,C,E,F,H,I,J,K,L.
    localised = [
        "Rechner",
        "x",
        "Sammlung",
        "x",
        "Build",
        "Aktiv",
        "x",
        "Anmeldung",
        "Benutzer",
        "Zustand",
        "Notiz",
        "Fehler",
    ]
    row = ["PC-7", "junk", "Ring A", "junk", "19045", "no", "junk", "", "bob", "Error", "n", "5"]
    content = xlsx_bytes(
        [["Deployment status"], [], localised, row],
        sheet="Status",
        before=[["This sheet is a summary"]],
    )
    response = await upload(
        client, headers, content, "June-OfficeUpdate-200601-1200UTC.xlsx", create_missing=True
    )
    assert response.status_code == 201, response.text
    rows = await get_data(client, headers, f"/reports/{response.json()['data']['uuid']}/rows")
    assert [
        (r["device"], r["collection"], r["os_build"], r["is_active"], r["status"], r["error_code"])
        for r in rows
    ] == [("PC-7", "Ring A", "19045", False, "failed", "0x00000005")]
    assert rows[0]["row_number"] == 4


async def test_a_missing_sheet_is_refused_naming_the_sheets(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    await client.post(
        "/api/v1/rollouts/deployments",
        headers=headers,
        json={"title": "Win10_CU", "excel_sheet": "Status"},
    )
    response = await upload(client, headers, xlsx_bytes(GOOD), NAME, create_missing=True)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_sheet"
    assert "'Sheet1'" in response.json()["error"]["message"]


async def test_headers_are_matched_by_name_whatever_their_case_and_order(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    content = csv_bytes(
        [
            ["ERROR CODE", "status", "computer_name", "Extra column"],
            ["0x87D00324", "Error", "srv-01", "ignored"],
        ]
    )
    response = await upload(
        client, headers, content, NAME.replace(".xlsx", ".csv"), create_missing=True
    )
    assert response.status_code == 201, response.text
    rows = await get_data(client, headers, f"/reports/{response.json()['data']['uuid']}/rows")
    assert [(r["device"], r["status"], r["error_code"]) for r in rows] == [
        ("srv-01", "failed", "0x87D00324")
    ]


# --- bad rows ---------------------------------------------------------------------------------


async def test_one_bad_row_refuses_the_whole_report_with_errors_by_row_and_column(
    client: httpx.AsyncClient, db: Database
) -> None:
    content = xlsx_bytes(
        [
            HEADER,
            machine("WS-001", "Pilot", "Success"),
            machine("bad name!", "Pilot", "Success"),
            machine("WS-003", "Pilot", "Error", "E_FAIL", active="maybe", last_logon="yesterday"),
            machine("WS-001", "Pilot", "Success"),
        ]
    )
    error = await _refused(client, db, content, 422, "report_invalid")
    assert [(d["row"], d["column"]) for d in error["details"]] == [
        (3, "Device"),
        (4, "Active"),
        (4, "Error Code"),
        (4, "Last Logon"),
        (5, "Device"),
    ]
    assert "twice (first at row 2)" in error["details"][-1]["message"]


async def test_a_header_without_rows_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    await _refused(client, db, xlsx_bytes([HEADER]), 422, "no_rows")


# --- hostile files ----------------------------------------------------------------------------


async def test_an_encrypted_workbook_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    content = spreadsheets.OLE_MAGIC + b"\x00" * 4096
    await _refused(client, db, content, 422, "encrypted_workbook")


async def test_a_zip_bomb_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (200 * 1024 * 1024))
    await _refused(client, db, buffer.getvalue(), 413, "zip_bomb")


async def test_a_file_over_the_size_cap_is_refused(
    client: httpx.AsyncClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_FILE_BYTES", 1000)
    await _refused(client, db, xlsx_bytes(GOOD), 413, "file_too_large")


async def test_a_file_over_the_row_cap_is_refused(
    client: httpx.AsyncClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 5)
    rows = [HEADER] + [machine(f"WS-{n:03}", "Pilot", "Success") for n in range(10)]
    await _refused(
        client, db, csv_bytes(rows), 413, "too_many_rows", name="May-W-200521-0300UTC.csv"
    )


async def test_a_formula_without_a_value_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    content = xlsx_bytes([HEADER, machine("WS-001", "Pilot", "Success", note="=1+1")])
    await _refused(client, db, content, 422, "formula_without_value")


async def test_formula_text_is_stored_as_text_never_run(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    note = "=cmd|' /C calc'!A0"
    content = csv_bytes([HEADER, machine("WS-001", "Pilot", "Success", note=note)])
    response = await upload(
        client, headers, content, "May-W-200521-0300UTC.csv", create_missing=True
    )
    assert response.status_code == 201, response.text
    rows = await get_data(client, headers, f"/reports/{response.json()['data']['uuid']}/rows")
    assert rows[0]["note"] == note


async def test_a_windows_1251_csv_is_read_in_its_encoding(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    note = "Перезагрузка требуется после установки обновления"
    content = csv_bytes([HEADER, machine("WS-001", "Пилот", "Success", note=note)], "cp1251")
    response = await upload(
        client, headers, content, "May-W-200521-0300MSK.csv", create_missing=True
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["encoding"] == "cp1251"
    rows = await get_data(client, headers, f"/reports/{response.json()['data']['uuid']}/rows")
    assert (rows[0]["collection"], rows[0]["note"]) == ("Пилот", note)


async def test_damaged_utf8_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    content = csv_bytes([HEADER, machine("WS-001", "Pilot", "Success", note="café")]) + b"\xff\xfe"
    await _refused(client, db, content, 422, "invalid_encoding", name="May-W-200521-0300UTC.csv")


async def test_a_text_file_named_xlsx_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    await _refused(client, db, b"Device,Status\nWS-1,Success\n", 422, "not_a_spreadsheet")


async def test_the_csv_export_neutralises_formulas_and_reads_back_the_same(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    note = '=HYPERLINK("http://evil")'
    content = csv_bytes([HEADER, machine("WS-001", "Pilot", "Error", "5", note=note)])
    report = (
        await upload(client, headers, content, "May-W-200521-0300UTC.csv", create_missing=True)
    ).json()["data"]
    exported = await client.get(
        f"/api/v1/rollouts/reports/{report['uuid']}/export", headers=headers
    )
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.splitlines()
    assert lines[0].startswith("Device,Collection,Ring,OS Build")
    assert "'=HYPERLINK" in lines[1] and ",0x00000005" in lines[1]
    # Uploaded again, the quote the export added goes: the note is what it was.
    again = await upload(client, headers, exported.content, "May-W-200522-0300UTC.csv")
    assert again.status_code == 201, again.text
    rows = await get_data(client, headers, f"/reports/{again.json()['data']['uuid']}/rows")
    assert (rows[0]["note"], rows[0]["status"], rows[0]["error_code"]) == (
        note,
        "failed",
        "0x00000005",
    )
