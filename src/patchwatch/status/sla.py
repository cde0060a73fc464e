"""SLA deadlines: days per severity, per organization and optionally per site criticality."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.status.models import SlaPolicy

DEFAULT_DAYS = {"critical": 2, "high": 7, "medium": 30, "low": 90}
DEFAULT_SEVERITY = "high"  # a Drupal security release without an advisory


@dataclass(frozen=True)
class SlaPolicies:
    """The policies of some organizations, looked up per (organization, criticality)."""

    days: dict[tuple[int, str | None], dict[str, int]]

    def days_for(self, organization_id: int, criticality: str, severity: str | None) -> int:
        policy = (
            self.days.get((organization_id, criticality))
            or self.days.get((organization_id, None))
            or DEFAULT_DAYS
        )
        return policy.get(severity or DEFAULT_SEVERITY, policy[DEFAULT_SEVERITY])

    def due_at(
        self, start: datetime | None, organization_id: int, criticality: str, severity: str | None
    ) -> datetime | None:
        if start is None:
            return None
        return start + timedelta(days=self.days_for(organization_id, criticality, severity))


async def load_policies(session: AsyncSession, organization_ids: Iterable[int]) -> SlaPolicies:
    rows = await session.scalars(
        select(SlaPolicy).where(SlaPolicy.organization_id.in_(set(organization_ids)))
    )
    return SlaPolicies(
        days={
            (p.organization_id, p.criticality): {
                "critical": p.critical_days,
                "high": p.high_days,
                "medium": p.medium_days,
                "low": p.low_days,
            }
            for p in rows
        }
    )
