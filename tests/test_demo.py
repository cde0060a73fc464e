"""The demo data of `make run`: a fleet the status engine has decided on, and patch work."""

from __future__ import annotations

from sqlalchemy import func, select

from patchwatch.db import Database, utcnow
from patchwatch.demo import demo_organization_uuid, load_demo_data
from patchwatch.demo_fleet import CLIENTS, SERVERS, SITES_PER_CLIENT, load_demo_fleet
from patchwatch.patching.models import Cycle, MaintenanceRequest
from patchwatch.sites.models import InstalledPackage, Site


async def _load(db: Database) -> int:
    async with db.sessionmaker() as session:
        await load_demo_data(session, admin_password="demo-password-1")
        await session.commit()
        organization_uuid = await demo_organization_uuid(session)
    assert organization_uuid is not None
    return await load_demo_fleet(db, organization_uuid)


async def test_the_demo_fleet_has_red_amber_and_green_sites_with_aged_exposures(
    db: Database,
) -> None:
    sites = await _load(db)
    assert sites == len(SERVERS) + len(CLIENTS) * SITES_PER_CLIENT
    async with db.sessionmaker() as session:
        statuses = set(
            await session.scalars(select(Site.worst_status).where(Site.kind == "drupal"))
        )
        oldest = await session.scalar(select(func.min(InstalledPackage.exposure_started_at)))
        cycle = await session.scalar(select(Cycle.state))
        requests = sorted(await session.scalars(select(MaintenanceRequest.state)))
    assert {"security_update", "update_available"} <= statuses
    assert oldest is not None and (utcnow() - oldest).days >= 30
    assert cycle == "open"
    assert requests == ["accepted", "pending"]


async def test_loading_the_demo_twice_adds_nothing(db: Database) -> None:
    await _load(db)
    assert await _load(db) == 0
    async with db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Cycle)) == 1
