"""File imports: read a CSV or XLSX file safely, check every row, write in chunks, keep a record.

All or nothing by default: the whole import is one transaction, rolled back when any row is
wrong (the record of the import, with the errors, is still kept). With ``on_error="skip"`` the
valid rows are written and the others reported. A dry run writes nothing but the record.
Parsing and per-cell checks run in a thread, chunk by chunk, so the event loop stays free and
memory stays bounded whatever the file's size (within the limits of ``spreadsheets``).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import Select, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Invalid, NotFound, PayloadTooLarge, PermissionDenied
from patchwatch.events import service as events
from patchwatch.identity.models import Organization
from patchwatch.identity.principal import Principal
from patchwatch.patching import spreadsheets
from patchwatch.patching.import_kinds import Row, RowReader, match_header
from patchwatch.patching.import_writers import MAX_ERRORS, Context, Tally, make_writer
from patchwatch.patching.models import Import
from patchwatch.tenancy import scoped

CHUNK_ROWS = 1_000
# Importing a kind needs its own write permission besides imports:write.
WRITE_PERMISSION = {"sites": "sites:write", "patch-runs": "patching:write", "users": "users:write"}
READ_PERMISSION = {"sites": "sites:read", "patch-runs": "patching:read", "users": "users:read"}


@dataclass
class Upload:
    file: IO[bytes]
    name: str


def check_may_import(actor: Principal, kind: str) -> None:
    """imports:write is checked by the route; the kind's own write permission here."""
    permission = WRITE_PERMISSION[kind]
    if not actor.has(permission):
        raise PermissionDenied(
            f"Importing {kind} needs the permission '{permission}'.",
            details=[{"permission": permission}],
        )
    if actor.site_uuid is not None and kind in {"sites", "users"}:
        raise PermissionDenied(
            f"A key bound to one site cannot import {kind}.", code="site_bound_key"
        )


def parse_mapping(text: str | None) -> dict[str, str | None]:
    """The ``mapping`` form field: a JSON object ``{"file header": "our column" or null}``."""
    if not text:
        return {}
    import orjson

    try:
        mapping = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise Invalid("The mapping is not valid JSON.", code="invalid_mapping") from exc
    if not isinstance(mapping, dict) or len(mapping) > spreadsheets.MAX_COLUMNS:
        raise Invalid(
            'The mapping is a JSON object {"file header": "our column"}.', code="invalid_mapping"
        )
    for key, value in mapping.items():
        if not (value is None or isinstance(value, str)) or len(key) > 200:
            raise Invalid(
                f"The mapping of {key[:200]!r} must be a column name or null.",
                code="invalid_mapping",
            )
    return mapping


def _next_rows(rows: Iterator[tuple[int, list[str]]], reader: RowReader) -> tuple[list[Row], bool]:
    """Up to CHUNK_ROWS non-blank rows, checked cell by cell (runs in a thread)."""
    chunk: list[Row] = []
    for number, cells in rows:
        row = reader.read(number, cells)
        if row is not None:
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                return chunk, False
    return chunk, True


