"""What each kind of import reads: its columns, their accepted names, and each row's checks.

Pure functions (no I/O): the header is matched to our columns, then each row becomes either
clean values or errors per column. The export writes the same canonical column names, so an
exported file imports back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from pydantic import EmailStr, TypeAdapter, ValidationError

from patchwatch.errors import Invalid
from patchwatch.identity.service import LOGIN_PATTERN
from patchwatch.patching.schemas import (
    MAX_LOG,
    EcosystemName,
    ItemResult,
    PackageName,
    RunStatus,
    Version,
)
from patchwatch.patching.spreadsheets import unneutralise
from patchwatch.sites.schemas import (
    Criticality,
    Description,
    Environment,
    Kind,
    Location,
    SiteName,
    SiteUrl,
    Tags,
)

KINDS = ("sites", "patch-runs", "users")
LOCATION_COLUMNS = ("street", "city", "state", "country")


@dataclass(frozen=True)
class Column:
    name: str  # canonical: what exports write
    aliases: tuple[str, ...] = ()
    required: bool = False  # the header must be in the file
    strip: bool = True  # surrounding spaces are dropped (not in free text)


COLUMNS: dict[str, tuple[Column, ...]] = {
    "sites": (
        Column("url", ("site", "site url", "hostname", "host", "website", "domain"), True),
        Column("name", ("site name", "title", "label")),
        Column("kind", ("type", "site kind", "asset type")),
        Column("environment", ("env", "stage")),
        Column("criticality", ("importance", "tier")),
        Column("tags", ("tag", "labels")),
        Column("description", ("notes", "comment"), strip=False),
        Column("street", ("location street", "address")),
        Column("city", ("location city", "town")),
        Column("state", ("location state", "region", "province")),
        Column("country", ("location country",)),
    ),
    "patch-runs": (
        Column("site", ("url", "site url", "hostname", "host"), True),
        Column("date", ("started at", "started", "deployed at", "deployment date", "when"), True),
        Column(
            "external_id",
            ("external id", "patch id", "deployment id", "deploy id", "run id", "change id", "id"),
        ),
        Column("ecosystem", ("platform",)),
        Column("package", ("module", "project", "component", "package name"), True),
        Column("from_version", ("from", "old version", "version from", "installed version")),
        Column("to_version", ("to", "new version", "version to", "target version")),
        Column("result", ("outcome", "item result")),
        Column("status", ("run status", "deployment status")),
        Column("log", ("output", "deployment log"), strip=False),
    ),
    "users": (
        Column("login", ("username", "user", "user name", "uid"), True),
        Column("email", ("e-mail", "mail", "email address"), True),
        Column("name", ("full name", "display name")),
        Column("role", ("role name",)),
    ),
}


def header_key(text: str) -> str:
    """``" Site_URL "`` -> ``siteurl``: headers match whatever their case, spaces, _ and -."""
    return re.sub(r"[\s_\-]+", "", text.replace("\ufeff", "")).lower()


def accepted_names(kind: str) -> dict[str, list[str]]:
    """Canonical column -> every header accepted for it (for the docs and error messages)."""
    return {col.name: [col.name, *col.aliases] for col in COLUMNS[kind]}


@dataclass
class ColumnMap:
    """Where each of our columns is in the file, and how the file calls it."""

    positions: dict[str, int]
    labels: dict[str, str]
    width: int

    def cell(self, cells: list[str], name: str) -> str | None:
        """The cell of column ``name`` (None: the file has no such column)."""
        position = self.positions.get(name)
        if position is None:
            return None
        return cells[position] if position < len(cells) else ""


def match_header(kind: str, header: list[str], mapping: dict[str, str | None]) -> ColumnMap:
    """Match the file's header to our columns; unknown, duplicate or missing ones are refused."""
    columns = {col.name: col for col in COLUMNS[kind]}
    by_key = {
        header_key(alias): col.name for col in COLUMNS[kind] for alias in (col.name, *col.aliases)
    }
    explicit = {header_key(given): target for given, target in mapping.items()}
    while header and not header[-1].strip():
        header = header[:-1]  # trailing empty header cells (spreadsheets leave them)
    problems: list[dict[str, Any]] = []
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for position, text in enumerate(header):
        key = header_key(text)
        if key in explicit:
            target = explicit.pop(key)
            if not target:
                continue  # mapped to nothing: ignored on purpose
            name = by_key.get(header_key(target))
            if name is None:
                problems.append(
                    {"row": 1, "column": text, "message": f"mapped to unknown column {target!r}"}
                )
                continue
        elif not key:
            problems.append(
                {"row": 1, "column": f"#{position + 1}", "message": "the header cell is empty"}
            )
            continue
        else:
            found = by_key.get(key)
            if found is None:
                problems.append(
                    {
                        "row": 1,
                        "column": text,
                        "message": "unknown column; accepted: " + ", ".join(columns),
                    }
                )
                continue
            name = found
        if name in positions:
            problems.append(
                {
                    "row": 1,
                    "column": text,
                    "message": f"a second column for {name!r} (first: {labels[name]!r})",
                }
            )
            continue
        positions[name], labels[name] = position, text
    for given in explicit:
        problems.append({"row": 1, "column": given, "message": "the mapping names no such header"})
    for col in columns.values():
        if col.required and col.name not in positions:
            problems.append(
                {"row": 1, "column": col.name, "message": "a required column is missing"}
            )
    if problems:
        raise Invalid(
            "The header row does not match the columns of a "
            f"{kind} import (see details; docs/api.md lists the accepted names).",
            code="invalid_header",
            details=problems,
        )
    return ColumnMap(positions, labels, len(header))


