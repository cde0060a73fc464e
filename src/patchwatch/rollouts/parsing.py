"""Pure parsing of SCCM deployment-status reports: file names, time-zone abbreviations, Excel
column lists, installation statuses and error codes. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from patchwatch.errors import Invalid

MAX_LAYOUT_COLUMNS = 100

# Abbreviations as SCCM exports and people write them. Each names a fixed offset (the summer
# abbreviations are their own entries), so no daylight-saving guess is ever made.
TIME_ZONES: dict[str, timedelta] = {
    "UTC": timedelta(0),
    "GMT": timedelta(0),
    "Z": timedelta(0),
    "WET": timedelta(0),
    "WEST": timedelta(hours=1),
    "BST": timedelta(hours=1),
    "CET": timedelta(hours=1),
    "CEST": timedelta(hours=2),
    "EET": timedelta(hours=2),
    "EEST": timedelta(hours=3),
    "MSK": timedelta(hours=3),
    "KZN": timedelta(hours=3),  # Kazan: Europe/Moscow time
    "SAMT": timedelta(hours=4),
    "GST": timedelta(hours=4),
    "YEKT": timedelta(hours=5),
    "OMST": timedelta(hours=6),
    "NOVT": timedelta(hours=7),
    "KRAT": timedelta(hours=7),
    "IRKT": timedelta(hours=8),
    "SGT": timedelta(hours=8),
    "JST": timedelta(hours=9),
    "KST": timedelta(hours=9),
    "YAKT": timedelta(hours=9),
    "VLAT": timedelta(hours=10),
    "AEST": timedelta(hours=10),
    "AEDT": timedelta(hours=11),
    "NZST": timedelta(hours=12),
    "NZDT": timedelta(hours=13),
    "AST": timedelta(hours=-4),
    "ADT": timedelta(hours=-3),
    "EST": timedelta(hours=-5),
    "EDT": timedelta(hours=-4),
    "CST": timedelta(hours=-6),
    "CDT": timedelta(hours=-5),
    "MST": timedelta(hours=-7),
    "MDT": timedelta(hours=-6),
    "PST": timedelta(hours=-8),
    "PDT": timedelta(hours=-7),
    "AKST": timedelta(hours=-9),
    "AKDT": timedelta(hours=-8),
    "HST": timedelta(hours=-10),
}

# CYCLE-DEPLOYMENT-YYMMDD-hhmmTZ.ext: the deployment has no '-', the cycle may have some.
_FILE_NAME = re.compile(
    r"^(?P<cycle>.+)-(?P<deployment>[^-]+)-(?P<date>\d{6})-(?P<time>\d{4})(?P<zone>[A-Za-z]{1,5})"
    r"\.(?:xlsx|csv)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FileNameParts:
    cycle: str
    deployment: str
    reported_at: datetime
    zone: timezone


def zone_named(abbreviation: str) -> timezone:
    """The fixed offset of a time-zone abbreviation; an unknown one is refused, naming it."""
    offset = TIME_ZONES.get(abbreviation.upper())
    if offset is None:
        raise Invalid(
            f"Unknown time-zone abbreviation '{abbreviation}'; known: "
            + ", ".join(sorted(TIME_ZONES))
            + ".",
            code="unknown_time_zone",
            details=[{"field": "file", "time_zone": abbreviation}],
        )
    return timezone(offset, abbreviation.upper())


def parse_file_name(name: str) -> FileNameParts | None:
    """``May-Win10_CU-200521-0300KZN.xlsx`` -> cycle May, deployment Win10_CU, 2020-05-21 03:00
    at UTC+3. None when the name does not follow the pattern; an impossible date or an unknown
    zone is refused."""
    match = _FILE_NAME.match(name)
    if match is None:
        return None
    zone = zone_named(match["zone"])
    try:
        local = datetime.strptime(match["date"] + match["time"], "%y%m%d%H%M")
    except ValueError as exc:
        raise Invalid(
            f"The file name's date and time {match['date']}-{match['time']} do not exist "
            "(YYMMDD-hhmm).",
            code="invalid_file_name",
            details=[{"field": "file"}],
        ) from exc
    return FileNameParts(
        cycle=match["cycle"].strip(),
        deployment=match["deployment"].strip(),
        reported_at=local.replace(tzinfo=zone),
        zone=zone,
    )


# --- Excel column lists ---------------------------------------------------------------------

_COLUMN_PART = re.compile(r"^([A-Z]{1,3})(?:-([A-Z]{1,3}))?$")


def column_index(letters: str) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26."""
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - ord("A") + 1)
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def parse_excel_columns(text: str) -> list[int]:
    """``A,C,F-G,I`` -> [0, 2, 5, 6, 8]: letters and ascending ranges, in increasing order,
    no column twice, at most 100 columns. Raises ValueError with a message."""
    cleaned = text.replace(" ", "").upper()
    if not cleaned:
        raise ValueError("must list at least one column, e.g. A,C,F-G,I")
    columns: list[int] = []
    for part in cleaned.split(","):
        match = _COLUMN_PART.match(part)
        if match is None:
            raise ValueError(f"'{part}' is not a column letter or a range such as F-G")
        first = column_index(match[1])
        last = column_index(match[2]) if match[2] else first
        if last < first:
            raise ValueError(f"the range '{part}' must go up (e.g. F-G, not G-F)")
        if columns and first <= columns[-1]:
            raise ValueError(f"'{part}' must come after {column_letters(columns[-1])}")
        columns.extend(range(first, last + 1))
        if len(columns) > MAX_LAYOUT_COLUMNS:
            raise ValueError(f"at most {MAX_LAYOUT_COLUMNS} columns")
    return columns