async def run_import(
    session: AsyncSession,
    actor: Principal,
    organization: Organization,
    upload: Upload,
    *,
    kind: str,
    dry_run: bool = False,
    on_error: str = "abort",
    mapping: dict[str, str | None] | None = None,
) -> Import:
    """Import a file into ``organization``; returns the import's record (committed).

    File-level problems (not a spreadsheet, too large, bad header, ...) raise before anything
    is written or recorded.
    """
    organization_id = organization.id  # a rollback below expires the object
    size = spreadsheets.file_size(upload.file)
    if size > spreadsheets.MAX_FILE_BYTES:
        raise PayloadTooLarge(
            f"The file is larger than {spreadsheets.MAX_FILE_BYTES:,} bytes.",
            code="file_too_large",
        )
    if size == 0:
        raise Invalid("The file is empty.", code="empty_file")
    table = await asyncio.to_thread(spreadsheets.read_table, upload.file, upload.name)
    if session.get_bind().dialect.name == "postgresql":
        # The tables grow inside this one transaction: a plan PostgreSQL cached for the first
        # chunks (a scan of a small table) made each later chunk slower (1.6 s at 40,000 sites).
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    reader = RowReader(kind, match_header(kind, table.header, mapping or {}))
    tally = Tally()
    context = Context(session, actor, organization, reader.columns, tally)
    writer = make_writer(kind, context)
    started = utcnow()
    done = False
    while not done:
        chunk, done = await asyncio.to_thread(_next_rows, table.rows, reader)
        tally.total += len(chunk)
        if tally.total > spreadsheets.MAX_ROWS:
            raise PayloadTooLarge(
                f"The file has more than {spreadsheets.MAX_ROWS:,} data rows.",
                code="too_many_rows",
            )
        valid = []
        for row in chunk:
            if row.errors:
                tally.fail(row)
            else:
                valid.append(row)
        write = not dry_run and (on_error == "skip" or tally.failed == 0)
        if valid:
            await writer.add(valid, write)
    write = not dry_run and (on_error == "skip" or tally.failed == 0)
    await writer.finish(write)
    if tally.total == 0:
        raise Invalid("The file has a header row but no data rows.", code="no_rows")
    written = tally.total - tally.failed
    if tally.failed == 0:
        status = "succeeded"
    elif on_error == "skip" and written > 0:
        status = "partial"
    else:
        status = "failed"
    if dry_run or status == "failed":
        await session.rollback()
    record = Import(
        uuid=uuid.uuid4(),
        organization_id=organization_id,
        actor_type=actor.kind,
        actor_uuid=actor.actor_uuid,
        actor_label=actor.label[:200],
        kind=kind,
        file_name=upload.name[:255],
        file_format=table.file_format,
        file_size=size,
        encoding=table.encoding,
        dry_run=dry_run,
        on_error=on_error,
        status=status,
        rows_total=tally.total,
        rows_created=tally.created,
        rows_updated=tally.updated,
        rows_unchanged=tally.unchanged,
        rows_failed=tally.failed,
        errors=sorted(tally.errors[:MAX_ERRORS], key=lambda error: error["row"] or 0),
        created_at=started,
        finished_at=utcnow(),
    )
    session.add(record)
    await session.flush()
    events.emit(
        session,
        "import.finished",
        aggregate_type="import",
        aggregate_uuid=record.uuid,
        organization_id=organization_id,
        payload={
            "uuid": str(record.uuid),
            "kind": kind,
            "file_name": record.file_name,
            "status": status,
            "dry_run": dry_run,
            "actor_type": actor.kind,
            "actor_uuid": str(actor.actor_uuid) if actor.actor_uuid else None,
            "rows_total": tally.total,
            "rows_created": tally.created,
            "rows_updated": tally.updated,
            "rows_failed": tally.failed,
        },
    )
    if not dry_run and status != "failed" and (tally.created or tally.updated):
        await audit.record(
            session,
            actor,
            f"import.{kind}",
            target_type="import",
            target_uuid=record.uuid,
            organization_id=organization_id,
            changes={
                "file_name": record.file_name,
                "created": tally.created,
                "updated": tally.updated,
                "failed": tally.failed,
            },
        )
    await session.commit()
    return record


def imports_query(
    actor: Principal,
    *,
    organization_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> Select[Any]:
    """The import records the caller may see, newest first by default."""
    stmt = scoped(select(Import), Import.organization_id, actor)
    for column, value in (
        (Import.organization_id, organization_id),
        (Import.kind, kind),
        (Import.status, status),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


async def get_import(session: AsyncSession, actor: Principal, import_uuid: uuid.UUID) -> Import:
    record: Import | None = await session.scalar(
        imports_query(actor).where(Import.uuid == import_uuid)
    )
    if record is None:
        raise NotFound("There is no such import.")
    return record
