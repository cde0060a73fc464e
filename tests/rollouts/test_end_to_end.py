"""An SCCM report for a new deployment and cycle, then a later one: KPIs, trend and RAG."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.sites.models import Site
from tests.factories import audit_events, make_org, outbox_events, signed_in
from tests.rollouts.helpers import HEADER, csv_bytes, get_data, machine, upload, xlsx_bytes

FIRST = [
    HEADER,
    machine("WS-001", "Pilot", "Success"),
    machine("WS-002", "Pilot", "Compliant", 0),
    machine("WS-003", "Pilot", "Error", "0x80070005"),
    machine("WS-004", "Broad", "In Progress"),
    machine("WS-005", "Broad", "Failed", -2147024891),
    machine("WS-006", "Broad", "Unknown"),
    machine("WS-007", "Broad", "Installed"),
    machine("WS-008", "Broad", "Superseded"),
]
# A week later, as CSV: WS-006 is missing (not reported), WS-009 is new.
SECOND = [
    HEADER,
    machine("WS-001", "Pilot", "Success"),
    machine("WS-002", "Pilot", "Success"),
    machine("WS-003", "Pilot", "Success"),
    machine("WS-004", "Broad", "Success"),
    machine("WS-005", "Broad", "Failed", "0x80070643"),
    machine("WS-007", "Broad", "Success"),
    machine("WS-008", "Broad", "Success"),
    machine("WS-009", "Broad", "Success"),
]


def _kpis(
    devices: int,
    installed: int,
    failed: int,
    in_progress: int,
    not_reported: int,
    other: int,
    percents: tuple[float, float, float, float],
    codes: list[tuple[str, int]],
) -> dict[str, object]:
    return {
        "devices": devices,
        "installed": installed,
        "failed": failed,
        "in_progress": in_progress,
        "not_reported": not_reported,
        "other": other,
        "installed_percent": percents[0],
        "failed_percent": percents[1],
        "in_progress_percent": percents[2],
        "not_reported_percent": percents[3],
        "top_error_codes": [{"code": c, "devices": n} for c, n in codes],
    }


async def test_two_reports_give_exact_kpis_rings_trend_and_rag(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))

    first = await upload(
        client,
        headers,
        xlsx_bytes(FIRST),
        "May-Win10_CU-200521-0300KZN.xlsx",
        create_missing=True,
    )
    assert first.status_code == 201, first.text
    report_1 = first.json()["data"]
    assert report_1["deployment_title"] == "Win10_CU"
    assert report_1["cycle_title"] == "May"
    assert report_1["reported_at"] == "2020-05-21T00:00:00Z"
    assert (report_1["rows_total"], report_1["sites_created"]) == (8, 8)
    cycle_uuid = report_1["cycle_uuid"]

    kpis_1 = await get_data(client, headers, f"/reports/{report_1['uuid']}/kpis")
    assert kpis_1["totals"] == _kpis(
        8, 3, 2, 1, 1, 1, (37.5, 25.0, 12.5, 12.5), [("0x80070005", 2)]
    )
    assert [r["ring"] for r in kpis_1["rings"]] == [0]
    cycle = await get_data(client, headers, f"/cycles/{cycle_uuid}")
    assert (cycle["rag_status"], cycle["rag_source"]) == ("red", "rules")  # failed 25 % > 20 %

    # Broad becomes ring 1; the cycle gets a deadline far ahead (still red: too many failed).
    collections = await get_data(client, headers, f"/cycles/{cycle_uuid}/collections")
    assert [(c["name"], c["ring"]) for c in collections] == [("Broad", 0), ("Pilot", 0)]
    moved = await client.patch(
        f"/api/v1/rollouts/collections/{collections[0]['uuid']}",
        headers=headers,
        json={"ring": 1},
    )
    assert moved.status_code == 200, moved.text
    changed = await client.patch(
        f"/api/v1/rollouts/cycles/{cycle_uuid}",
        headers=headers,
        json={"deadline": "2099-01-01T00:00:00Z"},
    )
    assert changed.json()["data"]["rag_status"] == "red", changed.text

    second = await upload(client, headers, csv_bytes(SECOND), "May-Win10_CU-200528-0300KZN.csv")
    assert second.status_code == 201, second.text
    report_2 = second.json()["data"]
    assert (report_2["file_format"], report_2["sites_created"]) == ("csv", 1)

    kpis = await get_data(client, headers, f"/cycles/{cycle_uuid}/kpis")
    assert (kpis["rag_status"], kpis["rag_source"]) == ("amber", "rules")  # before the deadline
    latest = kpis["latest"]
    assert latest["report_uuid"] == report_2["uuid"]
    assert latest["totals"] == _kpis(9, 7, 1, 0, 1, 0, (77.8, 11.1, 0.0, 11.1), [("0x80070643", 1)])
    assert latest["rings"] == [
        {"ring": 0, **_kpis(3, 3, 0, 0, 0, 0, (100.0, 0.0, 0.0, 0.0), [])},
        {"ring": 1, **_kpis(6, 4, 1, 0, 1, 0, (66.7, 16.7, 0.0, 16.7), [("0x80070643", 1)])},
    ]
    assert [(c["name"], c["ring"], c["devices"]) for c in latest["collections"]] == [
        ("Pilot", 0, 3),
        ("Broad", 1, 6),
    ]
    assert kpis["trend"] == [
        {
            "report_uuid": report_1["uuid"],
            "reported_at": "2020-05-21T00:00:00Z",
            "devices": 8,
            "installed_percent": 37.5,
            "failed_percent": 25.0,
            "in_progress": 1,
            "not_reported": 1,
        },
        {
            "report_uuid": report_2["uuid"],
            "reported_at": "2020-05-28T00:00:00Z",
            "devices": 9,
            "installed_percent": 77.8,
            "failed_percent": 11.1,
            "in_progress": 0,
            "not_reported": 1,
        },
    ]

    # Every device is a server site, named as the report names it.
    async with db.sessionmaker() as session:
        servers = {s.url: (s.name, s.kind) for s in await session.scalars(select(Site))}
    assert servers["https://ws-001"] == ("WS-001", "server")
    assert len(servers) == 9

    # The rows keep what the file said; naive times are in the report's zone (KZN, UTC+3).
    failed = await get_data(client, headers, f"/reports/{report_1['uuid']}/rows?status=failed")
    assert [(r["device"], r["status_raw"], r["error_code"], r["ring"]) for r in failed] == [
        ("WS-003", "Error", "0x80070005", 0),
        ("WS-005", "Failed", "0x80070005", 1),
    ]
    assert failed[0]["last_logon_at"] == "2020-05-20T06:15:00Z"
    assert failed[0]["last_logon_user"] == "CONTOSO\\alice"

    events = [e.event_type for e in await outbox_events(db, _uuid(cycle_uuid))]
    assert events == ["rollout_cycle_rag_changed", "rollout_cycle_rag_changed"]
    uploaded = await outbox_events(db, _uuid(report_2["uuid"]))
    assert [e.event_type for e in uploaded] == ["rollout_report_uploaded"]
    assert [a.action for a in await audit_events(db, _uuid(report_2["uuid"]))] == [
        "rollout_report.uploaded"
    ]


def _uuid(text: str) -> object:
    import uuid

    return uuid.UUID(text)


async def test_a_manual_rag_is_kept_after_an_upload_until_rules_are_asked_back(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    first = await upload(
        client, headers, xlsx_bytes(FIRST), "May-Win10_CU-200521-0300UTC.xlsx", create_missing=True
    )
    cycle_uuid = first.json()["data"]["cycle_uuid"]
    manual = await client.patch(
        f"/api/v1/rollouts/cycles/{cycle_uuid}",
        headers=headers,
        json={"rag_status": "green", "rag_note": "agreed with the client"},
    )
    assert (manual.json()["data"]["rag_status"], manual.json()["data"]["rag_source"]) == (
        "green",
        "manual",
    )
    await upload(client, headers, csv_bytes(SECOND), "May-Win10_CU-200528-0300UTC.csv")
    cycle = await get_data(client, headers, f"/cycles/{cycle_uuid}")
    assert (cycle["rag_status"], cycle["rag_source"], cycle["rag_note"]) == (
        "green",
        "manual",
        "agreed with the client",
    )
    back = await client.patch(
        f"/api/v1/rollouts/cycles/{cycle_uuid}", headers=headers, json={"rag_source": "rules"}
    )
    # 77.8 % installed, no deadline: below amber -> red.
    assert (back.json()["data"]["rag_status"], back.json()["data"]["rag_source"]) == (
        "red",
        "rules",
    )


async def test_deleting_a_report_removes_its_rows_and_moves_the_kpis_back(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    first = await upload(
        client, headers, xlsx_bytes(FIRST), "May-Win10_CU-200521-0300UTC.xlsx", create_missing=True
    )
    cycle_uuid = first.json()["data"]["cycle_uuid"]
    second = (
        await upload(client, headers, csv_bytes(SECOND), "May-Win10_CU-200528-0300UTC.csv")
    ).json()["data"]
    deleted = await client.delete(f"/api/v1/rollouts/reports/{second['uuid']}", headers=headers)
    assert deleted.status_code == 200, deleted.text
    gone = await client.get(f"/api/v1/rollouts/reports/{second['uuid']}/rows", headers=headers)
    assert gone.status_code == 404
    from patchwatch.rollouts.models import RolloutReportRow

    async with db.sessionmaker() as session:
        assert len(list(await session.scalars(select(RolloutReportRow)))) == 8
    kpis = await get_data(client, headers, f"/cycles/{cycle_uuid}/kpis")
    assert kpis["latest"]["report_uuid"] == first.json()["data"]["uuid"]
    assert len(kpis["trend"]) == 1
    assert kpis["rag_status"] == "red"


async def test_a_report_hidden_from_history_is_no_trend_point_but_still_the_latest(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, headers = await signed_in(db, client, await make_org(db))
    first = await upload(
        client, headers, xlsx_bytes(FIRST), "May-Win10_CU-200521-0300UTC.xlsx", create_missing=True
    )
    cycle_uuid = first.json()["data"]["cycle_uuid"]
    second = await upload(
        client,
        headers,
        csv_bytes(SECOND),
        "anything.csv",
        deployment="Win10_CU",
        cycle="May",
        reported_at=datetime(2020, 5, 28, tzinfo=UTC).isoformat(),
        show_in_history=False,
    )
    assert second.status_code == 201, second.text
    kpis = await get_data(client, headers, f"/cycles/{cycle_uuid}/kpis")
    assert [p["report_uuid"] for p in kpis["trend"]] == [first.json()["data"]["uuid"]]
    assert kpis["latest"]["report_uuid"] == second.json()["data"]["uuid"]
