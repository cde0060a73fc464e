"""Append audit events to the hash chain; list them; verify the chain."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit.models import AuditEvent
from patchwatch.db import utcnow
from patchwatch.identity.principal import Principal

GENESIS_HASH = "0" * 64
_SECRET_MARKERS = ("password", "secret", "token", "otp", "code_hash", "backup")
# Any constant works; it names the one lock that serialises appends on PostgreSQL.
_CHAIN_LOCK_KEY = 7_301_845_001


def redact(changes: dict[str, Any]) -> dict[str, Any]:
    """Drop secret values from a change set before it is written anywhere."""
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if any(marker in key.lower() for marker in _SECRET_MARKERS):
            clean[key] = "[redacted]"
        elif isinstance(value, dict):
            clean[key] = redact(value)
        else:
            clean[key] = value
    return clean


def compute_hash(event: AuditEvent) -> str:
    """The chain hash: the previous hash and the event's content, canonically serialised."""
    content = {
        "uuid": str(event.uuid),
        "occurred_at": event.occurred_at.isoformat(),
        "actor_type": event.actor_type,
        "actor_uuid": str(event.actor_uuid) if event.actor_uuid else None,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_uuid": str(event.target_uuid) if event.target_uuid else None,
        "organization_id": event.organization_id,
        "client_address": event.client_address,
        "changes": event.changes,
    }
    payload = event.prev_hash.encode() + orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()


async def record(
    session: AsyncSession,
    actor: Principal | None,
    action: str,
    *,
    target_type: str,
    target_uuid: uuid.UUID | None,
    organization_id: int | None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event (in the caller's transaction), chained to the previous one."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    else:
        # SQLite: a write statement takes the database's write lock before we read the last
        # hash, so two concurrent appends cannot chain to the same previous event.
        await session.execute(text("UPDATE audit_events SET id = id WHERE 0"))
    prev_hash = await session.scalar(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    )
    event = AuditEvent(
        uuid=uuid.uuid4(),
        occurred_at=utcnow(),
        actor_type=actor.kind if actor else "system",
        actor_uuid=actor.actor_uuid if actor else None,
        actor_label=actor.label if actor else "system",
        action=action,
        target_type=target_type,
        target_uuid=target_uuid,
        organization_id=organization_id,
        client_address=actor.client_address if actor else None,
        changes=redact(changes or {}),
        prev_hash=prev_hash or GENESIS_HASH,
    )
    event.hash = compute_hash(event)
    session.add(event)
    await session.flush()
    return event


@dataclass
class ChainReport:
    checked: int
    ok: bool
    first_bad_uuid: uuid.UUID | None = None
    problem: str | None = None


async def verify_chain(session: AsyncSession, batch_size: int = 1000) -> ChainReport:
    """Walk the whole chain in order; report the first event whose link or content broke."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        rows = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch_size)
            )
        ).all()
        if not rows:
            return ChainReport(checked=checked, ok=True)
        for event in rows:
            if event.prev_hash != expected_prev:
                return ChainReport(checked, False, event.uuid, "link to previous event broken")
            if compute_hash(event) != event.hash:
                return ChainReport(checked, False, event.uuid, "content does not match its hash")
            expected_prev = event.hash
            checked += 1
            last_id = event.id
