"""Sites over HTTP: CRUD, URL normalisation and uniqueness, filters, pagination, tenancy."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
import pytest

from patchwatch.db import Database
from tests.factories import (
    audit_events,
    key_headers,
    make_api_key,
    make_org,
    make_site,
    signed_in,
)

SITES = "/api/v1/sites"


async def manager(client: httpx.AsyncClient, db: Database) -> dict[str, str]:
    _, headers = await signed_in(db, client, await make_org(db))
    return headers


async def total(client: httpx.AsyncClient, headers: dict[str, str], query: str = "") -> int:
    response = await client.get(f"{SITES}?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["meta"]["total"])


async def test_create_returns_every_field(client: httpx.AsyncClient, db: Database) -> None:
    headers = await manager(client, db)
    site = await make_site(
        client,
        headers,
        "https://www.example.org",
        name="Example",
        description="Main site",
        kind="drupal",
        environment="staging",
        criticality="high",
        tags=["eu", "shop"],
        location={"street": "Main 1", "city": "Oslo", "state": "Oslo", "country": "NO"},
    )
    assert site["name"] == "Example" and site["environment"] == "staging"
    assert site["location"]["city"] == "Oslo" and site["tags"] == ["eu", "shop"]
    assert site["worst_status"] == "unknown" and site["last_snapshot_at"] is None
    assert site["is_active"] is True and site["is_deleted"] is False
    assert site["created_by"] and site["created_by"] == site["updated_by"]
    assert (await audit_events(db, UUID(site["uuid"])))[0].action == "site.created"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("HTTPS://Shop.Example.ORG/", "https://shop.example.org"),
        ("https://example.org:443/drupal/", "https://example.org/drupal"),
        ("http://example.org:8080", "http://example.org:8080"),
        ("  https://example.org  ", "https://example.org"),
        ("https://bücher.example", "https://bücher.example"),
    ],
)
async def test_urls_are_normalised(
    client: httpx.AsyncClient, db: Database, given: str, stored: str
) -> None:
    site = await make_site(client, await manager(client, db), given)
    assert site["url"] == stored


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org",
        "example.org",
        "https://",
        "https://user:secret@example.org",
        "https://exa mple.org",
        "https://example.org:99999",
        "https://-bad-.example.org",
        "javascript:alert(1)",
    ],
)
async def test_invalid_urls_are_refused(client: httpx.AsyncClient, db: Database, url: str) -> None:
    response = await client.post(
        SITES, headers=await manager(client, db), json={"url": url, "name": "X"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"].endswith("url")


async def test_the_same_url_twice_in_an_organization_is_409(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await manager(client, db)
    await make_site(client, headers, "https://shop.example.org")
    clash = await client.post(
        SITES, headers=headers, json={"url": "https://SHOP.example.org/", "name": "Dup"}
    )
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "site_exists"


async def test_the_same_url_in_two_organizations_is_fine(
    client: httpx.AsyncClient, db: Database
) -> None:
    await make_site(client, await manager(client, db), "https://shop.example.org")
    await make_site(client, await manager(client, db), "https://shop.example.org")


async def test_a_deleted_sites_url_can_be_used_again(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await manager(client, db)
    site = await make_site(client, headers, "https://shop.example.org")
    deleted = await client.delete(f"{SITES}/{site['uuid']}", headers=headers)
    assert deleted.status_code == 200 and deleted.json()["data"]["is_deleted"] is True
    await make_site(client, headers, "https://shop.example.org")


async def test_a_deleted_site_is_gone_from_reads(client: httpx.AsyncClient, db: Database) -> None:
    headers = await manager(client, db)
    site = await make_site(client, headers, "https://shop.example.org")
    await client.delete(f"{SITES}/{site['uuid']}", headers=headers)
    assert (await client.get(f"{SITES}/{site['uuid']}", headers=headers)).status_code == 404
    assert await total(client, headers) == 0


async def test_changing_the_url_to_a_taken_one_is_409(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await manager(client, db)
    await make_site(client, headers, "https://a.example.org")
    b = await make_site(client, headers, "https://b.example.org")
    response = await client.patch(
        f"{SITES}/{b['uuid']}", headers=headers, json={"url": "https://a.example.org"}
    )
    assert response.status_code == 409


async def test_patch_changes_only_what_is_given(client: httpx.AsyncClient, db: Database) -> None:
    headers = await manager(client, db)
    site = await make_site(client, headers, "https://a.example.org", tags=["x"])
    response = await client.patch(
        f"{SITES}/{site['uuid']}", headers=headers, json={"name": "Renamed", "is_active": False}
    )
    data = response.json()["data"]
    assert data["name"] == "Renamed" and data["is_active"] is False and data["tags"] == ["x"]
    assert data["updated_at"] >= site["updated_at"]
    actions = [e.action for e in await audit_events(db, UUID(site["uuid"]))]
    assert actions == ["site.created", "site.updated"]


async def test_location_null_removes_it(client: httpx.AsyncClient, db: Database) -> None:
    headers = await manager(client, db)
    location = {"street": "Main 1", "city": "Oslo", "state": "Oslo", "country": "NO"}
    site = await make_site(client, headers, "https://a.example.org", location=location)
    response = await client.patch(
        f"{SITES}/{site['uuid']}", headers=headers, json={"location": None}
    )
    assert response.json()["data"]["location"] is None


async def test_a_partial_location_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    response = await client.post(
        SITES,
        headers=await manager(client, db),
        json={"url": "https://a.example.org", "name": "X", "location": {"city": "Oslo"}},
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"tags": [f"t{n}" for n in range(51)]},
        {"tags": ["x" * 65]},
        {"tags": ["   "]},
        {"kind": "printer"},
        {"environment": "qa"},
        {"criticality": "extreme"},
        {"name": ""},
        {"name": "x" * 201},
        {"surprise": True},
    ],
)
async def test_out_of_limit_fields_are_refused(
    client: httpx.AsyncClient, db: Database, body: dict[str, Any]
) -> None:
    response = await client.post(
        SITES,
        headers=await manager(client, db),
        json={"url": "https://a.example.org", "name": "X", **body},
    )
    assert response.status_code == 422


async def test_duplicate_tags_are_kept_once(client: httpx.AsyncClient, db: Database) -> None:
    site = await make_site(
        client, await manager(client, db), "https://a.example.org", tags=["eu", " eu ", "shop"]
    )
    assert site["tags"] == ["eu", "shop"]


async def test_filters(client: httpx.AsyncClient, db: Database) -> None:
    headers = await manager(client, db)
    await make_site(
        client,
        headers,
        "https://shop.example.org",
        name="Web Shop",
        tags=["eu", "shop", "Zürich"],
        criticality="high",
        environment="staging",
    )
    await make_site(
        client, headers, "https://intranet.example.org", name="Intranet", kind="application"
    )
    inactive = await make_site(client, headers, "https://old.example.org", tags=["eu-old"])
    await client.patch(f"{SITES}/{inactive['uuid']}", headers=headers, json={"is_active": False})
    cases = {
        "tag=eu": 1,  # exact tag, not a prefix of eu-old
        "tag=Z%C3%BCrich": 1,
        "tag=us": 0,
        "kind=application": 1,
        "criticality=high": 1,
        "environment=staging": 1,
        "environment=production": 2,
        "is_active=false": 1,
        "status=unknown": 3,
        "status=security_update": 0,
        "q=SHOP": 1,
        "q=intranet.example": 1,
        "q=%25": 0,
        "q=_": 0,
    }
    for query, expected in cases.items():
        assert await total(client, headers, query) == expected, query


async def test_unknown_filter_values_are_422(client: httpx.AsyncClient, db: Database) -> None:
    headers = await manager(client, db)
    for query in ("kind=printer", "status=fine", "sort=password", "per_page=500"):
        response = await client.get(f"{SITES}?{query}", headers=headers)
        assert response.status_code == 422, query


async def test_pagination_and_sorting(client: httpx.AsyncClient, db: Database) -> None:
    headers = await manager(client, db)
    for name in ("Charlie", "alpha", "Bravo", "delta", "Echo"):
        await make_site(client, headers, f"https://{name.lower()}.example.org", name=name)
    first = (await client.get(f"{SITES}?per_page=2&sort=url", headers=headers)).json()
    assert [s["name"] for s in first["data"]] == ["alpha", "Bravo"]
    assert first["meta"] == {"total": 5, "page": 1, "per_page": 2}
    assert first["links"]["next"] and first["links"]["prev"] is None
    last = (await client.get(f"{SITES}?per_page=2&page=3&sort=url", headers=headers)).json()
    assert [s["name"] for s in last["data"]] == ["Echo"] and last["links"]["next"] is None
    newest = (await client.get(f"{SITES}?sort=-created_at&per_page=1", headers=headers)).json()
    assert newest["data"][0]["name"] == "Echo"


async def test_another_organizations_site_is_404_for_users_and_keys(
    client: httpx.AsyncClient, db: Database
) -> None:
    owner = await manager(client, db)
    site = await make_site(client, owner, "https://a.example.org")
    stranger = await manager(client, db)
    key = key_headers(
        await make_api_key(client, stranger, ["sites:read", "sites:write", "snapshots:read"])
    )
    for headers in (stranger, key):
        url = f"{SITES}/{site['uuid']}"
        assert (await client.get(url, headers=headers)).status_code == 404
        patched = await client.patch(url, headers=headers, json={"name": "Mine"})
        assert patched.status_code == 404
        assert (await client.delete(url, headers=headers)).status_code == 404
        assert (await client.get(f"{url}/snapshots", headers=headers)).status_code == 404
        assert await total(client, headers) == 0


async def test_a_viewer_reads_but_cannot_write(client: httpx.AsyncClient, db: Database) -> None:
    org = await make_org(db)
    _, boss = await signed_in(db, client, org)
    _, viewer = await signed_in(db, client, org, role="viewer")
    site = await make_site(client, boss, "https://a.example.org")
    assert (await client.get(f"{SITES}/{site['uuid']}", headers=viewer)).status_code == 200
    create = await client.post(
        SITES, headers=viewer, json={"url": "https://b.example.org", "name": "B"}
    )
    assert create.status_code == 403
    delete = await client.delete(f"{SITES}/{site['uuid']}", headers=viewer)
    assert delete.status_code == 403


async def test_a_site_bound_key_sees_only_its_site(client: httpx.AsyncClient, db: Database) -> None:
    headers = await manager(client, db)
    mine = await make_site(client, headers, "https://a.example.org")
    other = await make_site(client, headers, "https://b.example.org")
    key = key_headers(await make_api_key(client, headers, ["sites:read"], site_uuid=mine["uuid"]))
    listed = (await client.get(SITES, headers=key)).json()
    assert [s["uuid"] for s in listed["data"]] == [mine["uuid"]]
    assert (await client.get(f"{SITES}/{other['uuid']}", headers=key)).status_code == 404


async def test_the_admin_creates_sites_in_any_organization_and_filters_by_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    client_org = await make_org(db)
    _, client_manager = await signed_in(db, client, client_org)
    site = await make_site(
        client, admin, "https://a.example.org", organization_uuid=str(client_org.uuid)
    )
    assert site["organization_uuid"] == str(client_org.uuid)
    assert (await client.get(f"{SITES}/{site['uuid']}", headers=client_manager)).status_code == 200
    await make_site(client, admin, "https://own.example.org")
    assert await total(client, admin) == 2
    assert await total(client, admin, f"organization={client_org.uuid}") == 1


async def test_a_manager_cannot_create_in_another_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    other = await make_org(db)
    response = await client.post(
        SITES,
        headers=await manager(client, db),
        json={"url": "https://a.example.org", "name": "A", "organization_uuid": str(other.uuid)},
    )
    assert response.status_code == 404


async def test_concurrent_creates_of_one_url_give_one_site(
    client: httpx.AsyncClient, db: Database
) -> None:
    import asyncio

    headers = await manager(client, db)
    body = {"url": "https://a.example.org", "name": "A"}
    responses = await asyncio.gather(
        *(client.post(SITES, headers=headers, json=body) for _ in range(6))
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409, 409]
