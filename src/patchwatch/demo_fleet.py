"""Demo fleet for ``make run``: sites of four clients, their inventories and the patch work.

Everything goes through the same services a real installation uses: release-history feeds
are stored by the catalog, inventories are pushed as snapshots and processed by the status
engine, so every badge in the dashboard is the engine's own decision. The feeds are invented
(real project names, made-up releases dated relative to today), which keeps exposures and
SLA deadlines meaningful whenever the demo is loaded.
"""

from __future__ import annotations

import dataclasses
import json
import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from patchwatch.catalog import service as catalog
from patchwatch.db import Database
from patchwatch.identity.models import Organization, User
from patchwatch.identity.principal import Principal, system_principal
from patchwatch.patching import cycles, maintenance
from patchwatch.patching.schemas import CycleCreate, CycleScope
from patchwatch.patching.schemas_maintenance import MaintenanceRequestCreate
from patchwatch.sites import ingest
from patchwatch.sites import jobs as snapshot_jobs
from patchwatch.sites import service as sites
from patchwatch.sites.models import Site
from patchwatch.status.types import FeedRelease, ProjectFeed

# project -> (title, supported branches, releases newest first: (version, days ago, security))
PROJECTS: dict[str, tuple[str, list[str], list[tuple[str, int, bool]]]] = {
    "drupal": (
        "Drupal core",
        ["10.4.", "10.5.", "11.2."],
        [
            ("11.2.8", 3, True),
            ("11.2.7", 40, False),
            ("11.2.6", 75, True),
            ("11.2.5", 120, False),
            ("10.5.6", 3, True),
            ("10.5.5", 40, False),
            ("10.5.4", 75, True),
            ("10.5.3", 120, False),
            ("10.4.9", 75, True),
            ("10.4.8", 160, False),
        ],
    ),
    "token": (
        "Token",
        ["8.x-1."],
        [("8.x-1.16", 12, True), ("8.x-1.15", 90, False), ("8.x-1.14", 200, False)],
    ),
    "pathauto": (
        "Pathauto",
        ["8.x-1."],
        [("8.x-1.14", 30, False), ("8.x-1.13", 150, False), ("8.x-1.12", 300, False)],
    ),
    "webform": (
        "Webform",
        ["6.2."],
        [("6.2.10", 55, True), ("6.2.9", 110, False), ("6.2.8", 180, False)],
    ),
    "metatag": (
        "Metatag",
        ["2.1.", "2.0."],
        [("2.1.2", 20, False), ("2.1.1", 70, False), ("2.0.2", 250, False)],
    ),
    "admin_toolbar": (
        "Admin Toolbar",
        ["3.6."],
        [("3.6.2", 8, False), ("3.6.1", 64, False), ("3.6.0", 130, False)],
    ),
    "paragraphs": (
        "Paragraphs",
        ["8.x-1."],
        [("8.x-1.19", 2, True), ("8.x-1.18", 95, False), ("8.x-1.17", 220, False)],
    ),
    "redirect": (
        "Redirect",
        ["8.x-1."],
        [("8.x-1.12", 130, True), ("8.x-1.11", 260, False), ("8.x-1.10", 400, False)],
    ),
    "ctools": (
        "Chaos Tool Suite",
        ["4.1."],
        [("4.1.1", 25, False), ("4.1.0", 140, False)],
    ),
}

CLIENTS = [
    ("acme", "Acme Corporation"),
    ("northwind", "Northwind Traders"),
    ("globex", "Globex"),
    ("initech", "Initech"),
]
SITES_PER_CLIENT = 6
FIRST_SEEN_DAYS_AGO = 180
SERVERS = ["web-01", "web-02", "db-01"]


def demo_feeds(now: datetime) -> list[ProjectFeed]:
    """The invented release-history feeds, dated relative to ``now``."""
    feeds = []
    for project, (title, branches, releases) in PROJECTS.items():
        feeds.append(
            ProjectFeed(
                short_name=project,
                usable=True,
                title=title,
                project_status="published",
                link=f"https://www.drupal.org/project/{project}",
                supported_branches=branches,
                releases=[
                    _release(project, title, *release, _insecure(release, releases), now)
                    for release in releases
                ],
            )
        )
    return feeds


