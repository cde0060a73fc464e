"""Domain errors. Services raise them; ``api.errors`` turns them into the error envelope."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: a code (snake_case), a human sentence, optional details."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or []
        self.headers = headers or {}


class Invalid(DomainError):
    status_code = 422
    code = "invalid"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"
