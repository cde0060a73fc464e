"""The identity API's shapes: what goes in (strict, bounded) and what comes out (no secrets)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator

# Case-insensitive in, lower-case out; no '@', so a login never looks like an email.
Login = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$"
    ),
]
Password = Annotated[str, Field(min_length=1, max_length=256)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
PermissionName = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[a-z_]+:[a-z_]+$")]
MAX_PREFERENCES_BYTES = 16_384


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


_MAX_DEPTH = 6
_MAX_SAFE_INT = 2**53


def _check_json_value(value: Any, depth: int = 0) -> None:
    """Plain, storable JSON: bounded depth, safe integers, no NUL characters."""
    if depth > _MAX_DEPTH:
        raise ValueError(f"nested deeper than {_MAX_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_json_value(key, depth + 1)
            _check_json_value(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json_value(item, depth + 1)
    elif isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > _MAX_SAFE_INT:
            raise ValueError("integers must be within ±2^53")
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("numbers must be finite")


def _check_preferences(value: dict[str, Any] | None) -> dict[str, Any] | None:
    import orjson

    if value is None:
        return value
    _check_json_value(value)
    if len(orjson.dumps(value)) > MAX_PREFERENCES_BYTES:
        raise ValueError(f"notification preferences are limited to {MAX_PREFERENCES_BYTES} bytes")
    return value


class OrganizationRef(BaseModel):
    uuid: UUID
    name: str


class OrganizationOut(BaseModel):
    uuid: UUID
    name: str
    tax_id: str | None
    currency: str
    is_active: bool
    is_deleted: bool
    created_at: datetime
    updated_at: datetime
    created_by: UUID | None
    updated_by: UUID | None


class OrganizationCreate(Input):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    tax_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "EUR"


class OrganizationUpdate(Input):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    tax_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    is_active: bool | None = None


class UserOut(BaseModel):
    uuid: UUID
    login: str
    email: str
    name: str
    organization: OrganizationRef
    role: str
    groups: list[str]
    is_active: bool
    is_deleted: bool
    is_approved: bool
    approved_by: UUID | None
    approved_at: datetime | None
    last_login_at: datetime | None
    totp_enabled: bool
    has_password: bool
    notification_preferences: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class MeOut(UserOut):
    permissions: list[str]


class UserCreate(Input):
    login: Login
    email: EmailStr
    name: Name = ""
    role: Annotated[str, Field(min_length=1, max_length=64)] = "viewer"
    password: Password | None = None
    organization_uuid: UUID | None = None
    groups: Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=50)] = []
    is_approved: bool = False


class UserUpdate(Input):
    name: Name | None = None
    email: EmailStr | None = None
    role: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    notification_preferences: dict[str, Any] | None = None

    _prefs = field_validator("notification_preferences")(_check_preferences)


class MeUpdate(Input):
    name: Name | None = None
    notification_preferences: dict[str, Any] | None = None

    _prefs = field_validator("notification_preferences")(_check_preferences)


class RoleOut(BaseModel):
    uuid: UUID
    name: str
    description: str
    permissions: list[str]
    is_builtin: bool


class RoleCreate(Input):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{1,63}$")]
    description: Annotated[str, Field(max_length=500)] = ""
    permissions: Annotated[list[PermissionName], Field(max_length=100)]


class RoleUpdate(Input):
    description: Annotated[str, Field(max_length=500)] | None = None
    permissions: Annotated[list[PermissionName], Field(max_length=100)] | None = None


class GroupOut(BaseModel):
    uuid: UUID
    name: str
    description: str
    is_builtin: bool


class GroupCreate(Input):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{1,63}$")]
    description: Annotated[str, Field(max_length=500)] = ""


class GroupNamesIn(Input):
    groups: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=50)
    ]


class RegisterIn(Input):
    login: Login
    email: EmailStr
    password: Password
    name: Name = ""
    organization_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None


def user_out(user: Any) -> UserOut:
    """The public view of a user (never the password hash, TOTP secret or codes)."""
    return UserOut(
        uuid=user.uuid,
        login=user.login,
        email=user.email,
        name=user.name,
        organization=OrganizationRef(uuid=user.organization.uuid, name=user.organization.name),
        role=user.role.name,
        groups=sorted(g.name for g in user.groups),
        is_active=user.is_active,
        is_deleted=user.is_deleted,
        is_approved=user.is_approved,
        approved_by=user.approved_by,
        approved_at=user.approved_at,
        last_login_at=user.last_login_at,
        totp_enabled=user.totp_enabled,
        has_password=user.password_hash is not None,
        notification_preferences=user.notification_preferences or {},
        created_at=user.created_at,
        updated_at=user.updated_at,
    )
