"""Tasks: managers create and reassign, engineers only complete their own; every assignment
debits the fee, completion credits the reward; prices are set once, at creation."""

from __future__ import annotations

from decimal import Decimal

import httpx

from patchwatch.db import Database
from tests.factories import make_site, make_user, signed_in
from tests.work.helpers import balance_of, create_task, entries_of, events_of, fixed_prices, team


async def test_a_manager_creates_a_task_for_an_engineer_who_is_debited_the_fee(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    engineer = t.engineers[0]
    task = await create_task(
        client, t.manager, title="Patch views", assignee_uuid=str(engineer.uuid)
    )
    assert task["status"] == "open" and task["assignee"]["uuid"] == str(engineer.uuid)
    fee = Decimal(task["assignment_fee"])
    assert Decimal("10") <= fee <= Decimal("20")
    assert Decimal("20") <= Decimal(task["completion_reward"]) <= Decimal("40")
    assert task["currency"] == t.org.currency
    entries = await entries_of(db, engineer)
    assert [(e.kind, e.amount) for e in entries] == [("fee", -fee)]


async def test_without_an_assignee_the_task_goes_to_an_engineer_at_random(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=2)
    task = await create_task(client, t.manager)
    assert task["assignee"]["uuid"] in {str(e.uuid) for e in t.engineers}


async def test_an_engineer_cannot_create_a_task(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=1)
    response = await client.post(
        "/api/v1/tasks", headers=t.engineer_headers[0], json={"title": "Mine"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


async def test_an_engineer_cannot_reassign_a_task(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=2)
    task = await create_task(client, t.manager, assignee_uuid=str(t.engineers[0].uuid))
    response = await client.post(
        f"/api/v1/tasks/{task['uuid']}/assign",
        headers=t.engineer_headers[0],
        json={"assignee_uuid": str(t.engineers[1].uuid)},
    )
    assert response.status_code == 403
    assert await balance_of(db, t.engineers[1]) == 0


async def test_an_engineer_cannot_shuffle(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=2)
    response = await client.post("/api/v1/tasks/shuffle", headers=t.engineer_headers[0])
    assert response.status_code == 403


async def test_a_manager_is_never_an_assignee(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=1)
    other_manager = await make_user(db, t.org, role="manager")
    response = await client.post(
        "/api/v1/tasks",
        headers=t.manager,
        json={"title": "For a manager", "assignee_uuid": str(other_manager.uuid)},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_an_engineer"


async def test_an_inactive_engineer_is_never_an_assignee(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=0)
    gone = await make_user(db, t.org, role="engineer", is_active=False)
    response = await client.post(
        "/api/v1/tasks", headers=t.manager, json={"title": "X", "assignee_uuid": str(gone.uuid)}
    )
    assert response.status_code == 422


async def test_an_organization_without_engineers_gets_no_engineers(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=0)
    response = await client.post("/api/v1/tasks", headers=t.manager, json={"title": "Nobody"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_engineers"
    listed = await client.get("/api/v1/tasks", headers=t.manager)
    assert listed.json()["meta"]["total"] == 0


async def test_an_engineer_completes_their_own_task_and_is_credited_the_reward(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    task = await create_task(client, t.manager)
    response = await client.post(
        f"/api/v1/tasks/{task['uuid']}/complete", headers=t.engineer_headers[0]
    )
    assert response.status_code == 200, response.text
    done = response.json()["data"]
    assert done["status"] == "done" and done["completed_at"]
    expected = Decimal(task["completion_reward"]) - Decimal(task["assignment_fee"])
    assert await balance_of(db, t.engineers[0]) == expected
    completed = await events_of(db, "task_completed")
    assert completed[0]["task_uuid"] == task["uuid"]
    assert completed[0]["completion_reward"] == task["completion_reward"]


async def test_an_engineer_cannot_complete_someone_elses_task(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=2)
    task = await create_task(client, t.manager, assignee_uuid=str(t.engineers[0].uuid))
    response = await client.post(
        f"/api/v1/tasks/{task['uuid']}/complete", headers=t.engineer_headers[1]
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_your_task"


async def test_a_done_task_cannot_be_completed_again(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    task = await create_task(client, t.manager)
    url = f"/api/v1/tasks/{task['uuid']}/complete"
    assert (await client.post(url, headers=t.engineer_headers[0])).status_code == 200
    again = await client.post(url, headers=t.engineer_headers[0])
    assert again.status_code == 409 and again.json()["error"]["code"] == "task_done"
    assert len(await entries_of(db, t.engineers[0])) == 2


async def test_reassigning_debits_the_new_assignee_the_fee_again(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=2)
    first, second = t.engineers
    task = await create_task(client, t.manager, assignee_uuid=str(first.uuid))
    response = await client.post(
        f"/api/v1/tasks/{task['uuid']}/assign",
        headers=t.manager,
        json={"assignee_uuid": str(second.uuid)},
    )
    assert response.status_code == 200
    fee = Decimal(task["assignment_fee"])
    assert await balance_of(db, first) == -fee and await balance_of(db, second) == -fee
    assigned = await events_of(db, "task_assigned")
    assert [a["user_uuid"] for a in assigned] == [str(first.uuid), str(second.uuid)]
    assert assigned[1]["previous_user_uuid"] == str(first.uuid)
    assert assigned[1]["assignment_fee"] == task["assignment_fee"]
    assert assigned[1]["title"] == "Do it" and assigned[1]["reason"] == "reassigned"


async def test_shuffle_gives_every_open_task_to_an_active_engineer_and_debits_each_fee(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=3)
    tasks = [await create_task(client, t.manager) for _ in range(6)]
    done = tasks[0]
    await client.post(
        f"/api/v1/tasks/{done['uuid']}/complete",
        headers=t.engineer_headers[
            [str(e.uuid) for e in t.engineers].index(done["assignee"]["uuid"])
        ],
    )
    await make_user(db, t.org, role="engineer", is_active=False)
    before = len(await events_of(db, "task_assigned"))
    response = await client.post("/api/v1/tasks/shuffle", headers=t.manager)
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"reassigned": 5, "engineers": 3}
    shuffled = (await events_of(db, "task_assigned"))[before:]
    assert len(shuffled) == 5 and {s["reason"] for s in shuffled} == {"shuffle"}
    active = {str(e.uuid) for e in t.engineers}
    assert {s["user_uuid"] for s in shuffled} <= active
    fees = sum(Decimal(t_["assignment_fee"]) for t_ in tasks[1:])
    debited = Decimal("0.00")
    for engineer in t.engineers:
        debited += sum(
            (-e.amount for e in await entries_of(db, engineer) if e.kind == "fee"), Decimal(0)
        )
    assert debited == fees + sum(Decimal(t_["assignment_fee"]) for t_ in tasks)


async def test_shuffle_without_engineers_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=0)
    response = await client.post("/api/v1/tasks/shuffle", headers=t.manager)
    assert response.status_code == 409 and response.json()["error"]["code"] == "no_engineers"


async def test_fixed_prices_per_site_criticality_price_new_tasks(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    await fixed_prices(client, t.manager)
    site = await make_site(client, t.manager, "https://crit.example.org", criticality="critical")
    task = await create_task(client, t.manager, site_uuid=site["uuid"])
    assert (task["assignment_fee"], task["completion_reward"]) == ("15.00", "40.00")
    plain = await create_task(client, t.manager)
    assert (plain["assignment_fee"], plain["completion_reward"]) == ("10.00", "30.00")
    prices = (await client.get("/api/v1/task-prices", headers=t.engineer_headers[0])).json()
    assert prices["data"]["mode"] == "fixed"


async def test_fixed_prices_must_name_every_criticality(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    pair = {"assignment_fee": "1.00", "completion_reward": "2.00"}
    response = await client.put(
        "/api/v1/task-prices", headers=t.manager, json={"mode": "fixed", "prices": {"low": pair}}
    )
    assert response.status_code == 422
    current = (await client.get("/api/v1/task-prices", headers=t.manager)).json()["data"]
    assert current["mode"] == "random"


async def test_an_engineer_cannot_change_prices(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=1)
    response = await client.put(
        "/api/v1/task-prices", headers=t.engineer_headers[0], json={"mode": "random"}
    )
    assert response.status_code == 403


async def test_lists_filter_mine_status_and_overdue(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=2)
    first, second = t.engineers
    late = await create_task(
        client, t.manager, assignee_uuid=str(first.uuid), due_at="2020-01-01T00:00:00Z"
    )
    await create_task(client, t.manager, assignee_uuid=str(second.uuid))
    mine = await client.get("/api/v1/tasks?mine=true", headers=t.engineer_headers[0])
    assert [x["uuid"] for x in mine.json()["data"]] == [late["uuid"]]
    overdue = await client.get("/api/v1/tasks?overdue=true", headers=t.manager)
    assert [x["uuid"] for x in overdue.json()["data"]] == [late["uuid"]]
    assert overdue.json()["data"][0]["overdue"] is True
    by_assignee = await client.get(
        f"/api/v1/tasks?assignee_uuid={second.uuid}&status=open&sort=-due_at", headers=t.manager
    )
    assert by_assignee.json()["meta"]["total"] == 1
    done = await client.get("/api/v1/tasks?status=done", headers=t.manager)
    assert done.json()["meta"]["total"] == 0


async def test_a_bad_sort_is_a_clear_error(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=1)
    response = await client.get("/api/v1/tasks?sort=password", headers=t.manager)
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_sort"


async def test_a_viewer_reads_tasks_but_cannot_complete_them(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    task = await create_task(client, t.manager)
    _, viewer = await signed_in(db, client, t.org, role="viewer")
    assert (await client.get(f"/api/v1/tasks/{task['uuid']}", headers=viewer)).status_code == 200
    response = await client.post(f"/api/v1/tasks/{task['uuid']}/complete", headers=viewer)
    assert response.status_code == 403


async def test_a_key_bound_to_a_site_sees_only_that_sites_tasks(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(db, client, engineers=1)
    mine = await make_site(client, t.manager, "https://mine.example.org")
    other = await make_site(client, t.manager, "https://other.example.org")
    own = await create_task(client, t.manager, title="Patch mine", site_uuid=mine["uuid"])
    elsewhere = await create_task(client, t.manager, title="Patch other", site_uuid=other["uuid"])
    response = await client.post(
        "/api/v1/api-keys",
        headers=t.manager,
        json={"name": "site agent", "permissions": ["tasks:read"], "site_uuid": mine["uuid"]},
    )
    assert response.status_code == 201, response.text
    key = {"Authorization": f"Bearer {response.json()['data']['secret']}"}
    listed = await client.get("/api/v1/tasks", headers=key)
    assert [task["uuid"] for task in listed.json()["data"]] == [own["uuid"]]
    hidden = await client.get(f"/api/v1/tasks/{elsewhere['uuid']}", headers=key)
    assert hidden.status_code == 404
