"""Shapes of sign-in, tokens and two-factor enrolment."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from patchwatch.identity.schemas import Input, Password

OtpCode = Annotated[str, Field(min_length=6, max_length=16)]


class LoginIn(Input):
    login: Annotated[str, Field(min_length=1, max_length=254)]
    password: Password
    otp_code: OtpCode | None = None


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class OAuth2TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


RefreshToken = Annotated[str, Field(min_length=1, max_length=512)]


class RefreshIn(Input):
    refresh_token: RefreshToken


class LogoutIn(Input):
    all: bool = Field(default=False, description="End every session of the caller")
    refresh_token: RefreshToken | None = Field(
        default=None, description="Also end the session of this refresh token (if it is yours)"
    )


class PasswordChangeIn(Input):
    current_password: Password
    new_password: Password


class TwoFactorEnrolmentOut(BaseModel):
    secret: str
    otpauth_uri: str
    qr_code: str = Field(description="SVG image as a data: URI")


class CodeIn(Input):
    code: OtpCode


class PasswordAndCodeIn(Input):
    password: Password
    code: OtpCode


class BackupCodesOut(BaseModel):
    backup_codes: list[str]
