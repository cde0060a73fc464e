"""Every module's tables, imported once so that Alembic and tests see the whole schema."""

from patchwatch.audit.models import AuditEvent
from patchwatch.catalog.models import Advisory, AffectedPackage, Package, Release
from patchwatch.db import Base
from patchwatch.events.models import EventConsumerLease, EventDelivery, OutboxEvent, SiteActivity
from patchwatch.identity.models import (
    ApiKey,
    BackupCode,
    Group,
    Organization,
    RefreshToken,
    Role,
    User,
)
from patchwatch.jobs.models import ScheduledJob
from patchwatch.notify.models import (
    Delivery,
    Notification,
    NotificationPreference,
    SlaReminder,
    Webhook,
)
from patchwatch.patching.models import (
    CalendarFeed,
    Cycle,
    CycleTarget,
    Import,
    MaintenanceRequest,
    PatchRun,
    PatchRunItem,
)
from patchwatch.rollouts.models import (
    RolloutCollection,
    RolloutCycle,
    RolloutDeployment,
    RolloutReport,
    RolloutReportRow,
)
from patchwatch.sites.models import InstalledPackage, Site, Snapshot
from patchwatch.status.models import SlaPolicy, VersionStatus
from patchwatch.work.models import LedgerEntry, Statement, Task, TaskPriceList

__all__ = [
    "Advisory",
    "AffectedPackage",
    "ApiKey",
    "AuditEvent",
    "BackupCode",
    "Base",
    "CalendarFeed",
    "Cycle",
    "CycleTarget",
    "Delivery",
    "EventConsumerLease",
    "EventDelivery",
    "Group",
    "Import",
    "InstalledPackage",
    "LedgerEntry",
    "MaintenanceRequest",
    "Notification",
    "NotificationPreference",
    "Organization",
    "OutboxEvent",
    "Package",
    "PatchRun",
    "PatchRunItem",
    "RefreshToken",
    "Release",
    "Role",
    "RolloutCollection",
    "RolloutCycle",
    "RolloutDeployment",
    "RolloutReport",
    "RolloutReportRow",
    "ScheduledJob",
    "Site",
    "SiteActivity",
    "SlaPolicy",
    "SlaReminder",
    "Snapshot",
    "Statement",
    "Task",
    "TaskPriceList",
    "User",
    "VersionStatus",
    "Webhook",
]
