"""TOTP two-factor authentication and backup codes."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pyotp

from patchwatch.db import Database
from tests.factories import PASSWORD, login_headers, make_org, make_user

LOGIN = "/api/v1/auth/login"


def code_at(secret: str, step_offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * step_offset)


async def enrol(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[str, list[str]]:
    """Enrol and confirm 2FA; returns the secret and the backup codes."""
    enrolment = (await client.post("/api/v1/me/2fa/enroll", headers=headers)).json()["data"]
    confirm = await client.post(
        "/api/v1/me/2fa/confirm", headers=headers, json={"code": code_at(enrolment["secret"], -1)}
    )
    assert confirm.status_code == 200, confirm.text
    return enrolment["secret"], confirm.json()["data"]["backup_codes"]


async def user_with_2fa(client: httpx.AsyncClient, db: Database) -> tuple[Any, str, list[str]]:
    user = await make_user(db, await make_org(db))
    secret, codes = await enrol(client, await login_headers(client, user.login))
    return user, secret, codes


async def test_enrolment_gives_secret_uri_and_qr_code(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    headers = await login_headers(client, user.login)
    data = (await client.post("/api/v1/me/2fa/enroll", headers=headers)).json()["data"]
    assert data["otpauth_uri"].startswith("otpauth://totp/Patchwatch:")
    assert f"secret={data['secret']}" in data["otpauth_uri"]
    assert data["qr_code"].startswith("data:image/svg+xml;base64,")
    me = (await client.get("/api/v1/me", headers=headers)).json()["data"]
    assert me["totp_enabled"] is False  # not before a code confirms it


async def test_confirm_with_a_wrong_code_does_not_enable(
    client: httpx.AsyncClient, db: Database
) -> None:
    user = await make_user(db, await make_org(db))
    headers = await login_headers(client, user.login)
    await client.post("/api/v1/me/2fa/enroll", headers=headers)
    response = await client.post("/api/v1/me/2fa/confirm", headers=headers, json={"code": "000000"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_otp"


async def test_confirm_returns_ten_backup_codes(client: httpx.AsyncClient, db: Database) -> None:
    _, _, codes = await user_with_2fa(client, db)
    assert len(codes) == 10 and len(set(codes)) == 10


async def test_login_without_code_answers_otp_required(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, _, _ = await user_with_2fa(client, db)
    response = await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "otp_required"


async def test_login_with_a_current_code_succeeds(client: httpx.AsyncClient, db: Database) -> None:
    user, secret, _ = await user_with_2fa(client, db)
    response = await client.post(
        LOGIN, json={"login": user.login, "password": PASSWORD, "otp_code": code_at(secret, 1)}
    )
    assert response.status_code == 200


async def test_a_totp_code_cannot_be_replayed(client: httpx.AsyncClient, db: Database) -> None:
    user, secret, _ = await user_with_2fa(client, db)
    code = code_at(secret, 1)
    body = {"login": user.login, "password": PASSWORD, "otp_code": code}
    assert (await client.post(LOGIN, json=body)).status_code == 200
    replay = await client.post(LOGIN, json=body)
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "invalid_otp"


async def test_a_backup_code_works_once(client: httpx.AsyncClient, db: Database) -> None:
    user, _, codes = await user_with_2fa(client, db)
    body = {"login": user.login, "password": PASSWORD, "otp_code": codes[3]}
    assert (await client.post(LOGIN, json=body)).status_code == 200
    assert (await client.post(LOGIN, json=body)).status_code == 401


async def test_disable_needs_password_and_code(client: httpx.AsyncClient, db: Database) -> None:
    user, _, codes = await user_with_2fa(client, db)
    headers = await login_headers(client, user.login, otp_code=codes[0])
    wrong = await client.post(
        "/api/v1/me/2fa/disable", headers=headers, json={"password": "wrong one!", "code": codes[1]}
    )
    assert wrong.status_code == 403
    ok = await client.post(
        "/api/v1/me/2fa/disable", headers=headers, json={"password": PASSWORD, "code": codes[1]}
    )
    assert ok.status_code == 200
    assert (
        await client.post(LOGIN, json={"login": user.login, "password": PASSWORD})
    ).status_code == 200


async def test_regenerated_backup_codes_replace_the_old_ones(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, _, codes = await user_with_2fa(client, db)
    headers = await login_headers(client, user.login, otp_code=codes[0])
    response = await client.post(
        "/api/v1/me/2fa/backup-codes",
        headers=headers,
        json={"password": PASSWORD, "code": codes[1]},
    )
    new_codes = response.json()["data"]["backup_codes"]
    old = {"login": user.login, "password": PASSWORD, "otp_code": codes[2]}
    assert (await client.post(LOGIN, json=old)).status_code == 401
    new = {"login": user.login, "password": PASSWORD, "otp_code": new_codes[0]}
    assert (await client.post(LOGIN, json=new)).status_code == 200


async def test_the_secret_is_never_shown_after_enrolment(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, secret, _ = await user_with_2fa(client, db)
    headers = await login_headers(client, user.login, otp_code=code_at(secret, 1))
    me = await client.get("/api/v1/me", headers=headers)
    assert secret not in me.text
    assert me.json()["data"]["totp_enabled"] is True
