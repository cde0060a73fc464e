"""A real HTTP server (a thread, a free loopback port) that plays updates.drupal.org."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import FIXTURES

FEEDS = FIXTURES / "drupal-release-history"
NO_RELEASE_HISTORY = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b"<error>No release history was found for the requested project (%s).</error>\n"
)


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0


@dataclass
class FeedServer:
    """Serves ``/{project}/current``; knows conditional requests; records what it was asked."""

    url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def serve_fixture(self, project: str, fixture: str, etag: str | None = None) -> None:
        body = (FEEDS / fixture).read_bytes()
        self.routes[project] = Route(
            body=body,
            etag=etag or f'"{project}-{len(body)}"',
            last_modified="Sat, 21 Nov 2026 10:00:00 GMT",
        )

    def headers_of(self, project: str) -> list[dict[str, str]]:
        return [h for path, h in self.requests if path.endswith(f"/{project}/current")]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            parts = self.path.strip("/").split("/")
            project = parts[-2] if len(parts) >= 2 else ""
            route = server.routes.get(project)
            if route is None:  # what updates.drupal.org says of a project it does not know
                route = Route(body=NO_RELEASE_HISTORY % project.encode())
            time.sleep(route.delay)
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", "application/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(route.body)))
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            self.end_headers()
            try:
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (size cap)
                pass

    return Handler


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/release-history"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
