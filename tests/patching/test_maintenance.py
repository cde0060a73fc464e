"""Maintenance-window requests over HTTP: validation, overlaps, decisions, cancelling, who sees
what, deleting, and the events and audit trail each change leaves."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import update

from patchwatch.db import Database
from patchwatch.identity.models import Organization, User
from patchwatch.patching.models import MaintenanceRequest
from tests.factories import (
    audit_events,
    key_headers,
    make_api_key,
    make_org,
    make_site,
    outbox_events,
    signed_in,
)

REQUESTS = "/api/v1/maintenance-requests"
LOCATION = {"street": "Main 1", "city": "Oslo", "state": "Oslo", "country": "NO"}


def at(days: float, hours: float = 0) -> datetime:
    """A moment ahead of now, on a whole hour (so that windows can touch exactly)."""
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return base + timedelta(days=days, hours=hours)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@dataclass
class World:
    """One organization: a manager, a requester and one of its sites."""

    org: Organization
    manager: dict[str, str]
    requester_user: User
    requester: dict[str, str]
    site: dict[str, Any]


async def make_world(client: httpx.AsyncClient, db: Database) -> World:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    user, requester = await signed_in(db, client, org, role="requester")
    url = f"https://{secrets.token_hex(4)}.example.org"
    site = await make_site(client, manager, url, name="Shop")
    return World(org, manager, user, requester, site)


@pytest_asyncio.fixture(loop_scope="session")
async def world(client: httpx.AsyncClient, db: Database) -> World:
    return await make_world(client, db)


def request_body(site_uuid: str, **fields: Any) -> dict[str, Any]:
    """A valid submission: a one-hour window a week ahead."""
    return {
        "site_uuid": site_uuid,
        "topic": "Drupal core security update",
        "starts_at": iso(at(7)),
        "duration_minutes": 60,
        "contact_email": "ops@example.org",
        **fields,
    }


async def submit(
    client: httpx.AsyncClient, headers: dict[str, str], site_uuid: str, **fields: Any
) -> dict[str, Any]:
    response = await client.post(REQUESTS, headers=headers, json=request_body(site_uuid, **fields))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def accept(
    client: httpx.AsyncClient, headers: dict[str, str], request_uuid: str
) -> httpx.Response:
    return await client.post(f"{REQUESTS}/{request_uuid}/accept", headers=headers)


async def accepted(
    client: httpx.AsyncClient, world: World, starts_at: datetime, minutes: int = 60
) -> dict[str, Any]:
    """A request of ``world``'s requester, accepted by its manager."""
    made = await submit(
        client,
        world.requester,
        world.site["uuid"],
        starts_at=iso(starts_at),
        duration_minutes=minutes,
    )
    response = await accept(client, world.manager, made["uuid"])
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def move_window(db: Database, request_uuid: str, starts_at: datetime) -> None:
    """Time travel: put a request's window somewhere the API would not accept."""
    async with db.sessionmaker() as session:
        await session.execute(
            update(MaintenanceRequest)
            .where(MaintenanceRequest.uuid == UUID(request_uuid))
            .values(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
        )
        await session.commit()


async def listed(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    response = await client.get(REQUESTS, headers=headers, params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


# --- submitting -------------------------------------------------------------------------------


async def test_a_requester_submits_a_pending_request(
    client: httpx.AsyncClient, world: World
) -> None:
    starts = at(7)
    made = await submit(
        client, world.requester, world.site["uuid"], starts_at=iso(starts), notes="Needs drush"
    )
    assert made["state"] == "pending"
    assert made["site_uuid"] == world.site["uuid"] and made["site_name"] == "Shop"
    assert datetime.fromisoformat(made["starts_at"]) == starts
    assert datetime.fromisoformat(made["ends_at"]) == starts + timedelta(hours=1)
    assert made["requester_uuid"] == str(world.requester_user.uuid)
    assert made["requester_label"] == world.requester_user.login
    assert made["notes"] == "Needs drush" and made["location"] is None
    assert made["decided_by"] is None and made["reason"] is None


async def test_a_start_in_another_timezone_is_stored_in_utc(
    client: httpx.AsyncClient, world: World
) -> None:
    starts = at(7)
    local = starts.astimezone(timezone(timedelta(hours=2)))
    made = await submit(client, world.requester, world.site["uuid"], starts_at=local.isoformat())
    assert datetime.fromisoformat(made["starts_at"]) == starts
    assert datetime.fromisoformat(made["starts_at"]).utcoffset() == timedelta(0)


async def test_a_complete_location_is_kept(client: httpx.AsyncClient, world: World) -> None:
    made = await submit(client, world.requester, world.site["uuid"], location=LOCATION)
    assert made["location"] == {**LOCATION, "country": "Norway"}  # the code becomes the name


async def test_a_partial_location_is_refused(client: httpx.AsyncClient, world: World) -> None:
    partial = {"street": "Main 1", "city": "Oslo", "country": "NO"}
    response = await client.post(
        REQUESTS, headers=world.requester, json=request_body(world.site["uuid"], location=partial)
    )
    assert response.status_code == 422
    assert error_of(response)["details"][0]["field"] == "body.location.state"


async def test_a_start_in_the_past_is_refused(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        REQUESTS,
        headers=world.requester,
        json=request_body(world.site["uuid"], starts_at=iso(at(-1))),
    )
    assert response.status_code == 422
    assert error_of(response)["details"][0]["field"] == "body.starts_at"


async def test_a_start_without_a_timezone_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    naive = at(7).replace(tzinfo=None).isoformat()
    response = await client.post(
        REQUESTS, headers=world.requester, json=request_body(world.site["uuid"], starts_at=naive)
    )
    assert response.status_code == 422


@pytest.mark.parametrize("minutes", [14, 4321, 0, -60])
async def test_durations_outside_15_minutes_to_72_hours_are_refused(
    client: httpx.AsyncClient, world: World, minutes: int
) -> None:
    response = await client.post(
        REQUESTS,
        headers=world.requester,
        json=request_body(world.site["uuid"], duration_minutes=minutes),
    )
    assert response.status_code == 422
    assert error_of(response)["details"][0]["field"] == "body.duration_minutes"


@pytest.mark.parametrize("minutes", [15, 4320])
async def test_durations_of_15_minutes_and_72_hours_are_accepted(
    client: httpx.AsyncClient, world: World, minutes: int
) -> None:
    made = await submit(client, world.requester, world.site["uuid"], duration_minutes=minutes)
    assert made["duration_minutes"] == minutes
    length = datetime.fromisoformat(made["ends_at"]) - datetime.fromisoformat(made["starts_at"])
    assert length == timedelta(minutes=minutes)


@pytest.mark.parametrize("email", ["not-an-email", "ops@", "@example.org", "ops@example"])
async def test_a_bad_contact_email_is_refused(
    client: httpx.AsyncClient, world: World, email: str
) -> None:
    response = await client.post(
        REQUESTS,
        headers=world.requester,
        json=request_body(world.site["uuid"], contact_email=email),
    )
    assert response.status_code == 422
    assert error_of(response)["details"][0]["field"] == "body.contact_email"


async def test_an_unknown_site_is_404(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        REQUESTS,
        headers=world.requester,
        json=request_body("00000000-0000-4000-8000-000000000000"),
    )
    assert response.status_code == 404


async def test_another_organizations_site_is_404(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    other = await make_world(client, db)
    response = await client.post(
        REQUESTS, headers=world.requester, json=request_body(other.site["uuid"])
    )
    assert response.status_code == 404
    assert await listed(client, other.manager) == []


async def test_an_api_key_cannot_submit_a_request(client: httpx.AsyncClient, world: World) -> None:
    key = await make_api_key(client, world.manager, ["maintenance:request", "maintenance:read"])
    response = await client.post(
        REQUESTS, headers=key_headers(key), json=request_body(world.site["uuid"])
    )
    assert response.status_code == 403 and error_of(response)["code"] == "user_required"


async def test_a_viewer_cannot_submit_a_request(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    _, viewer = await signed_in(db, client, world.org, role="viewer")
    response = await client.post(REQUESTS, headers=viewer, json=request_body(world.site["uuid"]))
    assert response.status_code == 403


# --- overlaps ---------------------------------------------------------------------------------


async def test_overlapping_an_accepted_window_is_409_naming_the_clash(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await accepted(client, world, at(7), minutes=120)
    response = await client.post(
        REQUESTS,
        headers=world.requester,
        json=request_body(world.site["uuid"], starts_at=iso(at(7, hours=1))),
    )
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "window_overlaps"
    clash = error["details"][0]
    assert clash["uuid"] == booked["uuid"]
    assert datetime.fromisoformat(clash["starts_at"]) == at(7)
    assert datetime.fromisoformat(clash["ends_at"]) == at(7, hours=2)


async def test_a_window_inside_or_around_an_accepted_one_overlaps(
    client: httpx.AsyncClient, world: World
) -> None:
    await accepted(client, world, at(7, hours=1), minutes=60)
    for starts, minutes in ((at(7, hours=1.25), 15), (at(7), 180)):
        response = await client.post(
            REQUESTS,
            headers=world.requester,
            json=request_body(world.site["uuid"], starts_at=iso(starts), duration_minutes=minutes),
        )
        assert response.status_code == 409, (starts, minutes)


async def test_windows_that_only_touch_do_not_overlap(
    client: httpx.AsyncClient, world: World
) -> None:
    await accepted(client, world, at(7, hours=1), minutes=60)
    before = await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(7)))
    after = await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(7, hours=2)))
    assert (await accept(client, world.manager, before["uuid"])).status_code == 200
    assert (await accept(client, world.manager, after["uuid"])).status_code == 200


async def test_overlapping_a_pending_window_is_allowed(
    client: httpx.AsyncClient, world: World
) -> None:
    await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(7)))
    await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(7)))
    assert len(await listed(client, world.manager, state="pending")) == 2


