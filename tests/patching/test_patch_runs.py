"""Patch runs: recorded by people and agents, detected from snapshots, confirmed or flagged by the
next snapshot; per-site history and per-package updates. Real server, real database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx

from patchwatch.db import Database
from tests.factories import (
    audit_events,
    key_headers,
    make_api_key,
    make_org,
    make_site,
    outbox_events,
    signed_in,
)
from tests.sites.test_flow import push

SITE = "https://runs.example.org"


def inventory(core: str, views: str = "8.x-3.0", collected_at: str = "2026-11-20T10:00:00Z") -> Any:
    return {
        "site": {"url": SITE, "name": "Runs"},
        "collected_at": collected_at,
        "packages": [
            {"ecosystem": "drupal", "name": "drupal", "version": core, "type": "core"},
            {"ecosystem": "drupal", "name": "views", "version": views},
        ],
    }


async def setup(client: httpx.AsyncClient, db: Database) -> tuple[dict[str, str], dict[str, str]]:
    """A manager's headers and an agent key of the same organization."""
    _, manager = await signed_in(db, client, await make_org(db, "Client"))
    key = await make_api_key(
        client,
        manager,
        ["snapshots:write", "snapshots:read", "sites:write", "sites:read", "patching:write"],
    )
    return manager, key_headers(key)


