"""KPIs of reports and cycles: devices, installed / failed / in progress / not reported, error
codes by frequency, per ring and per collection, and a cycle's trend.

A cycle's devices at a report are every device the cycle's reports have shown up to that
moment: one seen earlier and missing from this report counts as not reported (in the collection
it was last seen in).
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.rollouts.models import (
    RolloutCollection,
    RolloutCycle,
    RolloutReport,
    RolloutReportRow,
)
from patchwatch.rollouts.parsing import FAILED, IN_PROGRESS, INSTALLED, NOT_REPORTED, OTHER
from patchwatch.rollouts.schemas import (
    CollectionKpis,
    ErrorCodeCount,
    Kpis,
    ReportKpis,
    RingKpis,
    TrendPoint,
)

TOP_ERROR_CODES = 10


@dataclass(frozen=True)
class Observation:
    site_id: int
    collection_id: int | None
    status: str
    error_code: str | None


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def summarise(observations: Iterable[Observation]) -> dict[str, Any]:
    """The KPI fields of a set of devices' statuses."""
    statuses: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for seen in observations:
        statuses[seen.status] += 1
        if seen.error_code:
            codes[seen.error_code] += 1
    devices = sum(statuses.values())
    top = sorted(codes.items(), key=lambda item: (-item[1], item[0]))[:TOP_ERROR_CODES]
    return {
        "devices": devices,
        "installed": statuses[INSTALLED],
        "failed": statuses[FAILED],
        "in_progress": statuses[IN_PROGRESS],
        "not_reported": statuses[NOT_REPORTED],
        "other": statuses[OTHER],
        "installed_percent": _percent(statuses[INSTALLED], devices),
        "failed_percent": _percent(statuses[FAILED], devices),
        "in_progress_percent": _percent(statuses[IN_PROGRESS], devices),
        "not_reported_percent": _percent(statuses[NOT_REPORTED], devices),
        "top_error_codes": [ErrorCodeCount(code=code, devices=n) for code, n in top],
    }


async def _observations(session: AsyncSession, report: RolloutReport) -> list[Observation]:
    """The report's rows, and the cycle's earlier devices it misses (as not reported)."""
    rows = await session.execute(
        select(
            RolloutReportRow.site_id,
            RolloutReportRow.collection_id,
            RolloutReportRow.status,
            RolloutReportRow.error_code,
        ).where(RolloutReportRow.report_id == report.id)
    )
    present = [Observation(*row) for row in rows.tuples()]
    earlier = await session.execute(
        select(RolloutReportRow.site_id, RolloutReportRow.collection_id)
        .join(RolloutReport, RolloutReport.id == RolloutReportRow.report_id)
        .where(
            RolloutReport.cycle_id == report.cycle_id,
            RolloutReport.reported_at < report.reported_at,
        )
        .order_by(RolloutReport.reported_at, RolloutReportRow.id)
    )
    last_collection: dict[int, int | None] = {}
    for site_id, collection_id in earlier.tuples():
        last_collection[site_id] = collection_id  # the latest report wins
    here = {seen.site_id for seen in present}
    missing = [
        Observation(site_id, collection_id, NOT_REPORTED, None)
        for site_id, collection_id in last_collection.items()
        if site_id not in here
    ]
    return present + missing


async def report_kpis(session: AsyncSession, report: RolloutReport) -> ReportKpis:
    observations = await _observations(session, report)
    collections = {
        c.id: c
        for c in await session.scalars(
            select(RolloutCollection).where(RolloutCollection.cycle_id == report.cycle_id)
        )
    }
    by_ring: dict[int | None, list[Observation]] = defaultdict(list)
    by_collection: dict[int | None, list[Observation]] = defaultdict(list)
    for seen in observations:
        collection = collections.get(seen.collection_id) if seen.collection_id else None
        by_ring[collection.ring if collection else None].append(seen)
        by_collection[collection.id if collection else None].append(seen)
    rings = [
        RingKpis(ring=ring, **summarise(group))
        for ring, group in sorted(by_ring.items(), key=lambda item: (item[0] is None, item[0]))
    ]
    collection_kpis = []
    for collection_id, group in by_collection.items():
        collection = collections.get(collection_id) if collection_id else None
        collection_kpis.append(
            CollectionKpis(
                collection_uuid=collection.uuid if collection else None,
                name=collection.name if collection else None,
                ring=collection.ring if collection else None,
                **summarise(group),
            )
        )
    collection_kpis.sort(key=lambda c: (c.ring is None, c.ring or 0, c.name or ""))
    return ReportKpis(
        report_uuid=report.uuid,
        reported_at=report.reported_at,
        totals=Kpis(**summarise(observations)),
        rings=rings,
        collections=collection_kpis,
    )


async def latest_report(session: AsyncSession, cycle: RolloutCycle) -> RolloutReport | None:
    report: RolloutReport | None = await session.scalar(
        select(RolloutReport)
        .where(RolloutReport.cycle_id == cycle.id)
        .order_by(RolloutReport.reported_at.desc(), RolloutReport.id.desc())
        .limit(1)
    )
    return report


async def trend(session: AsyncSession, cycle: RolloutCycle) -> list[TrendPoint]:
    """One point per report shown in history, oldest first (two grouped queries)."""
    reports = list(
        await session.scalars(
            select(RolloutReport)
            .where(RolloutReport.cycle_id == cycle.id)
            .order_by(RolloutReport.reported_at, RolloutReport.id)
        )
    )
    shown = [r for r in reports if r.show_in_history]
    if not shown:
        return []
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    grouped = await session.execute(
        select(RolloutReportRow.report_id, RolloutReportRow.status, func.count())
        .where(RolloutReportRow.report_id.in_([r.id for r in shown]))
        .group_by(RolloutReportRow.report_id, RolloutReportRow.status)
    )
    for report_id, status, count in grouped.tuples():
        counts[report_id][status] = int(count)
    first_seen = sorted(
        (
            await session.execute(
                select(func.min(RolloutReport.reported_at))
                .join(RolloutReportRow, RolloutReportRow.report_id == RolloutReport.id)
                .where(RolloutReport.cycle_id == cycle.id)
                .group_by(RolloutReportRow.site_id)
            )
        ).scalars()
    )
    points = []
    for report in shown:
        statuses = counts[report.id]
        devices = bisect.bisect_right(first_seen, report.reported_at)
        missing = devices - sum(statuses.values())
        points.append(
            TrendPoint(
                report_uuid=report.uuid,
                reported_at=report.reported_at,
                devices=devices,
                installed_percent=_percent(statuses[INSTALLED], devices),
                failed_percent=_percent(statuses[FAILED], devices),
                in_progress=statuses[IN_PROGRESS],
                not_reported=statuses[NOT_REPORTED] + missing,
            )
        )
    return points
