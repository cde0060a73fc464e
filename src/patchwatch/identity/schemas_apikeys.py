"""Shapes of API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field

from patchwatch.identity.schemas import Input, PermissionName


class ApiKeyCreate(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    permissions: Annotated[list[PermissionName], Field(max_length=50)]
    site_uuid: UUID | None = None
    expires_at: AwareDatetime | None = None
    organization_uuid: UUID | None = Field(
        default=None,
        description="The key's organization (default: yours); another one: platform admin only",
    )


class ApiKeyOut(BaseModel):
    uuid: UUID
    name: str
    prefix: str
    organization_uuid: UUID
    permissions: list[str]
    site_uuid: UUID | None
    created_at: datetime
    created_by: UUID | None
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="Shown once; store it now")
