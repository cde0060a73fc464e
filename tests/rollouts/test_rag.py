"""The RAG rule (pure): thresholds, failed limits, the deadline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from patchwatch.rollouts.rag import decide_rag
from patchwatch.rollouts.schemas import Kpis, Rag, Thresholds

NOW = datetime(2020, 5, 21, tzinfo=UTC)
BEFORE = datetime(2020, 5, 1, tzinfo=UTC)
AFTER = datetime(2020, 6, 1, tzinfo=UTC)


def _kpis(installed: float, failed: float, devices: int = 100) -> Kpis:
    return Kpis(
        devices=devices,
        installed=0,
        failed=0,
        in_progress=0,
        not_reported=0,
        other=0,
        installed_percent=installed,
        failed_percent=failed,
        in_progress_percent=0.0,
        not_reported_percent=0.0,
        top_error_codes=[],
    )


@pytest.mark.parametrize(
    ("installed", "failed", "deadline", "rag"),
    [
        (95.0, 0.0, None, Rag.green),
        (95.0, 5.0, BEFORE, Rag.green),
        (99.0, 5.1, None, Rag.amber),  # too many failed for green
        (94.9, 0.0, None, Rag.amber),
        (80.0, 0.0, BEFORE, Rag.amber),
        (79.9, 0.0, None, Rag.red),  # no deadline: judged now
        (79.9, 0.0, BEFORE, Rag.red),  # deadline passed
        (10.0, 0.0, AFTER, Rag.amber),  # deadline not yet reached
        (99.0, 20.1, AFTER, Rag.red),  # failed above the red limit
    ],
)
def test_the_default_rule(
    installed: float, failed: float, deadline: datetime | None, rag: Rag
) -> None:
    assert decide_rag(_kpis(installed, failed), Thresholds(), deadline, NOW) == rag


def test_no_devices_give_no_rag() -> None:
    assert decide_rag(None, Thresholds(), None, NOW) is None
    assert decide_rag(_kpis(0.0, 0.0, devices=0), Thresholds(), None, NOW) is None


def test_a_deployment_s_thresholds_are_used() -> None:
    lenient = Thresholds(green_installed=70, amber_installed=50, amber_failed=10, red_failed=30)
    assert decide_rag(_kpis(75.0, 8.0), lenient, None, NOW) == Rag.green
    assert decide_rag(_kpis(60.0, 25.0), lenient, None, NOW) == Rag.amber