def normalise_excel_columns(text: str) -> str:
    """The canonical spelling (upper case, no spaces) of a valid column list."""
    parse_excel_columns(text)
    return text.replace(" ", "").upper()


# --- statuses and error codes ---------------------------------------------------------------

INSTALLED, FAILED, IN_PROGRESS, NOT_REPORTED, OTHER = (
    "installed",
    "failed",
    "in_progress",
    "not_reported",
    "other",
)
STATUSES = (INSTALLED, FAILED, IN_PROGRESS, NOT_REPORTED, OTHER)
_STATUS_WORDS: dict[str, str] = {
    "success": INSTALLED,
    "succeeded": INSTALLED,
    "compliant": INSTALLED,
    "installed": INSTALLED,
    "error": FAILED,
    "failed": FAILED,
    "failure": FAILED,
    "inprogress": IN_PROGRESS,
    "pending": IN_PROGRESS,
    "downloading": IN_PROGRESS,
    "installing": IN_PROGRESS,
    "waiting": IN_PROGRESS,
    "unknown": NOT_REPORTED,
    "notreported": NOT_REPORTED,
    "": NOT_REPORTED,
}


def normalise_status(raw: str) -> str:
    """SCCM's words to ours; any other text is ``other`` (its raw text is kept)."""
    return _STATUS_WORDS.get(re.sub(r"[\s_\-]+", "", raw).lower(), OTHER)


_DECIMAL = re.compile(r"^[+-]?\d{1,11}$")
_HEX = re.compile(r"^0x([0-9a-f]{1,8})$", re.IGNORECASE)


def normalise_error_code(text: str) -> str | None:
    """``0x80070005`` or ``-2147024891`` -> ``0x80070005``; empty or 0 -> None.
    Raises ValueError for anything else."""
    value: int
    cleaned = text.strip()
    if not cleaned:
        return None
    hex_match = _HEX.match(cleaned)
    if hex_match:
        value = int(hex_match[1], 16)
    elif _DECIMAL.match(cleaned):
        value = int(cleaned)
        if not -(2**31) <= value < 2**32:
            raise ValueError("is outside the 32-bit range of an error code")
        value &= 0xFFFFFFFF
    else:
        raise ValueError("is not an error code (0x80070005 or -2147024891)")
    return None if value == 0 else f"0x{value:08X}"


_TRUE = {"yes", "true", "1", "y", "active"}
_FALSE = {"no", "false", "0", "n", "inactive"}


def parse_flag(text: str) -> bool | None:
    value = text.strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("must be yes or no")


_DATE_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)


def parse_moment(text: str, zone: timezone) -> datetime | None:
    """ISO 8601, or SCCM's ``5/21/2020 3:00:00 AM`` / ``21.05.2020 03:00``; a time without a
    zone is in the report's zone."""
    value = text.strip()
    if not value:
        return None
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        for pattern in _DATE_FORMATS:
            try:
                moment = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError("is not a date and time (2020-05-21 03:00 or 5/21/2020 3:00 AM)")
    return (moment.replace(tzinfo=zone) if moment.tzinfo is None else moment).astimezone(UTC)
