"""Reading and writing CSV and XLSX files safely: limits first, then parsing.

Reading is synchronous and CPU-bound: callers run it in a thread (``asyncio.to_thread``).
Every way a file can be hostile ends in ``Invalid`` or ``PayloadTooLarge`` with a clear code,
before anything is written: not a spreadsheet, an encrypted workbook (an OLE/CFB file), a zip
bomb, too many rows or columns, an unknown encoding, NUL bytes, a formula without a value.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath
from typing import IO, Any

from charset_normalizer import from_bytes
from defusedxml import ElementTree

from patchwatch.errors import Invalid, PayloadTooLarge

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000  # data rows, the header not counted
MAX_COLUMNS = 100
MAX_CELL_CHARS = 1_000_000  # a patch run's log may be long; nothing else is
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024  # every member of an xlsx together
MAX_RATIO = 100  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_ZIP_MEMBERS = 1_000
_READ_CHUNK = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Encodings a CSV may come in besides UTF-8: the single-byte ones of Western, Central and
# Eastern European spreadsheets. Anything else the detector finds is refused, naming it.
LEGACY_ENCODINGS = {
    "cp1250",
    "cp1251",
    "cp1252",
    "latin_1",
    "iso8859_2",
    "iso8859_5",
    "iso8859_15",
    "koi8_r",
    "mac_roman",
}
# OWASP CSV injection: a cell starting with one of these is a formula to a spreadsheet app.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

csv.field_size_limit(MAX_CELL_CHARS + 1)


@dataclass
class Table:
    """A file's header and an iterator of its data rows: (row number in the file, cells)."""

    file_format: str  # csv | xlsx
    encoding: str | None
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


def _too_many_rows() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The file has more than {MAX_ROWS:,} data rows; split it into smaller files.",
        code="too_many_rows",
        details=[{"limit": MAX_ROWS}],
    )


def _not_a_spreadsheet(message: str) -> Invalid:
    return Invalid(message, code="not_a_spreadsheet")


def file_size(file: IO[bytes]) -> int:
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def detect_format(file: IO[bytes], file_name: str) -> str:
    """``csv`` or ``xlsx``, from the file's first bytes (the name only has to agree)."""
    suffix = PurePosixPath(file_name.lower()).suffix
    if suffix not in {".csv", ".txt", ".xlsx"}:
        raise Invalid(
            "Only .csv and .xlsx files can be imported (save .xls and .ods as .xlsx).",
            code="unsupported_file_type",
        )
    head = file.read(8)
    file.seek(0)
    if head.startswith(OLE_MAGIC):
        raise Invalid(
            "The workbook is password-protected (encrypted) or in the old .xls format; "
            "remove the password and save it as .xlsx or CSV.",
            code="encrypted_workbook",
        )
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if suffix == ".xlsx":
        raise _not_a_spreadsheet("The file is named .xlsx but is not an Excel workbook.")
    return "csv"


def read_table(file: IO[bytes], file_name: str) -> Table:
    """Open an uploaded file (size already checked) as a table; refuses hostile files."""
    file_format = detect_format(file, file_name)
    if file_format == "xlsx":
        return _read_xlsx(file)
    return _read_csv(file)


# --- CSV ------------------------------------------------------------------------------------


