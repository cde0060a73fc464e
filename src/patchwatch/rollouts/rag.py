"""The RAG rule of a cycle: pure, from its latest KPIs, the deployment's thresholds and time.

1. failed % above ``red_failed`` -> red;
2. installed % at least ``green_installed`` and failed % at most ``amber_failed`` -> green;
3. installed % at least ``amber_installed``, or the deadline not yet reached -> amber;
4. otherwise red (the deadline has passed, or there is none and we are below amber).
No devices (no report yet) -> no RAG at all.
"""

from __future__ import annotations

from datetime import datetime

from patchwatch.rollouts.schemas import Kpis, Rag, Thresholds


def decide_rag(
    kpis: Kpis | None, thresholds: Thresholds, deadline: datetime | None, now: datetime
) -> Rag | None:
    if kpis is None or kpis.devices == 0:
        return None
    if kpis.failed_percent > thresholds.red_failed:
        return Rag.red
    if (
        kpis.installed_percent >= thresholds.green_installed
        and kpis.failed_percent <= thresholds.amber_failed
    ):
        return Rag.green
    if kpis.installed_percent >= thresholds.amber_installed or (
        deadline is not None and now < deadline
    ):
        return Rag.amber
    return Rag.red
