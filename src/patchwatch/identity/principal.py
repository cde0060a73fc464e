"""Who is calling: a user or an API key, with its organization and permissions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from patchwatch.identity.permissions import PLATFORM_ADMIN

if TYPE_CHECKING:
    from patchwatch.identity.models import ApiKey, User


@dataclass
class Principal:
    kind: str  # "user" | "api_key" | "system"
    actor_uuid: uuid.UUID | None
    label: str
    organization_id: int | None
    organization_uuid: uuid.UUID | None
    permissions: frozenset[str]
    client_address: str | None = None
    user: User | None = field(default=None, repr=False)
    api_key: ApiKey | None = field(default=None, repr=False)
    site_uuid: uuid.UUID | None = None
    session_family: uuid.UUID | None = None

    @property
    def is_platform_admin(self) -> bool:
        return PLATFORM_ADMIN in self.permissions

    def has(self, permission: str) -> bool:
        return permission in self.permissions

    def can_see_organization(self, organization_id: int | None) -> bool:
        return self.is_platform_admin or (
            organization_id is not None and organization_id == self.organization_id
        )


def system_principal(label: str = "system") -> Principal:
    """The actor for CLI commands and background jobs run by the operator."""
    from patchwatch.identity.permissions import PERMISSIONS

    return Principal(
        kind="system",
        actor_uuid=None,
        label=label,
        organization_id=None,
        organization_uuid=None,
        permissions=frozenset(PERMISSIONS),
    )
