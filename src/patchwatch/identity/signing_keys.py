"""The keys that sign and verify access tokens, and their public JWK Set.

``HS256`` (the default): the installation's secret key signs and verifies; nothing is public.
``EdDSA``: an Ed25519 private key signs, its public key verifies, and ``/.well-known/jwks.json``
publishes the public key so that other services verify tokens without sharing a secret. The
private key comes from ``PATCHWATCH_JWT_PRIVATE_KEY_FILE`` (PEM, PKCS#8) or, when that is unset,
is generated once into ``DATA_DIR/jwt-ed25519.pem`` (mode 0600).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENERATED_KEY_FILE = "jwt-ed25519.pem"


class JwtAlgorithm(StrEnum):
    HS256 = "HS256"
    EdDSA = "EdDSA"


class SigningKeyError(ValueError):
    """The configured private key cannot be used (missing, unreadable, not Ed25519)."""


@dataclass(frozen=True)
class TokenKeys:
    """What signs access tokens and what verifies them; ``kid`` names the key (EdDSA only)."""

    algorithm: JwtAlgorithm
    signing_key: Any = field(repr=False)
    verifying_key: Any = field(repr=False)
    kid: str | None = None

    @classmethod
    def hmac(cls, secret: str) -> TokenKeys:
        return cls(JwtAlgorithm.HS256, secret, secret)

    @classmethod
    def ed25519(cls, private_key: Ed25519PrivateKey) -> TokenKeys:
        public = private_key.public_key()
        return cls(JwtAlgorithm.EdDSA, private_key, public, jwk_thumbprint(public))

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public JWK Set: the Ed25519 key, or no key at all (an HMAC secret is never shown)."""
        if self.algorithm is not JwtAlgorithm.EdDSA:
            return {"keys": []}
        jwk = {**_public_jwk(self.verifying_key), "kid": self.kid or "", "alg": "EdDSA"}
        return {"keys": [{**jwk, "use": "sig"}]}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _public_jwk(public: Ed25519PublicKey) -> dict[str, str]:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}


def jwk_thumbprint(public: Ed25519PublicKey) -> str:
    """RFC 7638: SHA-256 of the required members, sorted, without spaces; base64url."""
    members = json.dumps(_public_jwk(public), sort_keys=True, separators=(",", ":"))
    return _b64url(hashlib.sha256(members.encode()).digest())


def _parse_private_key(pem: bytes, source: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(
            f"{source}: not an unencrypted PEM (PKCS#8) private key ({exc})"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{source}: the key is not an Ed25519 key (EdDSA needs Ed25519)")
    return key


def _read_key_file(path: Path) -> Ed25519PrivateKey:
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"{path}: cannot read the JWT private key ({exc.strerror})") from exc
    return _parse_private_key(pem, path)


def load_or_create_private_key(data_dir: Path) -> Ed25519PrivateKey:
    """The installation's generated key: created once, atomically, then always re-read.

    The new key is written to a private temporary file and hard-linked to its name, which fails
    if the name exists: of two processes starting together exactly one key wins, complete, and
    both use it (the loser reads the winner's file). Never an overwrite, never a half file.
    """
    path = data_dir / GENERATED_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor, temporary = tempfile.mkstemp(dir=data_dir, prefix=".jwt-key-")  # 0600
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another process was first: use its key
        finally:
            os.unlink(temporary)
    return _read_key_file(path)


@lru_cache(maxsize=16)
def _token_keys(
    algorithm: JwtAlgorithm, secret: str, key_file: Path | None, data_dir: Path
) -> TokenKeys:
    if algorithm is JwtAlgorithm.HS256:
        return TokenKeys.hmac(secret)
    private_key = _read_key_file(key_file) if key_file else load_or_create_private_key(data_dir)
    return TokenKeys.ed25519(private_key)


def token_keys(
    algorithm: JwtAlgorithm, *, secret: str, key_file: Path | None, data_dir: Path
) -> TokenKeys:
    """The keys for these settings, loaded (or generated) once per process."""
    return _token_keys(JwtAlgorithm(algorithm), secret, key_file, data_dir.resolve())
