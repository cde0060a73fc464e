"""The proof of the UberPopug rules (issue 7): a day of task events, from a real security
finding to the daily close, whose ledger, statements and payouts add up."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import httpx

from patchwatch.db import Database
from patchwatch.work import ledger
from tests.factories import key_headers, make_api_key, make_org, make_site, signed_in
from tests.sites.test_flow import import_feed, push
from tests.work.helpers import deliver, events_of, fixed_prices, team
from tests.work.test_close import UTC_MIDNIGHT, after, statements, today

SITE = "https://shop.example.org"


def snapshot(core: str) -> dict[str, Any]:
    return {
        "site": {"url": SITE, "name": "Shop"},
        "packages": [{"ecosystem": "drupal", "name": "drupal", "version": core, "type": "core"}],
    }


async def test_a_day_of_task_events_whose_ledger_and_payouts_add_up(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await signed_in(db, client, await make_org(db, "Operators"), role="admin")
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    t = await team(db, client, engineers=3)
    by_uuid = {str(e.uuid): h for e, h in zip(t.engineers, t.engineer_headers, strict=True)}
    await fixed_prices(client, t.manager)
    agent = key_headers(
        await make_api_key(client, t.manager, ["snapshots:write", "snapshots:read"])
    )
    site = await make_site(client, t.manager, SITE, name="Shop", criticality="critical")

    # Morning: the shop's core is found insecure; the finding becomes a task (15 / 40).
    await push(client, agent, snapshot("8.0.0"))
    await deliver(db)
    [automatic] = (await client.get("/api/v1/tasks", headers=t.manager)).json()["data"]
    assert automatic["source"] == "automatic" and automatic["site_uuid"] == site["uuid"]
    assert automatic["due_at"] is not None
    # The manager adds two tasks (10 / 30 each) and shuffles everything open.
    for title in ("Rotate keys", "Review logs"):
        created = await client.post("/api/v1/tasks", headers=t.manager, json={"title": title})
        assert created.status_code == 201
    shuffled = await client.post("/api/v1/tasks/shuffle", headers=t.manager)
    assert shuffled.json()["data"]["reassigned"] == 3

    # Whoever holds "Rotate keys" completes it; the shop is patched and the next snapshot
    # resolves the finding, which closes the automatic task with the run as evidence.
    tasks = {
        x["title"]: x for x in (await client.get("/api/v1/tasks", headers=t.manager)).json()["data"]
    }
    rotate = tasks["Rotate keys"]
    done = await client.post(
        f"/api/v1/tasks/{rotate['uuid']}/complete", headers=by_uuid[rotate["assignee"]["uuid"]]
    )
    assert done.status_code == 200
    run = await client.post(
        "/api/v1/patch-runs",
        headers=t.manager,
        json={
            "site_uuid": site["uuid"],
            "status": "succeeded",
            "items": [{"package": "drupal", "from_version": "8.0.0", "to_version": "8.0.2"}],
        },
    )
    await push(client, agent, snapshot("8.0.2"))
    await deliver(db)
    closed = (await client.get(f"/api/v1/tasks/{automatic['uuid']}", headers=t.manager)).json()
    assert closed["data"]["status"] == "done"
    assert closed["data"]["evidence_patch_run_uuid"] == run.json()["data"]["uuid"]
    # A correction: a bonus for the third engineer.
    bonus = await client.post(
        "/api/v1/ledger/corrections",
        headers=t.manager,
        json={"user_uuid": str(t.engineers[2].uuid), "amount": "5.00", "reason": "bonus"},
    )
    assert bonus.status_code == 201

    # What the events say happened, engineer by engineer.
    expected: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    assigned = await events_of(db, "task_assigned")
    completed = await events_of(db, "task_completed")
    assert len(assigned) == 6 and len(completed) == 2
    for event in assigned:
        expected[event["user_uuid"]] -= Decimal(event["assignment_fee"])
    for event in completed:
        expected[event["user_uuid"]] += Decimal(event["completion_reward"])
    expected[str(t.engineers[2].uuid)] += Decimal("5.00")
    involved = set(expected)  # an engineer the shuffle never picked has nothing to state
    fees = sum(Decimal(e["assignment_fee"]) for e in assigned)
    assert fees == Decimal("15.00") * 2 + Decimal("10.00") * 4
    credits = Decimal("40.00") + Decimal("30.00") + Decimal("5.00")

    balances = (await client.get("/api/v1/ledger/balances", headers=t.manager)).json()["data"]
    assert {b["user"]["uuid"]: Decimal(b["closing"]) for b in balances} == {
        u: expected[u] for u in by_uuid
    }
    bill = (await client.get("/api/v1/ledger/organization", headers=t.manager)).json()["data"]
    assert (Decimal(bill["debits"]), Decimal(bill["credits"])) == (fees, credits)
    assert Decimal(bill["management_earnings"]) == fees - credits
    analytics = (
        await client.get(f"/api/v1/analytics/work?organization_uuid={t.org.uuid}", headers=admin)
    ).json()["data"]
    assert Decimal(analytics["management_earnings"]) == fees - credits
    assert analytics["negative_engineers"] == sum(1 for v in expected.values() if v < 0)
    assert analytics["most_expensive_task"]["day"]["uuid"] == automatic["uuid"]

    # End of day: positive balances are paid out, negative ones carried over.
    await ledger.close_due_days(db, UTC_MIDNIGHT, now=after(today()))
    rows = await statements(client, t.manager, per_page=200)
    own = {r["user"]["uuid"]: r for r in rows if r["kind"] == "engineer"}
    assert set(own) == involved
    for user_uuid in involved:
        balance = expected[user_uuid]
        statement = own[user_uuid]
        assert Decimal(statement["payout"]) == max(balance, Decimal(0))
        assert Decimal(statement["closing"]) == min(balance, Decimal(0))
        assert statement == (await statements(client, by_uuid[user_uuid]))[0]
    [organization] = [r for r in rows if r["kind"] == "organization"]
    paid = sum((max(v, Decimal(0)) for v in expected.values()), Decimal(0))
    assert Decimal(organization["payout"]) == paid
    assert Decimal(organization["closing"]) == sum(min(v, Decimal(0)) for v in expected.values())
    assert Decimal(organization["management_earnings"]) == fees - credits
    payouts = await events_of(db, "payout_made")
    assert sum(Decimal(p["amount"]) for p in payouts) == paid
    assert len(await events_of(db, "statement_closed")) == len(involved) + 1
