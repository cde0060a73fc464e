"""EdDSA access tokens and the public JWK Set: verifiable by others with the public key only."""

from __future__ import annotations

import base64
import json
import secrets
import socket
import stat
import threading
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import ValidationError

from patchwatch.app import create_app
from patchwatch.db import Database
from patchwatch.identity.signing_keys import (
    GENERATED_KEY_FILE,
    jwk_thumbprint,
    load_or_create_private_key,
)
from patchwatch.identity.tokens import encode_access_token
from patchwatch.settings import Settings
from tests.conftest import RunningServer
from tests.factories import login_tokens, make_org, make_user

JWKS = "/.well-known/jwks.json"
ME = "/api/v1/me"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _eddsa_settings(base: Settings, data_dir: Path, **extra: Any) -> Settings:
    return Settings(
        database_url=base.database_url,
        data_dir=data_dir,
        secret_key=base.secret_key,  # the same secret: only the algorithm differs
        log_level="WARNING",
        scheduler_enabled=False,
        jwt_algorithm="EdDSA",  # type: ignore[arg-type]
        **extra,
    )


@pytest.fixture(scope="module")
def eddsa_server(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """A second API on the same database, signing access tokens with Ed25519."""
    eddsa = _eddsa_settings(settings, tmp_path_factory.mktemp("eddsa"))
    app = create_app(eddsa)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    uv_server = uvicorn.Server(config)
    thread = threading.Thread(target=uv_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv_server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the EdDSA test server did not start")
        time.sleep(0.02)
    yield RunningServer(url=f"http://127.0.0.1:{port}", settings=eddsa, app=app)
    uv_server.should_exit = True
    thread.join(timeout=10)


@pytest_asyncio.fixture(loop_scope="session")
async def eddsa(eddsa_server: RunningServer, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=eddsa_server.url, timeout=30) as http:
        yield http


async def _access_token(http: httpx.AsyncClient, db: Database) -> str:
    user = await make_user(db, await make_org(db))
    token: str = (await login_tokens(http, user.login))["access_token"]
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_hs256_publishes_no_key(client: httpx.AsyncClient) -> None:
    response = await client.get(JWKS)
    assert response.status_code == 200
    assert response.json() == {"keys": []}
    assert response.headers["cache-control"] == "public, max-age=300"


async def test_an_eddsa_token_verifies_with_only_the_published_public_key(
    eddsa: httpx.AsyncClient, db: Database, eddsa_server: RunningServer
) -> None:
    token = await _access_token(eddsa, db)
    response = await eddsa.get(JWKS)  # no authentication
    assert response.status_code == 200
    assert "public" in response.headers["cache-control"]
    (jwk,) = response.json()["keys"]
    assert {k: jwk[k] for k in ("kty", "crv", "alg", "use")} == {
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "use": "sig",
    }
    assert set(jwk) == {"kty", "crv", "x", "kid", "alg", "use"}  # nothing private

    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["kid"] == jwk["kid"]
    public_key = jwt.PyJWK(jwk).key
    claims = jwt.decode(
        token,
        public_key,
        algorithms=["EdDSA"],
        audience=eddsa_server.settings.jwt_audience,
        issuer=eddsa_server.settings.jwt_issuer,
    )
    assert claims["typ"] == "access"

    me = await eddsa.get(ME, headers=_bearer(token))
    assert me.status_code == 200, me.text
    assert me.json()["data"]["uuid"] == claims["sub"]


async def test_a_tampered_eddsa_token_is_refused(eddsa: httpx.AsyncClient, db: Database) -> None:
    token = await _access_token(eddsa, db)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] += 3600
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BA")
    for bad in (f"{header}.{forged}.{signature}", f"{header}.{payload}.{flipped}"):
        response = await eddsa.get(ME, headers=_bearer(bad))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"


async def test_tokens_of_the_other_algorithm_are_refused(
    client: httpx.AsyncClient, eddsa: httpx.AsyncClient, db: Database, server: RunningServer
) -> None:
    """Switching the algorithm signs everyone out of their access tokens (not their sessions)."""
    user = await make_user(db, await make_org(db))
    hs256 = await login_tokens(client, user.login)
    eddsa_token = (await login_tokens(eddsa, user.login))["access_token"]
    forged_hs256, _ = encode_access_token(  # the right secret, the wrong algorithm
        user_uuid=user.uuid,
        family=None,
        secret=server.settings.secret_key,
        issuer=server.settings.jwt_issuer,
        audience=server.settings.jwt_audience,
        lifetime=timedelta(minutes=5),
    )
    for token in (hs256["access_token"], forged_hs256):
        response = await eddsa.get(ME, headers=_bearer(token))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"
    response = await client.get(ME, headers=_bearer(eddsa_token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    # The opaque refresh token still works under EdDSA and yields an EdDSA access token.
    refreshed = await eddsa.post(
        "/api/v1/auth/refresh", json={"refresh_token": hs256["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    new_access = refreshed.json()["data"]["access_token"]
    assert jwt.get_unverified_header(new_access)["alg"] == "EdDSA"
    assert (await eddsa.get(ME, headers=_bearer(new_access))).status_code == 200


def test_the_generated_key_is_private_and_reused(settings: Settings, tmp_path: Path) -> None:
    first = _eddsa_settings(settings, tmp_path)
    path = tmp_path / GENERATED_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in path.read_bytes()  # PKCS#8
    second = _eddsa_settings(settings, tmp_path)
    assert second.token_keys.kid == first.token_keys.kid
    # A fresh process (no cache) reads the same key back.
    reread = load_or_create_private_key(tmp_path).public_key()
    assert jwk_thumbprint(reread) == first.token_keys.kid
    assert [p.name for p in tmp_path.iterdir()] == [GENERATED_KEY_FILE]  # no temporary left


def test_processes_starting_together_end_with_one_key(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(lambda _: load_or_create_private_key(tmp_path), range(16)))
    kids = {jwk_thumbprint(key.public_key()) for key in keys}
    assert len(kids) == 1
    assert [p.name for p in tmp_path.iterdir()] == [GENERATED_KEY_FILE]


def test_a_configured_key_file_is_used(settings: Settings, tmp_path: Path) -> None:
    private = Ed25519PrivateKey.generate()
    key_file = tmp_path / "signing.pem"
    key_file.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    configured = _eddsa_settings(settings, tmp_path / "data", jwt_private_key_file=key_file)
    assert configured.token_keys.kid == jwk_thumbprint(private.public_key())
    assert not (tmp_path / "data" / GENERATED_KEY_FILE).exists()


@pytest.mark.parametrize("content", ["missing", "garbage", "ec-key", "encrypted"])
def test_a_bad_key_file_stops_the_start_with_a_clear_error(
    settings: Settings, tmp_path: Path, content: str
) -> None:
    key_file = tmp_path / "signing.pem"
    if content == "garbage":
        key_file.write_text("not a key")
    elif content == "ec-key":
        key_file.write_bytes(
            ec.generate_private_key(ec.SECP256R1()).private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    elif content == "encrypted":
        key_file.write_bytes(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(secrets.token_bytes(16)),
            )
        )
    with pytest.raises(ValidationError) as error:
        _eddsa_settings(settings, tmp_path, jwt_private_key_file=key_file)
    message = str(error.value)
    assert str(key_file) in message
    expected = {
        "missing": "cannot read",
        "garbage": "not an unencrypted PEM",
        "ec-key": "not an Ed25519 key",
        "encrypted": "not an unencrypted PEM",
    }
    assert expected[content] in message


def test_the_kid_is_the_rfc_7638_thumbprint() -> None:
    # RFC 8037, appendix A.2 and A.3: the Ed25519 example key and its thumbprint.
    x = base64.urlsafe_b64decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
    public = Ed25519PublicKey.from_public_bytes(x)
    assert jwk_thumbprint(public) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
