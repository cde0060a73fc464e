"""The iCalendar feed of accepted maintenance windows: its token, its content, who it shows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import httpx
from icalendar import Calendar
from sqlalchemy import select, update

from patchwatch.db import Database
from patchwatch.identity.models import User
from patchwatch.identity.tokens import hash_token
from patchwatch.patching.models import CalendarFeed
from tests.factories import key_headers, make_api_key, signed_in
from tests.patching.test_maintenance import (
    LOCATION,
    REQUESTS,
    World,
    accepted,
    at,
    iso,
    make_world,
    submit,
    world,
)

__all__ = ["world"]  # the fixture, shared with the requests' tests

TOKEN = f"{REQUESTS}/calendar-token"
FEED = f"{REQUESTS}/calendar.ics"


async def new_token(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.post(TOKEN, headers=headers)
    assert response.status_code == 201, response.text
    token: str = response.json()["data"]["token"]
    return token


async def feed(client: httpx.AsyncClient, token: str) -> Calendar:
    response = await client.get(FEED, params={"token": token})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict[str, Any]:
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


async def test_the_feed_shows_an_accepted_window_as_an_event(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await submit(
        client,
        world.requester,
        world.site["uuid"],
        topic="Core update",
        starts_at=iso(at(7)),
        duration_minutes=90,
        location=LOCATION,
        notes="Drush access needed",
        contact_email="ops@example.org",
    )
    await client.post(f"{REQUESTS}/{made['uuid']}/accept", headers=world.manager)
    events = events_by_uid(await feed(client, await new_token(client, world.manager)))
    event = events[f"{made['uuid']}@patchwatch"]
    assert event.decoded("dtstart") == at(7)
    assert event.decoded("dtend") == at(7) + timedelta(minutes=90)
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert str(event["summary"]) == "Core update — Shop"
    assert str(event["location"]) == "Main 1, Oslo, Oslo, Norway"
    description = str(event["description"])
    assert "Drush access needed" in description and "ops@example.org" in description


async def test_a_window_without_location_has_no_location_line(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await accepted(client, world, at(7))
    events = events_by_uid(await feed(client, await new_token(client, world.manager)))
    assert "location" not in events[f"{made['uuid']}@patchwatch"]


async def test_pending_rejected_and_cancelled_windows_are_not_in_the_feed(
    client: httpx.AsyncClient, world: World
) -> None:
    shown = await accepted(client, world, at(2))
    await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(3)))
    rejected = await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(4)))
    await client.post(
        f"{REQUESTS}/{rejected['uuid']}/reject", headers=world.manager, json={"reason": "No"}
    )
    cancelled = await accepted(client, world, at(5))
    await client.post(f"{REQUESTS}/{cancelled['uuid']}/cancel", headers=world.requester)
    events = events_by_uid(await feed(client, await new_token(client, world.manager)))
    assert list(events) == [f"{shown['uuid']}@patchwatch"]


async def test_the_feed_shows_only_the_owners_organization(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    mine = await accepted(client, world, at(7))
    other = await make_world(client, db)
    theirs = await accepted(client, other, at(7))
    events = events_by_uid(await feed(client, await new_token(client, world.manager)))
    assert list(events) == [f"{mine['uuid']}@patchwatch"]
    other_events = events_by_uid(await feed(client, await new_token(client, other.manager)))
    assert list(other_events) == [f"{theirs['uuid']}@patchwatch"]


async def test_a_requesters_feed_shows_only_their_own_windows(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    own = await accepted(client, world, at(2))
    _, engineer = await signed_in(db, client, world.org, role="engineer")
    someone_elses = await submit(client, engineer, world.site["uuid"], starts_at=iso(at(3)))
    await client.post(f"{REQUESTS}/{someone_elses['uuid']}/accept", headers=world.manager)
    events = events_by_uid(await feed(client, await new_token(client, world.requester)))
    assert list(events) == [f"{own['uuid']}@patchwatch"]


async def test_a_new_token_replaces_the_old_one(client: httpx.AsyncClient, world: World) -> None:
    old = await new_token(client, world.manager)
    new = await new_token(client, world.manager)
    assert new != old and new.startswith("pwcal_")
    assert (await client.get(FEED, params={"token": old})).status_code == 401
    await feed(client, new)


async def test_a_bad_token_is_401_in_the_envelope(client: httpx.AsyncClient, db: Database) -> None:
    response = await client.get(FEED, params={"token": "pwcal_not-a-real-token"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_calendar_token"


async def test_the_feed_needs_a_token(client: httpx.AsyncClient, db: Database) -> None:
    assert (await client.get(FEED)).status_code == 422


async def test_only_the_tokens_hash_is_stored(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    token = await new_token(client, world.manager)
    async with db.sessionmaker() as session:
        stored = list(await session.scalars(select(CalendarFeed.token_hash)))
    assert stored == [hash_token(token)]


async def test_the_answer_gives_a_working_feed_url(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(TOKEN, headers=world.requester)
    data = response.json()["data"]
    assert data["feed_url"].endswith(f"/calendar.ics?token={data['token']}")
    assert (await client.get(data["feed_url"])).status_code == 200


async def test_a_deactivated_users_token_stops_working(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    token = await new_token(client, world.requester)
    await set_user(db, world.requester_user.uuid, is_active=False)
    assert (await client.get(FEED, params={"token": token})).status_code == 401


async def test_a_deleted_users_token_stops_working(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    token = await new_token(client, world.requester)
    await set_user(db, world.requester_user.uuid, is_deleted=True, is_active=False)
    assert (await client.get(FEED, params={"token": token})).status_code == 401


async def test_an_api_key_cannot_have_a_calendar_token(
    client: httpx.AsyncClient, world: World
) -> None:
    key = await make_api_key(client, world.manager, ["maintenance:read"])
    response = await client.post(TOKEN, headers=key_headers(key))
    assert response.status_code == 403 and response.json()["error"]["code"] == "user_required"


async def test_a_viewer_cannot_have_a_calendar_token(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    _, viewer = await signed_in(db, client, world.org, role="viewer")
    assert (await client.post(TOKEN, headers=viewer)).status_code == 403


async def set_user(db: Database, user_uuid: UUID, **fields: Any) -> None:
    async with db.sessionmaker() as session:
        await session.execute(update(User).where(User.uuid == user_uuid).values(**fields))
        await session.commit()
