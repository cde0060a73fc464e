"""Shapes of API keys."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field

from patchwatch.identity.schemas import Input, PermissionName

if TYPE_CHECKING:
    from patchwatch.identity.models import ApiKey


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


def key_out(api_key: ApiKey) -> ApiKeyOut:
    """A key as the API shows it (never its secret; its organization loaded)."""
    return ApiKeyOut(
        uuid=api_key.uuid,
        name=api_key.name,
        prefix=api_key.prefix,
        organization_uuid=api_key.organization.uuid,
        permissions=api_key.permissions,
        site_uuid=api_key.site_uuid,
        created_at=api_key.created_at,
        created_by=api_key.created_by,
        last_used_at=api_key.last_used_at,
        expires_at=api_key.expires_at,
        revoked_at=api_key.revoked_at,
    )


def key_created(api_key: ApiKey, secret: str) -> ApiKeyCreated:
    """A new key's answer: the only time its secret is shown."""
    return ApiKeyCreated(**key_out(api_key).model_dump(), secret=secret)