def _choose_encoding(file: IO[bytes]) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else what charset-normalizer finds."""
    head = file.read(4)
    file.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    sample = b""
    lines, non_ascii = 1, False
    try:
        while chunk := file.read(_READ_CHUNK):
            if not sample:
                sample = chunk
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                before = chunk[: exc.start]
                lines += before.count(b"\n")
                non_ascii = non_ascii or any(byte > 0x7F for byte in before)
                break
            lines += chunk.count(b"\n")
            non_ascii = non_ascii or any(byte > 0x7F for byte in chunk)
        else:
            decoder.decode(b"", final=True)
            return "utf-8"
    except UnicodeDecodeError:
        pass  # the file ends inside a character
    finally:
        file.seek(0)
    if non_ascii:
        # Valid UTF-8 characters first, then bytes that are not: UTF-8 with damage, not a
        # legacy encoding (decoding it as one would import mojibake).
        raise Invalid(
            f"The file is UTF-8 but line {lines} holds bytes that are not; fix or re-save it.",
            code="invalid_encoding",
            details=[{"row": lines, "encoding": "utf-8"}],
        )
    match = from_bytes(sample).best()
    found = match.encoding if match is not None else None
    if found in LEGACY_ENCODINGS:
        return found
    raise Invalid(
        "The file is not UTF-8"
        + (f" (it looks like {found})" if found else " and its encoding cannot be recognised")
        + "; save it as CSV UTF-8.",
        code="unsupported_encoding",
        details=[{"encoding": found}],
    )


def _count_rows_past_limit(file: IO[bytes], encoding: str) -> None:
    """Refuse a CSV with more rows than the limit without reading it into memory.

    Newlines are counted first (fast); only when there are more than the limit are the rows
    counted properly (quoted cells may hold newlines), stopping at the first one too many.
    """
    newlines = 0
    while chunk := file.read(_READ_CHUNK):
        newlines += chunk.count(b"\n")
    file.seek(0)
    if newlines <= MAX_ROWS + 1:
        return
    text = io.TextIOWrapper(file, encoding=encoding, errors="replace", newline="")
    try:
        for count, _ in enumerate(csv.reader(_lines_without_nul(text, strict=False)), start=1):
            if count > MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error:
        pass  # the real pass reports it with its line number
    finally:
        text.detach()
        file.seek(0)


def _lines_without_nul(text: Iterable[str], *, strict: bool = True) -> Iterator[str]:
    for number, line in enumerate(text, start=1):
        if "\x00" in line:
            if strict:
                raise Invalid(
                    f"Line {number} contains a NUL byte: this is not a text (CSV) file.",
                    code="nul_byte",
                    details=[{"row": number}],
                )
            line = line.replace("\x00", "")
        yield line


def _read_csv(file: IO[bytes]) -> Table:
    encoding = _choose_encoding(file)
    _count_rows_past_limit(file, encoding)
    text = io.TextIOWrapper(file, encoding=encoding, errors="strict", newline="")
    reader = csv.reader(_lines_without_nul(text), strict=False)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in reader:
                yield reader.line_num, cells
        except UnicodeDecodeError as exc:
            raise Invalid(
                f"The file is not valid {encoding} after line {reader.line_num}; "
                "save it as CSV UTF-8.",
                code="invalid_encoding",
                details=[{"row": reader.line_num + 1, "encoding": encoding}],
            ) from exc
        except csv.Error as exc:
            raise Invalid(
                f"Line {reader.line_num + 1} cannot be read as CSV: {exc}.",
                code="invalid_csv",
                details=[{"row": reader.line_num + 1}],
            ) from exc

    iterator = rows()
    header = _first_non_empty(iterator)
    return Table("csv", encoding, header, iterator)


def _first_non_empty(rows: Iterator[tuple[int, list[str]]]) -> list[str]:
    for _, cells in rows:
        if any(cell.strip() for cell in cells):
            if len(cells) > MAX_COLUMNS:
                raise Invalid(
                    f"The file has {len(cells)} columns; at most {MAX_COLUMNS} are read.",
                    code="too_many_columns",
                )
            return cells
    raise Invalid("The file is empty.", code="empty_file")


# --- XLSX -----------------------------------------------------------------------------------

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_WITH_FORMULA = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>.*?</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v>(.*?)</(?:\w+:)?v>)?",
    re.DOTALL,
)
_CELL_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*[0-9]*:?[A-Z]*([0-9]+)"')


def _check_zip(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _not_a_spreadsheet("The zip file has too many members to be a workbook.")
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > RATIO_FLOOR and (
            member.file_size > MAX_RATIO * max(member.compress_size, 1)
        ):
            raise PayloadTooLarge(
                "The workbook unpacks to far more than its size (a zip bomb?); refused.",
                code="zip_bomb",
                details=[{"member": member.filename[:200], "limit_ratio": MAX_RATIO}],
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise PayloadTooLarge(
            f"The workbook unpacks to {total:,} bytes; at most {MAX_UNCOMPRESSED_BYTES:,}.",
            code="zip_bomb",
            details=[{"uncompressed_bytes": total, "limit": MAX_UNCOMPRESSED_BYTES}],
        )
    if "xl/workbook.xml" not in archive.namelist():
        raise _not_a_spreadsheet("The file is a zip archive without an Excel workbook in it.")


def _first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The zip member of the workbook's first sheet (the one that is imported)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, ValueError):
        return None
    sheet = workbook.find(f"{_NS_MAIN}sheets/{_NS_MAIN}sheet")
    if sheet is None:
        return None
    rel_id = sheet.get(f"{_NS_REL}id")
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _scan_sheet(archive: zipfile.ZipFile, path: str) -> None:
    """Refuse a sheet that declares too many rows, or has a formula without a computed value."""
    with archive.open(path) as stream:
        head = stream.read(64 * 1024)
        dimension = _DIMENSION.search(head)
        if dimension and int(dimension.group(1)) > MAX_ROWS + 1:
            raise _too_many_rows()
        tail = b""
        chunk = head
        while chunk:
            window = tail + chunk
            if _FORMULA_TAG.search(window):
                _refuse_formula_without_value(window)
            tail = window[-4096:]
            chunk = stream.read(_READ_CHUNK)


def _refuse_formula_without_value(window: bytes) -> None:
    for cell in _CELL_WITH_FORMULA.finditer(window):
        if cell.group(2) is None or not cell.group(2).strip():
            ref = _CELL_REF.search(cell.group(1))
            where = ref.group(1).decode() if ref else "a cell"
            raise Invalid(
                f"Cell {where} holds a formula without a computed value; open the file in a "
                "spreadsheet app and save it again, or paste the values instead.",
                code="formula_without_value",
                details=[{"cell": where}],
            )


def _read_xlsx(file: IO[bytes]) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        with zipfile.ZipFile(file) as archive:
            _check_zip(archive)
            sheet_path = _first_sheet_path(archive)
            if sheet_path and sheet_path in archive.namelist():
                _scan_sheet(archive, sheet_path)
    except zipfile.BadZipFile as exc:
        raise _not_a_spreadsheet("The file is not a valid xlsx (a broken zip archive).") from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError) as exc:
        raise _not_a_spreadsheet(f"The workbook cannot be read: {type(exc).__name__}.") from exc
    file.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        if not workbook.sheet_names:
            raise Invalid("The workbook has no sheets.", code="empty_file")
        sheet = workbook.get_sheet_by_index(0)
    except PasswordError as exc:
        raise Invalid("The workbook is password-protected.", code="encrypted_workbook") from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise _not_a_spreadsheet("The workbook cannot be read as a spreadsheet.") from exc
    if sheet.height > MAX_ROWS + 1:
        raise _too_many_rows()
    if sheet.width > MAX_COLUMNS:
        raise Invalid(
            f"The sheet has {sheet.width} columns; at most {MAX_COLUMNS} are read.",
            code="too_many_columns",
        )
    first_row = sheet.start[0] + 1 if sheet.start else 1

    def rows() -> Iterator[tuple[int, list[str]]]:
        for index, values in enumerate(sheet.iter_rows()):
            yield first_row + index, [cell_text(value) for value in values]

    iterator = rows()
    header = _first_non_empty(iterator)
    return Table("xlsx", None, header, iterator)


def cell_text(value: Any) -> str:
    """A cell as text: calamine gives whole numbers as floats (3.0 -> "3"), dates as dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


# --- formulas in cells (OWASP CSV injection) ------------------------------------------------


def neutralise(value: str) -> str:
    """Export: prefix ``'`` to a cell a spreadsheet app would run as a formula.

    A value already starting with quotes before such a character gets one more, so that
    ``unneutralise`` gives back exactly what was exported.
    """
    if value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Import: strip the ``'`` that ``neutralise`` added (and only that one)."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


# --- writing --------------------------------------------------------------------------------

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_lines(rows: Iterable[list[str]]) -> str:
    """Rows as CSV text (cells neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()


class XlsxWriter:
    """A write-only (streaming) workbook of one sheet, saved to ``path``."""

    def __init__(self, sheet_title: str, header: list[str]) -> None:
        from openpyxl import Workbook

        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=sheet_title)
        self.sheet.append(header)

    def append(self, rows: Iterable[list[str]]) -> None:
        for row in rows:
            # XML 1.0 cannot hold most control characters; they become U+FFFD.
            self.sheet.append([_ILLEGAL_XML.sub("\ufffd", neutralise(cell)) for cell in row])

    def save(self, path: str) -> None:
        self.workbook.save(path)
