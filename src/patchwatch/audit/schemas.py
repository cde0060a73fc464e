"""Shapes of audit events."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel


class AuditEventOut(BaseModel):
    uuid: UUID
    occurred_at: datetime
    actor_type: str
    actor_uuid: UUID | None
    actor_label: str
    action: str
    target_type: str
    target_uuid: UUID | None
    client_address: str | None
    changes: dict[str, Any]
    prev_hash: str
    hash: str


class ChainReportOut(BaseModel):
    ok: bool
    checked: int
    first_bad_uuid: UUID | None
    problem: str | None
