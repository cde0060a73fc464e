"""A maintenance request's location country follows the same rule as a site's."""

from __future__ import annotations

from uuid import UUID

import httpx
from sqlalchemy import update

from patchwatch.db import Database
from patchwatch.patching.models import MaintenanceRequest
from tests.patching.test_maintenance import REQUESTS, World, request_body, submit, world

__all__ = ["world"]  # the fixture

LOCATION = {"street": "10 Downing St", "city": "London", "state": "England"}


async def test_the_country_is_stored_as_its_canonical_name(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await submit(
        client, world.requester, world.site["uuid"], location={**LOCATION, "country": "UK"}
    )
    assert made["location"]["country"] == "United Kingdom"
    read = await client.get(f"{REQUESTS}/{made['uuid']}", headers=world.requester)
    assert read.json()["data"]["location"]["country"] == "United Kingdom"


async def test_an_unknown_country_is_a_field_error(client: httpx.AsyncClient, world: World) -> None:
    body = request_body(world.site["uuid"], location={**LOCATION, "country": "Gondor"})
    response = await client.post(REQUESTS, headers=world.requester, json=body)
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["field"] == "body.location.country"
    assert "'Gondor' is not a known country" in detail["message"]


async def test_a_country_stored_before_the_rule_is_still_readable(
    client: httpx.AsyncClient, world: World, db: Database
) -> None:
    made = await submit(
        client, world.requester, world.site["uuid"], location={**LOCATION, "country": "UK"}
    )
    async with db.sessionmaker() as session:
        await session.execute(
            update(MaintenanceRequest)
            .where(MaintenanceRequest.uuid == UUID(made["uuid"]))
            .values(location_country="Gondor")
        )
        await session.commit()
    read = await client.get(f"{REQUESTS}/{made['uuid']}", headers=world.requester)
    assert read.status_code == 200, read.text
    assert read.json()["data"]["location"]["country"] == "Gondor"
