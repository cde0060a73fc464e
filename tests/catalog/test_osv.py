"""OSV advisories: import (API, CLI), what they do to the fleet's statuses, hostile input."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from patchwatch.catalog.models import Advisory, AffectedPackage
from patchwatch.db import Database
from patchwatch.events.models import OutboxEvent
from tests.factories import make_org, signed_in
from tests.sites.test_flow import import_feed, packages_of, push, setup
from tests.test_cli import run as run_cli

# GHSA-h5c8-rqwp-cp95 as osv.dev publishes it (trimmed to the fields we read).
JINJA = {
    "schema_version": "1.6.0",
    "id": "GHSA-h5c8-rqwp-cp95",
    "modified": "2024-01-11T16:23:43Z",
    "published": "2024-01-11T15:20:48Z",
    "aliases": ["CVE-2024-22195"],
    "summary": "Jinja vulnerable to HTML attribute injection when passing user input as keys "
    "to xmlattr filter",
    "details": "The `xmlattr` filter in affected versions of Jinja accepts keys containing "
    "spaces. ...",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N"}],
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "jinja2", "purl": "pkg:pypi/jinja2"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.1.3"}]}],
            "database_specific": {"source": "https://github.com/..."},
        }
    ],
    "references": [
        {"type": "WEB", "url": "https://github.com/pallets/jinja/security/advisories/GHSA-h5c8"},
        {"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2024-22195"},
    ],
    "database_specific": {"severity": "MODERATE", "github_reviewed": True},
}
# A Drupal core advisory as the Packagist ecosystem carries it (FriendsOfPHP / GHSA style).
DRUPAL_CORE = {
    "id": "GHSA-test-drupal-core",
    "modified": "2026-11-01T00:00:00Z",
    "summary": "Drupal core - Critical - Remote code execution",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [
        {
            "package": {"ecosystem": "Packagist", "name": "drupal/core"},
            "ranges": [
                {"type": "ECOSYSTEM", "events": [{"introduced": "8.0.0"}, {"fixed": "8.0.2"}]}
            ],
        }
    ],
}


def pypi_inventory(version: str) -> dict[str, Any]:
    return {
        "site": {"url": "https://app.example.org", "name": "App"},
        "packages": [{"ecosystem": "pypi", "name": "Jinja2", "version": version}],
    }


async def post(client: httpx.AsyncClient, headers: dict[str, str], body: bytes, kind: str) -> Any:
    return await client.post(
        "/api/v1/catalog/advisories", headers={**headers, "Content-Type": kind}, content=body
    )


def as_json(*documents: Any) -> bytes:
    return json.dumps(list(documents) if len(documents) > 1 else documents[0]).encode()


def as_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


async def _stored(db: Database) -> tuple[int, int]:
    async with db.sessionmaker() as session:
        advisories = await session.scalar(select(func.count()).select_from(Advisory))
        affected = await session.scalar(select(func.count()).select_from(AffectedPackage))
    return int(advisories or 0), int(affected or 0)


async def test_an_advisory_turns_an_affected_python_package_red(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    accepted, _ = await push(client, key, pypi_inventory("3.1.2"))
    before = (await packages_of(client, key, accepted["site_uuid"]))["jinja2"]
    assert before["status"] == "unknown"

    response = await post(client, admin, as_json(JINJA), "application/json")

    assert response.status_code == 200, response.text
    assert response.json()["data"]["advisories"] == 1
    assert response.json()["data"]["installed_packages_changed"] == 1
    jinja = (await packages_of(client, key, accepted["site_uuid"]))["jinja2"]
    assert jinja["status"] == "security_update" and jinja["missing_security"] is True
    assert jinja["recommended_version"] == "3.1.3" and jinja["security_updates"] == ["3.1.3"]
    assert jinja["severity"] == "medium"  # GHSA's MODERATE
    exposure = datetime.fromisoformat(jinja["exposure_started_at"])
    assert datetime.fromisoformat(jinja["sla_due_at"]) - exposure == timedelta(days=30)
    async with db.sessionmaker() as session:
        events = list(
            await session.scalars(
                select(OutboxEvent).where(OutboxEvent.event_type == "security_update_detected")
            )
        )
    assert [e.payload["package"] for e in events] == ["jinja2"]


async def test_a_fixed_version_is_current_and_a_withdrawn_advisory_affects_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    fixed, _ = await push(client, key, pypi_inventory("3.1.3"))
    assert (await post(client, admin, as_json(JINJA), "application/json")).status_code == 200
    assert (await packages_of(client, key, fixed["site_uuid"]))["jinja2"]["status"] == "current"

    old, _ = await push(client, key, pypi_inventory("2.11.0"))
    assert (await packages_of(client, key, old["site_uuid"]))["jinja2"]["missing_security"]
    withdrawn = {**JINJA, "modified": "2024-02-01T00:00:00Z", "withdrawn": "2024-02-01T00:00:00Z"}
    response = await post(client, admin, as_json(withdrawn), "application/json")
    assert response.json()["data"]["installed_packages_changed"] == 1
    after = (await packages_of(client, key, old["site_uuid"]))["jinja2"]
    assert after["missing_security"] is False and after["status"] != "security_update"


async def test_a_drupal_advisory_sets_the_severity_and_with_it_the_deadline(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, key = await setup(client, db)
    await import_feed(client, admin, "drupal.sec.8.0.2.xml")
    accepted, _ = await push(
        client,
        key,
        {
            "site": {"url": "https://d.example.org"},
            "packages": [{"ecosystem": "drupal", "name": "drupal", "version": "8.0.0"}],
        },
    )
    core = (await packages_of(client, key, accepted["site_uuid"]))["drupal"]
    assert core["severity"] == "high"  # a security release without an advisory
    due = datetime.fromisoformat(core["sla_due_at"])

    response = await post(client, admin, as_json(DRUPAL_CORE), "application/zip")
    assert response.status_code == 200, response.text  # JSON is recognised whatever the label

    core = (await packages_of(client, key, accepted["site_uuid"]))["drupal"]
    assert core["severity"] == "critical"  # CVSS 9.8
    assert datetime.fromisoformat(core["sla_due_at"]) == due - timedelta(days=5)  # 7 -> 2 days


async def test_advisories_are_listed_and_read_by_any_signed_in_reader(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, _ = await setup(client, db)
    body = as_zip({"a/GHSA-h5c8.json": as_json(JINJA), "b/drupal.json": as_json(DRUPAL_CORE)})
    assert (await post(client, admin, body, "application/zip")).status_code == 200
    _, viewer = await signed_in(db, client, await make_org(db, "Readers"), role="viewer")

    listed = (await client.get("/api/v1/catalog/advisories?ecosystem=pypi", headers=viewer)).json()
    assert listed["meta"]["total"] == 1
    [jinja] = listed["data"]
    assert jinja["id"] == "GHSA-h5c8-rqwp-cp95" and jinja["aliases"] == ["CVE-2024-22195"]
    assert jinja["url"] == "https://nvd.nist.gov/vuln/detail/CVE-2024-22195"
    assert jinja["affected"][0]["fixed_versions"] == ["3.1.3"]
    critical = await client.get("/api/v1/catalog/advisories?severity=critical", headers=viewer)
    assert [a["id"] for a in critical.json()["data"]] == ["GHSA-test-drupal-core"]
    one = await client.get(f"/api/v1/catalog/advisories/{jinja['uuid']}", headers=viewer)
    assert one.status_code == 200 and one.json()["data"]["severity"] == "medium"
    missing = await client.get(
        "/api/v1/catalog/advisories/00000000-0000-4000-8000-000000000000", headers=viewer
    )
    assert missing.status_code == 404


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.json", b"[" + b" " * (4 * 1024 * 1024) + b"]")
    return buffer.getvalue()


async def test_hostile_or_broken_input_is_refused_and_stores_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    admin, _ = await setup(client, db)
    broken_range = {
        **JINJA,
        "affected": [
            {"package": {"ecosystem": "PyPI", "name": "x"}, "ranges": [{"type": "ECOSYSTEM"}]}
        ],
    }
    cases = {
        "not JSON": (b"{nope", "application/json", "not JSON"),
        "a missing field": (
            as_json(broken_range),
            "application/json",
            "affected.0.ranges.0.events: Field required",
        ),
        "not UTF-8": ('{"id": "é"}'.encode("latin-1"), "application/json", "not UTF-8"),
        "nested too deep": (b"[" * 100 + b"]" * 100, "application/json", "nested deeper"),
        "a zip bomb": (_bomb(), "application/zip", "zip bomb"),
        "a broken zip": (b"PK\x03\x04garbage", "application/zip", "not a zip"),
        "one bad file in a zip": (
            as_zip({"good.json": as_json(JINJA), "../../etc/bad.json": b"{"}),
            "application/zip",
            "../../etc/bad.json: not JSON",
        ),
    }
    for label, (body, kind, message) in cases.items():
        response = await post(client, admin, body, kind)
        assert response.status_code == 422, (label, response.text)
        error = response.json()["error"]
        assert error["code"] == "invalid_osv" and message in error["message"], (label, error)
    assert await _stored(db) == (0, 0)


async def test_only_the_platform_admin_imports(client: httpx.AsyncClient, db: Database) -> None:
    _, manager = await signed_in(db, client, await make_org(db, "Client"))
    response = await post(client, manager, as_json(JINJA), "application/json")
    assert response.status_code == 403
    assert await _stored(db) == (0, 0)


async def test_the_command_imports_files_and_refuses_all_for_one_bad_file(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    assert run_cli(cli_env, "db", "upgrade").returncode == 0
    good = tmp_path / "all.zip"
    good.write_bytes(as_zip({"GHSA-h5c8.json": as_json(JINJA)}))
    single = tmp_path / "drupal.json"
    single.write_bytes(as_json(DRUPAL_CORE))
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"{")

    refused = run_cli(cli_env, "catalog", "import-osv", str(good), str(bad))
    assert refused.returncode == 1 and "bad.json: not JSON" in " ".join(refused.stdout.split())
    imported = run_cli(cli_env, "catalog", "import-osv", str(good), str(single))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "imported 2 advisories about 2 packages" in " ".join(imported.stdout.split())
