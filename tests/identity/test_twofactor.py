"""TOTP two-factor authentication and backup codes."""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any

import httpx
import pyotp

from patchwatch.db import Database
from patchwatch.identity.twofactor import matching_step
from tests.factories import PASSWORD, audit_events, login_headers, make_org, make_user

LOGIN = "/api/v1/auth/login"


def code_at(secret: str, step_offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * step_offset)


async def enrol(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[str, list[str]]:
    """Enrol and confirm 2FA; returns the secret and the backup codes."""
    enrolment = (await client.post("/api/v1/me/2fa/enroll", headers=headers)).json()["data"]
    confirm = await client.post(
        "/api/v1/me/2fa/confirm", headers=headers, json={"code": code_at(enrolment["secret"])}
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
    svg = base64.b64decode(data["qr_code"].split(",", 1)[1]).decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')  # else no <img> shows it
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


def test_a_code_matches_its_step_and_one_step_of_drift_either_way() -> None:
    secret = pyotp.random_base32()
    now = 1_800_000_015.0  # inside step 60_000_000
    totp = pyotp.TOTP(secret)
    assert matching_step(secret, totp.at(now), now=now) == 60_000_000
    assert matching_step(secret, totp.at(now - 30), now=now) == 59_999_999
    assert matching_step(secret, totp.at(now + 30), now=now) == 60_000_001
    assert matching_step(secret, totp.at(now + 60), now=now) is None
    assert matching_step(secret, "12345a", now=now) is None


async def test_login_with_a_wrong_code_answers_invalid_otp(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, secret, _ = await user_with_2fa(client, db)
    wrong = str((int(code_at(secret, 1)) + 1) % 1_000_000).zfill(6)
    body = {"login": user.login, "password": PASSWORD, "otp_code": wrong}
    response = await client.post(LOGIN, json=body)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_otp"


async def test_a_code_older_than_the_last_accepted_one_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, secret, _ = await user_with_2fa(client, db)  # confirmed with the current step
    newer = {"login": user.login, "password": PASSWORD, "otp_code": code_at(secret, 1)}
    assert (await client.post(LOGIN, json=newer)).status_code == 200
    older = {"login": user.login, "password": PASSWORD, "otp_code": code_at(secret, 0)}
    assert (await client.post(LOGIN, json=older)).status_code == 401


async def test_racing_logins_with_one_code_let_only_one_through(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, secret, _ = await user_with_2fa(client, db)
    body = {"login": user.login, "password": PASSWORD, "otp_code": code_at(secret, 1)}
    responses = await asyncio.gather(*(client.post(LOGIN, json=body) for _ in range(3)))
    assert sorted(r.status_code for r in responses) == [200, 401, 401]


async def test_racing_logins_with_one_backup_code_let_only_one_through(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, _, codes = await user_with_2fa(client, db)
    body = {"login": user.login, "password": PASSWORD, "otp_code": codes[5]}
    responses = await asyncio.gather(*(client.post(LOGIN, json=body) for _ in range(3)))
    assert sorted(r.status_code for r in responses) == [200, 401, 401]


async def test_backup_code_is_accepted_without_dash_and_in_capitals(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, _, codes = await user_with_2fa(client, db)
    typed = codes[7].replace("-", "").upper()
    body = {"login": user.login, "password": PASSWORD, "otp_code": typed}
    assert (await client.post(LOGIN, json=body)).status_code == 200


async def test_oauth2_form_takes_the_code_as_client_secret_or_otp_code(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, _, codes = await user_with_2fa(client, db)
    form = {"username": user.login, "password": PASSWORD}
    without = await client.post("/api/v1/auth/token", data=form)
    assert without.status_code == 401
    assert without.json()["error"]["code"] == "otp_required"
    as_secret = await client.post("/api/v1/auth/token", data={**form, "client_secret": codes[0]})
    assert as_secret.status_code == 200
    as_field = await client.post("/api/v1/auth/token", data={**form, "otp_code": codes[1]})
    assert as_field.status_code == 200


async def test_two_factor_changes_are_audited(client: httpx.AsyncClient, db: Database) -> None:
    user, _, codes = await user_with_2fa(client, db)
    headers = await login_headers(client, user.login, otp_code=codes[0])
    replaced = await client.post(
        "/api/v1/me/2fa/backup-codes",
        headers=headers,
        json={"password": PASSWORD, "code": codes[1]},
    )
    new_codes = replaced.json()["data"]["backup_codes"]
    disabled = await client.post(
        "/api/v1/me/2fa/disable", headers=headers, json={"password": PASSWORD, "code": new_codes[0]}
    )
    assert disabled.status_code == 200
    actions = [e.action for e in await audit_events(db, user.uuid)]
    assert [a for a in actions if a.startswith("user.2fa")] == [
        "user.2fa_enrolment_started",
        "user.2fa_enabled",
        "user.2fa_backup_codes_replaced",
        "user.2fa_disabled",
    ]
    assert all("secret" not in str(e.changes) for e in await audit_events(db, user.uuid))


async def test_enrolling_again_while_enabled_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, _, codes = await user_with_2fa(client, db)
    headers = await login_headers(client, user.login, otp_code=codes[0])
    response = await client.post("/api/v1/me/2fa/enroll", headers=headers)
    assert response.status_code == 409
