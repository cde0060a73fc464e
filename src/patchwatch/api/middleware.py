"""ASGI middleware: request id, access log, body size cap, Prometheus metrics."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from fastapi.responses import JSONResponse
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from patchwatch.api.errors import error_response

REQUESTS = Counter("patchwatch_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "patchwatch_http_request_duration_seconds", "HTTP request latency", ["method", "route"]
)
_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = structlog.get_logger("patchwatch.http")


class _BodyTooLarge(Exception):
    pass


class _NulCharacter(Exception):
    pass


# No database stores NUL in text (PostgreSQL refuses it), so no request may carry one.
_NUL_MARKERS = (b"\x00", b"\\u0000", b"%00")


def _nul_markers_for(headers: dict[bytes, bytes]) -> tuple[bytes, ...]:
    """What spells NUL in this body: JSON and text bodies are scanned; file uploads are not."""
    content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    if content_type == b"application/x-www-form-urlencoded":
        return _NUL_MARKERS
    if content_type.endswith(b"json") or content_type.startswith(b"text/"):
        return _NUL_MARKERS[:2]
    return ()


class RequestContextMiddleware:
    """Gives each request an id (``X-Request-ID``), logs it, times it, caps its body."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID_OK.match(given) else uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            refusal = await self._refusal(scope, headers, receive)
            if isinstance(refusal, JSONResponse):
                await refusal(scope, receive, send_with_id)
                return
            body = refusal
            replayed = False

            async def buffered_receive() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, buffered_receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route_path = getattr(scope.get("route"), "path", "unmatched")
            method = scope.get("method", "")
            REQUESTS.labels(method, route_path, str(status)).inc()
            LATENCY.labels(method, route_path).observe(elapsed)
            log.info(
                "request",
                method=method,
                path=scope.get("path"),
                status=status,
                ms=round(elapsed * 1000, 1),
            )
            structlog.contextvars.clear_contextvars()

    async def _refusal(
        self, scope: Scope, headers: dict[bytes, bytes], receive: Receive
    ) -> JSONResponse | bytes:
        """The whole request body, or the error response that refuses the request."""
        try:
            declared = headers.get(b"content-length", b"")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise _BodyTooLarge
            target = scope.get("raw_path", b"") + b"?" + scope.get("query_string", b"")
            if any(marker in target for marker in _NUL_MARKERS):
                raise _NulCharacter
            return await self._read_body(receive, _nul_markers_for(headers))
        except _BodyTooLarge:
            return error_response(
                413,
                "payload_too_large",
                f"The request body is larger than {self.max_body_bytes} bytes.",
            )
        except _NulCharacter:
            return error_response(
                422,
                "nul_character",
                "The request contains a NUL character, which no field accepts.",
            )

    async def _read_body(self, receive: Receive, markers: tuple[bytes, ...]) -> bytes:
        """Read the whole body (bounded), refusing it when too large or when it carries NUL."""
        parts: list[bytes] = []
        size = 0
        tail = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _BodyTooLarge
            window = tail + chunk
            if any(marker in window for marker in markers):
                raise _NulCharacter
            tail = chunk[-5:]
            parts.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(parts)