def _insecure(release: tuple[str, int, bool], releases: list[tuple[str, int, bool]]) -> bool:
    """drupal.org marks a release Insecure once a newer security release of its branch is out."""
    version, days_ago, _ = release
    return any(
        security and age < days_ago and _branch(other) == _branch(version)
        for other, age, security in releases
    )


def _release(
    project: str,
    title: str,
    version: str,
    days_ago: int,
    security: bool,
    insecure: bool,
    now: datetime,
) -> FeedRelease:
    types = ["Bug fixes", *(["Security update"] if security else [])]
    types += ["Insecure"] if insecure else []
    return FeedRelease(
        fields={
            "name": f"{title} {version}",
            "version": version,
            "status": "published",
            "release_link": f"https://www.drupal.org/project/{project}/releases/{version}",
            "date": str(int((now - timedelta(days=days_ago)).timestamp())),
        },
        terms={"Release type": types},
    )


def _versions_as_of(project: str, days_ago: int) -> list[str]:
    """Releases of a project that existed ``days_ago`` days ago, newest first."""
    return [version for version, age, _ in PROJECTS[project][2] if age >= days_ago]


def _inventory(rng: random.Random, days_ago: int, previous: dict[str, str]) -> dict[str, str]:
    """A site's packages: what it ran before, some of it updated to what existed then."""
    packages = dict(previous)
    for project in PROJECTS:
        available = _versions_as_of(project, days_ago)
        if not available:
            continue
        same_branch = [v for v in available if _branch(v) == _branch(packages.get(project, ""))]
        if project not in packages:
            if project != "drupal" and rng.random() < 0.2:
                continue  # not every site runs every module
            packages[project] = rng.choice(available[:3])
        elif same_branch and rng.random() < 0.6:
            packages[project] = same_branch[0]
    return packages


def _latest_on_branch(project: str, version: str) -> str:
    on_branch = [v for v in _versions_as_of(project, 0) if _branch(v) == _branch(version)]
    return on_branch[0] if on_branch else version


def _branch(version: str) -> str:
    return version.rsplit(".", 1)[0] if version else ""


def _body(url: str, name: str, packages: dict[str, str], collected_at: datetime) -> bytes:
    custom = [{"ecosystem": "drupal", "name": "client_theme", "version": "1.0.0", "type": "theme"}]
    return json.dumps(
        {
            "site": {"url": url, "name": name},
            "collected_at": collected_at.isoformat(),
            "packages": [
                {"ecosystem": "drupal", "name": project, "version": version, "type": "module"}
                for project, version in packages.items()
            ]
            + custom,
        }
    ).encode()


def _member_of(organization: Organization) -> Principal:
    return dataclasses.replace(
        system_principal("demo"),
        organization_id=organization.id,
        organization_uuid=organization.uuid,
    )


async def load_demo_fleet(database: Database, organization_uuid: uuid.UUID) -> int:
    """Sites, feeds and processed snapshots for the demo organization, once. Returns sites."""
    now = datetime.now(UTC)
    async with database.sessionmaker() as session:
        organization = await session.scalar(
            select(Organization).where(Organization.uuid == organization_uuid)
        )
        assert organization is not None
        present = await session.scalar(
            select(func.count()).select_from(Site).where(Site.organization_id == organization.id)
        )
        if present:
            return 0
        actor = _member_of(organization)
        for feed in demo_feeds(now):
            await catalog.store_drupal_feed(session, feed)
        for number, host in enumerate(SERVERS):
            await sites.create_site(
                session,
                actor,
                organization.id,
                {
                    "url": f"https://{host}.demo.patchwatch.invalid",
                    "name": host,
                    "kind": "server",
                    "environment": "production",
                    "criticality": ("high", "normal", "critical")[number],
                    "tags": ["infrastructure"],
                },
            )
        await session.commit()
    rng = random.Random(20261123)  # noqa: S311 - a repeatable demo, not a secret
    count = len(SERVERS)
    for slug, client in CLIENTS:
        for number in range(SITES_PER_CLIENT):
            environment = "staging" if number == SITES_PER_CLIENT - 1 else "production"
            url = f"https://www{number or ''}.{slug}.example"
            name = f"{client} — {'site ' + str(number + 1) if number else 'main site'}"
            await _push_history(database, actor, rng, url, name, now)
            async with database.sessionmaker() as session:
                site = await sites.find_site_by_url(session, organization.id, url)
                assert site is not None
                site.environment = environment
                site.criticality = ("critical", "high", "normal", "normal", "low", "low")[number]
                site.tags = [f"client-{slug}"]
                await session.commit()
            count += 1
    await _plan_patch_work(database, organization, now)
    return count


