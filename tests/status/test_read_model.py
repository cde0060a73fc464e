"""The per-site read model behind the fleet summary always equals a count of the rows."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from patchwatch.db import Database
from patchwatch.sites.models import InstalledPackage, Site
from patchwatch.status.service import COUNTED_STATUSES
from tests.sites.test_flow import import_feed, push, setup


def inventory(url: str, **versions: str) -> dict[str, Any]:
    return {
        "site": {"url": url},
        "packages": [{"ecosystem": "drupal", "name": n, "version": v} for n, v in versions.items()],
    }


async def _counted(db: Database) -> dict[int, dict[str, Any]]:
    async with db.sessionmaker() as session:
        rows = await session.execute(
            select(InstalledPackage.site_id, InstalledPackage.status, func.count()).group_by(
                InstalledPackage.site_id, InstalledPackage.status
            )
        )
        counted: dict[int, dict[str, Any]] = {}
        for site_id, status, n in rows.tuples():
            counted.setdefault(site_id, {f"packages_{s}": 0 for s in COUNTED_STATUSES})
            counted[site_id][f"packages_{status}"] = n
        missing = await session.execute(
            select(
                InstalledPackage.site_id,
                func.count(),
                func.min(InstalledPackage.exposure_started_at),
            )
            .where(InstalledPackage.missing_security.is_(True))
            .group_by(InstalledPackage.site_id)
        )
        for site_id, n, oldest in missing.tuples():
            counted[site_id]["packages_missing_security"] = n
            counted[site_id]["oldest_exposure_at"] = oldest
    return counted


async def _kept(db: Database) -> dict[int, dict[str, Any]]:
    async with db.sessionmaker() as session:
        sites = list(await session.scalars(select(Site)))
    kept = {}
    for site in sites:
        row = {f"packages_{s}": getattr(site, f"packages_{s}") for s in COUNTED_STATUSES}
        if site.packages_missing_security:
            row["packages_missing_security"] = site.packages_missing_security
            row["oldest_exposure_at"] = site.oldest_exposure_at
        if any(row.values()):
            kept[site.id] = row
    return kept


async def test_counters_follow_pushes_removals_and_feed_imports(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    await push(client, key, inventory("https://a.example.org", drupal="8.0.0", x_module="1.0"))
    await push(client, key, inventory("https://b.example.org", drupal="8.0.2", y="8.x-1.0"))
    assert await _kept(db) == await _counted(db)

    # An update, a removal, then a feed that changes statuses fleet-wide.
    await push(client, key, inventory("https://a.example.org", drupal="8.0.2"))
    await push(client, key, inventory("https://b.example.org", drupal="8.0.0", y="8.x-1.0"))
    await import_feed(client, admin, "drupal.sec.8.1.2.xml")
    assert await _kept(db) == await _counted(db)

    summary = (await client.get("/api/v1/fleet/summary", headers=key)).json()["data"]
    assert summary["sites"] == 2
    assert sum(summary["installed_by_status"].values()) == 3
    assert summary["missing_security"] == 2
    assert summary["oldest_exposure"]["package"] == "drupal"

    # Every package gone: the site's counters go back to zero.
    await push(client, key, inventory("https://a.example.org"))
    kept = await _kept(db)
    assert kept == await _counted(db) and len(kept) == 1
