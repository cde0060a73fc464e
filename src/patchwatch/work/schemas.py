"""Shapes of tasks, task prices, ledger entries, balances, statements and analytics."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field, field_validator, model_validator

from patchwatch.sites.schemas import Criticality, Input

Title = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
Price = Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=12, decimal_places=2)]
# A correction moves a balance either way, never by nothing.
SignedAmount = Annotated[
    Decimal, Field(ge=-1_000_000, le=1_000_000, max_digits=12, decimal_places=2)
]


class TaskStatus(StrEnum):
    open = "open"
    done = "done"


class TaskSource(StrEnum):
    manual = "manual"
    automatic = "automatic"


class TaskCreate(Input):
    title: Title
    description: Annotated[str, Field(max_length=10_000)] = ""
    site_uuid: UUID | None = None
    package: (
        Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^\x00-\x20\x7f]+$")] | None
    ) = None
    advisory: Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")] | None = None
    due_at: AwareDatetime | None = None
    assignee_uuid: UUID | None = Field(
        default=None, description="An active engineer of the organization; omitted: one at random."
    )


class TaskAssign(Input):
    assignee_uuid: UUID | None = Field(
        default=None, description="An active engineer of the organization; omitted: one at random."
    )


class UserRef(BaseModel):
    uuid: UUID
    login: str
    name: str


class TaskOut(BaseModel):
    uuid: UUID
    organization_uuid: UUID
    title: str
    description: str
    site_uuid: UUID | None
    site_name: str | None
    package: str | None
    advisory: str | None
    source: TaskSource
    status: TaskStatus
    assignee: UserRef
    assignment_fee: Decimal
    completion_reward: Decimal
    currency: str
    due_at: datetime | None
    overdue: bool = Field(description="Open past its due date.")
    created_by: UUID | None
    created_at: datetime
    completed_at: datetime | None
    completed_by: UUID | None
    evidence_patch_run_uuid: UUID | None = Field(
        description="Closed automatically: the patch run that changed the package."
    )


class ShuffleOut(BaseModel):
    reassigned: int
    engineers: int


class PricingMode(StrEnum):
    random = "random"
    fixed = "fixed"


class PricePair(Input):
    assignment_fee: Price
    completion_reward: Price


class TaskPricesIn(Input):
    mode: PricingMode
    prices: dict[Criticality, PricePair] = Field(
        default={}, description="With mode fixed: a price pair for every site criticality."
    )

    @model_validator(mode="after")
    def _complete(self) -> TaskPricesIn:
        if self.mode == PricingMode.fixed:
            missing = [c.value for c in Criticality if c not in self.prices]
            if missing:
                raise ValueError(f"fixed prices need every criticality; missing: {missing}")
        return self


class TaskPricesOut(BaseModel):
    organization_uuid: UUID
    mode: PricingMode
    prices: dict[str, PricePair]
    currency: str
    random_ranges: dict[str, list[Decimal]] = Field(
        description="With mode random: the range each price is drawn from."
    )


class EntryKind(StrEnum):
    fee = "fee"
    reward = "reward"
    payout = "payout"
    correction = "correction"


class LedgerEntryOut(BaseModel):
    uuid: UUID
    organization_uuid: UUID
    user: UserRef
    kind: EntryKind
    amount: Decimal = Field(description="Signed: what it did to the engineer's balance.")
    currency: str
    description: str
    task_uuid: UUID | None
    occurred_at: datetime
    day: date = Field(description="The accounting day it counts in.")
    created_by: UUID | None


class CorrectionIn(Input):
    user_uuid: UUID
    amount: SignedAmount
    reason: Annotated[str, Field(min_length=1, max_length=500, pattern=r"\S")]

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, value: Decimal) -> Decimal:
        if value == 0:
            raise ValueError("a correction must move the balance")
        return value


class DayFigures(BaseModel):
    day: date
    opening: Decimal
    debits: Decimal = Field(description="Fees and negative corrections of the day.")
    credits: Decimal = Field(description="Rewards and positive corrections of the day.")
    payout: Decimal
    closing: Decimal
    currency: str


class BalanceOut(DayFigures):
    user: UserRef


class OrganizationDayOut(DayFigures):
    organization_uuid: UUID
    management_earnings: Decimal = Field(description="Debits − credits of the day.")


class StatementKind(StrEnum):
    engineer = "engineer"
    organization = "organization"


class StatementOut(DayFigures):
    uuid: UUID
    kind: StatementKind
    organization_uuid: UUID
    user: UserRef | None
    management_earnings: Decimal | None = Field(description="Organization statements only.")
    created_at: datetime


class EarningsDay(BaseModel):
    day: date
    management_earnings: Decimal = Field(description="Debits − credits.")
    debits: Decimal = Field(description="Fees (and negative corrections) debited.")
    credits: Decimal = Field(description="Rewards (and positive corrections) credited.")


class ExpensiveTask(BaseModel):
    uuid: UUID
    title: str
    completion_reward: Decimal
    currency: str
    completed_at: datetime | None


class WorkAnalyticsOut(BaseModel):
    day: date
    management_earnings: Decimal = Field(description="Of that day: debits − credits.")
    negative_engineers: int = Field(description="Engineers whose balance is below zero.")
    negative_engineer_uuids: list[UUID]
    most_expensive_task: dict[str, ExpensiveTask | None] = Field(
        description="Highest reward among tasks closed in the day, week and month of `day`."
    )
    open_past_due: int
