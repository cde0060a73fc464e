"""Tenancy is absolute: walk every route of the live OpenAPI schema and prove that users and API
keys of organization A can neither read nor change organization B's data.

Principals of A: every built-in non-admin role, a custom role holding every permission except
platform:admin, an API key with all those permissions, and the same key bound to one of A's sites.
The platform admin is cross-tenant by design and not walked here.

Three walks, each driven by the schema so that a new route is covered (or makes the test fail
with a message saying what to add):
1. every route with a path parameter, called with B's resource in the path, by every method;
2. every query parameter that names a resource (a uuid), filled with B's;
3. every request-body field that names a resource (a uuid), filled with B's.
Then B's data must be exactly as it was.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from patchwatch.catalog.models import Advisory
from patchwatch.db import Database
from patchwatch.events import activity
from patchwatch.events.delivery import deliver_pending
from patchwatch.events.models import EventDelivery, OutboxEvent
from patchwatch.events.service import emit
from patchwatch.identity import service as identity
from patchwatch.identity.models import ApiKey, Organization, User
from patchwatch.identity.permissions import PERMISSIONS, PLATFORM_ADMIN
from patchwatch.notify.models import Notification, Webhook
from patchwatch.patching.models import Cycle, MaintenanceRequest, PatchRun
from patchwatch.rollouts.models import RolloutReport
from patchwatch.sites.models import InstalledPackage, Site, Snapshot
from patchwatch.work.models import LedgerEntry, Statement, Task
from tests.factories import (
    key_headers,
    make_api_key,
    make_org,
    make_site,
    make_user,
    poll_snapshot,
    signed_in,
)

ALL_BUT_ADMIN = sorted(set(PERMISSIONS) - {PLATFORM_ADMIN})
NON_ADMIN_ROLES = ("manager", "engineer", "requester", "viewer")

# --- the mapping tables: a new route or field that is missing here fails the test ----------------

# Path parameter -> the kind of B's resource that fills it.
PARAMETER_KINDS = {
    "org_uuid": "organization",
    "user_uuid": "user",
    "key_uuid": "api_key",
    "login": "login",
    "role_uuid": "role",
    "group_uuid": "group",
    "group": "group_name",
    "site_uuid": "site",
    "site_id": "site",  # the Drupal connector's earlier path: the site's uuid
    "snapshot_uuid": "snapshot",
    "advisory_uuid": "advisory",
    "request_uuid": "maintenance_request",
    "run_uuid": "patch_run",
    "cycle_uuid": "cycle",
    "import_uuid": "import",
    "task_uuid": "task",
    "notification_uuid": "notification",
    "webhook_uuid": "webhook",
    "delivery_uuid": "dead_letter",
    "deployment_uuid": "rollout_deployment",
    "rollout_cycle_uuid": "rollout_cycle",
    "collection_uuid": "rollout_collection",
    "report_uuid": "rollout_report",
}
# Kinds that belong to an organization: a route naming B's must refuse (404, or 401/403/405).
OWNED_KINDS = {
    "organization",
    "user",
    "api_key",
    "login",
    "site",
    "snapshot",
    "maintenance_request",
    "patch_run",
    "cycle",
    "import",
    "task",
    "notification",
    "webhook",
    "dead_letter",
    "rollout_deployment",
    "rollout_cycle",
    "rollout_collection",
    "rollout_report",
}
# Platform-wide kinds (roles and groups are shared by all organizations): a route naming one may
# answer, but never with B's data, and B's data must stay unchanged (checked at the end).
SHARED_KINDS = {"role", "group", "group_name", "advisory"}

# Query parameter (format uuid) -> kind of B's resource.
QUERY_KINDS = {
    "organization": "organization",
    "actor_uuid": "user",
    "target_uuid": "user",
    "site_uuid": "site",
    "cycle_uuid": "cycle",
    "assignee_uuid": "user",
    "user_uuid": "user",
    "organization_uuid": "organization",
}

# Request-body field (format uuid, at the top level) -> kind of B's resource.
BODY_KINDS = {
    "organization_uuid": "organization",
    "site_uuid": "site",
    "user_uuid": "user",
    "cycle_uuid": "cycle",
    "maintenance_request_uuid": "maintenance_request",
    "assignee_uuid": "user",
}
# Stands for A's own site in BASE_BODIES (filled in once A exists).
A_SITE = "<A's site>"
_a_site: dict[str, str] = {}

# Valid bodies, so that a refusal proves tenancy rather than a validation error. Routes with a
# path parameter and a request body need one here (the test says so when one is missing).
# A Drupal connector push naming B's site by its URL (the path names B's site too).
_CONNECTOR_PUSH = {
    "site": {"url": "https://b.example.org", "name": "Hijack"},
    "drupal_info": {"core_version": "11.3.13", "php_version": "8.3.6", "ip_address": "10.0.0.9"},
    "modules": [
        {
            "machine_name": "token",
            "display_name": "Token",
            "module_type": "module",
            "enabled": True,
            "version": "8.x-1.17",
            "description": "",
        }
    ],
    "full_sync": True,
}
BODIES: dict[tuple[str, str], Any] = {
    ("patch", "/api/v1/organizations/{org_uuid}"): {"name": "Hijacked"},
    ("patch", "/api/v1/users/{user_uuid}"): {"name": "Hijacked"},
    ("put", "/api/v1/users/{user_uuid}/groups"): {"groups": ["login_approvers"]},
    ("patch", "/api/v1/roles/{role_uuid}"): {"description": "hijacked"},
    ("post", "/user/{login}"): {"name": "Hijacked"},
    ("put", "/user/{login}"): {"email": "hijack@example.org"},
    ("post", "/user/authn/{login}"): {"password": "whatever it is, wrong"},
    ("get", "/user/authn/{login}"): {"password": "whatever it is, wrong"},
    ("patch", "/api/v1/sites/{site_uuid}"): {"name": "Hijacked"},
    ("patch", "/api/v1/patch-runs/{run_uuid}"): {"log": "hijacked"},
    ("patch", "/api/v1/cycles/{cycle_uuid}"): {"name": "Hijacked"},
    ("post", "/api/v1/tasks/{task_uuid}/assign"): {},
    ("post", "/api/v1/maintenance-requests/{request_uuid}/accept"): {"reason": "hijacked"},
    ("post", "/api/v1/maintenance-requests/{request_uuid}/reject"): {"reason": "hijacked"},
    ("patch", "/api/v1/webhooks/{webhook_uuid}"): {"name": "Hijacked", "is_active": False},
    ("post", "/api/v1/sites/{site_uuid}/modules/sync"): _CONNECTOR_PUSH,
    ("post", "/api/v1/sites/{site_id}/modules"): _CONNECTOR_PUSH,
    ("patch", "/api/v1/rollouts/deployments/{deployment_uuid}"): {"title": "Hijacked"},
    ("post", "/api/v1/rollouts/deployments/{deployment_uuid}/cycles"): {
        "title": "Hijack",
        "started_at": "2026-01-01T00:00:00Z",
    },
    ("patch", "/api/v1/rollouts/cycles/{rollout_cycle_uuid}"): {"rag_status": "green"},
    ("post", "/api/v1/rollouts/cycles/{rollout_cycle_uuid}/collections"): {"name": "Hijack"},
    ("patch", "/api/v1/rollouts/collections/{collection_uuid}"): {"ring": 9},
    ("patch", "/api/v1/rollouts/reports/{report_uuid}"): {"show_in_history": False},
}
# A window that is valid whenever the test runs (it must start in the future).
_WINDOW_START = (datetime.now(UTC) + timedelta(days=30)).isoformat()
# Minimal valid bodies for routes whose body names a resource (the named field is added).
BASE_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/api-keys"): {"name": "hijack", "permissions": ["sites:read"]},
    ("post", "/api/v1/users"): {"login": "hijacker", "email": "hijacker@example.org"},
    ("post", "/api/v1/sites"): {"url": "https://hijack.example.org", "name": "Hijack"},
    ("post", "/api/v1/patch-runs"): {"site_uuid": A_SITE},
    ("post", "/api/v1/cycles"): {
        "name": "Hijack",
        "starts_at": "2026-01-01T00:00:00Z",
        "deadline": "2099-01-01T00:00:00Z",
    },
    ("post", "/api/v1/maintenance-requests"): {
        "topic": "Hijack",
        "starts_at": _WINDOW_START,
        "duration_minutes": 60,
        "contact_email": "hijack@example.org",
    },
    ("post", "/api/v1/tasks"): {"title": "Hijack"},
    ("post", "/api/v1/tasks/{task_uuid}/assign"): {},
    ("post", "/api/v1/ledger/corrections"): {"amount": "1.00", "reason": "hijack"},
}

# Answers that name B's resource and are still safe, with why.
SAFE_ANSWERS: dict[tuple[str, str], tuple[set[int], Callable[[httpx.Response], bool], str]] = {
    ("put", "/user/{login}"): (
        {409},
        lambda r: r.json()["error"]["code"] in {"conflict", "login_taken", "user_exists"},
        "logins are unique platform-wide: creating one that exists elsewhere is refused",
    ),
    ("post", "/user/authn/{login}"): (
        {200},
        lambda r: r.json()["data"] is False,
        "a login outside the caller's organization is never authenticated",
    ),
    ("get", "/user/authn/{login}"): (
        {200},
        lambda r: r.json()["data"] is False,
        "a login outside the caller's organization is never authenticated",
    ),
    ("get", "/user/authz/{login}/{group}"): (
        {200},
        lambda r: r.json()["data"] is False,
        "a login outside the caller's organization is in no group",
    ),
}
# 429: the per-account sign-in lockout (any login, known or not, gets it after repeated failures).
REFUSED = {401, 403, 404, 405, 429}
# Routes not walked, with why.
SKIPPED = {
    ("post", "/api/v1/auth/logout"): "ends the caller's own session; names nothing of B",
}


# --- organization B and the principals of A -------------------------------------------------------


async def _org_b(db: Database, client: httpx.AsyncClient) -> dict[str, Any]:
    """Organization B with every kind of resource there is; what identifies them, by kind."""
    org = await make_org(db, "Organization B")
    manager, headers = await signed_in(db, client, org, groups=["login_approvers"])
    target = await make_user(db, org, role="viewer", login="b-target-user", approved=False)
    key = await make_api_key(client, headers, ["users:read"])
    site = await make_site(client, headers, "https://b.example.org", name="B")
    pusher = key_headers(await make_api_key(client, headers, ["snapshots:write"]))
    pushed = await client.post(
        "/api/v1/snapshots",
        headers=pusher,
        json={
            "site": {"uuid": site["uuid"]},
            "packages": [
                {"ecosystem": "drupal", "name": "drupal", "version": "8.0.0"},
                {"ecosystem": "drupal", "name": "b_private_module", "version": "1.0.0"},
            ],
        },
    )
    assert pushed.status_code == 202, pushed.text
    snapshot = pushed.json()["data"]
    assert (await poll_snapshot(client, headers, snapshot["uuid"]))["status"] == "processed"
    booked = await client.post(
        "/api/v1/maintenance-requests",
        headers=headers,
        json={
            "site_uuid": site["uuid"],
            "topic": "B private maintenance topic",
            "starts_at": _WINDOW_START,
            "duration_minutes": 60,
            "contact_email": "b-ops@example.org",
        },
    )
    assert booked.status_code == 201, booked.text
    maintenance_request = booked.json()["data"]
    run = await client.post(
        "/api/v1/patch-runs",
        headers=headers,
        json={"site_uuid": site["uuid"], "status": "running", "log": "B private run log"},
    )
    assert run.status_code == 201, run.text
    cycle = await client.post(
        "/api/v1/cycles",
        headers=headers,
        json={
            "name": "B private cycle",
            "starts_at": "2026-01-01T00:00:00Z",
            "deadline": "2099-01-01T00:00:00Z",
        },
    )
    assert cycle.status_code == 201, cycle.text
    imported = await client.post(
        "/api/v1/imports",
        headers=headers,
        data={"kind": "sites", "dry_run": "true"},
        files={"file": ("b-private-import.csv", b"url\nhttps://b-import.example.org\n")},
    )
    assert imported.status_code == 201, imported.text
    rollout = await client.post(
        "/api/v1/rollouts/reports",
        headers=headers,
        data={"create_missing": "true"},
        files={
            "file": (
                "B private cycle-BPrivateDeployment-200521-0300KZN.csv",
                b"Device,Collection,Status\r\nB-PRIVATE-PC,B private collection,Success\r\n",
            )
        },
    )
    assert rollout.status_code == 201, rollout.text
    rollout_report = rollout.json()["data"]
    rollout_collection = (
        await client.get(
            f"/api/v1/rollouts/cycles/{rollout_report['cycle_uuid']}/collections", headers=headers
        )
    ).json()["data"][0]
    engineer = await make_user(db, org, role="engineer", login="b-engineer")
    task = await client.post(
        "/api/v1/tasks",
        headers=headers,
        json={
            "title": "B private task",
            "site_uuid": site["uuid"],
            "assignee_uuid": str(engineer.uuid),
        },
    )
    assert task.status_code == 201, task.text
    hook = await client.post(
        "/api/v1/webhooks",
        headers=headers,
        json={
            "name": "B private hook",
            "url": "https://b-hooks.example.org/private",
            "scope": "organization",
            "event_kinds": ["sla_breached"],
        },
    )
    assert hook.status_code == 201, hook.text
    async with db.sessionmaker() as session:
        role = await identity.get_role_by_name(session, "viewer")
        group = await identity.get_group_by_name(session, "login_approvers")
        advisory = Advisory(external_id="GHSA-shared-by-all", title="Public advisory")
        session.add(advisory)
        notification = Notification(
            user_id=manager.id,
            organization_id=org.id,
            kind="sla_breached",
            cause="b-private-cause",
            title="B private notification",
            body="B private notification body",
            link=f"/sites/{site['uuid']}",
        )
        session.add(notification)
        await session.commit()
    dead_letter = await _dead_letter_of(db, org)
    return {
        "advisory": str(advisory.uuid),
        "organization": str(org.uuid),
        "user": str(target.uuid),
        "api_key": key["uuid"],
        "login": manager.login,
        "role": str(role.uuid),
        "group": str(group.uuid),
        "group_name": "login_approvers",
        "site": site["uuid"],
        "snapshot": snapshot["uuid"],
        "maintenance_request": maintenance_request["uuid"],
        "patch_run": run.json()["data"]["uuid"],
        "cycle": cycle.json()["data"]["uuid"],
        "import": imported.json()["data"]["uuid"],
        "task": task.json()["data"]["uuid"],
        "notification": str(notification.uuid),
        "webhook": hook.json()["data"]["uuid"],
        "dead_letter": str(dead_letter),
        "rollout_deployment": rollout_report["deployment_uuid"],
        "rollout_cycle": rollout_report["cycle_uuid"],
        "rollout_collection": rollout_collection["uuid"],
        "rollout_report": rollout_report["uuid"],
        # Whatever of B must never show in an answer to A.
        "secrets": [
            manager.email,
            manager.login,
            str(manager.uuid),
            target.login,
            str(target.uuid),
            key["uuid"],
            key["prefix"],
            str(org.uuid),
            "Organization B",
            site["uuid"],
            snapshot["uuid"],
            "https://b.example.org",
            "b_private_module",
            maintenance_request["uuid"],
            "B private maintenance topic",
            "b-ops@example.org",
            run.json()["data"]["uuid"],
            "B private run log",
            cycle.json()["data"]["uuid"],
            "B private cycle",
            imported.json()["data"]["uuid"],
            "b-private-import.csv",
            task.json()["data"]["uuid"],
            "B private task",
            "b-engineer",
            str(engineer.uuid),
            str(notification.uuid),
            "B private notification",
            hook.json()["data"]["uuid"],
            "B private hook",
            "https://b-hooks.example.org/private",
            hook.json()["data"]["secret"],
            str(dead_letter),
            "B private event payload",
            rollout_report["deployment_uuid"],
            "BPrivateDeployment",
            rollout_report["cycle_uuid"],
            rollout_report["uuid"],
            rollout_collection["uuid"],
            "B private collection",
            "B-PRIVATE-PC",
        ],
    }


async def _dead_letter_of(db: Database, org: Organization) -> uuid.UUID:
    """B's site timeline filled by delivering its events, and one of B's events as a dead letter."""
    await deliver_pending(db, consumers=activity.CONSUMERS)
    async with db.sessionmaker() as session:
        event = emit(
            session,
            "b.private",
            aggregate_type="site",
            aggregate_uuid=None,
            organization_id=org.id,
            payload={"note": "B private event payload"},
        )
        await session.flush()
        letter = EventDelivery(consumer="b-consumer", event_id=event.id, status="dead", attempts=8)
        session.add(letter)
        await session.commit()
    return letter.uuid


async def _principals_of_a(db: Database, client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    org = await make_org(db, "Organization A")
    async with db.sessionmaker() as session:
        await identity.create_role(
            session, None, name="org-superuser", description="", permissions=ALL_BUT_ADMIN
        )
        await session.commit()
    principals = {}
    for role in (*NON_ADMIN_ROLES, "org-superuser"):
        _, headers = await signed_in(db, client, org, role=role)
        principals[role] = headers
    superuser = principals["org-superuser"]
    principals["api-key"] = key_headers(await make_api_key(client, superuser, ALL_BUT_ADMIN))
    site_a = await make_site(client, superuser, "https://a.example.org", name="A")
    bound = await make_api_key(client, superuser, ALL_BUT_ADMIN, site_uuid=site_a["uuid"])
    principals["site-bound-api-key"] = key_headers(bound)
    _a_site["uuid"] = site_a["uuid"]
    # A's own task: routes on one task are probed on it with a body naming B's resource.
    task_a = await client.post("/api/v1/tasks", headers=superuser, json={"title": "A's task"})
    assert task_a.status_code == 201, task_a.text
    _a_site["task_uuid"] = task_a.json()["data"]["uuid"]
    return principals


# --- checks ---------------------------------------------------------------------------------------


def _kinds_in(path: str) -> list[str]:
    kinds = []
    for name in re.findall(r"\{([^}]+)\}", path):
        if name not in PARAMETER_KINDS:
            pytest.fail(
                f"route {path}: path parameter '{name}' has no kind. Add it to PARAMETER_KINDS "
                "(and, if it is a new kind of resource, create one in _org_b and list the kind "
                "in OWNED_KINDS or SHARED_KINDS)."
            )
        kinds.append(PARAMETER_KINDS[name])
    return kinds


def _fill(path: str, b: dict[str, Any]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: str(b[PARAMETER_KINDS[m.group(1)]]), path)


def _assert_no_leak(response: httpx.Response, b: dict[str, Any], what: str) -> None:
    if response.is_success:
        for secret in b["secrets"]:
            assert secret not in response.text, f"{what} leaked B's {secret!r}: {response.text}"


def _assert_refused(response: httpx.Response, method: str, path: str, what: str) -> None:
    """Refused without a hint that B's resource was found."""
    status = response.status_code
    safe = SAFE_ANSWERS.get((method, path))
    if safe and status in safe[0]:
        assert safe[1](response), f"{what}: {status} {response.text} ({safe[2]})"
        return
    if status == 422:
        pytest.fail(
            f"{what} answered 422 ({response.text}): the request was refused before the "
            f"resource was looked up, so tenancy is unproven. Give it a valid body in BODIES."
        )
    assert status in REFUSED, f"{what} answered {status}: {response.text}"


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    methods = {"get", "put", "post", "patch", "delete"}
    return [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in methods and (method, path) not in SKIPPED
    ]