async def _plan_patch_work(database: Database, organization: Organization, now: datetime) -> None:
    """This month's patch cycle over production, and two maintenance-window requests."""
    async with database.sessionmaker() as session:
        actor = _member_of(organization)
        cycle = await cycles.create_cycle(
            session,
            actor,
            CycleCreate(
                name=f"{now:%B %Y} security patching",
                scope=CycleScope(environments=["production"]),
                starts_at=now - timedelta(days=3),
                deadline=now + timedelta(days=11),
            ),
        )
        await cycles.open_cycle(session, actor, cycle)
        requester = await session.scalar(
            select(User).where(User.login == "rita", User.organization_id == organization.id)
        )
        manager = await session.scalar(
            select(User).where(User.login == "maria", User.organization_id == organization.id)
        )
        main_sites = [
            await sites.find_site_by_url(session, organization.id, f"https://www.{slug}.example")
            for slug, _ in CLIENTS[:2]
        ]
        if requester is None or manager is None or None in main_sites:
            await session.commit()
            return
        requests = []
        for number, site in enumerate(main_sites):
            assert site is not None
            starts = (now + timedelta(days=2 + 3 * number)).replace(
                hour=22, minute=0, second=0, microsecond=0
            )
            requests.append(
                await maintenance.submit_request(
                    session,
                    _as_user(requester),
                    MaintenanceRequestCreate(
                        site_uuid=site.uuid,
                        topic=f"Drupal core security update for {site.name}",
                        starts_at=starts,
                        duration_minutes=90,
                        contact_email="rita@demo-agency.example",
                        notes="Content freeze agreed with the client.",
                    ),
                )
            )
        await maintenance.accept_request(session, _as_user(manager), requests[0], None)
        await session.commit()


def _as_user(user: User) -> Principal:
    """The user as the API would see them signed in: their role's permissions."""
    return dataclasses.replace(
        system_principal(user.login),
        kind="user",
        actor_uuid=user.uuid,
        organization_id=user.organization_id,
        permissions=frozenset(user.role.permissions),
        user=user,
    )


async def _push_history(
    database: Database,
    actor: Principal,
    rng: random.Random,
    url: str,
    name: str,
    now: datetime,
) -> None:
    """Two to four snapshots of one site over the last half year, processed in order."""
    packages: dict[str, str] = {}
    ages = sorted(rng.sample([180, 120, 60, 20, 5, 1], rng.randint(2, 4)), reverse=True)
    ages[0] = FIRST_SEEN_DAYS_AGO
    patched = rng.random() < 0.4  # some sites had everything updated yesterday
    if patched:
        ages = [*ages[:-1], 1] if ages[-1] < 20 else [*ages, 1]
    for days_ago in ages:
        packages = _inventory(rng, days_ago, packages)
        if patched and days_ago == 1:
            packages = {project: _latest_on_branch(project, v) for project, v in packages.items()}
        body = _body(url, name, packages, now - timedelta(days=days_ago))
        async with database.sessionmaker() as session:
            received = await ingest.receive_snapshot(
                session,
                actor,
                ingest.Push(body=body, content_type="application/json", format="patchwatch"),
            )
            snapshot_id = received.snapshot.id
        await snapshot_jobs.process_snapshot(database, snapshot_id)
