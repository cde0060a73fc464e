"""Pushing snapshots over HTTP: formats, site resolution, idempotency, bad input, reading them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from patchwatch.db import Database
from patchwatch.sites.models import Site, Snapshot
from tests.conftest import FIXTURES
from tests.factories import (
    key_headers,
    make_api_key,
    make_org,
    make_site,
    poll_snapshot,
    signed_in,
)

SITES = FIXTURES / "drupal-sites"
PUSH = "/api/v1/snapshots"
SITE = "https://www.example.org"
AGENT = ["snapshots:write", "snapshots:read", "sites:read", "sites:write"]


async def agent(
    client: httpx.AsyncClient, db: Database, permissions: list[str] = AGENT, **key: Any
) -> tuple[dict[str, str], dict[str, str]]:
    """A manager's headers and an API key's headers, in a new organization."""
    _, manager = await signed_in(db, client, await make_org(db))
    if "site_url" in key:
        site = await make_site(client, manager, key.pop("site_url"))
        key["site_uuid"] = site["uuid"]
    return manager, key_headers(await make_api_key(client, manager, permissions, **key))


def native(*packages: tuple[str, str | None], url: str = SITE) -> dict[str, Any]:
    return {
        "site": {"url": url, "name": "Example"},
        "collected_at": "2026-11-20T10:00:00Z",
        "packages": [
            {"ecosystem": "drupal", "name": name, "version": version} for name, version in packages
        ],
    }


BASIC = native(("drupal", "10.1.0"), ("token", "8.x-1.17"))


async def accepted(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 202, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def processed(
    client: httpx.AsyncClient, headers: dict[str, str], response: httpx.Response
) -> dict[str, Any]:
    snapshot = await poll_snapshot(client, headers, (await accepted(response))["uuid"])
    assert snapshot["status"] == "processed", snapshot
    return snapshot


async def snapshot_count(db: Database) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Snapshot)) or 0)


# --- formats ---------------------------------------------------------------------------


async def test_native_push_answers_202_at_once_and_is_processed(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db)
    response = await client.post(PUSH, headers=key, json=BASIC)
    data = await accepted(response)
    assert data["status"] == "received" and data["duplicate"] is False
    snapshot = await poll_snapshot(client, key, data["uuid"])
    assert snapshot["status"] == "processed" and snapshot["format"] == "patchwatch"
    assert snapshot["package_count"] == 2
    assert snapshot["result"] == {"added": 2, "updated": 0, "removed": 0, "unknown_versions": 0}
    assert snapshot["collected_at"].startswith("2026-11-20T10:00:00")
    assert snapshot["site_uuid"] == data["site_uuid"] and snapshot["raw"] is None
    assert len(snapshot["content_hash"]) == 64


@pytest.mark.parametrize(
    ("fixture", "projects", "core"),
    [
        ("acquia-drupal-cms-project.composer.lock", 109, "11.4.5"),
        ("helfi-etusivu.composer.lock", 105, "11.3.13"),
    ],
)
async def test_real_composer_locks_are_ingested(
    client: httpx.AsyncClient, db: Database, fixture: str, projects: int, core: str
) -> None:
    _, key = await agent(client, db)
    response = await client.post(
        f"{PUSH}?site_url=https://cms.example.org",
        headers={**key, "Content-Type": "application/json"},
        content=(SITES / fixture).read_bytes(),
    )
    snapshot = await processed(client, key, response)
    assert snapshot["format"] == "composer-lock"  # recognised by its shape
    installed = await installed_packages(db, snapshot["site_uuid"])
    drupal = {
        name: version for (ecosystem, name), version in installed.items() if ecosystem == "drupal"
    }
    assert len(drupal) == projects and drupal["drupal"] == core
    site = (await client.get(f"/api/v1/sites/{snapshot['site_uuid']}", headers=key)).json()
    assert site["data"]["kind"] == "drupal" and site["data"]["last_snapshot_at"]


async def test_composer_lock_with_dev_packages_when_asked(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db)
    body = (SITES / "helfi-etusivu.composer.lock").read_bytes()
    plain = await processed(
        client,
        key,
        await client.post(
            f"{PUSH}?format=composer-lock&site_url={SITE}", headers=key, content=body
        ),
    )
    dev = await processed(
        client,
        key,
        await client.post(
            f"{PUSH}?format=composer-lock&include_dev=true&site_url={SITE}",
            headers=key,
            content=body,
        ),
    )
    assert dev["format"] == "composer-lock+dev"
    # 80 dev packages, of which drupal/core-dev is a part of core, not a project
    assert dev["package_count"] == plain["package_count"] + 79


async def test_real_drush_table_is_ingested(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await agent(client, db)
    response = await client.post(
        f"{PUSH}?site_url=https://emm.example.org",
        headers={**key, "Content-Type": "text/plain; charset=utf-8"},
        content=(SITES / "emmfinalist-cms.drush-pm-list.txt").read_bytes(),
    )
    snapshot = await processed(client, key, response)
    assert snapshot["format"] == "drush-pm-list-table" and snapshot["package_count"] == 17
    installed = await installed_packages(db, snapshot["site_uuid"])
    assert installed[("drupal", "drupal")] == "8.9.0"
    assert installed[("drupal", "feeds")] == "8.x-3.0-alpha8"


async def test_drush_json_by_content_type(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await agent(client, db)
    body = {
        "block": {
            "package": "Core",
            "display_name": "Block (block)",
            "status": "Enabled",
            "version": "10.2.3",
            "type": "module",
        },
        "views_ui": {
            "package": "Core",
            "status": "Disabled",
            "version": "10.2.3",
            "type": "module",
        },
        "pathauto": {
            "package": "SEO",
            "status": "Enabled",
            "version": "8.x-1.12",
            "type": "module",
        },
        "olivero": {"package": "Core", "status": "Enabled", "version": "10.2.3", "type": "theme"},
    }
    response = await client.post(
        f"{PUSH}?site_url={SITE}",
        headers={**key, "Content-Type": "application/vnd.drush.pm-list+json"},
        content=json.dumps(body),
    )
    snapshot = await processed(client, key, response)
    assert snapshot["format"] == "drush-pm-list"
    installed = await installed_packages(db, snapshot["site_uuid"])
    assert installed == {("drupal", "drupal"): "10.2.3", ("drupal", "pathauto"): "8.x-1.12"}


async def test_the_format_parameter_wins_over_the_content_type(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db)
    response = await client.post(
        f"{PUSH}?format=patchwatch",
        headers={**key, "Content-Type": "text/plain"},
        content=json.dumps(BASIC),
    )
    assert (await processed(client, key, response))["format"] == "patchwatch"


async def test_include_raw_returns_the_body(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await agent(client, db)
    data = await accepted(await client.post(PUSH, headers=key, json=BASIC))
    response = await client.get(f"{PUSH}/{data['uuid']}?include=raw", headers=key)
    assert response.json()["data"]["raw"] == BASIC


async def test_history_lists_newest_first(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await agent(client, db)
    uuids = []
    for version in ("10.1.0", "10.1.1", "10.1.2"):
        body = native(("drupal", version))
        uuids.append(
            (await processed(client, key, await client.post(PUSH, headers=key, json=body)))["uuid"]
        )
    site = (await client.get("/api/v1/sites", headers=key)).json()["data"][0]
    page = (
        await client.get(f"/api/v1/sites/{site['uuid']}/snapshots?per_page=2", headers=key)
    ).json()
    assert [s["uuid"] for s in page["data"]] == uuids[::-1][:2]
    assert page["meta"]["total"] == 3 and all(s["raw"] is None for s in page["data"])


# --- site resolution -------------------------------------------------------------------


async def test_an_unknown_url_creates_the_site_with_sites_write(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db)
    data = await accepted(await client.post(PUSH, headers=key, json=BASIC))
    site = (await client.get(f"/api/v1/sites/{data['site_uuid']}", headers=key)).json()["data"]
    assert site["url"] == SITE and site["name"] == "Example" and site["kind"] == "drupal"


async def test_an_unknown_url_is_404_without_sites_write(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db, ["snapshots:write"])
    response = await client.post(PUSH, headers=key, json=BASIC)
    assert response.status_code == 404
    assert await snapshot_count(db) == 0


async def test_a_known_url_needs_no_sites_write(client: httpx.AsyncClient, db: Database) -> None:
    manager, key = await agent(client, db, ["snapshots:write"])
    site = await make_site(client, manager, "https://WWW.example.org/")
    data = await accepted(await client.post(PUSH, headers=key, json=BASIC))
    assert data["site_uuid"] == site["uuid"]


async def test_the_site_can_be_named_by_uuid(client: httpx.AsyncClient, db: Database) -> None:
    manager, key = await agent(client, db, ["snapshots:write"])
    site = await make_site(client, manager, "https://other.example.org")
    body = {**BASIC, "site": {"uuid": site["uuid"]}}
    assert (await accepted(await client.post(PUSH, headers=key, json=body)))["site_uuid"] == site[
        "uuid"
    ]


async def test_another_organizations_site_uuid_is_404(
    client: httpx.AsyncClient, db: Database
) -> None:
    owner, _ = await agent(client, db)
    site = await make_site(client, owner, SITE)
    _, key = await agent(client, db)
    response = await client.post(PUSH, headers=key, json={**BASIC, "site": {"uuid": site["uuid"]}})
    assert response.status_code == 404


async def test_the_same_url_in_another_organization_is_a_different_site(
    client: httpx.AsyncClient, db: Database
) -> None:
    owner, _ = await agent(client, db)
    theirs = await make_site(client, owner, SITE)
    _, key = await agent(client, db)
    ours = await accepted(await client.post(PUSH, headers=key, json=BASIC))
    assert ours["site_uuid"] != theirs["uuid"]


async def test_a_site_bound_key_pushes_for_its_site_without_naming_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db, ["snapshots:write"], site_url="https://mine.example.org")
    body = {"packages": BASIC["packages"]}
    data = await accepted(await client.post(PUSH, headers=key, json=body))
    lock = (SITES / "helfi-etusivu.composer.lock").read_bytes()
    again = await accepted(await client.post(PUSH, headers=key, content=lock))
    assert again["site_uuid"] == data["site_uuid"]


async def test_a_site_bound_key_pushing_for_another_site_is_403(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(
        client, db, ["snapshots:write", "sites:write"], site_url="https://mine.example.org"
    )
    for query, body in (("", BASIC), (f"?site_url={SITE}", {"packages": []})):
        response = await client.post(f"{PUSH}{query}", headers=key, json=body)
        assert response.status_code == 403 and response.json()["error"]["code"] == "wrong_site"
    assert await snapshot_count(db) == 0


async def test_a_site_bound_key_cannot_read_another_sites_snapshot(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, _ = await agent(client, db)
    other = await processed(client, manager, await client.post(PUSH, headers=manager, json=BASIC))
    site = await make_site(client, manager, "https://mine.example.org")
    key = key_headers(
        await make_api_key(client, manager, ["snapshots:read"], site_uuid=site["uuid"])
    )
    assert (await client.get(f"{PUSH}/{other['uuid']}", headers=key)).status_code == 404


async def test_another_organizations_snapshot_is_404(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db)
    data = await accepted(await client.post(PUSH, headers=key, json=BASIC))
    _, stranger = await agent(client, db)
    assert (await client.get(f"{PUSH}/{data['uuid']}", headers=stranger)).status_code == 404


async def test_a_format_without_a_site_needs_site_url(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db)
    response = await client.post(
        PUSH, headers=key, content=(SITES / "helfi-etusivu.composer.lock").read_bytes()
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "site_required"


async def test_pushing_needs_snapshots_write(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await agent(client, db, ["sites:read", "snapshots:read"])
    assert (await client.post(PUSH, headers=key, json=BASIC)).status_code == 403
    assert (await client.post(PUSH, json=BASIC)).status_code == 401


# --- repeated pushes -------------------------------------------------------------------


async def test_the_same_content_again_is_the_same_snapshot(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db)
    first = await processed(client, key, await client.post(PUSH, headers=key, json=BASIC))
    reordered = json.dumps(dict(reversed(list(BASIC.items()))), indent=2)
    again = await accepted(
        await client.post(
            PUSH, headers={**key, "Content-Type": "application/json"}, content=reordered
        )
    )
    assert again == {
        "uuid": first["uuid"],
        "status": "processed",
        "site_uuid": first["site_uuid"],
        "duplicate": True,
    }
    assert await snapshot_count(db) == 1


async def test_an_inventory_seen_before_and_since_replaced_is_applied_again(
    client: httpx.AsyncClient, db: Database
) -> None:
    # A deployment to 10.2.0 rolled back to 10.1.0: the site runs 10.1.0 again, and says so.
    _, key = await agent(client, db)
    first = await processed(client, key, await client.post(PUSH, headers=key, json=BASIC))
    newer = native(("drupal", "10.2.0"), ("token", "8.x-1.17"))
    await processed(client, key, await client.post(PUSH, headers=key, json=newer))
    response = await client.post(PUSH, headers=key, json=BASIC)
    back = await processed(client, key, response)
    assert response.json()["data"]["duplicate"] is False and back["uuid"] != first["uuid"]
    packages = await client.get(f"/api/v1/sites/{first['site_uuid']}/packages", headers=key)
    versions = {p["package"]: p["version"] for p in packages.json()["data"]}
    assert versions["drupal"] == "10.1.0"
    assert await snapshot_count(db) == 3


async def test_the_same_idempotency_key_returns_the_first_snapshot(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db)
    keyed = {**key, "Idempotency-Key": "ci-run-42"}
    one = await accepted(await client.post(PUSH, headers=keyed, json=BASIC))
    other_body = native(("drupal", "10.2.0"))
    two = await accepted(await client.post(PUSH, headers=keyed, json=other_body))
    assert two["uuid"] == one["uuid"] and two["duplicate"] is True
    assert await snapshot_count(db) == 1


async def test_idempotency_keys_are_per_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key_a = await agent(client, db)
    _, key_b = await agent(client, db)
    one = await accepted(
        await client.post(PUSH, headers={**key_a, "Idempotency-Key": "k"}, json=BASIC)
    )
    two = await accepted(
        await client.post(PUSH, headers={**key_b, "Idempotency-Key": "k"}, json=BASIC)
    )
    assert one["uuid"] != two["uuid"] and two["duplicate"] is False


async def test_a_site_bound_key_cannot_replay_another_sites_idempotency_key(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, key = await agent(client, db)
    await accepted(await client.post(PUSH, headers={**key, "Idempotency-Key": "k1"}, json=BASIC))
    site = await make_site(client, manager, "https://mine.example.org")
    bound = key_headers(
        await make_api_key(client, manager, ["snapshots:write"], site_uuid=site["uuid"])
    )
    response = await client.post(
        PUSH, headers={**bound, "Idempotency-Key": "k1"}, json={"packages": []}
    )
    assert response.status_code == 409


async def test_concurrent_identical_pushes_store_one_snapshot(
    client: httpx.AsyncClient, db: Database
) -> None:
    import asyncio

    manager, key = await agent(client, db)
    await make_site(client, manager, SITE)
    responses = await asyncio.gather(
        *(client.post(PUSH, headers=key, json=BASIC) for _ in range(5))
    )
    uuids = {(await accepted(r))["uuid"] for r in responses}
    assert len(uuids) == 1 and await snapshot_count(db) == 1


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {
                **BASIC,
                "packages": [
                    *BASIC["packages"],
                    {"ecosystem": "drupal", "name": "x", "version": 12},
                ],
            },
            "packages.2.version",
        ),
        (
            {**BASIC, "packages": [{"ecosystem": "drupal", "name": "x" * 256, "version": "1.0.0"}]},
            "packages.0.name",
        ),
        (
            {**BASIC, "packages": [{"ecosystem": "drupal", "name": "x", "version": "1" * 129}]},
            "packages.0.version",
        ),
        ({**BASIC, "packages": [{"ecosystem": "drupal", "name": "x"}]}, "packages.0.version"),
        ({**BASIC, "collected_at": "yesterday"}, "collected_at"),
        ({**BASIC, "collected_at": "2026-11-20T10:00:00"}, "collected_at"),
        ({**BASIC, "site": {"url": "ftp://x.example.org"}}, "site.url"),
        ({**BASIC, "site": {}}, "site"),
        ({**BASIC, "extra": 1}, "extra"),
        ({"site": BASIC["site"]}, "packages"),
    ],
)
async def test_malformed_native_snapshots_are_422_with_the_path(
    client: httpx.AsyncClient, db: Database, body: dict[str, Any], field: str
) -> None:
    _, key = await agent(client, db)
    response = await client.post(PUSH, headers=key, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["field"] == field
    assert await snapshot_count(db) == 0


async def test_a_malformed_lock_is_422_with_the_path_and_creates_no_site(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, key = await agent(client, db)
    lock = json.loads((SITES / "acquia-drupal-cms-project.composer.lock").read_bytes())
    del lock["packages"][3]["version"]
    response = await client.post(
        f"{PUSH}?format=composer-lock&site_url={SITE}", headers=key, json=lock
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "packages.3.version"
    async with db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Site)) == 0


@pytest.mark.parametrize(
    ("content", "content_type", "code"),
    [
        (b'{"packages": [}', "application/json", "invalid_json"),
        (b"", "application/json", "empty_body"),
        (b'{"packages": "\xff\xfe"}', "application/json", "invalid_json"),
        ('{"packages": []}'.encode("utf-16"), "application/json", "nul_character"),
        (b'{"a": "\\ud800"}', "application/json", "invalid_json"),
        (b"  Core  Block (block)  Enabled  10.1.0\n\xff", "text/plain", "invalid_encoding"),
        (b"[" * 5000 + b"]" * 5000, "application/json", "invalid_json"),
        (
            b'{"packages": ' + b'{"a": ' * 100 + b"1" + b"}" * 101,
            "application/json",
            "too_deeply_nested",
        ),
        (b'{"packages": []}', "application/json; charset=latin-1", "unsupported_media_type"),
    ],
)
async def test_undecodable_bodies_are_4xx(
    client: httpx.AsyncClient, db: Database, content: bytes, content_type: str, code: str
) -> None:
    _, key = await agent(client, db)
    response = await client.post(
        f"{PUSH}?site_url={SITE}", headers={**key, "Content-Type": content_type}, content=content
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error"]["code"] == code
    assert await snapshot_count(db) == 0


async def test_an_oversized_body_is_413(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await agent(client, db)
    limit = client_limit(client)
    response = await client.post(PUSH, headers=key, content=b" " * (limit + 1))
    assert response.status_code == 413


async def test_an_oversized_chunked_body_is_413(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await agent(client, db)
    limit = client_limit(client)

    async def chunks() -> Any:
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    response = await client.post(PUSH, headers=key, content=chunks())
    assert response.status_code == 413


def client_limit(_client: httpx.AsyncClient) -> int:
    from patchwatch.settings import Settings

    return Settings.model_fields["max_body_bytes"].default  # the test server's default


async def test_an_unknown_format_is_422(client: httpx.AsyncClient, db: Database) -> None:
    _, key = await agent(client, db)
    response = await client.post(f"{PUSH}?format=xml", headers=key, json=BASIC)
    assert response.status_code == 422


# --- helpers ---------------------------------------------------------------------------


async def installed_packages(db: Database, site_uuid: str) -> dict[tuple[str, str], str | None]:
    from uuid import UUID

    from patchwatch.catalog.models import Package
    from patchwatch.sites.models import InstalledPackage

    async with db.sessionmaker() as session:
        rows = await session.execute(
            select(Package.ecosystem, Package.name, InstalledPackage.version)
            .join(Package, Package.id == InstalledPackage.package_id)
            .join(Site, Site.id == InstalledPackage.site_id)
            .where(Site.uuid == UUID(site_uuid))
        )
        return {(ecosystem, name): version for ecosystem, name, version in rows.tuples()}


async def test_concurrent_pushes_for_a_new_url_add_one_site(
    client: httpx.AsyncClient, db: Database
) -> None:
    import asyncio

    _, key = await agent(client, db)
    bodies = [native(("drupal", f"10.1.{n}"), url="https://new.example.org") for n in range(6)]
    responses = await asyncio.gather(*(client.post(PUSH, headers=key, json=b) for b in bodies))
    assert len({(await accepted(r))["site_uuid"] for r in responses}) == 1
    async with db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Site)) == 1
