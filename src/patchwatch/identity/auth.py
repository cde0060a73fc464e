"""Sign-in, token refresh with rotation and reuse detection, sign-out, own password change."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import PermissionDenied, Unauthorized
from patchwatch.identity import service as identity
from patchwatch.identity import twofactor
from patchwatch.identity.models import RefreshToken, User
from patchwatch.identity.principal import Principal
from patchwatch.identity.throttle import LoginThrottle
from patchwatch.identity.tokens import (
    encode_access_token,
    hash_password,
    hash_token,
    needs_rehash,
    new_refresh_token,
    verify_password,
)
from patchwatch.settings import Settings


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def _actor(user: User, address: str | None) -> Principal:
    return Principal(
        kind="user",
        actor_uuid=user.uuid,
        label=user.login,
        organization_id=user.organization_id,
        organization_uuid=None,
        permissions=frozenset(),
        client_address=address,
    )


async def _issue(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    family: uuid.UUID,
    address: str | None,
) -> TokenPair:
    refresh = new_refresh_token()
    session.add(
        RefreshToken(
            family_id=family,
            user_id=user.id,
            token_hash=hash_token(refresh),
            expires_at=utcnow() + timedelta(days=settings.refresh_token_days),
            client_address=address,
        )
    )
    access, expires_in = encode_access_token(
        user_uuid=user.uuid,
        family=family,
        secret=settings.secret_key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=expires_in)


async def _failed(
    session: AsyncSession, throttle: LoginThrottle, login: str, address: str | None, reason: str
) -> None:
    await throttle.failed(login, address)
    await audit.record(
        session,
        None,
        "auth.login_failed",
        target_type="user",
        target_uuid=None,
        organization_id=None,
        changes={"attempted_login": login[:200], "reason": reason, "address": address},
    )
    await session.commit()


async def login(
    session: AsyncSession,
    settings: Settings,
    throttle: LoginThrottle,
    *,
    login: str,
    password: str,
    otp_code: str | None,
    address: str | None,
) -> TokenPair:
    """Check the credentials (and the second factor) and open a new session."""
    await throttle.check(login, address)
    user = await identity.find_user_by_login_or_email(session, login)
    password_ok = await asyncio.to_thread(
        verify_password, password, user.password_hash if user else None
    )
    if user is None or not password_ok:
        await _failed(session, throttle, login, address, "invalid_credentials")
        raise Unauthorized("The login or the password is wrong.", code="invalid_credentials")
    # The password was right: now it is safe to say why the account cannot sign in.
    if not user.is_approved:
        raise PermissionDenied("This account is waiting for approval.", code="account_not_approved")
    if not user.can_log_in:
        raise PermissionDenied("This account is deactivated.", code="account_inactive")
    if user.totp_enabled:
        if not otp_code:
            raise Unauthorized(
                "Enter the code from your authenticator app or a backup code.",
                code="otp_required",
            )
        if not await twofactor.verify_second_factor(session, user, otp_code):
            await _failed(session, throttle, login, address, "invalid_otp")
            raise Unauthorized("The two-factor code is wrong or was used.", code="invalid_otp")
    await throttle.succeeded(login)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, password)
    user.last_login_at = utcnow()
    pair = await _issue(session, settings, user, family=uuid.uuid4(), address=address)
    await audit.record(
        session,
        _actor(user, address),
        "auth.login",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
    )
    await session.commit()
    return pair


async def refresh(
    session: AsyncSession, settings: Settings, *, refresh_token: str, address: str | None
) -> TokenPair:
    """Rotate a refresh token. A token used twice revokes its whole family (theft detection)."""
    now = utcnow()
    row = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_token(refresh_token))
    )
    if row is None or row.revoked_at is not None:
        raise Unauthorized("The refresh token is not valid.", code="invalid_refresh_token")
    if row.used_at is not None:
        await revoke_family(session, row.family_id)
        user = await session.get(User, row.user_id)
        await audit.record(
            session,
            _actor(user, address) if user else None,
            "auth.refresh_token_reused",
            target_type="user",
            target_uuid=user.uuid if user else None,
            organization_id=user.organization_id if user else None,
        )
        await session.commit()
        raise Unauthorized(
            "This refresh token was already used; the session has been ended.",
            code="refresh_token_reused",
        )
    if row.expires_at <= now:
        raise Unauthorized("The refresh token has expired.", code="refresh_token_expired")
    user = await session.get(User, row.user_id)
    if user is None or not user.can_log_in:
        raise Unauthorized("This account cannot sign in.", code="account_inactive")
    row.used_at = now
    pair = await _issue(session, settings, user, family=row.family_id, address=address)
    await session.commit()
    return pair


async def revoke_family(session: AsyncSession, family: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def logout(session: AsyncSession, principal: Principal, *, everywhere: bool) -> None:
    """End the caller's session (or every session of the caller)."""
    user = principal.user
    if user is None:
        return
    if everywhere:
        await identity.revoke_sessions(session, user)
    elif principal.session_family is not None:
        await revoke_family(session, principal.session_family)
    await audit.record(
        session,
        principal,
        "auth.logout_everywhere" if everywhere else "auth.logout",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
    )
    await session.commit()


async def change_own_password(
    session: AsyncSession, principal: Principal, *, current_password: str, new_password: str
) -> None:
    """Change the caller's password; every other session ends, this one stays."""
    user = principal.user
    assert user is not None
    if not await asyncio.to_thread(verify_password, current_password, user.password_hash):
        raise PermissionDenied("The current password is wrong.", code="invalid_credentials")
    await identity.set_password(
        session, principal, user, new_password, keep_family=principal.session_family
    )
    await session.commit()
