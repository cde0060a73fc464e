"""Deployments, cycles and collections: create, validate, list, change, delete; permissions."""

from __future__ import annotations

import httpx

from patchwatch.db import Database
from tests.factories import make_org, signed_in
from tests.rollouts.helpers import HEADER, get_data, machine, upload, xlsx_bytes

DEPLOYMENTS = "/api/v1/rollouts/deployments"


async def _deployment(
    client: httpx.AsyncClient, headers: dict[str, str], **body: object
) -> dict[str, object]:
    response = await client.post(DEPLOYMENTS, headers=headers, json={"title": "Win10_CU", **body})
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()["data"]
    return data


async def test_a_deployment_title_is_unique_in_its_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    _, other = await signed_in(db, client, await make_org(db))
    await _deployment(client, headers)
    again = await client.post(DEPLOYMENTS, headers=headers, json={"title": "Win10_CU"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "deployment_exists"
    await _deployment(client, other)  # another organization may use the title


async def test_deployment_defaults_and_validation(client: httpx.AsyncClient, db: Database) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    created = await _deployment(client, headers)
    assert created["rag_thresholds"] == {
        "green_installed": 95,
        "amber_installed": 80,
        "amber_failed": 5,
        "red_failed": 20,
    }
    assert (created["excel_columns"], created["excel_header_row"], created["excel_sheet"]) == (
        None,
        None,
        None,
    )
    for body in (
        {"title": "X", "excel_columns": "G-F"},
        {"title": "X", "excel_columns": "A-CW"},
        {"title": "X", "excel_header_row": 0},
        {"title": "X", "rag_thresholds": {"green_installed": 70, "amber_installed": 80}},
        {"title": "X", "unknown": 1},
        {"title": " "},
    ):
        response = await client.post(DEPLOYMENTS, headers=headers, json=body)
        assert response.status_code == 422, (body, response.text)


async def test_a_deployment_is_changed_listed_and_deleted_with_its_cycles(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    first = await upload(
        client,
        headers,
        xlsx_bytes([HEADER, machine("WS-1", "Pilot", "Success")]),
        "May-Win10_CU-200521-0300UTC.xlsx",
        create_missing=True,
    )
    deployment_uuid = first.json()["data"]["deployment_uuid"]
    await _deployment(client, headers, title="OfficeUpdate")
    changed = await client.patch(
        f"{DEPLOYMENTS}/{deployment_uuid}",
        headers=headers,
        json={"excel_columns": "A-I", "rag_thresholds": {"green_installed": 90}},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["excel_columns"] == "A-I"
    assert changed.json()["data"]["rag_thresholds"] == {
        "green_installed": 90,
        "amber_installed": 80,
        "amber_failed": 5,
        "red_failed": 20,
    }
    disordered = await client.patch(
        f"{DEPLOYMENTS}/{deployment_uuid}",
        headers=headers,
        json={"rag_thresholds": {"amber_installed": 91}},
    )
    assert disordered.status_code == 422
    assert disordered.json()["error"]["code"] == "invalid_thresholds"
    listed = await client.get(f"{DEPLOYMENTS}?sort=-title", headers=headers)
    assert [(d["title"], d["cycles"]) for d in listed.json()["data"]] == [
        ("Win10_CU", 1),
        ("OfficeUpdate", 0),
    ]
    assert listed.json()["meta"] == {"total": 2, "page": 1, "per_page": 50}
    by_title = await client.get(f"{DEPLOYMENTS}?title=OfficeUpdate", headers=headers)
    assert [d["title"] for d in by_title.json()["data"]] == ["OfficeUpdate"]
    bad_sort = await client.get(f"{DEPLOYMENTS}?sort=secret", headers=headers)
    assert bad_sort.status_code == 422
    deleted = await client.delete(f"{DEPLOYMENTS}/{deployment_uuid}", headers=headers)
    assert deleted.status_code == 200, deleted.text
    report = await client.get(
        f"/api/v1/rollouts/reports/{first.json()['data']['uuid']}", headers=headers
    )
    assert report.status_code == 404
    cycles = await client.get("/api/v1/rollouts/cycles", headers=headers)
    assert cycles.json()["data"] == []


async def test_cycles_are_unique_per_deployment_and_inherit_its_layout(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    deployment = await _deployment(client, headers, excel_columns="A-I", excel_header_row=2)
    path = f"{DEPLOYMENTS}/{deployment['uuid']}/cycles"
    body = {"title": "May", "started_at": "2020-05-01T00:00:00Z", "excel_header_row": 4}
    created = await client.post(path, headers=headers, json=body)
    assert created.status_code == 201, created.text
    cycle = created.json()["data"]
    assert (cycle["rag_status"], cycle["rag_source"], cycle["is_active"]) == (None, "rules", True)
    assert cycle["effective_layout"] == {
        "excel_columns": "A-I",
        "excel_header_row": 4,
        "excel_sheet": None,
    }
    again = await client.post(path, headers=headers, json=body)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "cycle_exists"
    await client.post(
        path, headers=headers, json={"title": "June", "started_at": "2020-06-01T00:00:00Z"}
    )
    closed = await client.patch(
        f"/api/v1/rollouts/cycles/{cycle['uuid']}", headers=headers, json={"is_active": False}
    )
    assert closed.json()["data"]["is_active"] is False
    active = await client.get(f"{path}?is_active=true", headers=headers)
    assert [c["title"] for c in active.json()["data"]] == ["June"]


async def test_collections_are_added_with_a_ring_and_moved(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    deployment = await _deployment(client, headers)
    cycle = (
        await client.post(
            f"{DEPLOYMENTS}/{deployment['uuid']}/cycles",
            headers=headers,
            json={"title": "May", "started_at": "2020-05-01T00:00:00Z"},
        )
    ).json()["data"]
    path = f"/api/v1/rollouts/cycles/{cycle['uuid']}/collections"
    created = await client.post(path, headers=headers, json={"name": "Servers", "ring": 2})
    assert created.status_code == 201, created.text
    # A report then names it: the configured ring stays.
    response = await upload(
        client,
        headers,
        xlsx_bytes([HEADER, machine("SRV-1", "Servers", "Success"), machine("WS-1", "All", "")]),
        "May-Win10_CU-200521-0300UTC.xlsx",
    )
    assert response.status_code == 201, response.text
    listed = await get_data(client, headers, f"/cycles/{cycle['uuid']}/collections")
    assert [(c["name"], c["ring"]) for c in listed] == [("All", 0), ("Servers", 2)]
    ring_2 = await get_data(client, headers, f"/cycles/{cycle['uuid']}/collections?ring=2")
    assert [c["name"] for c in ring_2] == ["Servers"]
    uuid = created.json()["data"]["uuid"]
    clash = await client.patch(
        f"/api/v1/rollouts/collections/{uuid}", headers=headers, json={"name": "All"}
    )
    assert clash.status_code == 409
    deleted = await client.delete(f"/api/v1/rollouts/collections/{uuid}", headers=headers)
    assert deleted.status_code == 200
    rows = await get_data(client, headers, f"/reports/{response.json()['data']['uuid']}/rows")
    assert [(r["device"], r["collection"]) for r in rows] == [("SRV-1", None), ("WS-1", "All")]


async def test_a_viewer_reads_rollouts_but_cannot_upload(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, manager = await signed_in(db, client, org)
    _, viewer = await signed_in(db, client, org, role="viewer")
    _, requester = await signed_in(db, client, org, role="requester")
    content = xlsx_bytes([HEADER, machine("WS-1", "Pilot", "Success")])
    name = "May-Win10_CU-200521-0300UTC.xlsx"
    refused = await upload(client, viewer, content, name, create_missing=True)
    assert refused.status_code == 403
    assert (await upload(client, manager, content, name, create_missing=True)).status_code == 201
    listed = await client.get("/api/v1/rollouts/reports", headers=viewer)
    assert listed.status_code == 200 and len(listed.json()["data"]) == 1
    assert (await client.get("/api/v1/rollouts/reports", headers=requester)).status_code == 403


async def test_an_engineer_uploads_reports(client: httpx.AsyncClient, db: Database) -> None:
    _, engineer = await signed_in(db, client, await make_org(db), role="engineer")
    response = await upload(
        client,
        engineer,
        xlsx_bytes([HEADER, machine("WS-1", "Pilot", "Success")]),
        "May-Win10_CU-200521-0300UTC.xlsx",
        create_missing=True,
    )
    assert response.status_code == 201, response.text
