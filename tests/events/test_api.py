"""Over HTTP: a site's activity timeline, and the platform admin's dead letters and status."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from patchwatch.db import Database
from patchwatch.events import activity
from patchwatch.events.delivery import DeliveryPolicy, deliver_pending
from tests.events.helpers import Recorder, deliveries, emit_events
from tests.factories import make_org, make_site, signed_in

DEAD_LETTERS = "/api/v1/admin/events/dead-letters"
STATUS = "/api/v1/admin/events/status"


async def _dead_letter(db: Database, recorder: Recorder) -> str:
    await emit_events(db, [uuid.uuid4()], per_aggregate=1)
    await deliver_pending(
        db, consumers=[recorder.consumer()], policy=DeliveryPolicy(max_attempts=1)
    )
    [dead] = await deliveries(db, "dead")
    return str(dead.uuid)


async def test_a_sites_timeline_shows_its_patch_runs_newest_first(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    _, viewer = await signed_in(db, client, org, role="viewer")
    site = await make_site(client, manager, "https://timeline.example.org")
    for state in ("running", "running"):
        response = await client.post(
            "/api/v1/patch-runs",
            headers=manager,
            json={"site_uuid": site["uuid"], "status": state},
        )
        assert response.status_code == 201, response.text
    await deliver_pending(db, consumers=activity.CONSUMERS)

    response = await client.get(f"/api/v1/sites/{site['uuid']}/activity", headers=viewer)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["total"] == 2
    assert [item["event_type"] for item in body["data"]] == ["patch_run.recorded"] * 2
    times = [item["occurred_at"] for item in body["data"]]
    assert times == sorted(times, reverse=True)


async def test_another_organizations_site_timeline_is_not_found(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager_b = await signed_in(db, client, await make_org(db))
    site_b = await make_site(client, manager_b, "https://b-timeline.example.org")
    _, manager_a = await signed_in(db, client, await make_org(db))

    response = await client.get(f"/api/v1/sites/{site_b['uuid']}/activity", headers=manager_a)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_a_manager_may_not_see_dead_letters(client: httpx.AsyncClient, db: Database) -> None:
    _, manager = await signed_in(db, client, await make_org(db))

    for method, path in (("GET", DEAD_LETTERS), ("GET", STATUS)):
        response = await client.request(method, path, headers=manager)
        assert response.status_code == 403, (path, response.text)


async def test_a_manager_may_not_replay_a_dead_letter(
    client: httpx.AsyncClient, db: Database
) -> None:
    dead = await _dead_letter(db, Recorder(failing={0}))
    _, manager = await signed_in(db, client, await make_org(db))

    response = await client.post(f"{DEAD_LETTERS}/{dead}/replay", headers=manager)

    assert response.status_code == 403
    assert [d.status for d in await deliveries(db, "dead")] == ["dead"]


async def test_an_admin_sees_a_dead_letter_with_its_error(
    client: httpx.AsyncClient, db: Database
) -> None:
    dead = await _dead_letter(db, Recorder(failing={0}))
    _, admin = await signed_in(db, client, await make_org(db), role="admin")

    response = await client.get(DEAD_LETTERS, headers=admin)

    assert response.status_code == 200, response.text
    [letter] = response.json()["data"]
    assert letter["uuid"] == dead
    assert letter["consumer"] == "test_recorder"
    assert letter["event_type"] == "test.happened"
    assert letter["attempts"] == 1
    assert "refusing seq 0" in letter["last_error"]


async def test_a_replayed_dead_letter_is_delivered_by_the_next_round(
    client: httpx.AsyncClient, db: Database
) -> None:
    recorder = Recorder(failing={0})
    dead = await _dead_letter(db, recorder)
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    recorder.failing = set()

    response = await client.post(f"{DEAD_LETTERS}/{dead}/replay", headers=admin)
    delivered = await deliver_pending(db, consumers=[recorder.consumer()])

    assert response.status_code == 200, response.text
    assert response.json()["data"]["status"] == "failed"
    assert delivered == 1
    assert (await client.get(DEAD_LETTERS, headers=admin)).json()["meta"]["total"] == 0


async def test_replaying_an_unknown_dead_letter_is_not_found(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")

    response = await client.post(f"{DEAD_LETTERS}/{uuid.uuid4()}/replay", headers=admin)

    assert response.status_code == 404


async def test_the_status_shows_what_waits_per_consumer_and_since_when(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    _, admin = await signed_in(db, client, org, role="admin")
    site = await make_site(client, manager, "https://waiting.example.org")
    await client.post(
        "/api/v1/patch-runs", headers=manager, json={"site_uuid": site["uuid"], "status": "running"}
    )

    response = await client.get(STATUS, headers=admin)

    assert response.status_code == 200, response.text
    [timeline] = [c for c in response.json()["data"] if c["consumer"] == "site_activity"]
    assert timeline["pending"] == 1
    assert timeline["dead"] == 0
    assert 0 <= timeline["oldest_pending_age_seconds"] < timedelta(minutes=5).total_seconds()
