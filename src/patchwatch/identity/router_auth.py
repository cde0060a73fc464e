"""Sign-in, tokens, the caller's own account and two-factor authentication."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from patchwatch.api.deps import SessionDep, SettingsDep, client_address, require_user
from patchwatch.api.envelope import Envelope, wrap
from patchwatch.identity import auth, twofactor
from patchwatch.identity.principal import Principal
from patchwatch.identity.schemas import MeOut, MeUpdate, user_out
from patchwatch.identity.schemas_auth import (
    BackupCodesOut,
    CodeIn,
    LoginIn,
    LogoutIn,
    OAuth2TokenOut,
    PasswordAndCodeIn,
    PasswordChangeIn,
    RefreshIn,
    TokenOut,
    TwoFactorEnrolmentOut,
)
from patchwatch.identity.throttle import LoginThrottle

router = APIRouter(tags=["auth"])
UserDep = Annotated[Principal, Depends(require_user())]


def get_throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


ThrottleDep = Annotated[LoginThrottle, Depends(get_throttle)]


def _token_out(pair: auth.TokenPair) -> TokenOut:
    return TokenOut(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
    )


@router.post("/auth/login", summary="Sign in with login (or email) and password")
async def login(
    body: LoginIn,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    throttle: ThrottleDep,
) -> Envelope[TokenOut]:
    pair = await auth.login(
        session,
        settings,
        throttle,
        login=body.login,
        password=body.password,
        otp_code=body.otp_code,
        address=client_address(request),
    )
    return wrap(_token_out(pair))


@router.post(
    "/auth/token",
    summary="OAuth2 password flow (for the interactive docs)",
    description="`username`, `password`; users with 2FA add `otp_code` (or send it as "
    "`client_secret`).",
)
async def oauth2_token(
    username: Annotated[str, Form(min_length=1, max_length=254)],
    password: Annotated[str, Form(min_length=1, max_length=256)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    throttle: ThrottleDep,
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
    scope: Annotated[str, Form(max_length=1000)] = "",
    client_id: Annotated[str | None, Form(max_length=200)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    otp_code: Annotated[str | None, Form(max_length=16)] = None,
) -> OAuth2TokenOut:
    pair = await auth.login(
        session,
        settings,
        throttle,
        login=username,
        password=password,
        otp_code=otp_code or client_secret,
        address=client_address(request),
    )
    return OAuth2TokenOut(access_token=pair.access_token, expires_in=pair.expires_in)


@router.post("/auth/refresh", summary="Exchange a refresh token for a new token pair")
async def refresh(
    body: RefreshIn,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    throttle: ThrottleDep,
) -> Envelope[TokenOut]:
    pair = await auth.refresh(
        session,
        settings,
        throttle,
        refresh_token=body.refresh_token,
        address=client_address(request),
    )
    return wrap(_token_out(pair))


@router.post("/auth/logout", summary="End this session (or every session with all=true)")
async def logout(
    principal: UserDep, session: SessionDep, body: LogoutIn | None = None
) -> Envelope[dict[str, bool]]:
    await auth.logout(
        session,
        principal,
        everywhere=bool(body and body.all),
        refresh_token=body.refresh_token if body else None,
    )
    return wrap({"signed_out": True})


def _me(principal: Principal) -> MeOut:
    assert principal.user is not None
    base = user_out(principal.user)
    return MeOut(**base.model_dump(), permissions=sorted(principal.permissions))


@router.get("/me", summary="The signed-in user")
async def me(principal: UserDep) -> Envelope[MeOut]:
    return wrap(_me(principal))


@router.patch("/me", summary="Change your name or notification preferences")
async def update_me(body: MeUpdate, principal: UserDep, session: SessionDep) -> Envelope[MeOut]:
    # null (or absent) leaves a field unchanged
    await auth.update_own_profile(
        session, principal, body.model_dump(exclude_unset=True, exclude_none=True)
    )
    return wrap(_me(principal))


@router.post("/me/password", summary="Change your password (other sessions end)")
async def change_password(
    body: PasswordChangeIn, principal: UserDep, session: SessionDep
) -> Envelope[dict[str, bool]]:
    await auth.change_own_password(
        session,
        principal,
        current_password=body.current_password,
        new_password=body.new_password,
    )
    return wrap({"changed": True})


@router.post("/me/2fa/enroll", summary="Start two-factor enrolment: a secret and its QR code")
async def enroll_2fa(principal: UserDep, session: SessionDep) -> Envelope[TwoFactorEnrolmentOut]:
    enrolment = await twofactor.start_enrolment(session, principal)
    return wrap(
        TwoFactorEnrolmentOut(
            secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri, qr_code=enrolment.qr_code
        )
    )


@router.post("/me/2fa/confirm", summary="Confirm enrolment with a code; returns backup codes once")
async def confirm_2fa(
    body: CodeIn, principal: UserDep, session: SessionDep
) -> Envelope[BackupCodesOut]:
    codes = await twofactor.confirm_enrolment(session, principal, body.code)
    return wrap(BackupCodesOut(backup_codes=codes))


@router.post("/me/2fa/disable", summary="Turn two-factor authentication off (password and code)")
async def disable_2fa(
    body: PasswordAndCodeIn, principal: UserDep, session: SessionDep
) -> Envelope[dict[str, bool]]:
    await twofactor.disable(session, principal, body.password, body.code)
    return wrap({"enabled": False})


@router.post("/me/2fa/backup-codes", summary="Replace your backup codes (password and code)")
async def regenerate_backup_codes(
    body: PasswordAndCodeIn, principal: UserDep, session: SessionDep
) -> Envelope[BackupCodesOut]:
    codes = await twofactor.replace_backup_codes(session, principal, body.password, body.code)
    return wrap(BackupCodesOut(backup_codes=codes))
