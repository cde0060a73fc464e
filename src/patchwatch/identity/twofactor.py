"""TOTP two-factor authentication and single-use backup codes."""

from __future__ import annotations

import base64
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import utcnow
from patchwatch.identity.models import BackupCode, User
from patchwatch.identity.tokens import hash_token, tokens_equal

ISSUER = "Patchwatch"
BACKUP_CODE_COUNT = 10
_STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, login: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The otpauth URI as an SVG QR code, ready for an ``<img src>``."""
    svg = segno.make(uri, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def accept_totp(user: User, code: str, *, now: float | None = None) -> bool:
    """Check a TOTP code (one step of clock drift either way); a step is accepted only once."""
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    now = time.time() if now is None else now
    totp = pyotp.TOTP(user.totp_secret)
    current_step = int(now // _STEP_SECONDS)
    for step in (current_step - 1, current_step, current_step + 1):
        if tokens_equal(totp.at(step * _STEP_SECONDS), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # replay of an already used (or older) code
            user.totp_last_step = step
            return True
    return False


def _format_code(raw: str) -> str:
    return f"{raw[:5]}-{raw[5:]}"


def _normalise_code(code: str) -> str:
    return code.replace("-", "").replace(" ", "").lower()


async def delete_backup_codes(session: AsyncSession, user: User) -> None:
    await session.execute(delete(BackupCode).where(BackupCode.user_id == user.id))


async def new_backup_codes(session: AsyncSession, user: User) -> list[str]:
    """Replace the user's backup codes with ten new ones; returns them (shown once)."""
    await delete_backup_codes(session, user)
    codes = []
    for _ in range(BACKUP_CODE_COUNT):
        raw = "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(10))
        codes.append(_format_code(raw))
        session.add(BackupCode(user_id=user.id, code_hash=hash_token(raw)))
    await session.flush()
    return codes


async def use_backup_code(session: AsyncSession, user: User, code: str) -> bool:
    """Spend one backup code; False when it is unknown or already used."""
    row = await session.scalar(
        select(BackupCode).where(
            BackupCode.user_id == user.id,
            BackupCode.code_hash == hash_token(_normalise_code(code)),
            BackupCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = utcnow()
    return True


async def verify_second_factor(session: AsyncSession, user: User, code: str) -> bool:
    """A TOTP code or an unused backup code."""
    code = code.strip()
    if accept_totp(user, code):
        return True
    return await use_backup_code(session, user, code)


async def remaining_backup_codes(session: AsyncSession, user: User) -> int:
    rows = await session.scalars(
        select(BackupCode.id).where(BackupCode.user_id == user.id, BackupCode.used_at.is_(None))
    )
    return len(list(rows))
