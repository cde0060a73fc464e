"""Another organization's deployments, cycles, collections and reports are 404 and invisible."""

from __future__ import annotations

import httpx

from patchwatch.db import Database
from tests.factories import key_headers, make_api_key, make_org, signed_in
from tests.rollouts.helpers import HEADER, machine, upload, xlsx_bytes

CONTENT = xlsx_bytes([HEADER, machine("A-SECRET-01", "A private collection", "Success")])
NAME = "May-Win10_CU-200521-0300UTC.xlsx"


async def test_organization_b_cannot_see_or_touch_a_s_rollouts(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, a = await signed_in(db, client, await make_org(db))
    _, b = await signed_in(db, client, await make_org(db))
    report = (await upload(client, a, CONTENT, NAME, create_missing=True)).json()["data"]
    cycle_uuid = report["cycle_uuid"]
    collections = await client.get(f"/api/v1/rollouts/cycles/{cycle_uuid}/collections", headers=a)
    collection_uuid = collections.json()["data"][0]["uuid"]
    for method, path, body in (
        ("GET", f"/deployments/{report['deployment_uuid']}", None),
        ("PATCH", f"/deployments/{report['deployment_uuid']}", {"title": "Hijack"}),
        ("DELETE", f"/deployments/{report['deployment_uuid']}", None),
        ("GET", f"/deployments/{report['deployment_uuid']}/cycles", None),
        (
            "POST",
            f"/deployments/{report['deployment_uuid']}/cycles",
            {"title": "Hijack", "started_at": "2020-01-01T00:00:00Z"},
        ),
        ("GET", f"/cycles/{cycle_uuid}", None),
        ("PATCH", f"/cycles/{cycle_uuid}", {"rag_status": "green"}),
        ("DELETE", f"/cycles/{cycle_uuid}", None),
        ("GET", f"/cycles/{cycle_uuid}/kpis", None),
        ("GET", f"/cycles/{cycle_uuid}/reports", None),
        ("GET", f"/cycles/{cycle_uuid}/collections", None),
        ("POST", f"/cycles/{cycle_uuid}/collections", {"name": "Hijack"}),
        ("GET", f"/collections/{collection_uuid}", None),
        ("PATCH", f"/collections/{collection_uuid}", {"ring": 9}),
        ("DELETE", f"/collections/{collection_uuid}", None),
        ("GET", f"/reports/{report['uuid']}", None),
        ("PATCH", f"/reports/{report['uuid']}", {"show_in_history": False}),
        ("DELETE", f"/reports/{report['uuid']}", None),
        ("GET", f"/reports/{report['uuid']}/kpis", None),
        ("GET", f"/reports/{report['uuid']}/rows", None),
    ):
        response = await client.request(method, f"/api/v1/rollouts{path}", headers=b, json=body)
        assert response.status_code == 404, (method, path, response.text)
    for path in ("/deployments", "/cycles", "/reports"):
        listed = await client.get(f"/api/v1/rollouts{path}", headers=b)
        assert listed.status_code == 200
        assert listed.json()["data"] == [], path
    # B uploading a report of the same names gets its own deployment, cycle and devices.
    own = await upload(client, b, CONTENT, NAME, create_missing=True)
    assert own.status_code == 201, own.text
    assert own.json()["data"]["deployment_uuid"] != report["deployment_uuid"]
    assert own.json()["data"]["sites_created"] == 1
    # A's data is as it was.
    kpis = await client.get(f"/api/v1/rollouts/cycles/{cycle_uuid}/kpis", headers=a)
    assert kpis.json()["data"]["latest"]["totals"]["devices"] == 1
    assert kpis.json()["data"]["rag_source"] == "rules"


async def test_a_key_bound_to_one_site_cannot_upload(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, a = await signed_in(db, client, await make_org(db))
    site = await client.post(
        "/api/v1/sites", headers=a, json={"url": "https://ws-1", "name": "WS-1"}
    )
    key = await make_api_key(
        client, a, ["rollouts:read", "rollouts:write"], site_uuid=site.json()["data"]["uuid"]
    )
    response = await upload(client, key_headers(key), CONTENT, NAME, create_missing=True)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "site_bound_key"
