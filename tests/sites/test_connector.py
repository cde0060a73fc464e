"""The Drupal connector contract (issue 7), over real HTTP, with payloads built as the issue says.

``POST /api/v1/sites/{site_uuid}/modules/sync`` (and the earlier ``/sites/{site_id}/modules``)
with the site's key in ``X-API-Key``; body ``{site, drupal_info, modules[], full_sync,
inventory_scope?, connector_version?}``.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from patchwatch.db import Database
from patchwatch.errors import TooManyRequests
from patchwatch.settings import Settings
from patchwatch.sites.connector import PushLimiter
from patchwatch.sites.models import Snapshot
from tests.conftest import FIXTURES
from tests.factories import make_org, make_site, poll_snapshot, signed_in

SITES = FIXTURES / "drupal-sites"
FEEDS = FIXTURES / "drupal-release-history"
SITE = "https://www.example.org"
CORE = "11.3.13"


# --- payloads, exactly as the contract describes them -------------------------------------------


def module(machine_name: str, version: str, **fields: Any) -> dict[str, Any]:
    return {
        "machine_name": machine_name,
        "display_name": fields.pop("display_name", machine_name.replace("_", " ").title()),
        "module_type": fields.pop("module_type", "module"),
        "enabled": fields.pop("enabled", True),
        "version": version,
        "description": fields.pop("description", ""),
        **fields,
    }


def payload(
    modules: list[dict[str, Any]],
    *,
    url: str = SITE,
    core_version: str = CORE,
    full_sync: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "site": {"url": url, "name": "Example", "token": "legacy-site-token-0123"},
        "drupal_info": {
            "core_version": core_version,
            "php_version": "8.3.6",
            "ip_address": "10.0.0.5",
        },
        "modules": modules,
        "full_sync": full_sync,
        **extra,
    }


# --- set-up -------------------------------------------------------------------------------------


class Connected:
    """A client organization's manager, one of its sites, and the site's connector key."""

    def __init__(self, manager: dict[str, str], site: dict[str, Any], key: dict[str, Any]) -> None:
        self.manager = manager
        self.site = site
        self.key = key
        self.headers = {"X-API-Key": key["secret"]}

    @property
    def sync(self) -> str:
        return f"/api/v1/sites/{self.site['uuid']}/modules/sync"


async def rotate_key(client: httpx.AsyncClient, manager: dict[str, str], site_uuid: str) -> Any:
    response = await client.post(f"/api/v1/sites/{site_uuid}/connector-key", headers=manager)
    assert response.status_code == 201, response.text
    return response.json()


async def connect(
    client: httpx.AsyncClient, db: Database, url: str = SITE, org_name: str = "Client"
) -> Connected:
    _, manager = await signed_in(db, client, await make_org(db, org_name))
    site = await make_site(client, manager, url, name="Example")
    key = (await rotate_key(client, manager, site["uuid"]))["data"]
    return Connected(manager, site, key)


async def packages(client: httpx.AsyncClient, c: Connected) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/sites/{c.site['uuid']}/packages", headers=c.manager, params={"per_page": 200}
    )
    assert response.status_code == 200, response.text
    return {p["package"]: p for p in response.json()["data"]}


async def snapshot_count(db: Database) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Snapshot)) or 0)


async def import_feed(client: httpx.AsyncClient, db: Database, name: str) -> None:
    _, admin = await signed_in(db, client, await make_org(db, "Operators"), role="admin")
    response = await client.post(
        "/api/v1/catalog/drupal/release-history",
        headers={**admin, "Content-Type": "application/xml"},
        content=(FEEDS / name).read_bytes(),
    )
    assert response.status_code == 200, response.text


# --- the push -----------------------------------------------------------------------------------


async def test_a_small_push_is_processed_at_once(client: httpx.AsyncClient, db: Database) -> None:
    c = await connect(client, db)
    body = payload([module("token", "8.x-1.17"), module("pathauto", "8.x-1.13")])
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["status"] == "processed" and data["site_uuid"] == c.site["uuid"]
    assert (data["modules"], data["projects"], data["added"]) == (2, 3, 3)
    assert set(await packages(client, c)) == {"drupal", "token", "pathauto"}


async def test_an_accepted_push_carries_the_rate_limit_headers(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    response = await client.post(c.sync, headers=c.headers, json=payload([]))
    assert response.status_code == 200, response.text
    assert response.headers["X-RateLimit-Limit"] == "4"
    assert response.headers["X-RateLimit-Remaining"] == "3"


async def test_the_earlier_path_takes_the_same_push(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    response = await client.post(
        f"/api/v1/sites/{c.site['uuid']}/modules",
        headers=c.headers,
        json=payload([module("token", "8.x-1.17")]),
    )
    assert response.status_code == 200, response.text
    assert (await packages(client, c))["token"]["version"] == "8.x-1.17"


async def test_core_comes_from_drupal_info(client: httpx.AsyncClient, db: Database) -> None:
    c = await connect(client, db)
    body = payload([module("node", CORE), module("system", CORE), module("token", "8.x-1.17")])
    await client.post(c.sync, headers=c.headers, json=body)
    found = await packages(client, c)
    assert set(found) == {"drupal", "token"}  # core's modules are project drupal
    assert found["drupal"]["version"] == CORE and found["drupal"]["package_type"] == "core"


async def test_a_missing_version_is_stored_as_unknown_not_as_0_0_0(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    body = payload([module("my_custom", "0.0.0", version_known=False)])
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.json()["data"]["unknown_versions"] == 1
    custom = (await packages(client, c))["my_custom"]
    assert custom["version"] is None and custom["status"] == "unknown"


async def test_sub_modules_collapse_into_their_reported_project(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    body = payload(
        [
            module("paragraphs_library", "8.x-1.12", reported_project="paragraphs", enabled=False),
            module("paragraphs", "8.x-1.12", reported_project="paragraphs"),
            module("jsonapi_defaults", "8.x-3.14", reported_project="jsonapi_extras"),
        ]
    )
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.json()["data"]["projects"] == 3
    found = await packages(client, c)
    assert set(found) == {"drupal", "paragraphs", "jsonapi_extras"}
    assert found["jsonapi_extras"]["version"] == "8.x-3.14"
    assert found["paragraphs"]["enabled"] is True  # enabled when any of its modules is


async def test_a_project_takes_its_version_from_a_module_that_knows_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    body = payload(
        [
            module("webform_ui", "0.0.0", version_known=False, reported_project="webform"),
            module("webform_node", "6.2.9", reported_project="webform"),
        ]
    )
    await client.post(c.sync, headers=c.headers, json=body)
    assert (await packages(client, c))["webform"]["version"] == "6.2.9"


async def test_a_full_sync_removes_the_projects_it_does_not_report(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    await client.post(
        c.sync,
        headers=c.headers,
        json=payload([module("token", "8.x-1.17"), module("ctools", "4.1.0")]),
    )
    response = await client.post(
        c.sync, headers=c.headers, json=payload([module("token", "8.x-1.17")])
    )
    assert response.json()["data"]["removed"] == 1
    assert set(await packages(client, c)) == {"drupal", "token"}


async def test_a_partial_sync_only_adds_and_updates(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    await client.post(
        c.sync,
        headers=c.headers,
        json=payload([module("token", "8.x-1.17"), module("ctools", "4.1.0")]),
    )
    partial = payload(
        [module("token", "8.x-1.18"), module("pathauto", "8.x-1.13")],
        full_sync=False,
        inventory_scope="changed",
    )
    response = await client.post(c.sync, headers=c.headers, json=partial)
    data = response.json()["data"]
    assert (data["added"], data["updated"], data["removed"]) == (1, 1, 0)
    found = await packages(client, c)
    assert set(found) == {"drupal", "token", "ctools", "pathauto"}
    assert found["token"]["version"] == "8.x-1.18"


async def test_the_url_is_compared_the_way_sites_normalise_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    body = payload([], url="HTTPS://WWW.Example.org:443/")
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.status_code == 200, response.text


async def test_the_site_token_is_never_stored(client: httpx.AsyncClient, db: Database) -> None:
    c = await connect(client, db)
    response = await client.post(c.sync, headers=c.headers, json=payload([]))
    uuid = response.json()["data"]["snapshot_uuid"]
    stored = await client.get(
        f"/api/v1/snapshots/{uuid}", headers=c.headers, params={"include": "raw"}
    )
    assert stored.json()["data"]["raw"]["site"] == {"url": SITE, "name": "Example"}
    assert "legacy-site-token-0123" not in stored.text


async def test_a_push_of_over_500_modules_answers_202_with_a_job(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    body = payload([module(f"module_{n:03d}", "1.0.0") for n in range(501)])
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.status_code == 202, response.text
    data = response.json()["data"]
    assert data["status"] == "received"
    assert response.headers["Location"] == f"/api/v1/snapshots/{data['snapshot_uuid']}"
    job = await poll_snapshot(client, c.headers, data["snapshot_uuid"], timeout=60)
    assert job["status"] == "processed" and job["result"]["added"] == 502


# --- errors -------------------------------------------------------------------------------------


async def test_a_body_naming_another_url_is_a_400_and_stores_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    body = payload([module("token", "8.x-1.17")], url="https://other.example.org")
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "site_url_mismatch"
    assert await snapshot_count(db) == 0


async def test_a_key_of_another_site_is_a_403(client: httpx.AsyncClient, db: Database) -> None:
    c = await connect(client, db)
    other = await make_site(client, c.manager, "https://other.example.org")
    other_key = (await rotate_key(client, c.manager, other["uuid"]))["data"]
    response = await client.post(
        c.sync, headers={"X-API-Key": other_key["secret"]}, json=payload([])
    )
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "wrong_site"


async def test_an_unknown_site_is_a_404(client: httpx.AsyncClient, db: Database) -> None:
    c = await connect(client, db)
    response = await client.post(
        "/api/v1/sites/00000000-0000-4000-8000-000000000000/modules/sync",
        headers=c.headers,
        json=payload([]),
    )
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "site_not_found"


async def test_another_organizations_site_is_a_404(client: httpx.AsyncClient, db: Database) -> None:
    c = await connect(client, db)
    theirs = await connect(client, db, "https://theirs.example.org", org_name="Other client")
    response = await client.post(theirs.sync, headers=c.headers, json=payload([]))
    assert response.status_code == 404, response.text
    assert await snapshot_count(db) == 0


async def test_a_body_outside_the_contract_is_a_422_and_stores_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    body = payload([module("Not A Machine Name", "1.0.0")])
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["field"].startswith("body.modules.0")
    assert await snapshot_count(db) == 0


async def test_a_module_reported_twice_is_a_422(client: httpx.AsyncClient, db: Database) -> None:
    c = await connect(client, db)
    body = payload([module("token", "8.x-1.17"), module("token", "8.x-1.18")])
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.status_code == 422, response.text


async def test_the_fifth_push_in_an_hour_is_a_429_with_the_headers(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    for remaining in (3, 2, 1, 0):
        response = await client.post(c.sync, headers=c.headers, json=payload([]))
        assert response.status_code == 200, response.text
        assert response.headers["X-RateLimit-Remaining"] == str(remaining)
    refused = await client.post(c.sync, headers=c.headers, json=payload([]))
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "push_limit_reached"
    assert refused.headers["X-RateLimit-Limit"] == "4"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert await snapshot_count(db) == 4


async def test_the_limit_is_per_site(client: httpx.AsyncClient, db: Database) -> None:
    c = await connect(client, db)
    for _ in range(4):
        await client.post(c.sync, headers=c.headers, json=payload([]))
    other = await make_site(client, c.manager, "https://other.example.org")
    other_key = (await rotate_key(client, c.manager, other["uuid"]))["data"]
    response = await client.post(
        f"/api/v1/sites/{other['uuid']}/modules/sync",
        headers={"X-API-Key": other_key["secret"]},
        json=payload([], url="https://other.example.org"),
    )
    assert response.status_code == 200, response.text


async def test_api_processes_share_a_site_s_limit_through_redis() -> None:
    settings = Settings(
        redis_url="redis://127.0.0.1:6379/0",
        secret_key="k" * 40,
        database_url="sqlite+aiosqlite:///:memory:",
        connector_pushes_per_hour=2,
    )
    namespace = f"pw-test-{secrets.token_hex(4)}"
    first, second = (
        PushLimiter(settings, namespace=namespace),
        PushLimiter(settings, namespace=namespace),
    )
    site = uuid.uuid4()
    try:
        assert (await first.hit(site)).remaining == 1
        assert (await second.hit(site)).remaining == 0
        with pytest.raises(TooManyRequests) as refused:
            await first.hit(site)
        assert refused.value.headers["X-RateLimit-Remaining"] == "0"
        assert int(refused.value.headers["Retry-After"]) > 0
    finally:
        await first.reset()


# --- the per-site key ---------------------------------------------------------------------------


async def test_the_connector_key_is_bound_to_its_site(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    assert c.key["site_uuid"] == c.site["uuid"]
    assert c.key["permissions"] == ["snapshots:read", "snapshots:write"]


async def test_rotating_the_connector_key_stops_the_old_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    rotated = await rotate_key(client, c.manager, c.site["uuid"])
    assert rotated["meta"]["revoked"] == [c.key["uuid"]]
    old = await client.post(c.sync, headers=c.headers, json=payload([]))
    assert old.status_code == 401, old.text
    new = await client.post(
        c.sync, headers={"X-API-Key": rotated["data"]["secret"]}, json=payload([])
    )
    assert new.status_code == 200, new.text


async def test_a_viewer_cannot_rotate_the_connector_key(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db, "Client")
    _, manager = await signed_in(db, client, org)
    _, viewer = await signed_in(db, client, org, role="viewer")
    site = await make_site(client, manager, SITE)
    response = await client.post(f"/api/v1/sites/{site['uuid']}/connector-key", headers=viewer)
    assert response.status_code == 403, response.text


# --- real site inventories turned into connector pushes -----------------------------------------

_DRUSH_ROW = re.compile(
    r"^\s*(?P<package>\S.*?)\s{2,}(?P<name>.*?)\s*\((?P<machine>[a-z0-9_]+)\)\s+"
    r"(?P<status>Enabled|Disabled|Not installed)\s*(?P<version>\S*)\s*$"
)


def from_drush_table(text: str, url: str = SITE) -> dict[str, Any]:
    """What a connector on the emmfinalist site sends: every extension of ``drush pm:list``."""
    rows = [m for line in text.splitlines() if (m := _DRUSH_ROW.match(line))]
    core_version = next(m["version"] for m in rows if m["package"] == "Core")
    modules = [
        module(
            m["machine"],
            m["version"] or "0.0.0",
            display_name=m["name"],
            enabled=m["status"] == "Enabled",
            **({"version_known": False} if not m["version"] else {}),
        )
        for m in rows
    ]
    return payload(modules, url=url, core_version=core_version)


def from_composer_lock(lock: dict[str, Any], url: str = SITE) -> dict[str, Any]:
    """What a connector on the helfi-etusivu site sends: its Drupal projects, each reporting
    its project; versions as drupal.org names them (``extra.drupal.version``)."""
    types = {"drupal-module": "module", "drupal-theme": "theme", "drupal-profile": "profile"}
    core_version = next(p["version"] for p in lock["packages"] if p["name"] == "drupal/core")
    modules = []
    for package in lock["packages"]:
        if not package["name"].startswith("drupal/") or package.get("type") not in types:
            continue
        project = package["name"].split("/", 1)[1]
        release = (package.get("extra") or {}).get("drupal", {}).get("version")
        version = release or package["version"]
        unknown = version.startswith("dev-")
        modules.append(
            module(
                project,
                "0.0.0" if unknown else version,
                module_type=types[package["type"]],
                reported_project=project,
                description=package.get("description", "")[:5000],
                **({"version_known": False} if unknown else {}),
            )
        )
    return payload(modules, url=url, core_version=core_version, connector_version="2.1.0")


async def test_the_emmfinalist_inventory_collapses_to_its_projects(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    body = from_drush_table((SITES / "emmfinalist-cms.drush-pm-list.txt").read_text())
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["modules"] == 65
    found = await packages(client, c)
    assert found["drupal"]["version"] == "8.9.0"
    assert "paragraphs_type_permissions" not in found  # a sub-module of paragraphs
    assert found["paragraphs"]["version"] == "8.x-1.12"
    assert found["elasticsearch_connector"]["version"] == "8.x-6.0-alpha2"
    assert not {"node", "views", "jsonapi", "text"} & set(found)  # core's modules


async def test_the_emmfinalist_push_agrees_with_its_drush_snapshot(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    text = (SITES / "emmfinalist-cms.drush-pm-list.txt").read_text()
    await client.post(c.sync, headers=c.headers, json=from_drush_table(text))
    other = await make_site(client, c.manager, "https://drush.example.org")
    pusher = (await rotate_key(client, c.manager, other["uuid"]))["data"]
    pushed = await client.post(
        "/api/v1/snapshots",
        headers={"X-API-Key": pusher["secret"], "Content-Type": "text/plain"},
        content=text,
    )
    assert pushed.status_code == 202, pushed.text
    await poll_snapshot(client, {"X-API-Key": pusher["secret"]}, pushed.json()["data"]["uuid"])
    via_drush = await packages(client, Connected(c.manager, other, pusher))
    via_connector = await packages(client, c)
    assert {n: p["version"] for n, p in via_connector.items()} == {
        n: p["version"] for n, p in via_drush.items()
    }


async def test_the_helfi_inventory_keeps_drupal_org_release_names(
    client: httpx.AsyncClient, db: Database
) -> None:
    c = await connect(client, db)
    lock = json.loads((SITES / "helfi-etusivu.composer.lock").read_text())
    response = await client.post(c.sync, headers=c.headers, json=from_composer_lock(lock))
    assert response.status_code == 200, response.text
    found = await packages(client, c)
    assert found["drupal"]["version"] == "11.3.13"
    assert found["config_ignore"]["version"] == "8.x-3.4"  # composer 3.4.0
    assert found["address"]["version"] == "2.0.4"
    assert found["hdbt"]["version"] == "6.17.30" and found["hdbt"]["package_type"] == "theme"
    assert "helfi_drupal_tools" not in found  # a drush extension, not a module
    assert response.json()["data"]["projects"] == len(found)


# --- end to end ---------------------------------------------------------------------------------


async def test_a_connector_push_of_an_insecure_core_turns_the_site_red(
    client: httpx.AsyncClient, db: Database
) -> None:
    await import_feed(client, db, "drupal.sec.8.0.2.xml")
    c = await connect(client, db)
    body = payload([module("node", "8.0.0"), module("system", "8.0.0")], core_version="8.0.0")
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.json()["data"]["worst_status"] == "security_update"
    core = (await packages(client, c))["drupal"]
    assert core["status"] == "security_update" and core["security_updates"] == ["8.0.2"]
    site = await client.get(f"/api/v1/sites/{c.site['uuid']}", headers=c.manager)
    assert site.json()["data"]["worst_status"] == "security_update"


async def test_a_sub_module_at_an_insecure_release_turns_the_site_red(
    client: httpx.AsyncClient, db: Database
) -> None:
    await import_feed(client, db, "aaa_update_test.sec.8.x-1.2.xml")
    c = await connect(client, db)
    body = payload([module("aaa_update_test_sub", "8.x-1.1", reported_project="aaa_update_test")])
    response = await client.post(c.sync, headers=c.headers, json=body)
    assert response.json()["data"]["worst_status"] == "security_update"
    project = (await packages(client, c))["aaa_update_test"]
    assert project["status"] == "security_update" and project["security_updates"] == ["8.x-1.2"]
