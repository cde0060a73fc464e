"""Liveness, readiness, migration status and Prometheus metrics. No authentication."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from patchwatch.api.deps import get_database
from patchwatch.migrate import migrations_pending

router = APIRouter(tags=["health"])


async def _database_state(request: Request) -> dict[str, Any]:
    database = get_database(request)
    state: dict[str, Any] = {"status": "ok", "database": "ok", "migrations": "current"}
    try:
        async with database.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        if await migrations_pending(database.engine, database.url):
            state["migrations"] = "pending"
            state["status"] = "unavailable"
    except Exception:
        state.update(status="unavailable", database="unreachable", migrations="unknown")
    return state


@router.get("/ping", summary="Database and migration status (503 when not ready)")
async def ping(request: Request) -> JSONResponse:
    state = await _database_state(request)
    return JSONResponse(state, status_code=200 if state["status"] == "ok" else 503)


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Ready to serve: database reachable, migrations current")
async def readyz(request: Request) -> JSONResponse:
    return await ping(request)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
