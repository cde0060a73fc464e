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
from sqlalchemy import text
from sqlalchemy.engine import make_url

from patchwatch import migrate
from patchwatch.app import create_app
from patchwatch.db import Base, make_engine, make_sessionmaker
from patchwatch.identity.models import Organization
from patchwatch.settings import Settings
from patchwatch.sites.models import Site, Snapshot
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


async def _role_permissions(url: str) -> dict[str, list[str]]:
    from sqlalchemy import select

    from patchwatch.identity.models import Role

    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(select(Role.name, Role.permissions))
            return {name: sorted(permissions) for name, permissions in rows.tuples()}
    finally:
        await engine.dispose()


async def test_0005_adds_patching_permissions_to_built_in_roles_and_keeps_custom_changes(
    scratch_url: str,
) -> None:
    from sqlalchemy import update

    from patchwatch.db import make_sessionmaker
    from patchwatch.identity import service as identity
    from patchwatch.identity.models import Role

    await asyncio.to_thread(migrate.upgrade, scratch_url, "0004")
    engine = make_engine(scratch_url)
    async with make_sessionmaker(engine)() as session:
        await identity.ensure_builtins(session)  # as an installation made before 0005 has them
        await session.commit()
    # Areas added by 0005 and by later revisions (which the downgrade to 0004 also removes).
    new_areas = ("patching:", "cycles:", "maintenance:", "imports:", "webhooks:")
    new_areas += ("tasks:", "ledger:", "billing:", "analytics:")  # 0007
    new_areas += ("rollouts:",)  # 0011
    async with engine.begin() as conn:
        for name, permissions in (await _role_permissions(scratch_url)).items():
            old = [p for p in permissions if not p.startswith(new_areas)]
            await conn.execute(update(Role).where(Role.name == name).values(permissions=old))
        # A platform admin had taken snapshots:write away from engineers; that choice stays.
        await conn.execute(
            update(Role)
            .where(Role.name == "engineer")
            .values(permissions=["catalog:read", "sites:read", "snapshots:read"])
        )
    await engine.dispose()
    before = await _role_permissions(scratch_url)
    assert "patching:read" not in before["viewer"]  # the pre-0005 roles do not have it
    await asyncio.to_thread(migrate.upgrade, scratch_url)
    after = await _role_permissions(scratch_url)
    assert "maintenance:request" in after["requester"] and "patching:read" in after["viewer"]
    assert {"cycles:write", "imports:write", "maintenance:decide"} <= set(after["manager"])
    assert "snapshots:write" not in after["engineer"]
    assert "patching:write" in after["engineer"]
    await asyncio.to_thread(migrate.downgrade, scratch_url, "0004")
    assert await _role_permissions(scratch_url) == before


async def test_0010_downgrade_keeps_snapshots_that_repeat_an_earlier_content(
    scratch_url: str,
) -> None:
    # Since 0010 a site may hold A, B, A; going back to the unique (site, hash) must not fail.
    await asyncio.to_thread(migrate.upgrade, scratch_url)
    engine = make_engine(scratch_url)
    try:
        async with make_sessionmaker(engine)() as session:
            org = Organization(name="Org")
            session.add(org)
            await session.flush()
            site = Site(organization_id=org.id, url="https://a.example.org", name="A")
            session.add(site)
            await session.flush()
            for digest in ("a" * 64, "b" * 64, "a" * 64):
                session.add(
                    Snapshot(
                        site_id=site.id,
                        organization_id=org.id,
                        format="native",
                        content_hash=digest,
                        raw={},
                    )
                )
                await session.flush()
            await session.commit()
        await asyncio.to_thread(migrate.downgrade, scratch_url, "0009")
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT content_hash FROM snapshots ORDER BY id"))
            hashes = list(rows.scalars())
        assert hashes[:2] == ["a" * 64, "b" * 64]
        assert len(hashes) == 3 and len(hashes[2]) == 64 and hashes[2] != "a" * 64
    finally:
        await engine.dispose()
