"""The overview's read views: open security updates by age, the oldest, and the daily trend."""

from __future__ import annotations

from typing import Any

import httpx

from patchwatch.db import Database
from tests.factories import make_org, signed_in
from tests.sites.test_flow import import_feed, push, setup
from tests.status.test_read_model import inventory

SITE = "https://insecure.example.org"


async def _get(client: httpx.AsyncClient, headers: dict[str, str], path: str) -> Any:
    response = await client.get(f"/api/v1/fleet/{path}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_an_insecure_core_shows_in_age_buckets_oldest_and_trend(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    await push(client, key, inventory(SITE, drupal="8.0.0"))

    buckets = await _get(client, key, "exposures/by-age")
    assert [(b["bucket"], b["count"]) for b in buckets] == [
        ("0-7", 1),
        ("8-30", 0),
        ("31-90", 0),
        ("90+", 0),
    ]
    oldest = await _get(client, key, "exposures/oldest?limit=5")
    assert [(e["package"], e["version"]) for e in oldest] == [("drupal", "8.0.0")]
    trend = await _get(client, key, "trend?days=3")
    assert [p["open"] for p in trend] == [0, 0, 1]


async def test_a_resolved_update_leaves_the_trend_and_the_buckets(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    await push(client, key, inventory(SITE, drupal="8.0.0"))
    await push(client, key, inventory(SITE, drupal="8.0.2"))

    buckets = await _get(client, key, "exposures/by-age")
    assert sum(b["count"] for b in buckets) == 0
    trend = await _get(client, key, "trend?days=2")
    assert [p["open"] for p in trend] == [0, 0]


async def test_another_organization_sees_none_of_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    await push(client, key, inventory(SITE, drupal="8.0.0"))
    _, other = await signed_in(db, client, await make_org(db, "Elsewhere"))

    assert sum(b["count"] for b in await _get(client, other, "exposures/by-age")) == 0
    assert await _get(client, other, "exposures/oldest") == []
    assert [p["open"] for p in await _get(client, other, "trend?days=2")] == [0, 0]


async def test_a_package_s_versions_are_counted_across_the_fleet(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    for number, version in enumerate(["8.0.0", "8.0.0", "8.0.2"]):
        await push(client, key, inventory(f"https://site{number}.example.org", drupal=version))
    _, other = await signed_in(db, client, await make_org(db, "Elsewhere"))

    response = await client.get(
        "/api/v1/installed-packages/versions?ecosystem=drupal&package=drupal", headers=key
    )
    assert response.status_code == 200, response.text
    assert [
        (v["version"], v["sites"], v["insecure"], v["worst_status"], v["statuses"])
        for v in response.json()["data"]
    ] == [
        ("8.0.0", 2, 2, "security_update", {"security_update": 2}),
        ("8.0.2", 1, 0, "current", {"current": 1}),
    ]
    theirs = await client.get(
        "/api/v1/installed-packages/versions?ecosystem=drupal&package=drupal", headers=other
    )
    assert theirs.json()["data"] == []  # another organization's installs are not counted
    unknown = await client.get(
        "/api/v1/installed-packages/versions?ecosystem=drupal&package=nope", headers=key
    )
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "not_found")
    missing = await client.get("/api/v1/installed-packages/versions", headers=key)
    assert missing.status_code == 422


async def test_an_install_links_to_its_recommended_release_s_notes(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    await push(client, key, inventory(SITE, drupal="8.0.0"))

    response = await client.get("/api/v1/installed-packages?package=drupal", headers=key)
    [core] = response.json()["data"]
    assert (core["recommended_version"], core["release_notes_url"]) == (
        "8.0.2",
        "https://example.com/drupal-8-0-2-release",  # the feed's <release_link> of 8.0.2
    )


async def test_a_release_link_that_is_not_http_is_not_passed_on(
    client: httpx.AsyncClient, db: Database
) -> None:
    from sqlalchemy import update

    from patchwatch.catalog.models import Release

    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    async with db.sessionmaker() as session:  # a hostile feed's link
        await session.execute(
            update(Release)
            .where(Release.version == "8.0.2")
            .values(release_link="javascript:alert(document.cookie)")
        )
        await session.commit()
    await push(client, key, inventory(SITE, drupal="8.0.0"))

    response = await client.get("/api/v1/installed-packages?package=drupal", headers=key)
    assert response.json()["data"][0]["release_notes_url"] is None
