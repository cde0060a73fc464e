"""`patchwatch catalog sync` against a real local HTTP server playing updates.drupal.org."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from patchwatch.catalog.models import Package, Release
from patchwatch.catalog.sync import sync_drupal_catalog
from patchwatch.db import Database
from patchwatch.events.models import OutboxEvent
from patchwatch.settings import Settings
from tests.catalog.feed_server import FeedServer, Route, feed_server
from tests.sites.test_flow import packages_of, push, setup
from tests.test_cli import run as run_cli

SITE = "https://sync.example.org"


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with feed_server() as server:
        yield server


def inventory(**versions: str) -> dict[str, Any]:
    return {
        "site": {"url": SITE, "name": "Sync"},
        "collected_at": "2026-11-20T10:00:00Z",
        "packages": [
            {"ecosystem": "drupal", "name": name, "version": version}
            for name, version in versions.items()
        ],
    }


def synced(settings: Settings, feeds: FeedServer, **extra: Any) -> Settings:
    return settings.model_copy(update={"drupal_release_history_url": feeds.url, **extra})


async def _package(db: Database, name: str) -> Package:
    async with db.sessionmaker() as session:
        package = await session.scalar(select(Package).where(Package.name == name))
        assert package is not None
        return package


async def _events(db: Database, event_type: str) -> list[OutboxEvent]:
    async with db.sessionmaker() as session:
        stmt = select(OutboxEvent).where(OutboxEvent.event_type == event_type)
        return list(await session.scalars(stmt.order_by(OutboxEvent.id)))


async def _release_count(db: Database, name: str) -> int:
    package = await _package(db, name)
    async with db.sessionmaker() as session:
        return len(
            list(await session.scalars(select(Release).where(Release.package_id == package.id)))
        )


async def test_sync_fetches_every_project_in_use_and_re_evaluates_the_fleet(
    client: httpx.AsyncClient, db: Database, settings: Settings, feeds: FeedServer
) -> None:
    _, key = await setup(client, db)
    accepted, _ = await push(
        client, key, inventory(drupal="8.0.0", aaa_update_test="8.x-1.1", our_custom="1.0.0")
    )
    feeds.serve_fixture("drupal", "drupal.sec.8.0.2.xml")
    feeds.serve_fixture("aaa_update_test", "aaa_update_test.sec.8.x-1.2.xml")
    # our_custom is unknown to the server: it answers as updates.drupal.org does.

    result = await sync_drupal_catalog(db, synced(settings, feeds))

    assert (result.checked, result.updated, result.failed) == (3, 3, 0)
    assert result.installed_packages_changed == 2  # our_custom was and stays unknown
    packages = await packages_of(client, key, accepted["site_uuid"])
    assert packages["drupal"]["status"] == "security_update"
    assert packages["drupal"]["security_updates"] == ["8.0.2"]
    assert packages["aaa_update_test"]["missing_security"] is True
    assert packages["our_custom"]["status"] == "unknown"
    assert packages["our_custom"]["reason"] == "No available releases found"
    detected = await _events(db, "security_update_detected")
    assert {e.payload["package"] for e in detected} == {"drupal", "aaa_update_test"}
    [request] = feeds.headers_of("drupal")
    assert request["user-agent"].startswith("Patchwatch/")
    assert "if-none-match" not in request


async def test_a_second_sync_asks_conditionally_and_changes_nothing(
    client: httpx.AsyncClient, db: Database, settings: Settings, feeds: FeedServer
) -> None:
    _, key = await setup(client, db)
    await push(client, key, inventory(drupal="8.0.0"))
    feeds.serve_fixture("drupal", "drupal.sec.8.0.2.xml", etag='"v1"')
    await sync_drupal_catalog(db, synced(settings, feeds))

    again = await sync_drupal_catalog(db, synced(settings, feeds))

    assert (again.checked, again.not_modified, again.updated) == (1, 1, 0)
    assert again.installed_packages_changed == 0 and again.events == 0
    second = feeds.headers_of("drupal")[-1]
    assert second["if-none-match"] == '"v1"'
    assert second["if-modified-since"] == "Sat, 21 Nov 2026 10:00:00 GMT"
    assert len(await _events(db, "security_update_detected")) == 1

    feeds.serve_fixture("drupal", "drupal.sec.8.1.2.xml", etag='"v2"')  # a new release
    third = await sync_drupal_catalog(db, synced(settings, feeds))
    assert third.updated == 1
    assert (await _package(db, "drupal")).feed_etag == '"v2"'


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<project><short_name>&lol2;</short_name></project>"""


