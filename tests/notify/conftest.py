"""A real SMTP server (aiosmtpd) and a real HTTP receiver for webhooks, both on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from patchwatch.settings import Settings
from tests.conftest import _free_port

PUBLIC_URL = "https://patchwatch.example.org"


@dataclass
class Mailbox:
    """What the SMTP server received, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver: records every POST, answers the next queued status (else 200)."""

    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    always: int = 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    port = _free_port()
    state = Receiver(url=f"http://127.0.0.1:{port}/hook")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.requests.append(Received(dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else state.always
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def notify_settings(settings: Settings, smtp_server: tuple[Mailbox, int]) -> Settings:
    """The suite's settings with email on (the test SMTP server) and small limits."""
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_server[1],
            "smtp_starttls": False,
            "smtp_timeout_seconds": 5,
            "webhook_timeout_seconds": 5,
            "public_url": PUBLIC_URL,
            "notify_retry_base_seconds": 60,
            "notify_max_attempts": 4,
            "webhook_failure_limit": 3,
            "webhook_allow_private_addresses": True,  # the receiver listens on 127.0.0.1
        }
    )


@pytest.fixture
def mailbox(smtp_server: tuple[Mailbox, int]) -> Mailbox:
    return smtp_server[0]
