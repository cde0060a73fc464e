"""The dashboard: the built ``web/`` app served at ``/`` by the API process.

Only requests no route answered reach it (the router's fallback), so ``/api``, ``/docs``,
``/ping`` and a 405 for a wrong method stay as they are. Hashed files under ``assets/`` are
cached for a year; ``index.html`` is revalidated every time so a deploy shows at once. Other
GET paths get ``index.html`` (the app's own router reads the URL); unknown ``/api/...`` paths
stay JSON 404s.
"""

from __future__ import annotations

import gzip
import mimetypes
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

# src/patchwatch/web.py -> the repository's web/dist (an editable install, `make run`).
DEFAULT_WEB_DIR = Path(__file__).resolve().parents[2] / "web" / "dist"
API_PREFIXES = ("/api/", "/user/")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".map"}
NOT_BUILT = (
    "The Patchwatch dashboard is not built yet: run `make web` (or `npm --prefix web ci && "
    "npm --prefix web run build`), then reload. The API is at /api/v1 and its docs at /docs.\n"
)


class Dashboard:
    """Answers for the files of one built app directory."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._packed: dict[Path, bytes] = {}

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        if not relative:
            return None
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None  # outside the app (../) or not there
        return candidate

    def _gzipped(self, found: Path) -> bytes:
        """The file compressed once: hashed assets never change while the process runs."""
        packed = self._packed.get(found)
        if packed is None:
            packed = self._packed[found] = gzip.compress(found.read_bytes(), 6)
        return packed

    def response(self, path: str, accepts_gzip: bool = False) -> Response:
        index = self.root / "index.html"
        if not index.is_file():
            return PlainTextResponse(NOT_BUILT, status_code=503)
        found = self._file(path)
        if found is not None and found != index:
            hashed = path.lstrip("/").startswith("assets/")
            headers = {"Cache-Control": IMMUTABLE if hashed else REVALIDATE}
            if hashed and found.suffix in COMPRESSIBLE:
                # Scripts and styles are most of a first visit's bytes; gzip takes ~70 % off.
                headers["Vary"] = "Accept-Encoding"
                if accepts_gzip:
                    media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                    headers["Content-Encoding"] = "gzip"
                    return Response(self._gzipped(found), media_type=media_type, headers=headers)
            return FileResponse(found, headers=headers)
        if path.startswith("/assets/"):
            # A stale hashed file (an old tab after a deploy): HTML here would break the page.
            return PlainTextResponse("Not found.\n", status_code=404)
        return FileResponse(index, headers={"Cache-Control": REVALIDATE})


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith(API_PREFIXES)


def install_dashboard(app: FastAPI, web_dir: Path | None = None) -> None:
    """Serve the dashboard for GET/HEAD requests no route matched (call after the routers)."""
    dashboard = Dashboard(web_dir or DEFAULT_WEB_DIR)
    not_found: ASGIApp = app.router.default

    async def fallback(scope: Scope, receive: Receive, send: Send) -> None:
        wanted = scope["type"] == "http" and scope["method"] in ("GET", "HEAD")
        if wanted and not _is_api(scope["path"]):
            accepted = Headers(scope=scope).get("accept-encoding", "")
            response = dashboard.response(scope["path"], accepts_gzip="gzip" in accepted)
            await response(scope, receive, send)
            return
        await not_found(scope, receive, send)

    app.router.default = fallback
