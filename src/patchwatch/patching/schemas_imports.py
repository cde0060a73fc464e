"""Shapes of import records."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from patchwatch.patching.schemas import Actor

ImportKind = Literal["sites", "patch-runs", "users"]
ImportStatus = Literal["succeeded", "partial", "failed"]
ExportFormat = Literal["csv", "xlsx"]


class RowError(BaseModel):
    row: int | None = Field(description="The row in the file (the header is row 1).")
    column: str | None = Field(description="The column as the file names it.")
    message: str


class ImportOut(BaseModel):
    uuid: UUID
    organization_uuid: UUID
    kind: ImportKind
    file_name: str
    file_format: str
    file_size: int
    encoding: str | None = Field(description="The encoding a CSV file was read with.")
    dry_run: bool
    on_error: Literal["abort", "skip"]
    status: ImportStatus = Field(
        description="succeeded; partial (on_error=skip, some rows refused); failed (nothing "
        "written). On a dry run: what would happen."
    )
    rows_total: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    rows_failed: int
    errors: list[RowError] = Field(description="The first 100 errors, by row and column.")
    actor: Actor
    created_at: datetime
    finished_at: datetime | None