def _is_uuid(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("format") == "uuid" for option in options)


def _body_schema(openapi: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {})
    schema: dict[str, Any] = content.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref")
    if ref:
        schema = openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


async def test_no_route_with_a_path_parameter_lets_a_touch_b(
    client: httpx.AsyncClient, db: Database
) -> None:
    b = await _org_b(db, client)
    before = await _b_state(db, b)
    principals = await _principals_of_a(db, client)
    schema = (await client.get("/api/v1/openapi.json")).json()
    checked = 0
    for method, path, operation in _operations(schema):
        kinds = _kinds_in(path)
        if not kinds:
            continue
        body = BODIES.get((method, path))
        if "requestBody" in operation and body is None:
            pytest.fail(f"{method.upper()} {path} takes a body: add a valid one to BODIES")
        url = _fill(path, b)
        for name, headers in principals.items():
            response = await client.request(method.upper(), url, headers=headers, json=body)
            what = f"{name}: {method.upper()} {path}"
            assert response.status_code < 500, f"{what}: {response.text}"
            _assert_no_leak(response, b, what)
            if any(kind in OWNED_KINDS for kind in kinds):
                _assert_refused(response, method, path, what)
            checked += 1
    assert checked > 200
    assert await _b_state(db, b) == before


async def test_no_query_filter_lets_a_see_b(client: httpx.AsyncClient, db: Database) -> None:
    b = await _org_b(db, client)
    principals = await _principals_of_a(db, client)
    schema = (await client.get("/api/v1/openapi.json")).json()
    probes = 0
    for method, path, operation in _operations(schema):
        if method != "get" or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query" or not _is_uuid(parameter["schema"]):
                continue
            name = parameter["name"]
            if name not in QUERY_KINDS:
                pytest.fail(f"GET {path}: query parameter '{name}' has no kind in QUERY_KINDS")
            for who, headers in principals.items():
                response = await client.get(
                    path, headers=headers, params={name: b[QUERY_KINDS[name]]}
                )
                what = f"{who}: GET {path}?{name}=<B's {QUERY_KINDS[name]}>"
                assert response.status_code < 500, f"{what}: {response.text}"
                _assert_no_leak(response, b, what)
                probes += 1
    assert probes > 20


