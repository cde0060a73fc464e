"""SLA reminders: an exposure whose deadline is N days away emits `sla_deadline_approaching`.

Once per exposure deadline and threshold (``sla_reminders`` remembers). When several
thresholds apply at once (a deadline already less than a day away when first seen), only the
nearest is emitted and all are remembered, so nobody hears "7 days" after "1 day".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import insert_ignoring_conflicts, utcnow
from patchwatch.events.service import emit
from patchwatch.notify.models import SlaReminder
from patchwatch.status.breaches import exposures_due_between


async def _already_sent(session: AsyncSession, rows: list[Any]) -> set[tuple[int, int]]:
    ids = [row.id for row in rows]
    sent = await session.execute(
        select(SlaReminder.installed_package_id, SlaReminder.days, SlaReminder.sla_due_at).where(
            SlaReminder.installed_package_id.in_(ids)
        )
    )
    due = {row.id: row.sla_due_at for row in rows}
    return {(pid, days) for pid, days, at in sent.all() if due.get(pid) == at}


async def emit_sla_reminders(
    session: AsyncSession, thresholds: list[int], *, now: datetime | None = None
) -> int:
    """Emit the reminders due at ``now`` for every threshold (days); how many were emitted."""
    now = now or utcnow()
    days_list = sorted({days for days in thresholds if days > 0})
    if not days_list:
        return 0
    rows = await exposures_due_between(session, now, now + timedelta(days=days_list[-1]))
    sent = await _already_sent(session, rows)
    remember: list[dict[str, Any]] = []
    emitted = 0
    for row in rows:
        applicable = [days for days in days_list if row.sla_due_at < now + timedelta(days=days)]
        nearest = applicable[0]
        if (row.id, nearest) in sent:
            continue
        _emit(session, row, nearest)
        emitted += 1
        remember += [
            {"installed_package_id": row.id, "days": days, "sla_due_at": row.sla_due_at}
            for days in applicable
            if (row.id, days) not in sent
        ]
    if remember:
        dialect = session.get_bind().dialect.name
        await session.execute(
            insert_ignoring_conflicts(dialect, SlaReminder.__table__),
            [{**item, "created_at": now} for item in remember],
        )
    return emitted


def _emit(session: AsyncSession, row: Any, days: int) -> None:
    emit(
        session,
        "sla_deadline_approaching",
        aggregate_type="site",
        aggregate_uuid=row.site_uuid,
        organization_id=row.organization_id,
        payload={
            "site_uuid": str(row.site_uuid),
            "site_name": row.site_name,
            "package": row.package,
            "version": row.version,
            "severity": row.severity,
            "recommended_version": row.recommended_version,
            "sla_due_at": row.sla_due_at.isoformat(),
            "days": days,
        },
    )
