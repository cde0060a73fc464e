"""Sign-in, token refresh with rotation and reuse detection, sign-out, the caller's own account."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn, cast

from sqlalchemy import CursorResult, select, update
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


def _anonymous(address: str | None) -> Principal:
    return Principal(
        kind="anonymous",
        actor_uuid=None,
        label="anonymous",
        organization_id=None,
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
        keys=settings.token_keys,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=expires_in)


async def _failed(
    session: AsyncSession,
    throttle: LoginThrottle,
    *,
    attempted: str,
    user: User | None,
    address: str | None,
    reason: str,
) -> None:
    # The account was counted by throttle.reserve; the address counts failures only.
    await throttle.failed_from(address)
    await audit.record(
        session,
        _anonymous(address),
        "auth.login_failed",
        target_type="user",
        target_uuid=user.uuid if user else None,
        organization_id=user.organization_id if user else None,
        changes={"attempted_login": attempted[:254], "reason": reason},
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
    """Check the credentials (and the second factor) and open a new session.

    Answers 401 ``invalid_credentials`` alike for an unknown login and a wrong password (an
    unknown login still costs one hash); only after a correct password does it say that the
    account waits for approval or is deactivated (403). While the account or the client address
    is locked out it answers 429 before looking at the password.
    """
    user = await identity.find_user_by_login_or_email(session, login)
    # By login or by email, one account has one counter.
    account = user.login if user is not None else login
    await throttle.reserve(account, address)
    password_ok = await asyncio.to_thread(
        verify_password, password, user.password_hash if user else None
    )
    if user is None or not password_ok:
        await _failed(
            session,
            throttle,
            attempted=login,
            user=user,
            address=address,
            reason="invalid_credentials",
        )
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
            await _failed(
                session, throttle, attempted=login, user=user, address=address, reason="invalid_otp"
            )
            raise Unauthorized("The two-factor code is wrong or was used.", code="invalid_otp")
    await throttle.succeeded(account)
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
    session: AsyncSession,
    settings: Settings,
    throttle: LoginThrottle,
    *,
    refresh_token: str,
    address: str | None,
) -> TokenPair:
    """Rotate a refresh token. A token used twice revokes its whole family (theft detection)."""
    await throttle.check(None, address)
    now = utcnow()
    row = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_token(refresh_token))
    )
    if row is None:
        await throttle.failed_from(address)  # a guessed token: count it like a failed sign-in
        raise Unauthorized("The refresh token is not valid.", code="invalid_refresh_token")
    if row.revoked_at is not None:
        raise Unauthorized("The refresh token is not valid.", code="invalid_refresh_token")
    if row.used_at is not None:
        await _reused(session, row, address)
    if row.expires_at <= now:
        raise Unauthorized("The refresh token has expired.", code="refresh_token_expired")
    user = await session.get(User, row.user_id)
    if user is None or not user.can_log_in:
        raise Unauthorized("This account cannot sign in.", code="account_inactive")
    # Claim the token atomically: of two racing requests with the same token, one wins.
    claimed = await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.id == row.id,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if int(cast(CursorResult[Any], claimed).rowcount or 0) != 1:
        await _reused(session, row, address)  # another request used it first
    pair = await _issue(session, settings, user, family=row.family_id, address=address)
    await session.commit()
    return pair


async def _reused(session: AsyncSession, row: RefreshToken, address: str | None) -> NoReturn:
    """A used refresh token came back: someone has a copy. End the whole session; 401."""
    family, user_id = row.family_id, row.user_id
    await revoke_family(session, family)
    user = await session.get(User, user_id)
    await audit.record(
        session,
        _actor(user, address) if user else _anonymous(address),
        "auth.refresh_token_reused",
        target_type="user",
        target_uuid=user.uuid if user else None,
        organization_id=user.organization_id if user else None,
        changes={"session": str(family)},
    )
    await session.commit()
    raise Unauthorized(
        "This refresh token was already used; the session has been ended.",
        code="refresh_token_reused",
    )


async def revoke_family(session: AsyncSession, family: uuid.UUID) -> None:
    """End one session: every refresh token of the family, and so its access tokens."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def logout(
    session: AsyncSession,
    principal: Principal,
    *,
    everywhere: bool,
    refresh_token: str | None = None,
) -> None:
    """End the caller's session (and the one of ``refresh_token``, or every session)."""
    user = principal.user
    if user is None:
        raise PermissionDenied("Only a signed-in user can do this.", code="user_required")
    if everywhere:
        await identity.revoke_sessions(session, user)
    else:
        families = [principal.session_family]
        if refresh_token:
            families.append(
                await session.scalar(
                    select(RefreshToken.family_id).where(
                        RefreshToken.token_hash == hash_token(refresh_token),
                        RefreshToken.user_id == user.id,  # never someone else's session
                    )
                )
            )
        for family in {f for f in families if f is not None}:
            await revoke_family(session, family)
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
    if user is None:
        raise PermissionDenied("Only a signed-in user can do this.", code="user_required")
    if not await asyncio.to_thread(verify_password, current_password, user.password_hash):
        raise PermissionDenied("The current password is wrong.", code="invalid_credentials")
    # Policy check, hashing in a thread, other sessions revoked, audited.
    await identity.set_password(
        session, principal, user, new_password, keep_family=principal.session_family
    )
    await session.commit()


async def update_own_profile(
    session: AsyncSession, principal: Principal, changes: dict[str, Any]
) -> User:
    """Change the caller's name and/or notification preferences (already validated)."""
    user = principal.user
    if user is None:
        raise PermissionDenied("Only a signed-in user can do this.", code="user_required")
    allowed = {k: v for k, v in changes.items() if k in {"name", "notification_preferences"}}
    before = {field: getattr(user, field) for field in allowed}
    for field, value in allowed.items():
        setattr(user, field, value)
    user.updated_by = principal.actor_uuid
    await audit.record(
        session,
        principal,
        "user.updated_self",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
        changes={field: {"before": before[field], "after": allowed[field]} for field in allowed},
    )
    await session.commit()
    return user
