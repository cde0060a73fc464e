"""Shapes of patch runs and cycles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from patchwatch.sites.schemas import Environment, Input, Kind, Tag

MAX_ITEMS = 2_000
MAX_LOG = 1_000_000  # characters: a long deployment log fits, a dump of a disk does not

EcosystemName = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_.-]+$")]
PackageName = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^\x00-\x20\x7f]+$")]
Version = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[^\x00-\x20\x7f]+$")]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]


class RunStatus(StrEnum):
    planned = "planned"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    rolled_back = "rolled_back"


FINISHED = {RunStatus.succeeded, RunStatus.failed, RunStatus.rolled_back}
# Which status may follow which: a finished run stays finished, except that a succeeded one
# may still be rolled back.
TRANSITIONS: dict[RunStatus, set[RunStatus]] = {
    RunStatus.planned: {RunStatus.running, *FINISHED},
    RunStatus.running: FINISHED,
    RunStatus.succeeded: {RunStatus.rolled_back},
    RunStatus.failed: set(),
    RunStatus.rolled_back: set(),
}


class ItemResult(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"
    skipped = "skipped"


class Source(StrEnum):
    manual = "manual"
    api = "api"
    detected = "detected"
    imported = "import"


class Confirmation(StrEnum):
    not_applicable = "not_applicable"
    pending = "pending"
    confirmed = "confirmed"
    unconfirmed = "unconfirmed"


class PatchRunItemIn(Input):
    ecosystem: EcosystemName = "drupal"
    package: PackageName
    from_version: Version | None = None
    to_version: Version | None = None
    result: ItemResult | None = Field(
        default=None, description="Defaults to the run's outcome (succeeded, failed or pending)."
    )


def _check_times(started_at: datetime | None, finished_at: datetime | None) -> None:
    if started_at and finished_at and finished_at < started_at:
        raise ValueError("finished_at must not be before started_at")


class PatchRunCreate(Input):
    site_uuid: UUID
    status: RunStatus = RunStatus.planned
    started_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    items: Annotated[list[PatchRunItemIn], Field(max_length=MAX_ITEMS)] = []
    log: Annotated[str, Field(max_length=MAX_LOG)] = ""
    cycle_uuid: UUID | None = None
    maintenance_request_uuid: UUID | None = None
    external_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None

    @model_validator(mode="after")
    def _times(self) -> PatchRunCreate:
        _check_times(self.started_at, self.finished_at)
        return self


class PatchRunUpdate(Input):
    status: RunStatus | None = None
    started_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    items: Annotated[list[PatchRunItemIn], Field(max_length=MAX_ITEMS)] | None = None
    log: Annotated[str, Field(max_length=MAX_LOG)] | None = None

    @model_validator(mode="after")
    def _times(self) -> PatchRunUpdate:
        _check_times(self.started_at, self.finished_at)
        return self


class PatchRunItemOut(BaseModel):
    ecosystem: str
    package: str
    from_version: str | None
    to_version: str | None
    result: ItemResult
    confirmed: bool | None


class Actor(BaseModel):
    type: str
    uuid: UUID | None
    label: str


class PatchRunOut(BaseModel):
    uuid: UUID
    site_uuid: UUID
    source: Source
    status: RunStatus
    started_at: datetime | None
    finished_at: datetime | None
    confirmation: Confirmation
    confirmed_at: datetime | None
    flagged: bool = Field(
        description="A succeeded run whose update the next snapshot did not show."
    )
    items: list[PatchRunItemOut]
    log: str | None = Field(description="Only on a single run, not in lists.")
    cycle_uuid: UUID | None
    maintenance_request_uuid: UUID | None
    external_id: str | None
    actor: Actor
    created_at: datetime
    updated_at: datetime


class PackageUpdateOut(BaseModel):
    """One package's update on a site, and the run that made (or claimed) it."""

    ecosystem: str
    package: str
    from_version: str | None
    to_version: str | None
    result: ItemResult
    confirmed: bool | None
    patch_run_uuid: UUID
    source: Source
    status: RunStatus
    updated_at: datetime | None = Field(description="When the run finished (or started).")


class CycleState(StrEnum):
    planned = "planned"
    open = "open"
    closed = "closed"


class CycleScope(Input):
    """Which sites a cycle covers: all of the organization's, narrowed by each list given."""

    kinds: Annotated[list[Kind], Field(max_length=3)] = []
    environments: Annotated[list[Environment], Field(max_length=3)] = []
    tags: Annotated[list[Tag], Field(max_length=50)] = Field(
        default=[], description="Sites carrying any of these tags."
    )
    site_uuids: Annotated[list[UUID], Field(max_length=10_000)] = Field(
        default=[], description="Exactly these sites (with the other filters applied too)."
    )


class CycleCreate(Input):
    name: Name
    description: Annotated[str, Field(max_length=5000)] = ""
    organization_uuid: UUID | None = Field(
        default=None,
        description="Platform admin: the organization (omit with all_organizations for all).",
    )
    all_organizations: bool = Field(
        default=False, description="Platform admin: a cycle over every organization's sites."
    )
    scope: CycleScope = CycleScope()
    include_all_updates: bool = Field(
        default=False, description="Target every open update, not only security updates."
    )
    starts_at: AwareDatetime
    deadline: AwareDatetime

    @model_validator(mode="after")
    def _dates(self) -> CycleCreate:
        if self.deadline <= self.starts_at:
            raise ValueError("deadline must be after starts_at")
        if self.all_organizations and self.organization_uuid:
            raise ValueError("give organization_uuid or all_organizations, not both")
        return self


class CycleUpdate(Input):
    name: Name | None = None
    description: Annotated[str, Field(max_length=5000)] | None = None
    scope: CycleScope | None = None
    include_all_updates: bool | None = None
    starts_at: AwareDatetime | None = None
    deadline: AwareDatetime | None = None


class Progress(BaseModel):
    targets: int
    done: int
    remaining: int
    failed: int
    done_on_time: int
    done_late: int
    percent_done: float
    late: bool = Field(description="Past the deadline with targets not done.")


class CycleOut(BaseModel):
    uuid: UUID
    name: str
    description: str
    organization_uuid: UUID | None
    scope: CycleScope
    include_all_updates: bool
    starts_at: datetime
    deadline: datetime
    state: CycleState
    opened_at: datetime | None
    closed_at: datetime | None
    progress: Progress | None = Field(description="Once opened; frozen at closing.")
    created_at: datetime
    updated_at: datetime


class CycleSiteProgress(BaseModel):
    site_uuid: UUID
    site_name: str
    site_url: str
    progress: Progress


class CycleTargetOut(BaseModel):
    site_uuid: UUID
    ecosystem: str
    package: str
    from_version: str | None
    target_version: str | None
    status_at_open: str
    is_security: bool
    state: str
    done_at: datetime | None
    patch_run_uuid: UUID | None