# --- rows -----------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row: its number in the file, clean values, and errors per column."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, column: str | None, message: str) -> None:
        self.errors.append({"row": self.number, "column": column, "message": message})


def _message(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return str(error.get("msg", "is not valid")).removeprefix("Value error, ")


def _adapter(annotation: Any) -> Callable[[Any], Any]:
    return TypeAdapter(annotation).validate_python


_URL = _adapter(SiteUrl)
_NAME = _adapter(SiteName)
_TAGS = _adapter(Tags)
_DESCRIPTION = _adapter(Description)
_ECOSYSTEM = _adapter(EcosystemName)
_PACKAGE = _adapter(PackageName)
_VERSION = _adapter(Version)
_EMAIL = _adapter(EmailStr)


def site_url(text: str) -> str:
    """A site's URL, normalised; a bare host name means https."""
    return str(_URL(text if "://" in text else f"https://{text}"))


def parse_date(text: str) -> datetime:
    """ISO 8601 date or date-time; without a zone it is UTC; a date alone is midnight UTC."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError("is not an ISO 8601 date (2026-11-01 or 2026-11-01T10:00:00Z)") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _choice(text: str, allowed: type[Any]) -> str:
    value = text.lower()
    options = [member.value for member in allowed]
    if value not in options:
        raise ValueError(f"must be one of {', '.join(options)}")
    return value


class RowReader:
    """Turns the cells of one row into a ``Row`` for one kind of import."""

    def __init__(self, kind: str, columns: ColumnMap) -> None:
        self.kind = kind
        self.columns = columns
        self.strip = {col.name: col.strip for col in COLUMNS[kind]}
        self._parse = {"sites": self._site, "patch-runs": self._run, "users": self._user}[kind]

    def read(self, number: int, cells: list[str]) -> Row | None:
        """The row, or None for a blank one (skipped, not counted)."""
        if not any(cell.strip() for cell in cells):
            return None
        row = Row(number)
        if len(cells) > self.columns.width and any(c.strip() for c in cells[self.columns.width :]):
            row.fail(None, f"the row has {len(cells)} cells, the header {self.columns.width}")
            return row
        text: dict[str, str | None] = {}
        for name in self.columns.positions:
            raw = unneutralise(self.columns.cell(cells, name) or "")
            text[name] = raw.strip() if self.strip[name] else raw
        self._parse(row, text)
        return row

    def _check(self, row: Row, name: str, check: Callable[[str], Any], value: str) -> Any:
        try:
            return check(value)
        except ValidationError as exc:
            row.fail(self.columns.labels[name], _message(exc))
        except ValueError as exc:
            row.fail(self.columns.labels[name], str(exc))
        return None

    def _required(self, row: Row, text: dict[str, str | None], name: str) -> str | None:
        value = text.get(name)
        if not value:
            row.fail(self.columns.labels.get(name, name), "is required")
            return None
        return value

    # sites: a column absent from the file leaves that field of an existing site as it is;
    # an empty cell clears free text, tags and location, and keeps kind/environment/criticality.
    def _site(self, row: Row, text: dict[str, str | None]) -> None:
        url = self._required(row, text, "url")
        if url is not None:
            row.values["url"] = self._check(row, "url", site_url, url)
        if text.get("name"):
            row.values["name"] = self._check(row, "name", _NAME, text["name"] or "")
        for name, allowed in (
            ("kind", Kind),
            ("environment", Environment),
            ("criticality", Criticality),
        ):
            if text.get(name):
                row.values[name] = self._check(
                    row, name, partial(_choice, allowed=allowed), text[name] or ""
                )
        if "tags" in text:
            tags = [tag.strip() for tag in (text["tags"] or "").split(",") if tag.strip()]
            row.values["tags"] = self._check(row, "tags", _TAGS, tags)  # type: ignore[arg-type]
        if "description" in text:
            row.values["description"] = self._check(
                row, "description", _DESCRIPTION, text["description"] or ""
            )
        given = [name for name in LOCATION_COLUMNS if name in text]
        if given:
            filled = [name for name in given if text[name]]
            if not filled:
                row.values["location"] = None
            elif len(filled) < len(LOCATION_COLUMNS):
                missing = ", ".join(name for name in LOCATION_COLUMNS if name not in filled)
                row.fail(
                    self.columns.labels[filled[0]],
                    f"a location needs street, city, state and country (missing: {missing})",
                )
            else:
                try:
                    location = Location(**{name: text[name] for name in LOCATION_COLUMNS})
                    row.values["location"] = location.model_dump()
                except ValidationError as exc:
                    for error in exc.errors():
                        name = str(error["loc"][0])
                        message = str(error["msg"]).removeprefix("Value error, ")
                        row.fail(self.columns.labels.get(name, name), message)

    def _run(self, row: Row, text: dict[str, str | None]) -> None:
        site = self._required(row, text, "site")
        if site is not None:
            row.values["site"] = self._check(row, "site", site_url, site)
        moment = self._required(row, text, "date")
        if moment is not None:
            row.values["date"] = self._check(row, "date", parse_date, moment)
        external_id = text.get("external_id") or None
        if external_id and len(external_id) > 200:
            row.fail(self.columns.labels["external_id"], "is longer than 200 characters")
        row.values["external_id"] = external_id
        ecosystem = (text.get("ecosystem") or "").lower()
        row.values["ecosystem"] = (
            self._check(row, "ecosystem", _ECOSYSTEM, ecosystem) if ecosystem else "drupal"
        )
        for name, check in (
            ("package", _PACKAGE),
            ("from_version", _VERSION),
            ("to_version", _VERSION),
        ):
            value = text.get(name)
            row.values[name] = self._check(row, name, check, value) if value else None
        result, status = text.get("result"), text.get("status")
        row.values["result"] = (
            self._check(row, "result", lambda v: _choice(v, ItemResult), result) if result else None
        )
        row.values["status"] = (
            self._check(row, "status", lambda v: _choice(v, RunStatus), status) if status else None
        )
        log = text.get("log") or ""
        if len(log) > MAX_LOG:
            row.fail(self.columns.labels["log"], f"is longer than {MAX_LOG:,} characters")
        row.values["log"] = log
        if not row.values["package"] and any(
            row.values[name] for name in ("from_version", "to_version", "result")
        ):
            row.fail(
                self.columns.labels["package"], "is required when versions or a result are given"
            )

    def _user(self, row: Row, text: dict[str, str | None]) -> None:
        login = self._required(row, text, "login")
        if login is not None:
            row.values["login"] = self._check(row, "login", _login, login)
        email = self._required(row, text, "email")
        if email is not None:
            row.values["email"] = self._check(row, "email", lambda v: str(_EMAIL(v)).lower(), email)
        name = text.get("name") or ""
        if len(name) > 200:
            row.fail(self.columns.labels["name"], "is longer than 200 characters")
        row.values["name"] = name
        row.values["role"] = (text.get("role") or "viewer").lower()
        if len(row.values["role"]) > 64:
            row.fail(self.columns.labels["role"], "is longer than 64 characters")


def _login(text: str) -> str:
    key = text.lower()
    if not LOGIN_PATTERN.fullmatch(key):
        raise ValueError(
            "a login is 2 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return key