async def test_windows_on_different_sites_do_not_overlap(
    client: httpx.AsyncClient, world: World
) -> None:
    await accepted(client, world, at(7))
    other_site = await make_site(client, world.manager, "https://other.example.org")
    await submit(client, world.requester, other_site["uuid"], starts_at=iso(at(7)))


async def test_rejected_and_cancelled_windows_do_not_block(
    client: httpx.AsyncClient, world: World
) -> None:
    rejected = await submit(client, world.requester, world.site["uuid"])
    await client.post(
        f"{REQUESTS}/{rejected['uuid']}/reject", headers=world.manager, json={"reason": "No"}
    )
    cancelled = await accepted(client, world, at(7))
    await client.post(f"{REQUESTS}/{cancelled['uuid']}/cancel", headers=world.requester)
    again = await submit(client, world.requester, world.site["uuid"])
    assert (await accept(client, world.manager, again["uuid"])).status_code == 200


async def test_accepting_rechecks_the_overlap(client: httpx.AsyncClient, world: World) -> None:
    first = await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(7)))
    second = await submit(
        client, world.requester, world.site["uuid"], starts_at=iso(at(7, hours=0.5))
    )
    assert (await accept(client, world.manager, first["uuid"])).status_code == 200
    refused = await accept(client, world.manager, second["uuid"])
    assert refused.status_code == 409
    assert error_of(refused)["code"] == "window_overlaps"
    assert error_of(refused)["details"][0]["uuid"] == first["uuid"]
    still = await client.get(f"{REQUESTS}/{second['uuid']}", headers=world.manager)
    assert still.json()["data"]["state"] == "pending"


