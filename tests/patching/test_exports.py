"""Exports: the import's columns, a lossless round trip, formulas neutralised, tenancy."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.patching.import_kinds import COLUMNS
from patchwatch.patching.models import PatchRun
from patchwatch.sites.models import Site
from tests.factories import make_org, make_site, signed_in
from tests.patching.imports_helpers import upload, xlsx_rows

HOSTILE = '=HYPERLINK("http://evil","x")'
SITES = (
    "url,name,kind,environment,criticality,tags,description,street,city,state,country\n"
    f'https://a.example.org,"{HOSTILE.replace(chr(34), chr(34) * 2)}",server,staging,high,'
    "\"-x,@y\",''=kept as typed,1 Main St,Springfield,IL,US\n"
    'https://b.example.org,+B,drupal,production,normal,,"multi\nline",,,,\n'
)
RUNS = (
    "site,date,external_id,ecosystem,package,from_version,to_version,result,status,log\n"
    "https://a.example.org,2026-10-01T22:00:00.123456Z,DEP-1,drupal,drupal,10.1.5,10.1.6,"
    "succeeded,succeeded,\"=cmd|' /C calc'!A0\nline 2\"\n"
    "https://a.example.org,2026-10-01T22:00:00.123456Z,DEP-1,composer,vendor/lib,,2.0,"
    "skipped,,\n"
    "https://b.example.org,2026-10-03,,drupal,,,,,planned,\n"
)
USERS = "login,email,name,role\nann,ann@example.org,-Ann-,engineer\nbob,bob@example.org,,viewer\n"


async def _export(
    client: httpx.AsyncClient, headers: dict[str, str], kind: str, fmt: str
) -> httpx.Response:
    response = await client.get(f"/api/v1/exports/{kind}", headers=headers, params={"format": fmt})
    assert response.status_code == 200, response.text
    return response


def _cells(response: httpx.Response, fmt: str) -> list[list[Any]]:
    if fmt == "xlsx":
        return xlsx_rows(response.content)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def _state(db: Database) -> list[Any]:
    async with db.sessionmaker() as session:
        sites = [
            (s.url, s.name, s.kind, s.tags, s.description, s.location_city, s.updated_at)
            for s in await session.scalars(select(Site).order_by(Site.id))
        ]
        runs = [
            (
                r.started_at,
                r.external_id,
                r.status,
                r.log,
                r.updated_at,
                [(i.ecosystem, i.package, i.from_version, i.to_version, i.result) for i in r.items],
            )
            for r in await session.scalars(select(PatchRun).order_by(PatchRun.id))
        ]
        return [sites, runs]


async def _org_with_data(client: httpx.AsyncClient, db: Database) -> dict[str, str]:
    _, headers = await signed_in(db, client, await make_org(db), role="admin")
    for kind, content in (("sites", SITES), ("patch-runs", RUNS), ("users", USERS)):
        response = await upload(client, headers, kind, content)
        assert response.status_code == 201, response.text
    return headers


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["sites", "patch-runs", "users"])
async def test_an_export_imports_back_unchanged(
    client: httpx.AsyncClient, db: Database, kind: str, fmt: str
) -> None:
    headers = await _org_with_data(client, db)
    before = await _state(db)
    exported = await _export(client, headers, kind, fmt)
    response = await upload(client, headers, kind, exported.content, name=f"export.{fmt}")
    data = response.json()["data"]
    assert (data["rows_created"], data["rows_updated"], data["rows_failed"]) == (0, 0, 0), data
    assert data["rows_unchanged"] == data["rows_total"] > 0
    assert await _state(db) == before


@pytest.mark.parametrize("kind", ["sites", "patch-runs", "users"])
async def test_an_export_has_the_imports_canonical_columns(
    client: httpx.AsyncClient, db: Database, kind: str
) -> None:
    headers = await _org_with_data(client, db)
    rows = _cells(await _export(client, headers, kind, "csv"), "csv")
    assert rows[0] == [column.name for column in COLUMNS[kind]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_cells_that_would_be_formulas_are_neutralised(
    client: httpx.AsyncClient, db: Database, fmt: str
) -> None:
    headers = await _org_with_data(client, db)
    rows = _cells(await _export(client, headers, "sites", fmt), fmt)
    a, b = rows[1], rows[2]
    assert a[1] == "'" + HOSTILE
    assert a[5] == "'-x,@y"  # tags: the first one starts with '-'
    assert a[6] == "''=kept as typed"  # a quote before '=' gets one more, to come back as it was
    assert b[1] == "'+B"
    runs = _cells(await _export(client, headers, "patch-runs", fmt), fmt)
    assert str(runs[1][9]).startswith("'=cmd|")
    users = _cells(await _export(client, headers, "users", fmt), fmt)
    assert next(row for row in users if row[0] == "ann")[2] == "'-Ann-"


async def test_an_xlsx_export_holds_no_formula(client: httpx.AsyncClient, db: Database) -> None:
    from openpyxl import load_workbook

    headers = await _org_with_data(client, db)
    content = (await _export(client, headers, "sites", "xlsx")).content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


async def test_exporting_needs_the_kinds_read_permission(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, requester = await signed_in(db, client, await make_org(db), role="requester")
    assert (await client.get("/api/v1/exports/sites", headers=requester)).status_code == 200
    for kind in ("patch-runs", "users"):
        response = await client.get(f"/api/v1/exports/{kind}", headers=requester)
        assert response.status_code == 403


async def test_an_export_shows_only_the_callers_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    await _org_with_data(client, db)
    _, other = await signed_in(db, client, await make_org(db))
    await make_site(client, other, "https://mine.example.org")
    for kind in ("sites", "patch-runs", "users"):
        text = (await client.get(f"/api/v1/exports/{kind}", headers=other)).text
        assert "a.example.org" not in text and "ann@example.org" not in text
    assert (
        "https://mine.example.org"
        in (await client.get("/api/v1/exports/sites", headers=other)).text
    )


async def test_an_organization_cannot_export_anothers_data_by_naming_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    other = await make_org(db)
    response = await client.get(
        "/api/v1/exports/sites", headers=headers, params={"organization": str(other.uuid)}
    )
    assert response.status_code == 404
