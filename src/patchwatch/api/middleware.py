"""ASGI middleware: request id, access log, body size cap, Prometheus metrics."""

from __future__ import annotations

import re
import time
import uuid

import structlog
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
        status_holder = {"status": 500}
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(scope, receive, send, request_id)
            structlog.contextvars.clear_contextvars()
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge
            return message

        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except _BodyTooLarge:
            if not response_started:
                await self._too_large(scope, receive, send, request_id)
                status_holder["status"] = 413
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            route_path = getattr(route, "path", "unmatched")
            method = scope.get("method", "")
            REQUESTS.labels(method, route_path, str(status_holder["status"])).inc()
            LATENCY.labels(method, route_path).observe(elapsed)
            log.info(
                "request",
                method=method,
                path=scope.get("path"),
                status=status_holder["status"],
                ms=round(elapsed * 1000, 1),
            )
            structlog.contextvars.clear_contextvars()

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        response = error_response(
            413,
            "payload_too_large",
            f"The request body is larger than {self.max_body_bytes} bytes.",
            headers={"X-Request-ID": request_id},
        )
        await response(scope, receive, send)
