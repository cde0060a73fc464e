"""Secrets: password hashing, JWT access tokens, opaque tokens (refresh, API keys, backup codes)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from patchwatch.db import utcnow
from patchwatch.errors import Unauthorized
from patchwatch.identity.signing_keys import TokenKeys

JWT_ALGORITHM = "HS256"  # the default; `PATCHWATCH_JWT_ALGORITHM=EdDSA` signs with Ed25519
API_KEY_PREFIX = "pw_"

# Argon2id for new hashes; bcrypt only to verify hashes imported from older systems.
password_hasher = PasswordHash((Argon2Hasher(), BcryptHasher()))
# A hash to verify against when the login is unknown, so both paths cost the same time.
_DUMMY_HASH = password_hasher.hash("patchwatch-dummy-password")


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Constant-time verification; an unknown user still costs one hash."""
    if not password_hash:
        password_hasher.verify(password, _DUMMY_HASH)
        return False
    try:
        return password_hasher.verify(password, password_hash)
    except Exception:  # a malformed stored hash is a failed login, never a 500
        return False


def needs_rehash(password_hash: str) -> bool:
    """True for a hash of another algorithm (bcrypt) or with outdated Argon2 parameters."""
    current = password_hasher.current_hasher
    if not current.identify(password_hash):
        return True
    try:
        return bool(current.check_needs_rehash(password_hash))
    except Exception:
        return False


def hash_token(token: str) -> str:
    """Hash a high-entropy opaque token (refresh token, API key, backup code) for storage."""
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_refresh_token() -> str:
    return secrets.token_urlsafe(48)


def new_api_key() -> tuple[str, str]:
    """A new API key and its displayable prefix (``pw_`` + 8 characters)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[:11]


@dataclass(frozen=True)
class AccessClaims:
    user_uuid: uuid.UUID
    family: uuid.UUID | None
    expires_at: datetime


def encode_access_token(
    *,
    user_uuid: uuid.UUID,
    family: uuid.UUID | None,
    issuer: str,
    audience: str,
    lifetime: timedelta,
    keys: TokenKeys | None = None,
    secret: str | None = None,
) -> tuple[str, int]:
    """A signed access token and its lifetime in seconds.

    ``keys`` (``settings.token_keys``) sign it; ``secret`` alone means HS256 with that secret.
    An EdDSA token names its key in the ``kid`` header (the RFC 7638 thumbprint).
    """
    keys = _keys(keys, secret)
    now = utcnow()
    claims: dict[str, Any] = {
        "sub": str(user_uuid),
        "iss": issuer,
        "aud": audience,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
        "typ": "access",
    }
    if family is not None:
        claims["sid"] = str(family)
    headers = {"kid": keys.kid} if keys.kid else None
    token = jwt.encode(claims, keys.signing_key, algorithm=keys.algorithm, headers=headers)
    return token, int(lifetime.total_seconds())


def _keys(keys: TokenKeys | None, secret: str | None) -> TokenKeys:
    if keys is not None:
        return keys
    if secret is None:
        raise TypeError("give the token keys (or an HS256 secret)")
    return TokenKeys.hmac(secret)


def decode_access_token(
    token: str,
    *,
    issuer: str,
    audience: str,
    keys: TokenKeys | None = None,
    secret: str | None = None,
) -> AccessClaims:
    """Verify with the configured algorithm only: a token of another algorithm is refused."""
    keys = _keys(keys, secret)
    try:
        claims = jwt.decode(
            token,
            keys.verifying_key,
            algorithms=[keys.algorithm],
            issuer=issuer,
            audience=audience,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
        if claims.get("typ") != "access":
            raise Unauthorized("Not an access token.", code="invalid_token")
        sid = claims.get("sid")
        return AccessClaims(
            user_uuid=uuid.UUID(claims["sub"]),
            family=uuid.UUID(sid) if sid else None,
            expires_at=datetime.fromtimestamp(claims["exp"]).astimezone(),
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("The access token has expired.", code="token_expired") from exc
    except (jwt.InvalidTokenError, ValueError, KeyError) as exc:
        raise Unauthorized("The access token is not valid.", code="invalid_token") from exc
