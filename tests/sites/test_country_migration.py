"""Migration 0012 rewrites stored countries to their canonical names, and leaves unknown ones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url

from patchwatch import migrate
from patchwatch.db import make_engine, make_sessionmaker
from patchwatch.identity.models import Organization
from patchwatch.sites.models import Site
from tests.conftest import PG_URL, _create_pg_database, _drop_pg_database


@pytest_asyncio.fixture(loop_scope="session")
async def scratch_url(tmp_path: Path) -> AsyncIterator[str]:
    if PG_URL:
        url = await _create_pg_database(PG_URL)
        yield url
        await _drop_pg_database(PG_URL, make_url(url).database or "")
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"


async def test_0012_normalises_known_countries_and_keeps_unknown_ones(scratch_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, scratch_url, "0011")
    engine = make_engine(scratch_url)
    stored = ["US", "usa", "uk", "Norway", "Narnia", None]
    try:
        async with make_sessionmaker(engine)() as session:
            org = Organization(name="Org")
            session.add(org)
            await session.flush()
            for n, country in enumerate(stored):
                session.add(
                    Site(
                        organization_id=org.id,
                        url=f"https://s{n}.example.org",
                        name=f"S{n}",
                        location_country=country,
                    )
                )
            await session.commit()
        await asyncio.to_thread(migrate.upgrade, scratch_url)
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT location_country FROM sites ORDER BY url"))
            countries = list(rows.scalars())
        assert countries == [
            "United States",
            "United States",
            "United Kingdom",
            "Norway",
            "Narnia",
            None,
        ]
        await asyncio.to_thread(migrate.downgrade, scratch_url, "0011")  # changes nothing
    finally:
        await engine.dispose()
