"""Every module's tables, imported once so that Alembic and tests see the whole schema."""

from patchwatch.audit.models import AuditEvent
from patchwatch.db import Base
from patchwatch.events.models import OutboxEvent
from patchwatch.identity.models import (
    ApiKey,
    BackupCode,
    Group,
    Organization,
    RefreshToken,
    Role,
    User,
)

__all__ = [
    "ApiKey",
    "AuditEvent",
    "BackupCode",
    "Base",
    "Group",
    "Organization",
    "OutboxEvent",
    "RefreshToken",
    "Role",
    "User",
]
