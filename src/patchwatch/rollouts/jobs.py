"""The periodic job of rollouts: a cycle's deadline passing turns a waiting amber into red.

The RAG rule (rollouts/rag.py) keeps a cycle amber below the amber threshold only while its
deadline is ahead. A report upload applies the rule, but nobody uploads at the deadline: this job
applies it again to the active, rule-driven amber cycles whose deadline has passed, so the status
(and its ``rollout_cycle_rag_changed`` event) follows the clock, at most one interval late.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from patchwatch.db import Database, utcnow
from patchwatch.identity.principal import system_principal
from patchwatch.rollouts.models import RolloutCycle
from patchwatch.rollouts.schemas import Rag, RagSource
from patchwatch.rollouts.service import rejudge_rag
from patchwatch.settings import Settings


async def deadlines(database: Database, _settings: Settings) -> dict[str, Any]:
    now = utcnow()
    actor = system_principal("rollout deadlines")
    async with database.sessionmaker() as session:
        cycles = (
            await session.scalars(
                select(RolloutCycle)
                .where(
                    RolloutCycle.is_active.is_(True),
                    RolloutCycle.rag_source == RagSource.rules.value,
                    RolloutCycle.rag_status == Rag.amber.value,
                    RolloutCycle.deadline <= now,
                )
                .order_by(RolloutCycle.id)
            )
        ).all()
        turned = sum([await rejudge_rag(session, actor, cycle, now) for cycle in cycles])
        await session.commit()
    return {"checked": len(cycles), "changed": turned}