async def test_lists_of_a_show_nothing_of_b(client: httpx.AsyncClient, db: Database) -> None:
    b = await _org_b(db, client)
    principals = await _principals_of_a(db, client)
    schema = (await client.get("/api/v1/openapi.json")).json()
    lists = 0
    for method, path, _ in _operations(schema):
        if method != "get" or "{" in path:
            continue
        for who, headers in principals.items():
            response = await client.get(path, headers=headers, params={"per_page": 200})
            if response.status_code == 422:  # a route without paging
                response = await client.get(path, headers=headers)
            what = f"{who}: GET {path}"
            assert response.status_code < 500, f"{what}: {response.text}"
            _assert_no_leak(response, b, what)
            lists += response.is_success
    assert lists > 20


async def test_no_body_field_naming_a_resource_lets_a_use_b_s(
    client: httpx.AsyncClient, db: Database
) -> None:
    b = await _org_b(db, client)
    before = await _b_state(db, b)
    principals = await _principals_of_a(db, client)
    schema = (await client.get("/api/v1/openapi.json")).json()
    probes: list[tuple[str, str, dict[str, Any]]] = []
    for method, path, operation in _operations(schema):
        properties = _body_schema(schema, operation).get("properties", {})
        for field, field_schema in properties.items():
            if not _is_uuid(field_schema):
                continue
            if field not in BODY_KINDS or (method, path) not in BASE_BODIES:
                pytest.fail(
                    f"{method.upper()} {path}: body field '{field}' names a resource; map it in "
                    "BODY_KINDS and give the route a minimal valid body in BASE_BODIES"
                )
            base = {
                k: _a_site["uuid"] if v == A_SITE else v
                for k, v in BASE_BODIES[(method, path)].items()
            }
            body = {**base, field: b[BODY_KINDS[field]]}
            probes.append((method, path, body))
    # Named inside nested objects or by value, which the schema walk above cannot see.
    probes += [
        ("post", "/api/v1/snapshots", {"site": {"uuid": b["site"]}, "packages": []}),
        (
            "post",
            "/api/v1/cycles",
            {**BASE_BODIES[("post", "/api/v1/cycles")], "scope": {"site_uuids": [b["site"]]}},
        ),
        ("post", "/user/approve", {"login": "b-target-user", "authz_login": b["login"]}),
        (
            "post",
            "/user/register",
            {
                "login": "b-target-user",
                "email": "b-target-user@example.org",
                "password": "a long enough passphrase",
            },
        ),
    ]
    for method, path, body in probes:
        url = path.replace("{task_uuid}", _a_site["task_uuid"])
        for who, headers in principals.items():
            response = await client.request(method.upper(), url, headers=headers, json=body)
            what = f"{who}: {method.upper()} {path} {body}"
            assert response.status_code < 500, f"{what}: {response.text}"
            _assert_no_leak(response, b, what)
            _assert_refused(response, method, path, what)
    assert len(probes) >= 6
    assert await _b_state(db, b) == before


