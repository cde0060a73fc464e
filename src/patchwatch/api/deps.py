"""Request dependencies: the database session, the calling principal, permission checks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import (
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBearer,
    OAuth2PasswordBearer,
)
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import Database, utcnow
from patchwatch.errors import PermissionDenied, Unauthorized
from patchwatch.identity.models import ApiKey, RefreshToken, User
from patchwatch.identity.principal import Principal
from patchwatch.identity.tokens import API_KEY_PREFIX, decode_access_token, hash_token
from patchwatch.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="JWT access token or pw_ API key")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
# Only documents the password flow, so that /docs "Authorize" can sign in with a form; the token
# it gets is sent as the same "Authorization: Bearer" header that _bearer reads.
_oauth2 = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    auto_error=False,
    description="Sign in with login and password (users with 2FA: the code as client_secret)",
)
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_database(request).sessionmaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _unauthorized(message: str, code: str = "unauthorized") -> Unauthorized:
    return Unauthorized(message, code=code, headers={"WWW-Authenticate": "Bearer"})


async def principal_for_user(session: AsyncSession, user: User) -> Principal:
    return Principal(
        kind="user",
        actor_uuid=user.uuid,
        label=user.login,
        organization_id=user.organization_id,
        organization_uuid=user.organization.uuid,
        permissions=frozenset(user.role.permissions),
        user=user,
    )


async def _principal_from_jwt(session: AsyncSession, settings: Settings, token: str) -> Principal:
    claims = decode_access_token(
        token,
        keys=settings.token_keys,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )
    stmt = select(User).where(User.uuid == claims.user_uuid)
    if claims.family is not None:
        # One round trip: the user, and only while the session (token family) is alive.
        stmt = stmt.where(
            exists().where(
                RefreshToken.family_id == claims.family, RefreshToken.revoked_at.is_(None)
            )
        )
    user = await session.scalar(stmt)
    if user is None or not user.can_log_in:
        raise _unauthorized(
            "This session has ended or the account cannot sign in.", "session_ended"
        )
    principal = await principal_for_user(session, user)
    principal.session_family = claims.family
    return principal


async def _principal_from_api_key(session: AsyncSession, key: str) -> Principal:
    api_key = await session.scalar(select(ApiKey).where(ApiKey.secret_hash == hash_token(key)))
    now = utcnow()
    if api_key is None or api_key.revoked_at is not None:
        raise _unauthorized("The API key is not valid.", "invalid_api_key")
    if api_key.expires_at is not None and api_key.expires_at <= now:
        raise _unauthorized("The API key has expired.", "api_key_expired")
    org = api_key.organization
    if not org.is_active or org.is_deleted:
        raise _unauthorized("The API key's organization is not active.", "invalid_api_key")
    if api_key.last_used_at is None or now - api_key.last_used_at > _LAST_USED_RESOLUTION:
        api_key.last_used_at = now
        await session.commit()
    return Principal(
        kind="api_key",
        actor_uuid=api_key.uuid,
        label=f"api key {api_key.prefix}",
        organization_id=api_key.organization_id,
        organization_uuid=org.uuid,
        permissions=frozenset(api_key.permissions),
        api_key=api_key,
        site_uuid=api_key.site_uuid,
    )


async def get_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_api_key: Annotated[str | None, Depends(_api_key_header)],
    _oauth2_token: Annotated[str | None, Depends(_oauth2)] = None,
) -> Principal:
    """Authenticate the caller by JWT or API key; 401 otherwise."""
    if x_api_key:
        principal = await _principal_from_api_key(session, x_api_key)
    elif bearer is not None and bearer.credentials.startswith(API_KEY_PREFIX):
        principal = await _principal_from_api_key(session, bearer.credentials)
    elif bearer is not None:
        principal = await _principal_from_jwt(session, settings, bearer.credentials)
    else:
        raise _unauthorized("Authentication required.")
    principal.client_address = client_address(request)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(permission: str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that authenticates the caller and checks one permission."""

    async def _check(principal: PrincipalDep) -> Principal:
        if not principal.has(permission):
            raise PermissionDenied(
                f"This needs the permission '{permission}'.",
                details=[{"permission": permission}],
            )
        return principal

    _check.__name__ = f"require_{permission.replace(':', '_')}"
    return _check


def require_user(permission: str | None = None) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """Like ``require``, but only a signed-in person (not an API key) may call."""

    async def _check(principal: PrincipalDep) -> Principal:
        if principal.kind != "user":
            raise PermissionDenied("Only a signed-in user can do this.", code="user_required")
        if permission and not principal.has(permission):
            raise PermissionDenied(
                f"This needs the permission '{permission}'.",
                details=[{"permission": permission}],
            )
        return principal

    return _check
