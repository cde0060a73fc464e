"""Patch cycles: scope, targets frozen at opening, progress moved on by snapshots and runs,
figures kept at closing. Real server, real database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx

from patchwatch.db import Database
from patchwatch.jobs import scheduler
from patchwatch.settings import Settings
from tests.factories import (
    audit_events,
    key_headers,
    make_api_key,
    make_org,
    make_site,
    signed_in,
)
from tests.sites.test_flow import import_feed, push

PAST = "2026-01-01T00:00:00Z"
FUTURE = "2099-01-01T00:00:00Z"


def inventory(url: str, core: str, collected_at: str = "2026-11-20T10:00:00Z") -> Any:
    return {
        "site": {"url": url, "name": url},
        "collected_at": collected_at,
        "packages": [{"ecosystem": "drupal", "name": "drupal", "version": core, "type": "core"}],
    }


async def fleet(client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    """A client organization with two insecure sites (production, staging) and one current."""
    _, admin = await signed_in(db, client, await make_org(db, "Operators"), role="admin")
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    _, manager = await signed_in(db, client, await make_org(db, "Client"))
    key = key_headers(
        await make_api_key(
            client,
            manager,
            ["snapshots:write", "snapshots:read", "sites:write", "sites:read", "patching:write"],
        )
    )
    sites = {}
    for name, core in (("prod", "8.0.0"), ("stage", "8.0.1"), ("fine", "8.0.2")):
        accepted, processed = await push(
            client, key, inventory(f"https://{name}.example.org", core)
        )
        assert processed["status"] == "processed"
        sites[name] = accepted["site_uuid"]
    await client.patch(
        f"/api/v1/sites/{sites['stage']}", headers=manager, json={"environment": "staging"}
    )
    return {"admin": admin, "manager": manager, "key": key, "sites": sites}


async def plan(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> Any:
    body = {"name": "2026-11", "starts_at": PAST, "deadline": FUTURE, **body}
    response = await client.post("/api/v1/cycles", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def act(client: httpx.AsyncClient, headers: dict[str, str], cycle: Any, verb: str) -> Any:
    response = await client.post(f"/api/v1/cycles/{cycle['uuid']}/{verb}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_opening_freezes_the_security_updates_open_in_scope(
    client: httpx.AsyncClient, db: Database
) -> None:
    f = await fleet(client, db)
    cycle = await plan(client, f["manager"])
    assert cycle["state"] == "planned" and cycle["progress"] is None
    opened = await act(client, f["manager"], cycle, "open")
    assert opened["state"] == "open"
    assert opened["progress"]["targets"] == 2 and opened["progress"]["remaining"] == 2
    targets = (
        await client.get(f"/api/v1/cycles/{cycle['uuid']}/targets", headers=f["manager"])
    ).json()["data"]
    assert sorted(t["from_version"] for t in targets) == ["8.0.0", "8.0.1"]
    assert all(t["is_security"] and t["target_version"] == "8.0.2" for t in targets)
    # A site that turns insecure after opening does not join the frozen targets.
    await push(client, f["key"], inventory("https://late.example.org", "8.0.0"))
    again = (await client.get(f"/api/v1/cycles/{cycle['uuid']}", headers=f["manager"])).json()
    assert again["data"]["progress"]["targets"] == 2


async def test_the_scope_narrows_by_environment_and_by_explicit_sites(
    client: httpx.AsyncClient, db: Database
) -> None:
    f = await fleet(client, db)
    staging = await act(
        client,
        f["manager"],
        await plan(client, f["manager"], scope={"environments": ["staging"]}),
        "open",
    )
    assert staging["progress"]["targets"] == 1
    listed = await act(
        client,
        f["manager"],
        await plan(client, f["manager"], scope={"site_uuids": [f["sites"]["prod"]]}),
        "open",
    )
    assert listed["progress"]["targets"] == 1


async def test_a_snapshot_showing_the_update_marks_the_target_done_on_time(
    client: httpx.AsyncClient, db: Database
) -> None:
    f = await fleet(client, db)
    cycle = await act(client, f["manager"], await plan(client, f["manager"]), "open")
    await push(
        client, f["key"], inventory("https://prod.example.org", "8.0.2", "2026-11-21T10:00:00Z")
    )
    got = (await client.get(f"/api/v1/cycles/{cycle['uuid']}", headers=f["manager"])).json()
    progress = got["data"]["progress"]
    assert (progress["done"], progress["remaining"], progress["done_on_time"]) == (1, 1, 1)
    assert progress["percent_done"] == 50.0 and progress["late"] is False
    per_site = (
        await client.get(f"/api/v1/cycles/{cycle['uuid']}/sites", headers=f["manager"])
    ).json()["data"]
    by_url = {s["site_url"]: s["progress"] for s in per_site}
    assert by_url["https://prod.example.org"]["done"] == 1
    assert by_url["https://stage.example.org"]["remaining"] == 1
    done = (
        await client.get(
            f"/api/v1/cycles/{cycle['uuid']}/targets",
            headers=f["manager"],
            params={"state": "done"},
        )
    ).json()["data"]
    runs = (
        await client.get(f"/api/v1/sites/{f['sites']['prod']}/patch-runs", headers=f["manager"])
    ).json()["data"]
    assert done[0]["patch_run_uuid"] == runs[0]["uuid"] and runs[0]["source"] == "detected"


async def test_a_failed_run_marks_its_targets_failed_until_a_snapshot_shows_them_done(
    client: httpx.AsyncClient, db: Database
) -> None:
    f = await fleet(client, db)
    cycle = await act(client, f["manager"], await plan(client, f["manager"]), "open")
    response = await client.post(
        "/api/v1/patch-runs",
        headers=f["key"],
        json={
            "site_uuid": f["sites"]["stage"],
            "cycle_uuid": cycle["uuid"],
            "status": "failed",
            "items": [{"package": "drupal", "from_version": "8.0.1", "to_version": "8.0.2"}],
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["cycle_uuid"] == cycle["uuid"]
    got = (await client.get(f"/api/v1/cycles/{cycle['uuid']}", headers=f["manager"])).json()
    assert got["data"]["progress"]["failed"] == 1
    await push(
        client, f["key"], inventory("https://stage.example.org", "8.0.2", "2026-11-22T10:00:00Z")
    )
    got = (await client.get(f"/api/v1/cycles/{cycle['uuid']}", headers=f["manager"])).json()
    assert (got["data"]["progress"]["failed"], got["data"]["progress"]["done"]) == (0, 1)


async def test_a_cycle_past_its_deadline_with_work_left_is_late(
    client: httpx.AsyncClient, db: Database
) -> None:
    f = await fleet(client, db)
    cycle = await plan(
        client,
        f["manager"],
        starts_at="2026-01-01T00:00:00Z",
        deadline=PAST.replace("01-01", "02-01"),
    )
    opened = await act(client, f["manager"], cycle, "open")
    assert opened["progress"]["late"] is True
    await push(
        client, f["key"], inventory("https://prod.example.org", "8.0.2", "2026-11-21T10:00:00Z")
    )
    got = (await client.get(f"/api/v1/cycles/{cycle['uuid']}", headers=f["manager"])).json()
    assert got["data"]["progress"]["done_late"] == 1


async def test_closing_keeps_the_figures_as_they_were(
    client: httpx.AsyncClient, db: Database
) -> None:
    f = await fleet(client, db)
    cycle = await act(client, f["manager"], await plan(client, f["manager"]), "open")
    closed = await act(client, f["manager"], cycle, "close")
    assert closed["state"] == "closed" and closed["progress"]["remaining"] == 2
    await push(
        client, f["key"], inventory("https://prod.example.org", "8.0.2", "2026-11-21T10:00:00Z")
    )
    got = (await client.get(f"/api/v1/cycles/{cycle['uuid']}", headers=f["manager"])).json()
    assert got["data"]["progress"]["remaining"] == 2 and got["data"]["progress"]["done"] == 0
    again = await client.post(f"/api/v1/cycles/{cycle['uuid']}/close", headers=f["manager"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "cycle_not_open"
    late_run = await client.post(
        "/api/v1/patch-runs",
        headers=f["key"],
        json={"site_uuid": f["sites"]["prod"], "cycle_uuid": cycle["uuid"]},
    )
    assert late_run.status_code == 409 and late_run.json()["error"]["code"] == "cycle_closed"
    actions = [a.action for a in await audit_events(db, UUID(cycle["uuid"]))]
    assert actions == ["cycle.created", "cycle.opened", "cycle.closed"]


async def test_only_a_planned_cycle_changes_and_its_dates_stay_in_order(
    client: httpx.AsyncClient, db: Database
) -> None:
    f = await fleet(client, db)
    cycle = await plan(client, f["manager"])
    url = f"/api/v1/cycles/{cycle['uuid']}"
    bad = await client.patch(url, headers=f["manager"], json={"deadline": "2025-01-01T00:00:00Z"})
    assert bad.status_code == 422
    renamed = await client.patch(url, headers=f["manager"], json={"name": "December"})
    assert renamed.json()["data"]["name"] == "December"
    await act(client, f["manager"], cycle, "open")
    frozen = await client.patch(url, headers=f["manager"], json={"name": "Later"})
    assert frozen.status_code == 409
    gone = await client.delete(url, headers=f["manager"])
    assert gone.status_code == 409


async def test_a_deadline_before_the_start_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, manager = await signed_in(db, client, await make_org(db, "Client"))
    response = await client.post(
        "/api/v1/cycles",
        headers=manager,
        json={"name": "x", "starts_at": FUTURE, "deadline": PAST},
    )
    assert response.status_code == 422


async def test_a_scope_naming_another_organization_s_site_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, other = await signed_in(db, client, await make_org(db, "Other"))
    theirs = await make_site(client, other, "https://theirs.example.org")
    _, manager = await signed_in(db, client, await make_org(db, "Client"))
    response = await client.post(
        "/api/v1/cycles",
        headers=manager,
        json={
            "name": "x",
            "starts_at": PAST,
            "deadline": FUTURE,
            "scope": {"site_uuids": [theirs["uuid"]]},
        },
    )
    assert response.status_code == 404
    assert (await client.get("/api/v1/cycles", headers=manager)).json()["meta"]["total"] == 0


async def test_only_the_platform_admin_plans_a_cycle_over_every_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    f = await fleet(client, db)
    refused = await client.post(
        "/api/v1/cycles",
        headers=f["manager"],
        json={"name": "all", "starts_at": PAST, "deadline": FUTURE, "all_organizations": True},
    )
    assert refused.status_code == 403
    everywhere = await act(
        client, f["admin"], await plan(client, f["admin"], all_organizations=True), "open"
    )
    assert everywhere["organization_uuid"] is None and everywhere["progress"]["targets"] == 2
    # The client's manager does not see the platform-wide cycle (it covers other clients).
    mine = (await client.get("/api/v1/cycles", headers=f["manager"])).json()
    assert mine["meta"]["total"] == 0


async def test_an_engineer_reads_cycles_but_cannot_plan_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db, "Client")
    _, manager = await signed_in(db, client, org)
    _, engineer = await signed_in(db, client, org, role="engineer")
    cycle = await plan(client, manager)
    assert (
        await client.get(f"/api/v1/cycles/{cycle['uuid']}", headers=engineer)
    ).status_code == 200
    refused = await client.post(f"/api/v1/cycles/{cycle['uuid']}/open", headers=engineer)
    assert refused.status_code == 403


async def test_the_scheduler_opens_a_planned_cycle_once_its_start_has_come(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    f = await fleet(client, db)
    due = await plan(client, f["manager"], name="due")
    later = await plan(client, f["manager"], name="later", starts_at="2098-01-01T00:00:00Z")
    job = scheduler.jobs(settings)["cycles-open"]
    assert await scheduler.run_job(db, settings, job, force=True) == {"opened": 1}
    opened = (await client.get(f"/api/v1/cycles/{due['uuid']}", headers=f["manager"])).json()
    assert opened["data"]["state"] == "open" and opened["data"]["progress"]["targets"] == 2
    waiting = (await client.get(f"/api/v1/cycles/{later['uuid']}", headers=f["manager"])).json()
    assert waiting["data"]["state"] == "planned"
