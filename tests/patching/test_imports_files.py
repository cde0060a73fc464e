"""Files from the wild: encodings, LibreOffice and openpyxl workbooks, formulas, hostile files.

Every hostile file is refused with a 4xx and a clear code, and changes nothing (not even the
record of imports).
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.patching import spreadsheets
from patchwatch.sites.models import Site
from tests.factories import make_org, make_site, signed_in
from tests.patching.imports_helpers import counts, upload, xlsx_bytes

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOTHING = {"sites": 0, "runs": 0, "items": 0, "users": 1, "imports": 0}


async def _manager(client: httpx.AsyncClient, db: Database) -> dict[str, str]:
    _, headers = await signed_in(db, client, await make_org(db))
    return headers


async def _site_names(db: Database) -> dict[str, str]:
    async with db.sessionmaker() as session:
        return {s.url: s.name for s in await session.scalars(select(Site))}


async def _refused(
    client: httpx.AsyncClient,
    db: Database,
    content: bytes,
    name: str,
    status: int,
    code: str,
    kind: str = "sites",
) -> dict[str, object]:
    headers = await _manager(client, db)
    response = await upload(client, headers, kind, content, name=name)
    assert response.status_code == status, response.text
    error: dict[str, object] = response.json()["error"]
    assert error["code"] == code, error
    assert await counts(db) == NOTHING
    return error


# --- fixtures made by LibreOffice and openpyxl -----------------------------------------------


@pytest.mark.parametrize(
    "fixture", ["sites.csv", "sites-bom.csv", "sites-openpyxl.xlsx", "sites-libreoffice.xlsx"]
)
async def test_the_sites_fixture_imports_the_same_from_every_maker(
    client: httpx.AsyncClient, db: Database, fixture: str
) -> None:
    headers = await _manager(client, db)
    response = await upload(client, headers, "sites", (FIXTURES / fixture).read_bytes(), fixture)
    assert response.json()["data"]["rows_created"] == 3, response.text
    assert await _site_names(db) == {
        "https://www.example.org": "Example",
        "https://intranet.example.org": "Intranet",
        "https://shop.example.org": "Shop",
    }


async def test_libreoffice_patch_runs_with_date_cells_import(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    for url in ("https://www.example.org", "https://intranet.example.org"):
        await make_site(client, headers, url)
    content = (FIXTURES / "patch-runs-libreoffice.xlsx").read_bytes()
    response = await upload(client, headers, "patch-runs", content, "runs.xlsx")
    assert response.json()["data"]["rows_created"] == 3, response.text
    assert (await counts(db))["runs"] == 2


async def test_a_cp1251_csv_is_recognised(client: httpx.AsyncClient, db: Database) -> None:
    headers = await _manager(client, db)
    content = (FIXTURES / "sites-cp1251.csv").read_bytes()
    response = await upload(client, headers, "sites", content, "cp1251.csv")
    assert response.json()["data"]["encoding"] == "cp1251", response.text
    assert (await _site_names(db))["https://mos.example.ru"] == "Портал мэрии"


async def test_a_latin_1_csv_is_recognised(client: httpx.AsyncClient, db: Database) -> None:
    headers = await _manager(client, db)
    content = (FIXTURES / "sites-latin1.csv").read_bytes()
    response = await upload(client, headers, "sites", content, "latin1.csv")
    assert response.status_code == 201, response.text
    names = await _site_names(db)
    assert names["https://cafe.example.fr"] == "Café Noël"
    assert names["https://muenchen.example.de"] == "Münchner Bücherstube"


async def test_an_encoding_outside_the_accepted_ones_is_refused_by_name(
    client: httpx.AsyncClient, db: Database
) -> None:
    text = "url,name\n" + "".join(
        f"https://s{n}.example.jp,日本語のサイト名です{n}\n" for n in range(20)
    )
    error = await _refused(
        client, db, text.encode("shift_jis"), "sjis.csv", 422, "unsupported_encoding"
    )
    assert "UTF-8" in str(error["message"])


async def test_whole_numbers_from_xlsx_are_not_floats(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    content = xlsx_bytes([["url", "name", "description"], ["https://a.example.org", 2026, 1.5]])
    assert (await upload(client, headers, "sites", content, "n.xlsx")).status_code == 201
    async with db.sessionmaker() as session:
        site = await session.scalar(select(Site))
        assert site is not None and (site.name, site.description) == ("2026", "1.5")


# --- formulas ---------------------------------------------------------------------------------


async def test_a_csv_cell_starting_with_equals_is_imported_as_text(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    csv = 'url,name,description\nhttps://a.example.org,=1+1,"=HYPERLINK(""http://x"")"\n'
    assert (await upload(client, headers, "sites", csv)).status_code == 201
    async with db.sessionmaker() as session:
        site = await session.scalar(select(Site))
        assert site is not None and (site.name, site.description) == (
            "=1+1",
            '=HYPERLINK("http://x")',
        )


async def test_an_xlsx_formula_is_read_as_its_computed_value(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    content = (FIXTURES / "formulas-libreoffice.xlsx").read_bytes()
    assert (await upload(client, headers, "sites", content, "f.xlsx")).status_code == 201
    async with db.sessionmaker() as session:
        site = await session.scalar(select(Site))
        assert site is not None and (site.name, site.description) == ("Calc site", "5")


async def test_an_xlsx_formula_without_a_computed_value_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    content = (FIXTURES / "formulas-openpyxl.xlsx").read_bytes()
    error = await _refused(client, db, content, "f.xlsx", 422, "formula_without_value")
    assert error["details"] == [{"cell": "B2"}]


# --- hostile files ----------------------------------------------------------------------------


async def test_a_png_renamed_xlsx_is_not_a_spreadsheet(
    client: httpx.AsyncClient, db: Database
) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    await _refused(client, db, png, "sites.xlsx", 422, "not_a_spreadsheet")


async def test_a_zip_without_a_workbook_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    await _refused(client, db, buffer.getvalue(), "sites.xlsx", 422, "not_a_spreadsheet")


async def test_a_password_protected_workbook_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    # Office encrypts an .xlsx into an OLE compound file (EncryptionInfo + EncryptedPackage).
    cfb = spreadsheets.OLE_MAGIC + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 490
    await _refused(client, db, cfb, "secret.xlsx", 422, "encrypted_workbook")


async def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    client: httpx.AsyncClient, db: Database
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            zeros = b"\x00" * (1024 * 1024)
            for _ in range(64):
                sheet.write(zeros)
    assert len(buffer.getvalue()) < 200_000
    await _refused(client, db, buffer.getvalue(), "bomb.xlsx", 413, "zip_bomb")


async def test_a_workbook_unpacking_beyond_the_cap_is_refused(
    client: httpx.AsyncClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_UNCOMPRESSED_BYTES", 2_000)
    content = xlsx_bytes([["url"], ["https://a.example.org"]])
    await _refused(client, db, content, "big.xlsx", 413, "zip_bomb")


async def test_more_rows_than_the_cap_are_refused(
    client: httpx.AsyncClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 50)
    rows = "".join(f"https://s{n}.example.org\n" for n in range(51))
    await _refused(client, db, ("url\n" + rows).encode(), "many.csv", 413, "too_many_rows")


async def test_more_xlsx_rows_than_the_cap_are_refused(
    client: httpx.AsyncClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 50)
    content = xlsx_bytes([["url"], *([f"https://s{n}.example.org"] for n in range(51))])
    await _refused(client, db, content, "many.xlsx", 413, "too_many_rows")


async def test_ten_million_csv_rows_are_refused_quickly(
    client: httpx.AsyncClient, db: Database
) -> None:
    started = time.monotonic()
    await _refused(client, db, b"url\n" + b"x\n" * 10_000_000, "huge.csv", 413, "payload_too_large")
    assert time.monotonic() - started < 10


async def test_a_sheet_declaring_ten_million_rows_is_refused_unread(
    client: httpx.AsyncClient, db: Database
) -> None:
    source = io.BytesIO(xlsx_bytes([["url"], ["https://a.example.org"]]))
    target = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:A10000000"', data)
            new.writestr(item, data)
    await _refused(client, db, target.getvalue(), "huge.xlsx", 413, "too_many_rows")


async def test_a_file_over_the_size_cap_is_refused(
    client: httpx.AsyncClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_FILE_BYTES", 1_000)
    rows = "".join(f"https://s{n}.example.org\n" for n in range(100))
    await _refused(client, db, ("url\n" + rows).encode(), "big.csv", 413, "file_too_large")


async def test_random_bytes_named_csv_are_refused_not_a_500(
    client: httpx.AsyncClient, db: Database
) -> None:
    noise = bytes((n * 7919 + 13) % 251 + 1 for n in range(4096))
    headers = await _manager(client, db)
    response = await upload(client, headers, "sites", noise, name="noise.csv")
    assert 400 <= response.status_code < 500, response.text
    assert await counts(db) == NOTHING


async def test_nul_bytes_in_a_csv_are_refused(client: httpx.AsyncClient, db: Database) -> None:
    content = b"url,name\nhttps://a.example.org,A\x00B\n"
    error = await _refused(client, db, content, "nul.csv", 422, "nul_byte")
    assert error["details"] == [{"row": 2}]


async def test_invalid_utf8_after_a_valid_start_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    content = "url,name\nhttps://a.example.org,Ä\n".encode() + b"https://b.example.org,\xff\xfe\n"
    headers = await _manager(client, db)
    response = await upload(client, headers, "sites", content, name="mixed.csv")
    assert response.json()["error"]["code"] == "invalid_encoding", response.text
    assert response.json()["error"]["details"] == [{"row": 3, "encoding": "utf-8"}]
    assert await counts(db) == NOTHING


async def test_ragged_rows_are_errors_of_their_row(client: httpx.AsyncClient, db: Database) -> None:
    headers = await _manager(client, db)
    response = await upload(
        client,
        headers,
        "sites",
        "url,name\nhttps://a.example.org\nhttps://b.example.org,B,extra\n",
    )
    assert response.json()["error"]["details"] == [
        {"row": 3, "column": None, "message": "the row has 3 cells, the header 2"}
    ]
    assert await counts(db) == {**NOTHING, "imports": 1}


async def test_an_empty_file_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    await _refused(client, db, b"", "empty.csv", 422, "empty_file")


async def test_a_file_of_blank_lines_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    await _refused(client, db, b"\r\n , \r\n", "blank.csv", 422, "empty_file")


async def test_an_unsupported_file_type_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    await _refused(
        client, db, b"url\nhttps://a.example.org\n", "sites.ods", 422, "unsupported_file_type"
    )