async def record(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> Any:
    response = await client.post("/api/v1/patch-runs", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def runs_of(client: httpx.AsyncClient, headers: dict[str, str], site: str) -> list[Any]:
    response = await client.get(f"/api/v1/sites/{site}/patch-runs", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def test_an_engineer_records_a_finished_run_with_its_items(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, _ = await setup(client, db)
    site = await make_site(client, manager, SITE)
    run = await record(
        client,
        manager,
        site_uuid=site["uuid"],
        status="succeeded",
        started_at="2026-11-21T09:00:00Z",
        finished_at="2026-11-21T09:20:00Z",
        items=[{"package": "drupal", "from_version": "8.0.0", "to_version": "8.0.2"}],
        log="drush updb -y\nok",
    )
    assert run["source"] == "manual" and run["status"] == "succeeded"
    assert run["items"][0]["result"] == "succeeded"
    assert run["confirmation"] == "pending" and run["flagged"] is False
    assert run["log"] == "drush updb -y\nok"
    assert run["actor"]["type"] == "user"
    events = [e.event_type for e in await outbox_events(db, UUID(run["uuid"]))]
    assert events == ["patch_run.recorded"]
    assert [a.action for a in await audit_events(db, UUID(run["uuid"]))] == ["patch_run.recorded"]


async def test_a_run_recorded_by_an_agent_key_has_source_api(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, key = await setup(client, db)
    site = await make_site(client, manager, SITE)
    run = await record(client, key, site_uuid=site["uuid"], status="running")
    assert run["source"] == "api" and run["actor"]["type"] == "api_key"
    assert run["started_at"] is not None and run["finished_at"] is None


async def test_a_run_moves_on_and_cannot_go_back(client: httpx.AsyncClient, db: Database) -> None:
    manager, _ = await setup(client, db)
    site = await make_site(client, manager, SITE)
    run = await record(
        client,
        manager,
        site_uuid=site["uuid"],
        items=[{"package": "views", "to_version": "8.x-3.1"}],
    )
    assert run["status"] == "planned" and run["items"][0]["result"] == "pending"
    url = f"/api/v1/patch-runs/{run['uuid']}"
    running = await client.patch(url, headers=manager, json={"status": "running"})
    assert running.json()["data"]["started_at"] is not None
    done = await client.patch(url, headers=manager, json={"status": "failed", "log": "conflict"})
    data = done.json()["data"]
    assert data["status"] == "failed" and data["finished_at"] is not None
    assert data["items"][0]["result"] == "failed" and data["confirmation"] == "not_applicable"
    back = await client.patch(url, headers=manager, json={"status": "running"})
    assert back.status_code == 409 and back.json()["error"]["code"] == "invalid_transition"
    items = await client.patch(url, headers=manager, json={"items": []})
    assert items.status_code == 409 and items.json()["error"]["code"] == "run_finished"


async def test_a_run_that_finishes_before_it_starts_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, _ = await setup(client, db)
    site = await make_site(client, manager, SITE)
    response = await client.post(
        "/api/v1/patch-runs",
        headers=manager,
        json={
            "site_uuid": site["uuid"],
            "status": "succeeded",
            "started_at": "2026-11-21T10:00:00Z",
            "finished_at": "2026-11-21T09:00:00Z",
        },
    )
    assert response.status_code == 422
    assert await runs_of(client, manager, site["uuid"]) == []


async def test_a_snapshot_showing_new_versions_records_a_detected_run(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, key = await setup(client, db)
    first, _ = await push(client, key, inventory("8.0.0"))
    assert await runs_of(client, manager, first["site_uuid"]) == []  # a first sight is no run
    await push(client, key, inventory("8.0.2", collected_at="2026-11-21T10:00:00Z"))
    runs = await runs_of(client, manager, first["site_uuid"])
    assert len(runs) == 1
    run = runs[0]
    assert run["source"] == "detected" and run["status"] == "succeeded"
    assert run["confirmation"] == "confirmed"
    assert run["items"] == [
        {
            "ecosystem": "drupal",
            "package": "drupal",
            "from_version": "8.0.0",
            "to_version": "8.0.2",
            "result": "succeeded",
            "confirmed": True,
        }
    ]
    assert run["started_at"] < run["finished_at"] == "2026-11-21T10:00:00Z"
    assert [e.event_type for e in await outbox_events(db, UUID(run["uuid"]))] == [
        "patch_run.detected"
    ]


async def test_the_next_snapshot_confirms_a_succeeded_run(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, key = await setup(client, db)
    first, _ = await push(client, key, inventory("8.0.0"))
    run = await record(
        client,
        key,
        site_uuid=first["site_uuid"],
        status="succeeded",
        finished_at="2026-11-21T09:00:00Z",
        items=[{"package": "drupal", "from_version": "8.0.0", "to_version": "8.0.2"}],
    )
    await push(client, key, inventory("8.0.2", collected_at="2026-11-21T10:00:00Z"))
    runs = await runs_of(client, manager, first["site_uuid"])
    # The change is the run's: no detected run is added for it.
    assert [r["uuid"] for r in runs] == [run["uuid"]]
    assert runs[0]["confirmation"] == "confirmed" and runs[0]["items"][0]["confirmed"] is True
    events = [e.event_type for e in await outbox_events(db, UUID(run["uuid"]))]
    assert events == ["patch_run.recorded", "patch_run.confirmed"]


async def test_a_run_claiming_an_update_the_next_snapshot_does_not_show_is_flagged(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, key = await setup(client, db)
    first, _ = await push(client, key, inventory("8.0.0"))
    run = await record(
        client,
        key,
        site_uuid=first["site_uuid"],
        status="succeeded",
        finished_at="2026-11-21T09:00:00Z",
        items=[{"package": "drupal", "from_version": "8.0.0", "to_version": "8.0.2"}],
    )
    await push(client, key, inventory("8.0.0", views="8.x-3.1", collected_at="2026-11-21T10:00Z"))
    response = await client.get(
        "/api/v1/patch-runs", headers=manager, params={"confirmation": "unconfirmed"}
    )
    flagged = response.json()["data"]
    assert [r["uuid"] for r in flagged] == [run["uuid"]]
    assert flagged[0]["flagged"] is True and flagged[0]["items"][0]["confirmed"] is False
    events = await outbox_events(db, UUID(run["uuid"]))
    assert events[-1].event_type == "patch_run.unconfirmed"
    assert events[-1].payload["not_shown"] == [
        {"package": "drupal", "claimed": "8.0.2", "installed": "8.0.0"}
    ]
    # The views change nobody claimed is recorded as detected.
    sources = sorted(r["source"] for r in await runs_of(client, manager, first["site_uuid"]))
    assert sources == ["api", "detected"]


async def test_a_snapshot_taken_before_the_run_finished_does_not_judge_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, key = await setup(client, db)
    first, _ = await push(client, key, inventory("8.0.0", collected_at="2026-11-20T10:00:00Z"))
    run = await record(
        client,
        key,
        site_uuid=first["site_uuid"],
        status="succeeded",
        finished_at="2026-11-22T09:00:00Z",
        items=[{"package": "drupal", "from_version": "8.0.0", "to_version": "8.0.2"}],
    )
    await push(client, key, inventory("8.0.0", views="8.x-3.1", collected_at="2026-11-21T10:00Z"))
    got = (await client.get(f"/api/v1/patch-runs/{run['uuid']}", headers=manager)).json()["data"]
    assert got["confirmation"] == "pending"


async def test_package_updates_say_when_and_by_which_run(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, key = await setup(client, db)
    first, _ = await push(client, key, inventory("8.0.0"))
    await push(client, key, inventory("8.0.2", views="8.x-3.1", collected_at="2026-11-21T10:00Z"))
    response = await client.get(
        f"/api/v1/sites/{first['site_uuid']}/package-updates",
        headers=manager,
        params={"package": "views"},
    )
    updates = response.json()["data"]
    assert len(updates) == 1
    assert updates[0]["from_version"] == "8.x-3.0" and updates[0]["to_version"] == "8.x-3.1"
    assert updates[0]["source"] == "detected" and updates[0]["updated_at"] == "2026-11-21T10:00:00Z"
    runs = await runs_of(client, manager, first["site_uuid"])
    assert updates[0]["patch_run_uuid"] == runs[0]["uuid"]


async def test_a_viewer_reads_runs_but_cannot_record_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db, "Client")
    _, manager = await signed_in(db, client, org)
    _, viewer = await signed_in(db, client, org, role="viewer")
    site = await make_site(client, manager, SITE)
    await record(client, manager, site_uuid=site["uuid"])
    assert len(await runs_of(client, viewer, site["uuid"])) == 1
    refused = await client.post(
        "/api/v1/patch-runs", headers=viewer, json={"site_uuid": site["uuid"]}
    )
    assert refused.status_code == 403


async def test_a_site_bound_key_sees_and_records_only_its_site(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, _ = await setup(client, db)
    mine = await make_site(client, manager, SITE)
    other = await make_site(client, manager, "https://other.example.org")
    await record(client, manager, site_uuid=other["uuid"])
    bound = key_headers(
        await make_api_key(
            client, manager, ["patching:read", "patching:write"], site_uuid=mine["uuid"]
        )
    )
    refused = await client.post(
        "/api/v1/patch-runs", headers=bound, json={"site_uuid": other["uuid"]}
    )
    assert refused.status_code == 404
    await record(client, bound, site_uuid=mine["uuid"])
    listed = (await client.get("/api/v1/patch-runs", headers=bound)).json()["data"]
    assert [r["site_uuid"] for r in listed] == [mine["uuid"]]


async def test_a_run_names_only_a_maintenance_request_of_its_site(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, _ = await setup(client, db)
    site = await make_site(client, manager, SITE)
    response = await client.post(
        "/api/v1/patch-runs",
        headers=manager,
        json={"site_uuid": site["uuid"], "maintenance_request_uuid": site["uuid"]},
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_maintenance_request"


async def test_runs_filter_by_start_and_a_time_without_zone_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    manager, _ = await setup(client, db)
    site = await make_site(client, manager, SITE)
    for day in ("2026-11-01", "2026-11-15"):
        await record(client, manager, site_uuid=site["uuid"], started_at=f"{day}T10:00:00Z")
    response = await client.get(
        "/api/v1/patch-runs",
        headers=manager,
        params={"since": "2026-11-10T00:00:00Z", "until": "2026-11-20T00:00:00Z"},
    )
    assert [r["started_at"] for r in response.json()["data"]] == ["2026-11-15T10:00:00Z"]
    naive = await client.get(
        "/api/v1/patch-runs", headers=manager, params={"since": "2026-11-10T00:00:00"}
    )
    assert naive.status_code == 422
