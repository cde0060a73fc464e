"""Snapshots are processed in the background: let them finish before the database is emptied."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import func, select

from patchwatch.db import Database
from patchwatch.sites.models import Snapshot


@pytest_asyncio.fixture(loop_scope="session")
async def db(db: Database) -> AsyncIterator[Database]:
    """The clean database of tests/conftest.py; afterwards, waits for pending processing."""
    yield db
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        async with db.sessionmaker() as session:
            pending = await session.scalar(
                select(func.count()).select_from(Snapshot).where(Snapshot.status == "received")
            )
        if not pending:
            return
        await asyncio.sleep(0.02)
