"""A site's country is kept as its canonical name; an unknown one is a field error."""

from __future__ import annotations

from uuid import UUID

import httpx
import pytest
from sqlalchemy import update

from patchwatch.db import Database
from patchwatch.sites.models import Site
from tests.factories import make_org, signed_in
from tests.patching.imports_helpers import upload

SITES = "/api/v1/sites"


def location(country: str) -> dict[str, str]:
    return {"street": "1 Main St", "city": "Springfield", "state": "IL", "country": country}


async def manager(client: httpx.AsyncClient, db: Database) -> dict[str, str]:
    _, headers = await signed_in(db, client, await make_org(db))
    return headers


@pytest.mark.parametrize("typed", ["usa", " U.S.A. ", "United States of America", "us"])
async def test_a_site_country_is_stored_as_its_canonical_name(
    client: httpx.AsyncClient, db: Database, typed: str
) -> None:
    headers = await manager(client, db)
    body = {"url": "https://a.example.org", "name": "A", "location": location(typed)}
    response = await client.post(SITES, headers=headers, json=body)
    assert response.status_code == 201, response.text
    site = response.json()["data"]
    assert site["location"]["country"] == "United States"
    read = await client.get(f"{SITES}/{site['uuid']}", headers=headers)
    assert read.json()["data"]["location"]["country"] == "United States"
    changed = await client.patch(
        f"{SITES}/{site['uuid']}", headers=headers, json={"location": location("Great Britain")}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["location"]["country"] == "United Kingdom"


async def test_an_unknown_country_is_a_field_error(client: httpx.AsyncClient, db: Database) -> None:
    headers = await manager(client, db)
    body = {"url": "https://a.example.org", "name": "A", "location": location("Untied States")}
    response = await client.post(SITES, headers=headers, json=body)
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["field"] == "body.location.country"
    assert detail["type"] == "unknown_country"
    assert detail["message"] == (
        "'Untied States' is not a known country; did you mean 'United States'?"
    )


async def test_an_import_row_with_an_unknown_country_fails_on_that_column(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await manager(client, db)
    content = (
        "url,street,city,state,country\n"
        "https://a.example.org,1 Main St,Springfield,IL,USA\n"
        "https://b.example.org,1 High St,Leeds,England,Narnia\n"
    )
    response = await upload(client, headers, "sites", content)
    assert response.status_code == 422, response.text
    (error,) = response.json()["error"]["details"]
    assert (error["row"], error["column"]) == (3, "country")
    assert error["message"] == "'Narnia' is not a known country"


async def test_an_import_normalises_countries(client: httpx.AsyncClient, db: Database) -> None:
    headers = await manager(client, db)
    content = (
        "url,street,city,state,country\n"
        "https://a.example.org,1 Main St,Springfield,IL,USA\n"
        "https://b.example.org,1 High St,Leeds,England,uk\n"
    )
    response = await upload(client, headers, "sites", content)
    assert response.status_code == 201, response.text
    listed = await client.get(f"{SITES}?sort=url", headers=headers)
    countries = [site["location"]["country"] for site in listed.json()["data"]]
    assert countries == ["United States", "United Kingdom"]


async def test_a_country_stored_before_the_rule_is_still_readable(
    client: httpx.AsyncClient, db: Database
) -> None:
    """Migration 0012 leaves unknown countries as they were; reading them is no error."""
    headers = await manager(client, db)
    body = {"url": "https://a.example.org", "name": "A", "location": location("US")}
    site = (await client.post(SITES, headers=headers, json=body)).json()["data"]
    async with db.sessionmaker() as session:
        await session.execute(
            update(Site).where(Site.uuid == UUID(site["uuid"])).values(location_country="Narnia")
        )
        await session.commit()
    read = await client.get(f"{SITES}/{site['uuid']}", headers=headers)
    assert read.status_code == 200, read.text
    assert read.json()["data"]["location"]["country"] == "Narnia"
    listed = await client.get(SITES, headers=headers)
    assert listed.status_code == 200, listed.text