async def test_failures_are_recorded_per_project_and_do_not_stop_the_others(
    client: httpx.AsyncClient, db: Database, settings: Settings, feeds: FeedServer
) -> None:
    _, key = await setup(client, db)
    await push(
        client,
        key,
        inventory(
            drupal="8.0.0",
            aaa_update_test="8.x-1.1",
            bbb_update_test="8.x-1.0",
            ccc_update_test="8.x-1.0",
            semver_test="8.1.1",
        ),
    )
    feeds.serve_fixture("drupal", "drupal.sec.8.0.2.xml")
    feeds.serve_fixture("aaa_update_test", "aaa_update_test.sec.8.x-1.2.xml")
    await sync_drupal_catalog(db, synced(settings, feeds))
    releases_before = await _release_count(db, "aaa_update_test")

    feeds.routes["aaa_update_test"] = Route(body=b"oops", status=500)
    feeds.routes["bbb_update_test"] = Route(body=BILLION_LAUGHS)
    feeds.routes["ccc_update_test"] = Route(body=b"<project>" + b" " * (6 * 1024 * 1024))
    feeds.routes["semver_test"] = Route(body=b"", delay=2.0)
    result = await sync_drupal_catalog(
        db, synced(settings, feeds, catalog_sync_timeout_seconds=0.5)
    )

    assert result.failed == 4 and result.not_modified == 1  # drupal: unchanged
    errors = {
        name: (await _package(db, name)).feed_error or ""
        for name in ("aaa_update_test", "bbb_update_test", "ccc_update_test", "semver_test")
    }
    assert errors["aaa_update_test"].startswith("HTTP 500")
    assert "forbidden XML features" in errors["bbb_update_test"]
    assert "larger than" in errors["ccc_update_test"]
    assert "Timeout" in errors["semver_test"]
    # The last good releases stay; a failure never wipes what the catalog knew.
    assert await _release_count(db, "aaa_update_test") == releases_before > 0
    [event] = await _events(db, "catalog_sync_failed")
    assert event.payload["failed"] == 4
    assert {f["package"] for f in event.payload["failures"]} == set(errors)

    feeds.serve_fixture("aaa_update_test", "aaa_update_test.sec.8.x-1.2.xml", etag='"fixed"')
    await sync_drupal_catalog(db, synced(settings, feeds), projects=["aaa_update_test"])
    assert (await _package(db, "aaa_update_test")).feed_error is None


async def test_the_command_syncs_named_projects_and_exits_1_on_failures(
    cli_env: dict[str, str], feeds: FeedServer
) -> None:
    assert run_cli(cli_env, "db", "upgrade").returncode == 0
    env = {**cli_env, "PATCHWATCH_DRUPAL_RELEASE_HISTORY_URL": feeds.url}
    feeds.serve_fixture("drupal", "drupal.sec.8.0.2.xml")
    ok = run_cli(env, "catalog", "sync", "--project", "drupal")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "1 updated" in ok.stdout and "0 failed" in ok.stdout
    feeds.routes["views"] = Route(status=503)
    failed = run_cli(env, "catalog", "sync", "--project", "drupal", "--project", "views")
    assert failed.returncode == 1
    assert "failed views: HTTP 503" in failed.stdout and "1 not modified" in failed.stdout