async def _b_state(db: Database, b: dict[str, Any]) -> dict[str, Any]:
    """What A might have changed in B: its rows and their counts."""
    org_uuid = uuid.UUID(b["organization"])
    async with db.sessionmaker() as session:
        org = await session.scalar(select(Organization).where(Organization.uuid == org_uuid))
        assert org is not None

        async def count(model: Any) -> int:
            stmt = select(func.count()).select_from(model)
            return int(await session.scalar(stmt.where(model.organization_id == org.id)) or 0)

        users = (
            (
                await session.scalars(
                    select(User).where(User.organization_id == org.id).order_by(User.id)
                )
            )
            .unique()
            .all()
        )
        keys = await session.scalars(
            select(ApiKey).where(ApiKey.organization_id == org.id).order_by(ApiKey.id)
        )
        sites = await session.scalars(
            select(Site).where(Site.organization_id == org.id).order_by(Site.id)
        )
        runs = await session.scalars(
            select(PatchRun).where(PatchRun.organization_id == org.id).order_by(PatchRun.id)
        )
        cycles = await session.scalars(
            select(Cycle).where(Cycle.organization_id == org.id).order_by(Cycle.id)
        )
        requests = await session.scalars(
            select(MaintenanceRequest)
            .where(MaintenanceRequest.organization_id == org.id)
            .order_by(MaintenanceRequest.id)
        )
        role = await identity.get_role_by_name(session, "viewer")
        hooks = await session.scalars(
            select(Webhook).where(Webhook.organization_id == org.id).order_by(Webhook.id)
        )
        notifications = await session.scalars(
            select(Notification)
            .where(Notification.organization_id == org.id)
            .order_by(Notification.id)
        )
        dead_letters = await session.scalars(
            select(EventDelivery.status)
            .join(OutboxEvent, OutboxEvent.id == EventDelivery.event_id)
            .where(OutboxEvent.organization_id == org.id, EventDelivery.consumer == "b-consumer")
        )
        tasks = await session.scalars(
            select(Task).where(Task.organization_id == org.id).order_by(Task.id)
        )
        return {
            "tasks": [(t.uuid, t.title, t.status, t.assignee_id, t.due_at) for t in tasks],
            "ledger entries": await count(LedgerEntry),
            "statements": await count(Statement),
            "dead letters": sorted(dead_letters),
            "organization": (org.name, org.is_active, org.is_deleted, org.tax_id),
            "users": [
                (u.login, u.name, u.email, u.is_active, u.is_deleted, u.is_approved, u.role_id)
                for u in users
            ],
            "memberships": sorted((u.login, g.name) for u in users for g in u.groups),
            "keys": [(k.uuid, k.revoked_at, sorted(k.permissions)) for k in keys],
            "sites": [(s.uuid, s.name, s.url, s.is_deleted, s.is_active) for s in sites],
            "snapshots": await count(Snapshot),
            "installed": await count(InstalledPackage),
            "maintenance requests": [(r.uuid, r.state, r.reason) for r in requests],
            "patch runs": [(r.uuid, r.status, r.log, len(r.items)) for r in runs],
            "cycles": [(c.uuid, c.name, c.state, c.scope) for c in cycles],
            "viewer role": (role.description, sorted(p for p in role.permissions)),
            "webhooks": [(h.uuid, h.name, h.url, h.is_active, h.event_kinds) for h in hooks],
            "notifications": [(n.uuid, n.read_at, n.in_app) for n in notifications],
            "rollout reports": await count(RolloutReport),
        }
