"""Automatic tasks: a detected security update opens one task per site and package, due at the
SLA deadline; its resolution closes it with the patch run as evidence and credits the reward."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.events.delivery import to_event
from patchwatch.events.models import OutboxEvent
from patchwatch.work.consumers import automatic_tasks
from tests.factories import make_site
from tests.work.helpers import balance_of, deliver, events_of, finding, fixed_prices, team


async def _tasks(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, object]]:
    response = await client.get("/api/v1/tasks?sort=created_at", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def test_a_detected_security_update_opens_a_task_due_at_the_sla_deadline(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    await fixed_prices(client, t.manager)
    site = await make_site(client, t.manager, "https://auto.example.org", criticality="critical")
    await finding(db, "security_update_detected", t.org, site["uuid"], "views")
    await deliver(db)
    [task] = await _tasks(client, t.manager)
    assert task["source"] == "automatic" and task["status"] == "open"
    assert task["site_uuid"] == site["uuid"] and task["package"] == "views"
    assert task["due_at"] == "2026-12-01T00:00:00Z"
    assert (task["assignment_fee"], task["completion_reward"]) == ("15.00", "40.00")
    assert task["assignee"]["uuid"] == str(t.engineers[0].uuid)
    assert await balance_of(db, t.engineers[0]) == Decimal("-15.00")


async def test_the_same_finding_twice_opens_one_task(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=2)
    site = await make_site(client, t.manager, "https://twice.example.org")
    await finding(db, "security_update_detected", t.org, site["uuid"], "views")
    await finding(db, "security_update_detected", t.org, site["uuid"], "views")
    await deliver(db)
    await finding(db, "security_update_detected", t.org, site["uuid"], "views")
    await deliver(db)
    assert len(await _tasks(client, t.manager)) == 1
    assert len(await events_of(db, "task_created")) == 1


async def test_each_package_of_a_site_gets_its_own_task(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    site = await make_site(client, t.manager, "https://two.example.org")
    await finding(db, "security_update_detected", t.org, site["uuid"], "views")
    await finding(db, "security_update_detected", t.org, site["uuid"], "drupal")
    await deliver(db)
    assert sorted(x["package"] for x in await _tasks(client, t.manager)) == ["drupal", "views"]


async def test_the_resolution_closes_the_task_with_the_patch_run_as_evidence(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    site = await make_site(client, t.manager, "https://fixed.example.org")
    await finding(db, "security_update_detected", t.org, site["uuid"], "views")
    await deliver(db)
    run = await client.post(
        "/api/v1/patch-runs",
        headers=t.manager,
        json={
            "site_uuid": site["uuid"],
            "status": "succeeded",
            "items": [{"package": "views", "from_version": "8.0.0", "to_version": "8.0.2"}],
        },
    )
    assert run.status_code == 201, run.text
    await finding(db, "security_update_resolved", t.org, site["uuid"], "views")
    await deliver(db)
    [task] = await _tasks(client, t.manager)
    assert task["status"] == "done"
    assert task["evidence_patch_run_uuid"] == run.json()["data"]["uuid"]
    expected = Decimal(str(task["completion_reward"])) - Decimal(str(task["assignment_fee"]))
    assert await balance_of(db, t.engineers[0]) == expected
    [completed] = await events_of(db, "task_completed")
    assert completed["evidence_patch_run_uuid"] == run.json()["data"]["uuid"]


async def test_a_finding_detected_again_after_resolution_opens_a_new_task(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    site = await make_site(client, t.manager, "https://again.example.org")
    for event_type in ("detected", "resolved", "detected"):
        await finding(db, f"security_update_{event_type}", t.org, site["uuid"], "views")
    await deliver(db)
    assert [x["status"] for x in await _tasks(client, t.manager)] == ["done", "open"]


async def test_a_resolution_without_a_task_changes_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    site = await make_site(client, t.manager, "https://none.example.org")
    await finding(db, "security_update_resolved", t.org, site["uuid"], "views")
    assert await deliver(db) == 1
    assert await _tasks(client, t.manager) == []
    assert await balance_of(db, t.engineers[0]) == 0


async def test_without_engineers_a_finding_opens_no_task(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=0)
    site = await make_site(client, t.manager, "https://alone.example.org")
    await finding(db, "security_update_detected", t.org, site["uuid"], "views")
    assert await deliver(db) == 1
    assert await _tasks(client, t.manager) == []


async def test_the_same_event_handled_twice_opens_one_task(
    client: httpx.AsyncClient, db: Database
) -> None:
    """At-least-once delivery: a crash after the handler's commit delivers the event again."""
    t = await team(db, client, engineers=1)
    site = await make_site(client, t.manager, "https://redelivered.example.org")
    await finding(db, "security_update_detected", t.org, site["uuid"], "views")
    async with db.sessionmaker() as session:
        row = await session.scalar(select(OutboxEvent).order_by(OutboxEvent.id.desc()))
        assert row is not None
        event = to_event(row)
    for _ in range(2):
        async with db.sessionmaker() as session:
            await automatic_tasks.handle(session, event)
            await session.commit()
    assert len(await _tasks(client, t.manager)) == 1
    assert len(await events_of(db, "task_assigned")) == 1
