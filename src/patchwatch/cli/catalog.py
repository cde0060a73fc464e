"""`patchwatch catalog import FILE…` and `catalog sync`: load Drupal release-history feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from patchwatch.catalog import osv
from patchwatch.catalog import service as catalog
from patchwatch.catalog.drupal_feed import FeedError, parse_release_history
from patchwatch.catalog.sync import SyncResult, sync_drupal_catalog
from patchwatch.cli.main import app, console, run_with_database
from patchwatch.db import Database
from patchwatch.settings import get_settings
from patchwatch.status import service as status

catalog_app = typer.Typer(help="The catalog of packages and releases.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")


@catalog_app.command("import")
def import_feeds(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Import Drupal release-history XML files, then re-evaluate the fleet."""

    async def _import(database: Database) -> tuple[int, int, list[str]]:
        package_ids, refused = [], []
        async with database.sessionmaker() as session:
            for path in files:
                try:
                    feed = parse_release_history(path.read_bytes())
                except FeedError as exc:
                    refused.append(f"{path}: {exc}")
                    continue
                name = feed.short_name or path.name.split(".")[0]
                package = await catalog.store_drupal_feed(session, feed, name=name)
                package_ids.append(package.id)
            result = await status.reevaluate_packages(session, package_ids)
            await session.commit()
        return len(package_ids), result.changed, refused

    imported, changed, refused = run_with_database(_import)
    for line in refused:
        console.print(f"[red]refused[/red] {line}")
    console.print(f"imported {imported} feeds; {changed} installed packages changed status")
    if refused:
        raise typer.Exit(1)


@catalog_app.command("sync")
def sync(
    project: Annotated[
        list[str] | None, typer.Option(help="only these projects (default: every one in use)")
    ] = None,
) -> None:
    """Fetch the release history of every Drupal project in use, then re-evaluate."""
    settings = get_settings()

    async def _sync(database: Database) -> SyncResult:
        return await sync_drupal_catalog(database, settings, projects=project)

    result = run_with_database(_sync)
    for failure in result.failures:
        console.print(f"[red]failed[/red] {failure['package']}: {failure['error']}")
    figures = ", ".join(
        f"{value} {name.replace('_', ' ')}" for name, value in result.figures().items()
    )
    console.print(f"catalog sync from {settings.drupal_release_history_url}: {figures}")
    if result.failed:
        raise typer.Exit(1)


@catalog_app.command("import-osv")
def import_osv(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Import OSV advisories (.json documents or lists, or .zip files of them), then
    re-evaluate the fleet. All or nothing: one refused file stores nothing."""
    try:
        advisories = [a for path in files for a in osv.parse(path.read_bytes(), str(path))]
    except osv.OsvError as exc:
        console.print(f"[red]refused[/red] {exc}")
        raise typer.Exit(1) from exc

    async def _import(database: Database) -> tuple[int, int]:
        async with database.sessionmaker() as session:
            package_ids = await catalog.store_advisories(session, advisories)
            result = await status.reevaluate_packages(session, package_ids)
            await session.commit()
        return len(package_ids), result.changed

    packages, changed = run_with_database(_import)
    console.print(
        f"imported {len({a.external_id for a in advisories})} advisories about {packages} "
        f"packages; {changed} installed packages changed status"
    )
