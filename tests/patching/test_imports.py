"""Imports of sites, patch runs and users over HTTP: headers, checks, all or nothing, records."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from patchwatch.db import Database
from patchwatch.identity.models import User
from patchwatch.patching.models import PatchRun
from patchwatch.sites.models import Site
from tests.factories import key_headers, make_api_key, make_org, make_site, signed_in
from tests.patching.imports_helpers import counts, upload

SITES = (
    "url,name,kind,environment,criticality,tags,description,street,city,state,country\n"
    'https://www.example.org,Example,drupal,production,high,"public,eu",Main,'
    "1 Main St,Springfield,IL,US\n"
    "https://shop.example.org,Shop,application,staging,low,,,,,,\n"
)
RUNS = (
    "site,date,external_id,package,from_version,to_version,result\n"
    "https://www.example.org,2026-10-01T22:00:00Z,DEP-1,drupal,10.1.5,10.1.6,succeeded\n"
    "https://www.example.org,2026-10-01T22:00:00Z,DEP-1,views,4.2.3,4.2.4,succeeded\n"
    "https://www.example.org,2026-10-02T06:00:00Z,DEP-2,webform,6.2.0,6.2.1,failed\n"
)


async def _sites(db: Database) -> dict[str, Site]:
    async with db.sessionmaker() as session:
        return {s.url: s for s in await session.scalars(select(Site).order_by(Site.id))}


async def _manager(client: httpx.AsyncClient, db: Database) -> dict[str, str]:
    _, headers = await signed_in(db, client, await make_org(db))
    return headers


# --- sites ----------------------------------------------------------------------------------


async def test_sites_import_creates_sites_with_every_column(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(client, headers, "sites", SITES)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["status"], data["rows_total"], data["rows_created"]) == ("succeeded", 2, 2)
    site = (await _sites(db))["https://www.example.org"]
    assert (site.name, site.criticality, site.tags) == ("Example", "high", ["public", "eu"])
    assert (site.location_city, site.location_country, site.description) == (
        "Springfield",
        "United States",  # the country's canonical name
        "Main",
    )


async def test_an_import_of_more_sites_than_the_database_can_lock_one_by_one_succeeds(
    client: httpx.AsyncClient, db: Database
) -> None:
    # PostgreSQL's lock table (default settings) has room for 10,000 to 15,000 locks: a lock per
    # URL ended in a 500 past that.
    headers = await _manager(client, db)
    rows = "".join(f"https://site{n}.example.org\n" for n in range(20_000))
    response = await upload(client, headers, "sites", "url\n" + rows)
    assert response.status_code == 201, response.text
    assert response.json()["data"]["rows_created"] == 20_000
    assert (await counts(db))["sites"] == 20_000


async def test_headers_match_whatever_their_case_spaces_underscores_and_dashes(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(
        client, headers, "sites", " SITE_url ,Site-Name,CRITICALITY\nhttps://a.example.org,A,low\n"
    )
    assert response.status_code == 201, response.text
    site = (await _sites(db))["https://a.example.org"]
    assert (site.name, site.criticality) == ("A", "low")


async def test_a_hostname_column_takes_bare_host_names(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(client, headers, "sites", "Hostname,Title\nWWW.Example.ORG,Ex\n")
    assert response.status_code == 201, response.text
    assert list(await _sites(db)) == ["https://www.example.org"]


async def test_an_explicit_mapping_names_other_headers_and_ignores_some(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(
        client,
        headers,
        "sites",
        "Adresse,Bezeichnung,Intern\nhttps://a.example.org,Alpha,x\n",
        mapping='{"adresse": "url", "Bezeichnung": "name", "Intern": null}',
    )
    assert response.status_code == 201, response.text
    assert (await _sites(db))["https://a.example.org"].name == "Alpha"


async def test_an_unknown_column_is_refused_naming_the_accepted_ones(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(client, headers, "sites", "url,enviroment\nhttps://a.example.org,x\n")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_header"
    assert error["details"][0]["column"] == "enviroment"
    assert "environment" in error["details"][0]["message"]


async def test_a_mapping_that_is_not_json_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(client, headers, "sites", SITES, mapping="{url: site")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_mapping")


async def test_duplicate_headers_are_refused(client: httpx.AsyncClient, db: Database) -> None:
    headers = await _manager(client, db)
    response = await upload(
        client, headers, "sites", "url,site,name\nhttps://a.example.org,https://b.example.org,A\n"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_header"
    assert "second column" in response.json()["error"]["details"][0]["message"]
    assert (await counts(db))["sites"] == 0


async def test_a_site_with_the_same_normalised_url_is_updated_not_duplicated(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    existing = await make_site(client, headers, "https://www.example.org", name="Old")
    response = await upload(
        client, headers, "sites", "url,name\nHTTPS://WWW.Example.org:443/,New\n"
    )
    assert response.json()["data"]["rows_updated"] == 1, response.text
    sites = await _sites(db)
    assert list(sites) == ["https://www.example.org"]
    assert (str(sites["https://www.example.org"].uuid), sites["https://www.example.org"].name) == (
        existing["uuid"],
        "New",
    )


async def test_site_rows_are_checked_by_row_and_column(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(
        client,
        headers,
        "sites",
        "URL,Kind,City\nftp://a.example.org,drupal,\nhttps://b.example.org,toaster,\n"
        "https://c.example.org,server,Paris\n",
    )
    assert response.status_code == 422
    errors = response.json()["error"]["details"]
    assert {(e["row"], e["column"]) for e in errors} == {(2, "URL"), (3, "Kind"), (4, "City")}
    assert "drupal, server, application" in next(e for e in errors if e["row"] == 3)["message"]


async def test_the_same_site_twice_in_a_file_is_an_error_of_the_second_row(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(
        client, headers, "sites", "url\nhttps://a.example.org\nhttps://A.example.org/\n"
    )
    assert response.json()["error"]["details"] == [
        {"row": 3, "column": "url", "message": "the same site as row 2"}
    ]


async def test_one_invalid_row_writes_nothing_and_records_the_failure(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    rows = "".join(f"https://s{n}.example.org,S{n}\n" for n in range(2500))
    response = await upload(client, headers, "sites", "url,name\n" + rows + "not a url,X\n")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "import_failed")
    assert (await counts(db))["sites"] == 0
    record = await client.get(response.headers["location"], headers=headers)
    data = record.json()["data"]
    assert (data["status"], data["rows_total"], data["rows_failed"]) == ("failed", 2501, 1)
    assert data["errors"][0]["row"] == 2502


async def test_on_error_skip_writes_the_valid_rows_and_reports_the_rest(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(
        client,
        headers,
        "sites",
        "url\nhttps://a.example.org\nnot a url\nhttps://b.example.org\n",
        on_error="skip",
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["status"], data["rows_created"], data["rows_failed"]) == ("partial", 2, 1)
    assert data["errors"][0]["row"] == 3
    assert sorted(await _sites(db)) == ["https://a.example.org", "https://b.example.org"]


async def test_a_dry_run_writes_nothing_but_the_record(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    await make_site(client, headers, "https://www.example.org", name="Old")
    response = await upload(client, headers, "sites", SITES, dry_run=True)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["dry_run"], data["rows_created"], data["rows_updated"]) == (True, 1, 1)
    assert list(await _sites(db)) == ["https://www.example.org"]
    assert (await _sites(db))["https://www.example.org"].name == "Old"
    assert (await counts(db))["imports"] == 1


async def test_a_file_with_a_header_only_is_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(client, headers, "sites", "url,name\n\n")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "no_rows")
    assert (await counts(db))["imports"] == 0


async def test_import_records_are_listed_newest_first_and_shown(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    first = (await upload(client, headers, "sites", SITES, name="first.csv")).json()["data"]
    await upload(client, headers, "sites", SITES, name="second.csv", dry_run=True)
    listed = await client.get("/api/v1/imports", headers=headers)
    assert [i["file_name"] for i in listed.json()["data"]] == ["second.csv", "first.csv"]
    assert listed.json()["meta"]["total"] == 2
    one = await client.get(f"/api/v1/imports/{first['uuid']}", headers=headers)
    assert one.json()["data"]["rows_created"] == 2
    only_dry = await client.get("/api/v1/imports", headers=headers, params={"kind": "users"})
    assert only_dry.json()["data"] == []


# --- patch runs -----------------------------------------------------------------------------


async def test_patch_run_rows_of_one_site_date_and_external_id_form_one_run(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    await make_site(client, headers, "https://www.example.org")
    response = await upload(client, headers, "patch-runs", RUNS)
    assert response.json()["data"]["rows_created"] == 3, response.text
    async with db.sessionmaker() as session:
        runs = list(await session.scalars(select(PatchRun).order_by(PatchRun.id)))
        assert [(r.external_id, r.source, r.status) for r in runs] == [
            ("DEP-1", "import", "succeeded"),
            ("DEP-2", "import", "failed"),
        ]
        assert [(i.package, i.from_version, i.to_version) for i in runs[0].items] == [
            ("drupal", "10.1.5", "10.1.6"),
            ("views", "4.2.3", "4.2.4"),
        ]


async def test_importing_the_same_patch_runs_again_changes_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    await make_site(client, headers, "https://www.example.org")
    await upload(client, headers, "patch-runs", RUNS)
    again = (await upload(client, headers, "patch-runs", RUNS)).json()["data"]
    assert (again["rows_unchanged"], again["rows_created"]) == (3, 0)
    assert (await counts(db))["items"] == 3


async def test_patch_run_rows_are_checked_by_row_and_column(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    await make_site(client, headers, "https://www.example.org")
    response = await upload(
        client,
        headers,
        "patch-runs",
        "site,date,package,to_version,result\n"
        "https://unknown.example.org,2026-10-01,drupal,10.1.6,succeeded\n"
        "https://www.example.org,01/10/2026,drupal,10.1.6,succeeded\n"
        "https://www.example.org,2026-10-01,drupal,10.1.6,great\n"
        "https://www.example.org,2026-10-01,,10.1.6,succeeded\n",
    )
    errors = {(e["row"], e["column"]) for e in response.json()["error"]["details"]}
    assert errors == {(2, "site"), (3, "date"), (4, "result"), (5, "package")}
    assert (await counts(db))["runs"] == 0


async def test_a_run_without_status_takes_its_items_results(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    await make_site(client, headers, "https://www.example.org")
    await upload(
        client,
        headers,
        "patch-runs",
        "site,date,package,result\nhttps://www.example.org,2026-10-01,a,succeeded\n"
        "https://www.example.org,2026-10-01,b,failed\n",
    )
    async with db.sessionmaker() as session:
        run = await session.scalar(select(PatchRun))
        assert run is not None and (run.status, run.finished_at) == ("failed", run.started_at)


async def test_rows_of_one_run_that_disagree_on_its_status_are_refused(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    await make_site(client, headers, "https://www.example.org")
    response = await upload(
        client,
        headers,
        "patch-runs",
        "site,date,package,status\nhttps://www.example.org,2026-10-01,a,succeeded\n"
        "https://www.example.org,2026-10-01,b,failed\n",
    )
    assert response.json()["error"]["details"] == [
        {"row": 3, "column": "status", "message": "the run's status differs from row 2"}
    ]


# --- users ----------------------------------------------------------------------------------


async def test_users_import_invites_people_with_their_roles(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(
        client,
        headers,
        "users",
        "Username,E-Mail,Full name,Role\n"
        "ann,Ann@Example.org,Ann A,engineer\nbob,bob@example.org,,\n",
    )
    assert response.json()["data"]["rows_created"] == 2, response.text
    async with db.sessionmaker() as session:
        ann = await session.scalar(select(User).where(User.login == "ann"))
        bob = await session.scalar(select(User).where(User.login == "bob"))
        assert ann is not None and bob is not None
        assert (ann.email, ann.name, ann.role.name, ann.password_hash) == (
            "ann@example.org",
            "Ann A",
            "engineer",
            None,
        )
        assert bob.role.name == "viewer"


async def test_users_import_refuses_unknown_and_ungrantable_roles(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    response = await upload(
        client,
        headers,
        "users",
        "login,email,role\nann,ann@example.org,wizard\nbob,bob@example.org,admin\n"
        "c,c@example.org,viewer\n",
    )
    errors = response.json()["error"]["details"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "role"), (3, "role"), (4, "login")]
    assert (await counts(db))["users"] == 1  # the manager


async def test_users_import_refuses_a_login_of_another_organization(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    other, _ = await signed_in(db, client, await make_org(db))
    response = await upload(
        client, headers, "users", f"login,email\n{other.login},new@example.org\n"
    )
    assert response.json()["error"]["details"][0]["message"] == "This login is taken."


# --- who may import where -------------------------------------------------------------------


async def test_importing_needs_imports_write_and_the_kinds_own_write_permission(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = await make_org(db)
    _, engineer = await signed_in(db, client, org, role="engineer")
    assert (await upload(client, engineer, "patch-runs", RUNS)).status_code == 403
    _, manager = await signed_in(db, client, org)
    key = key_headers(await make_api_key(client, manager, ["imports:write", "sites:write"]))
    refused = await upload(client, key, "users", "login,email\nann,ann@example.org\n")
    assert refused.status_code == 403
    assert refused.json()["error"]["details"] == [{"permission": "users:write"}]
    assert (await upload(client, key, "sites", SITES)).status_code == 201


async def test_a_site_bound_key_cannot_import_sites_or_users(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    site = await make_site(client, headers, "https://www.example.org")
    permissions = ["imports:write", "sites:write", "users:write", "patching:write"]
    key = key_headers(await make_api_key(client, headers, permissions, site_uuid=site["uuid"]))
    for kind, content in (("sites", SITES), ("users", "login,email\nann,ann@example.org\n")):
        response = await upload(client, key, kind, content)
        assert (response.status_code, response.json()["error"]["code"]) == (403, "site_bound_key")


async def test_a_site_bound_key_imports_runs_of_its_own_site_only(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    own = await make_site(client, headers, "https://www.example.org")
    await make_site(client, headers, "https://other.example.org")
    key = key_headers(
        await make_api_key(
            client, headers, ["imports:write", "patching:write"], site_uuid=own["uuid"]
        )
    )
    response = await upload(
        client,
        key,
        "patch-runs",
        "site,date,package\nhttps://www.example.org,2026-10-01,a\n"
        "https://other.example.org,2026-10-01,a\n",
    )
    assert response.json()["error"]["details"][0]["row"] == 3, response.text


async def test_a_platform_admin_imports_into_the_organization_named(
    client: httpx.AsyncClient, db: Database
) -> None:
    target = await make_org(db)
    _, admin = await signed_in(db, client, await make_org(db), role="admin")
    response = await upload(client, admin, "sites", SITES, organization=str(target.uuid))
    assert response.json()["data"]["organization_uuid"] == str(target.uuid), response.text
    assert {s.organization_id for s in (await _sites(db)).values()} == {target.id}


async def test_an_organization_cannot_import_into_another(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    other = await make_org(db)
    response = await upload(client, headers, "sites", SITES, organization=str(other.uuid))
    assert response.status_code == 404
    assert (await counts(db))["sites"] == 0


async def test_an_organization_cannot_read_anothers_import_records(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = await _manager(client, db)
    record = (await upload(client, headers, "sites", SITES)).json()["data"]
    other = await _manager(client, db)
    assert (await client.get(f"/api/v1/imports/{record['uuid']}", headers=other)).status_code == 404
    assert (await client.get("/api/v1/imports", headers=other)).json()["data"] == []
