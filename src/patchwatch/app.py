"""The application factory: routers, middleware, error handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import APIRouter, FastAPI

from patchwatch import __version__
from patchwatch.api.errors import error_responses, install_error_handlers
from patchwatch.api.health import router as health_router
from patchwatch.api.middleware import RequestContextMiddleware
from patchwatch.audit.router import router as audit_router
from patchwatch.catalog.router import router as catalog_router
from patchwatch.catalog.router_advisories import router as advisories_router
from patchwatch.db import Database
from patchwatch.events import runner as event_runner
from patchwatch.events.router import router as events_router
from patchwatch.identity.router import router as identity_router
from patchwatch.identity.router_apikeys import router as apikeys_router
from patchwatch.identity.router_auth import router as auth_router
from patchwatch.identity.router_service import router as identity_service_router
from patchwatch.identity.router_wellknown import router as wellknown_router
from patchwatch.identity.throttle import LoginThrottle
from patchwatch.jobs import scheduler
from patchwatch.jobs.loops import Stopper, stop_loops
from patchwatch.logging import configure_logging
from patchwatch.notify.router import router as notify_router
from patchwatch.patching.router import router as patching_router
from patchwatch.patching.router_imports import router as imports_router
from patchwatch.patching.router_maintenance import router as maintenance_router
from patchwatch.rollouts.router import router as rollouts_router
from patchwatch.settings import Settings, get_settings
from patchwatch.sites import jobs as snapshot_jobs
from patchwatch.sites.connector import PushLimiter
from patchwatch.sites.router import router as sites_router
from patchwatch.sites.router_connector import router as connector_router
from patchwatch.status.router import router as status_router
from patchwatch.web import install_dashboard
from patchwatch.work.router import router as tasks_router
from patchwatch.work.router_ledger import router as ledger_router

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    """Every module's router under ``/api/v1``."""
    router = APIRouter(prefix=API_PREFIX, responses=error_responses())
    for module_router in (
        auth_router,
        identity_router,
        apikeys_router,
        audit_router,
        sites_router,
        connector_router,
        status_router,
        catalog_router,
        advisories_router,
        patching_router,
        maintenance_router,
        imports_router,
        rollouts_router,
        tasks_router,
        ledger_router,
        notify_router,
        events_router,
    ):
        router.include_router(module_router)
    return router


async def _resume_pending_snapshots(database: Database) -> None:
    """Snapshots received before a crash are processed now (nothing is lost)."""
    try:
        await snapshot_jobs.resume_pending(database)
    except Exception:  # a database not yet migrated: /ping says so; serve anyway
        structlog.get_logger(__name__).warning("snapshot_resume_skipped", exc_info=True)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(json=settings.log_json, level=settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = Database(settings.database_url, settings.database_replica_url)
        await _resume_pending_snapshots(app.state.db)
        stopper = Stopper()
        loops: list[asyncio.Task[None]] = []
        if settings.scheduler_enabled:
            loops.append(
                asyncio.create_task(scheduler.run_forever(app.state.db, settings, stopper))
            )
        # Events are delivered here on the embedded default; with Redis, by `patchwatch worker`.
        if settings.scheduler_enabled and not settings.redis_url:
            loops.append(
                asyncio.create_task(event_runner.run_forever(app.state.db, settings, stopper))
            )
        try:
            yield
        finally:
            await stop_loops(stopper, loops, settings.shutdown_grace_seconds)
            await snapshot_jobs.wait_idle()
            await app.state.db.dispose()

    app = FastAPI(
        title="Patchwatch",
        version=__version__,
        description="Which sites, servers and applications miss (security) updates, "
        "since when, inside the SLA or not, and who is fixing it.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
        swagger_ui_parameters={"persistAuthorization": True},
    )
    app.state.settings = settings
    app.state.login_throttle = LoginThrottle(settings)
    app.state.connector_limiter = PushLimiter(settings)
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(api_router())
    app.include_router(identity_service_router, responses=error_responses())
    app.include_router(wellknown_router)
    install_dashboard(app, settings.web_dir)  # last: only what no route answered
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    return app
