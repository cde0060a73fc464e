"""Shapes of rollout deployments, cycles, collections, reports, rows and KPIs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, model_validator

from patchwatch.patching.schemas import Actor
from patchwatch.rollouts.parsing import normalise_excel_columns
from patchwatch.sites.schemas import Input

Title = Annotated[
    str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$")
]
Note = Annotated[str, Field(max_length=2000)]
ExcelColumns = Annotated[
    str,
    Field(
        min_length=1,
        max_length=400,
        description="Column letters and ascending ranges, e.g. `A,C,F-G,I` (at most 100).",
        examples=["A,C,F-G,I"],
    ),
    AfterValidator(normalise_excel_columns),
]
HeaderRow = Annotated[int, Field(ge=1, le=1000, description="The header's row (1-based).")]
SheetName = Annotated[str, Field(min_length=1, max_length=100)]
Percent = Annotated[int, Field(ge=0, le=100)]
Ring = Annotated[int, Field(ge=0, le=99)]


class Rag(StrEnum):
    red = "red"
    amber = "amber"
    green = "green"


class RagSource(StrEnum):
    rules = "rules"
    manual = "manual"


class InstallStatus(StrEnum):
    installed = "installed"
    failed = "failed"
    in_progress = "in_progress"
    not_reported = "not_reported"
    other = "other"


class Thresholds(Input):
    green_installed: Percent = Field(95, description="Green from this installed %.")
    amber_installed: Percent = Field(80, description="Amber from this installed %.")
    amber_failed: Percent = Field(5, description="Above this failed %: at best amber.")
    red_failed: Percent = Field(20, description="Above this failed %: red.")

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.amber_installed > self.green_installed:
            raise ValueError("amber_installed must not be above green_installed")
        if self.amber_failed > self.red_failed:
            raise ValueError("amber_failed must not be above red_failed")
        return self


class DeploymentCreate(Input):
    title: Title
    description: Note = ""
    excel_columns: ExcelColumns | None = None
    excel_header_row: HeaderRow | None = None
    excel_sheet: SheetName | None = None
    rag_thresholds: Thresholds = Field(default_factory=lambda: Thresholds())


class DeploymentUpdate(Input):
    title: Title | None = None
    description: Note | None = None
    excel_columns: ExcelColumns | None = None
    excel_header_row: HeaderRow | None = None
    excel_sheet: SheetName | None = None
    rag_thresholds: Thresholds | None = None


class Layout(BaseModel):
    excel_columns: str | None = Field(description="None: every column.")
    excel_header_row: int | None = Field(description="None: row 1.")
    excel_sheet: str | None = Field(description="None: the first sheet.")


class DeploymentOut(Layout):
    uuid: UUID
    title: str
    description: str
    rag_thresholds: Thresholds
    cycles: int
    created_at: datetime
    updated_at: datetime


class CycleCreate(Input):
    title: Title
    started_at: AwareDatetime
    deadline: AwareDatetime | None = None
    is_active: bool = True
    rag_status: Rag | None = Field(None, description="Set by a person: kept (rag_source manual).")
    rag_note: Note = ""
    excel_columns: ExcelColumns | None = None
    excel_header_row: HeaderRow | None = None
    excel_sheet: SheetName | None = None


class CycleUpdate(Input):
    title: Title | None = None
    started_at: AwareDatetime | None = None
    deadline: AwareDatetime | None = None
    is_active: bool | None = None
    rag_status: Rag | None = Field(
        None, description="Set by a person: kept until rag_source is set back to rules."
    )
    rag_note: Note | None = None
    rag_source: RagSource | None = Field(
        None, description="`rules`: recompute the RAG now and after every upload."
    )
    excel_columns: ExcelColumns | None = None
    excel_header_row: HeaderRow | None = None
    excel_sheet: SheetName | None = None


class CycleOut(Layout):
    uuid: UUID
    deployment_uuid: UUID
    deployment_title: str
    title: str
    started_at: datetime
    deadline: datetime | None
    is_active: bool
    rag_status: Rag | None
    rag_note: str
    rag_source: RagSource
    rag_changed_at: datetime | None
    effective_layout: Layout = Field(description="The layout uploads use (cycle, deployment).")
    created_at: datetime
    updated_at: datetime


class CollectionCreate(Input):
    name: Title
    ring: Ring = 0


class CollectionUpdate(Input):
    name: Title | None = None
    ring: Ring | None = None


class CollectionOut(BaseModel):
    uuid: UUID
    cycle_uuid: UUID
    name: str
    ring: int
    created_at: datetime


class ReportUpdate(Input):
    show_in_history: bool


class ReportOut(BaseModel):
    uuid: UUID
    cycle_uuid: UUID
    cycle_title: str
    deployment_uuid: UUID
    deployment_title: str
    reported_at: datetime
    show_in_history: bool
    file_name: str
    file_format: str
    file_size: int
    encoding: str | None
    rows_total: int
    sites_created: int
    actor: Actor
    created_at: datetime


class ReportRowOut(BaseModel):
    row_number: int
    device: str
    site_uuid: UUID
    collection: str | None
    ring: int | None
    os_build: str | None
    is_active: bool | None
    last_logon_at: datetime | None
    last_logon_user: str | None
    status: InstallStatus
    status_raw: str
    note: str
    error_code: str | None


class ErrorCodeCount(BaseModel):
    code: str
    devices: int


class Kpis(BaseModel):
    devices: int = Field(description="In the report, plus the cycle's devices it misses.")
    installed: int
    failed: int
    in_progress: int
    not_reported: int = Field(description="Reported so, or seen earlier and missing now.")
    other: int = Field(description="A status text we do not know (kept raw on the row).")
    installed_percent: float
    failed_percent: float
    in_progress_percent: float
    not_reported_percent: float
    top_error_codes: list[ErrorCodeCount]


class RingKpis(Kpis):
    ring: int | None


class CollectionKpis(Kpis):
    collection_uuid: UUID | None
    name: str | None
    ring: int | None


class ReportKpis(BaseModel):
    report_uuid: UUID
    reported_at: datetime
    totals: Kpis
    rings: list[RingKpis]
    collections: list[CollectionKpis]


class TrendPoint(BaseModel):
    report_uuid: UUID
    reported_at: datetime
    devices: int
    installed_percent: float
    failed_percent: float
    in_progress: int
    not_reported: int


class CycleKpis(BaseModel):
    cycle_uuid: UUID
    rag_status: Rag | None
    rag_source: RagSource
    latest: ReportKpis | None = Field(description="The KPIs of the cycle's latest report.")
    trend: list[TrendPoint] = Field(description="Every report shown in history, oldest first.")
