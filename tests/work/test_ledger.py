"""The ledger: append-only, corrections are new entries, each reader sees what is theirs."""

from __future__ import annotations

from decimal import Decimal

import httpx

from patchwatch.db import Database
from tests.factories import audit_events, make_org, signed_in
from tests.work.helpers import balance_of, create_task, entries_of, events_of, fixed_prices, team


async def test_the_ledger_has_no_route_that_edits_or_deletes(
    client: httpx.AsyncClient, db: Database
) -> None:
    schema = (await client.get("/api/v1/openapi.json")).json()
    ledger_paths = {p: ops for p, ops in schema["paths"].items() if "/ledger" in p}
    assert ledger_paths
    for path, operations in ledger_paths.items():
        assert not {"put", "patch", "delete"} & set(operations), path
    assert set(ledger_paths["/api/v1/ledger/corrections"]) == {"post"}


async def test_a_correction_is_a_new_entry_and_earlier_entries_stay_as_they_were(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    engineer = t.engineers[0]
    await fixed_prices(client, t.manager)
    await create_task(client, t.manager)
    [fee] = await entries_of(db, engineer)
    response = await client.post(
        "/api/v1/ledger/corrections",
        headers=t.manager,
        json={"user_uuid": str(engineer.uuid), "amount": "10.00", "reason": "fee charged twice"},
    )
    assert response.status_code == 201, response.text
    correction = response.json()["data"]
    assert correction["kind"] == "correction" and correction["amount"] == "10.00"
    assert correction["description"] == "fee charged twice"
    entries = await entries_of(db, engineer)
    assert [(e.uuid, e.amount) for e in entries[:1]] == [(fee.uuid, fee.amount)]
    assert await balance_of(db, engineer) == Decimal("0.00")
    assert (await events_of(db, "ledger_corrected"))[0]["amount"] == "10.00"
    assert [a.action for a in await audit_events(db, engineer.uuid)][-1] == "ledger.corrected"


async def test_an_engineer_cannot_append_a_correction(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    response = await client.post(
        "/api/v1/ledger/corrections",
        headers=t.engineer_headers[0],
        json={"user_uuid": str(t.engineers[0].uuid), "amount": "100.00", "reason": "bonus"},
    )
    assert response.status_code == 403
    assert await entries_of(db, t.engineers[0]) == []


async def test_a_correction_of_nothing_is_refused(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=1)
    response = await client.post(
        "/api/v1/ledger/corrections",
        headers=t.manager,
        json={"user_uuid": str(t.engineers[0].uuid), "amount": "0", "reason": "nothing"},
    )
    assert response.status_code == 422
    assert await entries_of(db, t.engineers[0]) == []


async def test_a_manager_has_no_balance_to_correct(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=0)
    manager, _ = await signed_in(db, client, t.org, role="manager")
    response = await client.post(
        "/api/v1/ledger/corrections",
        headers=t.manager,
        json={"user_uuid": str(manager.uuid), "amount": "5.00", "reason": "x"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_an_engineer"


async def test_an_engineer_sees_only_their_own_entries(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=2)
    first, second = t.engineers
    await create_task(client, t.manager, assignee_uuid=str(first.uuid))
    await create_task(client, t.manager, assignee_uuid=str(second.uuid))
    own = await client.get("/api/v1/ledger/entries", headers=t.engineer_headers[0])
    assert {e["user"]["uuid"] for e in own.json()["data"]} == {str(first.uuid)}
    asked = await client.get(
        f"/api/v1/ledger/entries?user_uuid={second.uuid}", headers=t.engineer_headers[0]
    )
    assert {e["user"]["uuid"] for e in asked.json()["data"]} == {str(first.uuid)}
    every = await client.get("/api/v1/ledger/entries", headers=t.manager)
    assert every.json()["meta"]["total"] == 2


async def test_an_engineer_reads_their_own_balance_but_not_the_bill(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    await fixed_prices(client, t.manager)
    await create_task(client, t.manager)
    balance = await client.get("/api/v1/ledger/balance", headers=t.engineer_headers[0])
    assert balance.status_code == 200
    figures = balance.json()["data"]
    assert (figures["opening"], figures["debits"], figures["closing"]) == (
        "0.00",
        "10.00",
        "-10.00",
    )
    for path in ("/api/v1/ledger/balances", "/api/v1/ledger/organization"):
        assert (await client.get(path, headers=t.engineer_headers[0])).status_code == 403


async def test_a_manager_reads_the_organization_bill(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=2)
    await fixed_prices(client, t.manager)
    task = await create_task(client, t.manager, assignee_uuid=str(t.engineers[0].uuid))
    await create_task(client, t.manager, assignee_uuid=str(t.engineers[1].uuid))
    await client.post(f"/api/v1/tasks/{task['uuid']}/complete", headers=t.engineer_headers[0])
    bill = (await client.get("/api/v1/ledger/organization", headers=t.manager)).json()["data"]
    assert (bill["debits"], bill["credits"], bill["closing"]) == ("20.00", "30.00", "10.00")
    assert bill["management_earnings"] == "-10.00"
    balances = (await client.get("/api/v1/ledger/balances", headers=t.manager)).json()["data"]
    assert sorted(b["closing"] for b in balances) == ["-10.00", "20.00"]


async def test_a_manager_of_another_organization_sees_nothing_of_this_bill(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    await create_task(client, t.manager)
    _, other = await signed_in(db, client, await make_org(db), role="manager")
    entries = await client.get("/api/v1/ledger/entries", headers=other)
    assert entries.json()["meta"]["total"] == 0
    named = await client.get(
        f"/api/v1/ledger/organization?organization_uuid={t.org.uuid}", headers=other
    )
    assert named.status_code == 404


async def test_a_day_out_of_range_is_a_clear_error(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=1)
    response = await client.get(
        "/api/v1/ledger/balance?day=9999-12-31", headers=t.engineer_headers[0]
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "day_out_of_range"
