"""TOTP two-factor authentication and single-use backup codes.

A code is spent with a conditional UPDATE (``totp_last_step < step``, ``used_at IS NULL``), so
two requests racing with the same code cannot both pass: the database decides.
"""

from __future__ import annotations

import asyncio
import base64
import io
import secrets
import time
from dataclasses import dataclass
from typing import Any, cast

import pyotp
import segno
from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Conflict, Invalid, PermissionDenied
from patchwatch.identity.models import BackupCode, User
from patchwatch.identity.principal import Principal
from patchwatch.identity.tokens import hash_token, tokens_equal, verify_password

ISSUER = "Patchwatch"
BACKUP_CODE_COUNT = 10
_STEP_SECONDS = 30
_BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_code: str


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, login: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The otpauth URI as an SVG QR code, ready for an ``<img src>``."""
    # A standalone SVG document: as an <img> it needs the namespace (svg_inline has none).
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step (one step of clock drift either way) whose code is ``code``, if any."""
    if not code.isdigit() or len(code) != 6:
        return None
    now = time.time() if now is None else now
    totp = pyotp.TOTP(secret)
    current_step = int(now // _STEP_SECONDS)
    found = None
    for step in (current_step - 1, current_step, current_step + 1):
        if tokens_equal(totp.at(step * _STEP_SECONDS), code):  # compare all three: no early exit
            found = step
    return found


def _rowcount(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount or 0)


async def accept_totp(session: AsyncSession, user: User, code: str) -> bool:
    """Check a TOTP code; each time step is accepted once (a replay, even a racing one, fails)."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code)
    if step is None:
        return False
    claimed = await session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(claimed) != 1:
        return False  # this step (or a later one) was already used
    set_committed_value(user, "totp_last_step", step)
    return True


def _normalise_code(code: str) -> str:
    return code.replace("-", "").replace(" ", "").lower()


async def delete_backup_codes(session: AsyncSession, user: User) -> None:
    await session.execute(delete(BackupCode).where(BackupCode.user_id == user.id))


async def new_backup_codes(session: AsyncSession, user: User) -> list[str]:
    """Replace the user's backup codes with ten new ones; returns them (shown once)."""
    await delete_backup_codes(session, user)
    codes = []
    for _ in range(BACKUP_CODE_COUNT):
        raw = "".join(secrets.choice(_BACKUP_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(BackupCode(user_id=user.id, code_hash=hash_token(raw)))
    await session.flush()
    return codes


async def use_backup_code(session: AsyncSession, user: User, code: str) -> bool:
    """Spend one backup code; False when it is unknown or already used."""
    spent = await session.execute(
        update(BackupCode)
        .where(
            BackupCode.user_id == user.id,
            BackupCode.code_hash == hash_token(_normalise_code(code)),
            BackupCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return _rowcount(spent) >= 1


async def verify_second_factor(session: AsyncSession, user: User, code: str) -> bool:
    """A TOTP code or an unused backup code."""
    code = code.strip()
    if await accept_totp(session, user, code):
        return True
    return await use_backup_code(session, user, code)


async def remaining_backup_codes(session: AsyncSession, user: User) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(BackupCode)
        .where(BackupCode.user_id == user.id, BackupCode.used_at.is_(None))
    )
    return int(count or 0)


# --- the caller's own enrolment -------------------------------------------------------------


def _own(principal: Principal) -> User:
    if principal.user is None:
        raise PermissionDenied("Only a signed-in user can do this.", code="user_required")
    return principal.user


async def _audit(session: AsyncSession, principal: Principal, user: User, action: str) -> None:
    await audit.record(
        session,
        principal,
        action,
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
    )


async def start_enrolment(session: AsyncSession, principal: Principal) -> Enrolment:
    """A new secret (not active until confirmed with a code); restarting replaces it."""
    user = _own(principal)
    if user.totp_enabled:
        raise Conflict("Two-factor authentication is already on.", code="2fa_already_enabled")
    user.totp_secret = new_secret()
    user.totp_last_step = None
    uri = provisioning_uri(user.totp_secret, user.login)
    await _audit(session, principal, user, "user.2fa_enrolment_started")
    await session.commit()
    return Enrolment(secret=user.totp_secret, otpauth_uri=uri, qr_code=qr_code_data_uri(uri))


async def confirm_enrolment(session: AsyncSession, principal: Principal, code: str) -> list[str]:
    """Turn 2FA on with a code from the app; returns the ten backup codes (shown once)."""
    user = _own(principal)
    if user.totp_enabled:
        raise Conflict("Two-factor authentication is already on.", code="2fa_already_enabled")
    if not user.totp_secret:
        raise Conflict("Start the enrolment first.", code="2fa_not_enrolled")
    if not await accept_totp(session, user, code.strip()):
        raise Invalid(
            "The code is wrong.",
            code="invalid_otp",
            details=[{"field": "body.code", "message": "wrong code"}],
        )
    user.totp_enabled = True
    codes = await new_backup_codes(session, user)
    await _audit(session, principal, user, "user.2fa_enabled")
    await session.commit()
    return codes


async def _check_password_and_code(
    session: AsyncSession, user: User, password: str, code: str
) -> None:
    if not user.totp_enabled:
        raise Conflict("Two-factor authentication is off.", code="2fa_not_enabled")
    if not await asyncio.to_thread(verify_password, password, user.password_hash):
        raise PermissionDenied("The password is wrong.", code="invalid_credentials")
    if not await verify_second_factor(session, user, code):
        raise PermissionDenied("The two-factor code is wrong or was used.", code="invalid_otp")


async def disable(session: AsyncSession, principal: Principal, password: str, code: str) -> None:
    """Turn 2FA off (password and a current code or backup code); the codes are deleted."""
    user = _own(principal)
    await _check_password_and_code(session, user, password, code)
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    await delete_backup_codes(session, user)
    await _audit(session, principal, user, "user.2fa_disabled")
    await session.commit()


async def replace_backup_codes(
    session: AsyncSession, principal: Principal, password: str, code: str
) -> list[str]:
    """Ten new backup codes (the old ones stop working); password and a code required."""
    user = _own(principal)
    await _check_password_and_code(session, user, password, code)
    codes = await new_backup_codes(session, user)
    await _audit(session, principal, user, "user.2fa_backup_codes_replaced")
    await session.commit()
    return codes
