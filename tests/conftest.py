"""Test fixtures: a real database (SQLite, or PostgreSQL when PATCHWATCH_TEST_DATABASE_URL is set),
a real API server on a free port, and an HTTP client talking to it over a socket.

Database tests truncate every table afterwards; pure tests (no ``database_url`` fixture) are
skipped on the PostgreSQL run because they do not touch a database.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import uvicorn
from sqlalchemy import text
from sqlalchemy.engine import make_url

from patchwatch import migrate
from patchwatch.app import create_app
from patchwatch.db import Base, Database
from patchwatch.identity import service as identity
from patchwatch.identity.throttle import LoginThrottle
from patchwatch.settings import Settings

PG_URL = os.environ.get("PATCHWATCH_TEST_DATABASE_URL", "")
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
if not FIXTURES.exists():
    FIXTURES = Path(__file__).resolve().parents[1] / "shared" / "fixtures"


def pytest_report_header() -> str:
    return f"patchwatch test database: {'postgresql' if PG_URL else 'sqlite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not PG_URL:
        return
    skip = pytest.mark.skip(reason="no database: already run on the SQLite pass")
    for item in items:
        if "database_url" not in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


async def _create_pg_database(url: str) -> str:
    import asyncpg

    base = make_url(url)
    name = f"pw_test_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(
        host=base.host,
        port=base.port or 5432,
        user=base.username,
        password=base.password,
        database=base.database or "postgres",
    )
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return base.set(database=name).render_as_string(hide_password=False)


async def _drop_pg_database(url: str, name: str) -> None:
    import asyncpg

    base = make_url(url)
    conn = await asyncpg.connect(
        host=base.host,
        port=base.port or 5432,
        user=base.username,
        password=base.password,
        database=base.database or "postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A fresh, migrated database for the whole test session."""
    if PG_URL:
        url = await _create_pg_database(PG_URL)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    yield url
    if PG_URL:
        await _drop_pg_database(PG_URL, make_url(url).database or "")


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        secret_key=secrets.token_urlsafe(48),
        log_level="WARNING",
        scheduler_enabled=False,  # tests run jobs themselves, at the moment they choose
    )


@dataclass
class RunningServer:
    url: str
    settings: Settings
    app: object


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server(settings: Settings) -> Iterator[RunningServer]:
    """The real API, served by uvicorn on 127.0.0.1 in a thread of this process."""
    app = create_app(settings)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    uv_server = uvicorn.Server(config)
    thread = threading.Thread(target=uv_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv_server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield RunningServer(url=f"http://127.0.0.1:{port}", settings=settings, app=app)
    uv_server.should_exit = True
    thread.join(timeout=10)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database(database_url: str) -> AsyncIterator[Database]:
    """The test's own handle on the database, for arranging data and checking results."""
    db = Database(database_url)
    yield db
    await db.dispose()


async def _truncate(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await conn.execute(text(f"DELETE FROM {table}"))


@pytest_asyncio.fixture(loop_scope="session")
async def db(database: Database) -> AsyncIterator[Database]:
    """A clean database with the built-in roles and groups; emptied again afterwards."""
    async with database.sessionmaker() as session:
        await identity.ensure_builtins(session)
        await session.commit()
    yield database
    await _truncate(database)


@pytest_asyncio.fixture(loop_scope="session")
async def client(server: RunningServer, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on a real socket to the running server, over a clean database."""
    state = server.app.state  # type: ignore[attr-defined]
    state.login_throttle = LoginThrottle(server.settings)  # forget earlier tests' failures
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        yield http
