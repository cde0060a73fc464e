"""Migrations go up, down and up again on this run's database kind, and match the models."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from patchwatch import migrate
from patchwatch.app import create_app
from patchwatch.db import Base, make_engine
from patchwatch.settings import Settings
from tests.conftest import PG_URL, _create_pg_database, _drop_pg_database


@pytest_asyncio.fixture(loop_scope="session")
async def scratch_url(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the same kind as the suite's (not the shared one)."""
    if PG_URL:
        url = await _create_pg_database(PG_URL)
        yield url
        await _drop_pg_database(PG_URL, make_url(url).database or "")
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"


async def _schema_diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade_round_trip(scratch_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, scratch_url)
    await asyncio.to_thread(migrate.downgrade, scratch_url, "base")
    engine = make_engine(scratch_url)
    assert await migrate.current_revisions(engine) == set()
    await asyncio.to_thread(migrate.upgrade, scratch_url)
    assert await migrate.current_revisions(engine) == migrate.head_revisions(scratch_url)
    await engine.dispose()


async def test_every_revision_goes_down_and_up_one_step(scratch_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, scratch_url)
    heads = migrate.head_revisions(scratch_url)
    await asyncio.to_thread(migrate.downgrade, scratch_url, "-1")
    await asyncio.to_thread(migrate.upgrade, scratch_url, "+1")
    engine = make_engine(scratch_url)
    assert await migrate.current_revisions(engine) == heads
    await engine.dispose()


async def test_models_and_migrated_schema_do_not_differ(scratch_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, scratch_url)
    assert await _schema_diff(scratch_url) == []


async def _ping(settings: Settings) -> httpx.Response:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.get("/ping")


async def test_ping_is_503_while_migrations_are_pending(scratch_url: str, tmp_path: Path) -> None:
    await asyncio.to_thread(migrate.upgrade, scratch_url, "0001")
    settings = Settings(database_url=scratch_url, secret_key="s" * 40, data_dir=tmp_path)
    response = await _ping(settings)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "migrations": "pending"}


async def test_ping_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    url = (
        f"postgresql+asyncpg://nobody@127.0.0.1:1/{secrets.token_hex(2)}"
        if PG_URL
        else f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}"
    )
    settings = Settings(database_url=url, secret_key="s" * 40, data_dir=tmp_path)
    response = await _ping(settings)
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.parametrize("missing", ["PATCHWATCH_SECRET_KEY"])
def test_secret_key_is_required_outside_the_embedded_default(
    missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(missing, raising=False)
    with pytest.raises(ValueError, match="SECRET_KEY is required"):
        Settings(database_url="postgresql+asyncpg://x@127.0.0.1/db")
