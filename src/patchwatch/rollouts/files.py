"""Reading a deployment-status report file with its Excel layout, row by row.

The hostile-file defences are those of every import (``patching.spreadsheets``: size, zip bomb,
encryption, encodings, formulas without values, row and column caps); this file only chooses
the sheet, finds the header row, maps the columns and checks each row. Synchronous: callers run
it in a thread.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import IO, Any

from patchwatch.errors import Invalid, PayloadTooLarge
from patchwatch.patching import spreadsheets
from patchwatch.patching.import_kinds import header_key
from patchwatch.rollouts import parsing
from patchwatch.sites.schemas import normalize_url

MAX_ERRORS = 100
# The standard SCCM deployment-status export, in its column order: a file whose headers are
# not recognised is read by position in this order (over the layout's columns).
FIELDS = (
    "device",
    "collection",
    "os_build",
    "active",
    "last_logon",
    "last_logon_user",
    "status",
    "note",
    "error_code",
)
ALIASES: dict[str, tuple[str, ...]] = {
    "device": ("computer name", "computer", "device name", "name", "machine", "machine name",
               "host", "hostname"),
    "collection": ("collection name", "device collection", "target collection"),
    "os_build": ("os build number", "build", "build number", "os version", "os build version"),
    "active": ("is active", "client active", "client activity", "activity"),
    "last_logon": ("last logon time", "last logon timestamp", "last logon date", "last logon at"),
    "last_logon_user": ("last logon user name", "last logged on user", "last logon username",
                        "user", "user name", "username"),
    "status": ("installation status", "deployment status", "status type", "state",
               "compliance state", "enforcement state"),
    "note": ("notes", "comment", "status description", "description", "status message"),
    "error_code": ("error", "last error code", "exit code", "errorcode"),
}  # fmt: skip
_BY_KEY = {
    header_key(alias): name for name in FIELDS for alias in (name.replace("_", " "), *ALIASES[name])
}
_LIMITS = {
    "device": 255,
    "collection": 200,
    "os_build": 64,
    "last_logon_user": 255,
    "status": 200,
    "note": 2000,
}


@dataclass(frozen=True)
class Layout:
    columns: list[int] | None  # 0-based; None: every column
    header_row: int  # 1-based
    sheet: str | None  # None: the first sheet


@dataclass
class ReportRow:
    number: int
    device: str
    url: str
    collection: str | None
    os_build: str | None
    is_active: bool | None
    last_logon_at: datetime | None
    last_logon_user: str | None
    status: str
    status_raw: str
    note: str
    error_code: str | None


@dataclass
class ReadReport:
    file_format: str
    encoding: str | None
    rows: list[ReportRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    mapped_by: str = "name"  # name | position


def _rows_of_named_sheet(file: IO[bytes], sheet: str) -> Iterator[tuple[int, list[str]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    file.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        if sheet not in workbook.sheet_names:
            raise Invalid(
                f"The workbook has no sheet '{sheet}'; it has: "
                + ", ".join(repr(name) for name in workbook.sheet_names[:20]),
                code="unknown_sheet",
                details=[{"field": "excel_sheet", "sheets": workbook.sheet_names[:20]}],
            )
        data = workbook.get_sheet_by_name(sheet)
    except (CalamineError, ValueError, OSError) as exc:
        raise Invalid(
            "The workbook cannot be read as a spreadsheet.", code="not_a_spreadsheet"
        ) from exc
    if data.height > spreadsheets.MAX_ROWS + 1:
        raise PayloadTooLarge(
            f"The sheet has more than {spreadsheets.MAX_ROWS:,} data rows.", code="too_many_rows"
        )
    if data.width > spreadsheets.MAX_COLUMNS:
        raise Invalid(
            f"The sheet has {data.width} columns; at most {spreadsheets.MAX_COLUMNS} are read.",
            code="too_many_columns",
        )
    first = data.start[0] + 1 if data.start else 1
    for index, values in enumerate(data.iter_rows()):
        yield first + index, [spreadsheets.cell_text(value) for value in values]


def _all_rows(file: IO[bytes], name: str, sheet: str | None) -> tuple[Any, Iterator[Any]]:
    """The table (format, encoding) and every row of the chosen sheet with its number."""
    table = spreadsheets.read_table(file, name)  # every check on the file, first sheet scanned
    if sheet is not None and table.file_format == "xlsx":
        return table, _rows_of_named_sheet(file, sheet)
    # read_table took the first non-empty row as its header; rows are numbered one by one, so
    # the header's number is the next row's minus one.
    following = next(table.rows, None)
    if following is None:
        return table, iter([(sys.maxsize, table.header)])  # a header and no data rows
    header = (following[0] - 1, table.header)
    return table, itertools.chain([header, following], table.rows)


def map_columns(header: list[str], layout: Layout) -> tuple[dict[str, int], str]:
    """Field -> position: by header name when the device column is named, else by position."""
    width = len(header)
    candidates = layout.columns if layout.columns is not None else list(range(width))
    named: dict[str, int] = {}
    for position in candidates:
        text = header[position] if position < width else ""
        found = _BY_KEY.get(header_key(text))
        if found is not None and found not in named:
            named[found] = position
    if "device" in named:
        return named, "name"
    return dict(zip(FIELDS, candidates, strict=False)), "position"


def _label(header: list[str], position: int) -> str:
    text = header[position].strip() if position < len(header) else ""
    return text or parsing.column_letters(position)


def read_report(file: IO[bytes], name: str, layout: Layout, zone: timezone) -> ReadReport:
    """Every row of the report, checked; errors by row and column (nothing raised for them)."""
    table, rows = _all_rows(file, name, layout.sheet)
    result = ReadReport(table.file_format, table.encoding)
    header: list[str] | None = None
    for number, cells in rows:
        if number < layout.header_row or not any(cell.strip() for cell in cells):
            continue
        header = cells
        break
    if header is None:
        raise Invalid(
            f"The file has no header row at or after row {layout.header_row}.",
            code="no_header",
            details=[{"row": layout.header_row, "column": None, "message": "no header"}],
        )
    positions, result.mapped_by = map_columns(header, layout)
    labels = {name: _label(header, position) for name, position in positions.items()}
    seen: dict[str, int] = {}
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(result.rows) + result.error_count >= spreadsheets.MAX_ROWS:
            raise PayloadTooLarge(
                f"The file has more than {spreadsheets.MAX_ROWS:,} data rows.",
                code="too_many_rows",
            )
        errors: list[dict[str, Any]] = []
        row = _read_row(number, cells, positions, labels, zone, errors)
        if row is not None and not errors:
            first = seen.setdefault(row.url, number)
            if first != number:
                errors.append(
                    {
                        "row": number,
                        "column": labels["device"],
                        "message": f"the device is in the report twice (first at row {first})",
                    }
                )
        if errors:
            result.error_count += 1
            room = MAX_ERRORS - len(result.errors)
            result.errors.extend(errors[: max(room, 0)])
        elif row is not None:
            result.rows.append(row)
    return result


def _read_row(
    number: int,
    cells: list[str],
    positions: dict[str, int],
    labels: dict[str, str],
    zone: timezone,
    errors: list[dict[str, Any]],
) -> ReportRow | None:
    def cell(name: str) -> str:
        position = positions.get(name)
        if position is None or position >= len(cells):
            return ""
        # Stored as text, never evaluated; a quote an export put before a formula goes.
        value = spreadsheets.unneutralise(cells[position]).strip()
        limit = _LIMITS.get(name)
        if limit is not None and len(value) > limit:
            fail(name, f"is longer than {limit} characters")
            return value[:limit]
        return value

    def fail(name: str, message: str) -> None:
        errors.append({"row": number, "column": labels.get(name, name), "message": message})

    device = cell("device")
    url = ""
    if not device:
        fail("device", "the device (computer name) is missing")
    else:
        try:
            url = normalize_url(f"https://{device.lower()}")
        except ValueError:
            fail("device", "is not a computer name (letters, digits, '-' and '.')")
    values: dict[str, Any] = {}
    for name, parse in (
        ("active", parsing.parse_flag),
        ("error_code", parsing.normalise_error_code),
        ("last_logon", lambda text: parsing.parse_moment(text, zone)),
    ):
        try:
            values[name] = parse(cell(name))
        except ValueError as exc:
            fail(name, str(exc))
    status_raw = cell("status")
    if errors:
        return None
    return ReportRow(
        number=number,
        device=device,
        url=url,
        collection=cell("collection") or None,
        os_build=cell("os_build") or None,
        is_active=values["active"],
        last_logon_at=values["last_logon"],
        last_logon_user=cell("last_logon_user") or None,
        status=parsing.normalise_status(status_raw),
        status_raw=status_raw,
        note=cell("note"),
        error_code=values["error_code"],
    )