async def test_concurrent_accepts_of_overlapping_requests_accept_only_one(
    client: httpx.AsyncClient, world: World
) -> None:
    pending = [
        await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(7)))
        for _ in range(4)
    ]
    answers = await asyncio.gather(
        *(accept(client, world.manager, request["uuid"]) for request in pending)
    )
    assert sorted(answer.status_code for answer in answers) == [200, 409, 409, 409]
    assert len(await listed(client, world.manager, state="accepted")) == 1


# --- deciding and cancelling ------------------------------------------------------------------


async def test_a_manager_accepts_a_pending_request(client: httpx.AsyncClient, world: World) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    response = await client.post(
        f"{REQUESTS}/{made['uuid']}/accept", headers=world.manager, json={"reason": "Fine"}
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["state"] == "accepted" and data["reason"] == "Fine"
    assert data["decided_by"] is not None and data["decided_at"] is not None


async def test_a_manager_rejects_a_pending_request_with_a_reason(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    response = await client.post(
        f"{REQUESTS}/{made['uuid']}/reject", headers=world.manager, json={"reason": "Freeze week"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["state"] == "rejected"
    assert response.json()["data"]["reason"] == "Freeze week"


@pytest.mark.parametrize("body", [None, {}, {"reason": ""}, {"reason": "   "}])
async def test_rejecting_needs_a_reason(
    client: httpx.AsyncClient, world: World, body: dict[str, str] | None
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    response = await client.post(
        f"{REQUESTS}/{made['uuid']}/reject", headers=world.manager, json=body
    )
    assert response.status_code == 422


@pytest.mark.parametrize("decision", ["accept", "reject"])
async def test_only_a_pending_request_can_be_decided(
    client: httpx.AsyncClient, world: World, decision: str
) -> None:
    made = await accepted(client, world, at(7))
    response = await client.post(
        f"{REQUESTS}/{made['uuid']}/{decision}", headers=world.manager, json={"reason": "Again"}
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "not_pending"


async def test_a_cancelled_request_cannot_be_decided(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    await client.post(f"{REQUESTS}/{made['uuid']}/cancel", headers=world.requester)
    assert (await accept(client, world.manager, made["uuid"])).status_code == 409


async def test_a_window_that_has_started_cannot_be_accepted(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    await move_window(db, made["uuid"], at(0, hours=-1))
    response = await accept(client, world.manager, made["uuid"])
    assert response.status_code == 409 and error_of(response)["code"] == "window_started"


async def test_a_requester_cannot_decide(client: httpx.AsyncClient, world: World) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    assert (await accept(client, world.requester, made["uuid"])).status_code == 403


async def test_a_requester_cancels_their_own_pending_request(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    response = await client.post(f"{REQUESTS}/{made['uuid']}/cancel", headers=world.requester)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["state"] == "cancelled"


async def test_a_requester_cancels_their_own_accepted_request(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await accepted(client, world, at(7))
    response = await client.post(f"{REQUESTS}/{made['uuid']}/cancel", headers=world.requester)
    assert response.status_code == 200 and response.json()["data"]["state"] == "cancelled"


@pytest.mark.parametrize("first", ["cancel", "reject"])
async def test_a_cancelled_or_rejected_request_cannot_be_cancelled(
    client: httpx.AsyncClient, world: World, first: str
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    headers = world.requester if first == "cancel" else world.manager
    await client.post(f"{REQUESTS}/{made['uuid']}/{first}", headers=headers, json={"reason": "x"})
    response = await client.post(f"{REQUESTS}/{made['uuid']}/cancel", headers=world.requester)
    assert response.status_code == 409 and error_of(response)["code"] == "not_cancellable"


async def test_a_window_in_the_past_cannot_be_cancelled(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    made = await accepted(client, world, at(7))
    await move_window(db, made["uuid"], at(-2))
    response = await client.post(f"{REQUESTS}/{made['uuid']}/cancel", headers=world.requester)
    assert response.status_code == 409 and error_of(response)["code"] == "window_started"


async def test_a_requester_cannot_cancel_another_requesters_request(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    _, someone_else = await signed_in(db, client, world.org, role="requester")
    response = await client.post(f"{REQUESTS}/{made['uuid']}/cancel", headers=someone_else)
    assert response.status_code == 404


async def test_a_manager_cannot_cancel_a_requesters_request(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    response = await client.post(f"{REQUESTS}/{made['uuid']}/cancel", headers=world.manager)
    assert response.status_code == 403 and error_of(response)["code"] == "not_own_request"


# --- who sees what ----------------------------------------------------------------------------


async def test_a_requester_sees_only_their_own_requests(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    own = await submit(client, world.requester, world.site["uuid"])
    _, other_headers = await signed_in(db, client, world.org, role="requester")
    others = await submit(client, other_headers, world.site["uuid"])
    assert [r["uuid"] for r in await listed(client, world.requester)] == [own["uuid"]]
    hidden = await client.get(f"{REQUESTS}/{others['uuid']}", headers=world.requester)
    assert hidden.status_code == 404
    seen = await client.get(f"{REQUESTS}/{own['uuid']}", headers=world.requester)
    assert seen.status_code == 200


async def test_a_manager_sees_every_request_of_the_organization(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    _, other_headers = await signed_in(db, client, world.org, role="engineer")
    mine = await submit(client, world.requester, world.site["uuid"])
    theirs = await submit(client, other_headers, world.site["uuid"])
    uuids = {r["uuid"] for r in await listed(client, world.manager)}
    assert uuids == {mine["uuid"], theirs["uuid"]}


async def test_another_organization_sees_nothing(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    other = await make_world(client, db)
    assert await listed(client, other.manager) == []
    for method, path in (
        ("GET", f"{REQUESTS}/{made['uuid']}"),
        ("POST", f"{REQUESTS}/{made['uuid']}/accept"),
        ("POST", f"{REQUESTS}/{made['uuid']}/cancel"),
    ):
        response = await client.request(method, path, headers=other.manager)
        assert response.status_code == 404, (method, path)


async def test_a_site_bound_key_sees_only_its_sites_requests(
    client: httpx.AsyncClient, world: World
) -> None:
    other_site = await make_site(client, world.manager, "https://second.example.org")
    on_bound = await submit(client, world.requester, world.site["uuid"])
    on_other = await submit(client, world.requester, other_site["uuid"])
    key = await make_api_key(
        client, world.manager, ["maintenance:read"], site_uuid=world.site["uuid"]
    )
    headers = key_headers(key)
    assert [r["uuid"] for r in await listed(client, headers)] == [on_bound["uuid"]]
    hidden = await client.get(f"{REQUESTS}/{on_other['uuid']}", headers=headers)
    assert hidden.status_code == 404


async def test_a_key_that_may_only_request_sees_no_requests(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    async with db.sessionmaker() as session:  # as if its requester had been deleted
        await session.execute(
            update(MaintenanceRequest)
            .where(MaintenanceRequest.uuid == UUID(made["uuid"]))
            .values(requester_id=None)
        )
        await session.commit()
    key = await make_api_key(client, world.manager, ["maintenance:request"])
    assert await listed(client, key_headers(key)) == []


async def test_a_viewer_cannot_list_requests(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    _, viewer = await signed_in(db, client, world.org, role="viewer")
    assert (await client.get(REQUESTS, headers=viewer)).status_code == 403


# --- lists ------------------------------------------------------------------------------------


async def test_lists_filter_by_state_and_site(client: httpx.AsyncClient, world: World) -> None:
    other_site = await make_site(client, world.manager, "https://second.example.org")
    on_site = await accepted(client, world, at(7))
    on_other = await submit(client, world.requester, other_site["uuid"])
    by_state = await listed(client, world.manager, state="accepted")
    assert [r["uuid"] for r in by_state] == [on_site["uuid"]]
    by_site = await listed(client, world.manager, site_uuid=other_site["uuid"])
    assert [r["uuid"] for r in by_site] == [on_other["uuid"]]


async def test_lists_keep_windows_overlapping_the_from_to_range(
    client: httpx.AsyncClient, world: World
) -> None:
    early = await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(3)))
    middle = await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(5)))
    await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(9)))
    # From the last minute of the early window to the start of the late one (exclusive).
    window = {"from": iso(at(3, hours=1) - timedelta(minutes=1)), "to": iso(at(9))}
    found = await listed(client, world.manager, **window)
    assert [r["uuid"] for r in found] == [early["uuid"], middle["uuid"]]


async def test_a_from_after_to_is_refused(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        REQUESTS, headers=world.manager, params={"from": iso(at(5)), "to": iso(at(3))}
    )
    assert response.status_code == 422


async def test_lists_sort_by_starts_at_created_at_and_state(
    client: httpx.AsyncClient, world: World
) -> None:
    later = await submit(client, world.requester, world.site["uuid"], starts_at=iso(at(9)))
    sooner = await accepted(client, world, at(2))
    by_start = await listed(client, world.manager, sort="starts_at")
    assert [r["uuid"] for r in by_start] == [sooner["uuid"], later["uuid"]]
    by_created = await listed(client, world.manager, sort="-created_at")
    assert [r["uuid"] for r in by_created] == [sooner["uuid"], later["uuid"]]
    by_state = await listed(client, world.manager, sort="-state")
    assert [r["state"] for r in by_state] == ["pending", "accepted"]
    bad = await client.get(REQUESTS, headers=world.manager, params={"sort": "topic"})
    assert bad.status_code == 422 and error_of(bad)["code"] == "invalid_sort"


# --- deleting ---------------------------------------------------------------------------------


async def test_the_platform_admin_deletes_a_request(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    response = await client.delete(f"{REQUESTS}/{made['uuid']}", headers=admin)
    assert response.status_code == 200, response.text
    gone = await client.get(f"{REQUESTS}/{made['uuid']}", headers=world.manager)
    assert gone.status_code == 404


async def test_a_manager_cannot_delete_a_request(client: httpx.AsyncClient, world: World) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    response = await client.delete(f"{REQUESTS}/{made['uuid']}", headers=world.manager)
    assert response.status_code == 403


# --- events and audit -------------------------------------------------------------------------


async def test_each_change_emits_a_domain_event_and_an_audit_event(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    made = await accepted(client, world, at(7))
    await client.post(f"{REQUESTS}/{made['uuid']}/cancel", headers=world.requester)
    request_uuid = UUID(made["uuid"])
    names = [
        "maintenance_request.submitted",
        "maintenance_request.accepted",
        "maintenance_request.cancelled",
    ]
    events = await outbox_events(db, request_uuid)
    assert [e.event_type for e in events] == names
    assert {e.aggregate_type for e in events} == {"maintenance_request"}
    assert [e.payload["state"] for e in events] == ["pending", "accepted", "cancelled"]
    assert events[0].payload["site_uuid"] == world.site["uuid"]
    assert events[0].payload["uuid"] == made["uuid"]
    assert datetime.fromisoformat(events[0].payload["starts_at"]) == at(7)
    assert datetime.fromisoformat(events[0].payload["ends_at"]) == at(7, hours=1)
    audits = await audit_events(db, request_uuid)
    assert [a.action for a in audits] == names
    assert audits[0].actor_uuid == world.requester_user.uuid


async def test_a_rejection_event_carries_the_reason(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    await client.post(
        f"{REQUESTS}/{made['uuid']}/reject", headers=world.manager, json={"reason": "Freeze"}
    )
    event = (await outbox_events(db, UUID(made["uuid"])))[-1]
    assert event.event_type == "maintenance_request.rejected"
    assert event.payload["reason"] == "Freeze" and event.payload["state"] == "rejected"
    assert (await audit_events(db, UUID(made["uuid"])))[-1].changes["reason"] == "Freeze"


async def test_deleting_leaves_a_deleted_event_and_audit_event(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    made = await submit(client, world.requester, world.site["uuid"])
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    await client.delete(f"{REQUESTS}/{made['uuid']}", headers=admin)
    request_uuid = UUID(made["uuid"])
    assert (await outbox_events(db, request_uuid))[-1].event_type == "maintenance_request.deleted"
    assert (await audit_events(db, request_uuid))[-1].action == "maintenance_request.deleted"


async def test_a_refused_change_leaves_no_event(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    made = await accepted(client, world, at(7))
    await client.post(
        f"{REQUESTS}/{made['uuid']}/reject", headers=world.manager, json={"reason": "x"}
    )
    events = await outbox_events(db, UUID(made["uuid"]))
    assert [e.event_type for e in events][-1] == "maintenance_request.accepted"
