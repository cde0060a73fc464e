"""Analytics for platform admins: management's earnings, engineers in the red, the most
expensive task of a day, week and month, tasks open past their due date."""

from __future__ import annotations

from datetime import timedelta

import httpx

from patchwatch.db import Database, utcnow
from tests.factories import make_org, make_site, signed_in
from tests.work.helpers import Team, create_task, fixed_prices, team


async def _a_day_of_work(client: httpx.AsyncClient, db: Database) -> tuple[Team, dict[str, str]]:
    """E1 completes a normal task (10/30) and a critical one (15/40); E2 holds a critical task
    past its due date. Fees 40, rewards 70: management earned -30; E2 is at -15."""
    t = await team(db, client, engineers=2)
    first, second = t.engineers
    await fixed_prices(client, t.manager)
    critical = await make_site(
        client, t.manager, "https://crit.example.org", criticality="critical"
    )
    normal = await create_task(client, t.manager, assignee_uuid=str(first.uuid))
    costly = await create_task(
        client, t.manager, assignee_uuid=str(first.uuid), site_uuid=critical["uuid"], title="Core"
    )
    await create_task(
        client,
        t.manager,
        assignee_uuid=str(second.uuid),
        site_uuid=critical["uuid"],
        due_at="2020-01-01T00:00:00Z",
    )
    for task in (normal, costly):
        done = await client.post(
            f"/api/v1/tasks/{task['uuid']}/complete", headers=t.engineer_headers[0]
        )
        assert done.status_code == 200, done.text
    _, admin = await signed_in(db, client, await make_org(db, "Operators"), role="admin")
    return t, admin


async def test_admins_see_the_day_in_numbers(client: httpx.AsyncClient, db: Database) -> None:
    t, admin = await _a_day_of_work(client, db)
    response = await client.get(
        f"/api/v1/analytics/work?organization_uuid={t.org.uuid}", headers=admin
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["management_earnings"] == "-30.00"
    assert data["negative_engineers"] == 1
    assert data["negative_engineer_uuids"] == [str(t.engineers[1].uuid)]
    for period in ("day", "week", "month"):
        expensive = data["most_expensive_task"][period]
        assert (expensive["title"], expensive["completion_reward"]) == ("Core", "40.00")
    assert data["open_past_due"] == 1


async def test_without_an_organization_admins_see_every_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await _a_day_of_work(client, db)
    data = (await client.get("/api/v1/analytics/work", headers=admin)).json()["data"]
    assert data["management_earnings"] == "-30.00" and data["negative_engineers"] == 1


async def test_a_day_without_closed_tasks_has_no_most_expensive_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await _a_day_of_work(client, db)
    long_ago = (utcnow().date() - timedelta(days=400)).isoformat()
    data = (await client.get(f"/api/v1/analytics/work?day={long_ago}", headers=admin)).json()
    assert data["data"]["most_expensive_task"] == {"day": None, "week": None, "month": None}
    assert data["data"]["management_earnings"] == "0.00"


async def test_earnings_per_day(client: httpx.AsyncClient, db: Database) -> None:
    _, admin = await _a_day_of_work(client, db)
    today = utcnow().date()
    response = await client.get(
        "/api/v1/analytics/earnings",
        headers=admin,
        params={"since": (today - timedelta(days=1)).isoformat(), "until": today.isoformat()},
    )
    assert response.status_code == 200, response.text
    days = response.json()["data"]
    assert [(d["management_earnings"], d["debits"], d["credits"]) for d in days] == [
        ("0.00", "0.00", "0.00"),
        ("-30.00", "40.00", "70.00"),
    ]


async def test_a_backwards_period_is_a_clear_error(client: httpx.AsyncClient, db: Database) -> None:
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    response = await client.get(
        "/api/v1/analytics/earnings?since=2026-11-20&until=2026-11-01", headers=admin
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_period"


async def test_analytics_are_for_admins_only(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(db, client, engineers=1)
    for headers in (t.manager, t.engineer_headers[0]):
        response = await client.get("/api/v1/analytics/work", headers=headers)
        assert response.status_code == 403
