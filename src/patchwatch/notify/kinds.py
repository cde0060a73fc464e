"""What can be subscribed: the notification kinds, the events behind them, and the defaults.

A kind is what a user chooses channels for; one or more domain event types produce it. Users
without a saved preference for a kind get their role's default (``default_preference``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    email = "email"
    webhook = "webhook"
    in_app = "in_app"


class Digest(StrEnum):
    immediate = "immediate"
    daily = "daily"


@dataclass(frozen=True)
class Kind:
    name: str
    description: str
    event_types: tuple[str, ...]


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "security_update",
            "A new security update on a site of my organization",
            ("security_update_detected",),
        ),
        Kind(
            "sla_due_soon",
            "An SLA deadline is a few days away",
            ("sla_deadline_approaching",),
        ),
        Kind("sla_breached", "An SLA deadline has passed", ("sla_breached",)),
        Kind("task_assigned", "A task was assigned to me", ("task_assigned",)),
        Kind(
            "maintenance_submitted",
            "A maintenance request waits for a decision",
            ("maintenance_request.submitted",),
        ),
        Kind(
            "maintenance_accepted",
            "My maintenance request was accepted",
            ("maintenance_request.accepted",),
        ),
        Kind(
            "maintenance_rejected",
            "My maintenance request was rejected",
            ("maintenance_request.rejected",),
        ),
        Kind(
            "registration_pending",
            "A registration waits for my approval",
            ("user_registered",),
        ),
        Kind("account_approved", "My account was approved", ("user_approved",)),
        Kind("import_finished", "My file import finished", ("import.finished",)),
        Kind("statement", "A daily statement was closed", ("statement_closed",)),
        Kind("catalog_sync_failed", "The catalog sync failed", ("catalog_sync_failed",)),
        Kind("webhook_disabled", "My webhook was disabled after repeated failures", ()),
    )
}
KIND_OF_EVENT: dict[str, str] = {
    event_type: kind.name for kind in KINDS.values() for event_type in kind.event_types
}
EVENT_TYPES: tuple[str, ...] = tuple(KIND_OF_EVENT)

IN_APP = (Channel.in_app,)
EMAIL_AND_IN_APP = (Channel.email, Channel.in_app)
# Kinds every user gets by email as well (they are about the user themself).
_PERSONAL = {
    "task_assigned",
    "maintenance_accepted",
    "maintenance_rejected",
    "account_approved",
    "webhook_disabled",
    "statement",
}
# Per role, the kinds that also go by email (everything else: in-app only).
_EMAIL_BY_ROLE: dict[str, set[str]] = {
    "admin": {"catalog_sync_failed", "registration_pending", "sla_breached"},
    "manager": {
        "security_update",
        "sla_due_soon",
        "sla_breached",
        "maintenance_submitted",
        "registration_pending",
    },
    "engineer": {"security_update", "sla_due_soon", "sla_breached"},
    "requester": set(),
    "viewer": set(),
}
# Security updates come in bursts (a core release hits every site): a daily digest for managers.
_DAILY_BY_ROLE: dict[str, set[str]] = {"manager": {"security_update"}}


def default_preference(role: str, kind: str) -> tuple[tuple[Channel, ...], Digest]:
    """The channels and digest of ``kind`` for a user of ``role`` who saved no preference."""
    email = kind in _PERSONAL or kind in _EMAIL_BY_ROLE.get(role, set())
    digest = Digest.daily if kind in _DAILY_BY_ROLE.get(role, set()) else Digest.immediate
    return (EMAIL_AND_IN_APP if email else IN_APP), digest
