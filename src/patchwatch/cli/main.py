"""The ``patchwatch`` command: server administration and client commands."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from patchwatch import __version__, migrate
from patchwatch.db import Database
from patchwatch.settings import get_settings

T = TypeVar("T")

app = typer.Typer(
    help="Patchwatch: patch status for fleets of sites and servers.", no_args_is_help=True
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_app = typer.Typer(help="Manage users.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
console = Console()


def run_with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    """Run an async piece of work against the configured database, then close it."""

    async def _main() -> T:
        settings = get_settings()
        database = Database(settings.database_url)
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(_main())


def generate_password() -> str:
    return secrets.token_urlsafe(12)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(f"patchwatch {__version__}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (not with SQLite).")] = 1,
) -> None:
    """Serve the API (and the dashboard) with uvicorn."""
    import uvicorn

    settings = get_settings()
    console.print(
        f"Patchwatch {__version__} on http://{host}:{port}"
        f"  (database: {settings.database_url.split('@')[-1]})"
    )
    uvicorn.run(
        "patchwatch.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=True,
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    settings = get_settings()
    migrate.upgrade(settings.database_url, revision)
    console.print(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()] = "-1") -> None:
    """Revert migrations down to REVISION (default: one step)."""
    settings = get_settings()
    migrate.downgrade(settings.database_url, revision)
    console.print(f"database downgraded to {revision}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision and whether migrations are pending."""
    settings = get_settings()

    async def _current(database: Database) -> tuple[set[str], bool]:
        current = await migrate.current_revisions(database.engine)
        return current, current != migrate.head_revisions(settings.database_url)

    current, pending = run_with_database(_current)
    console.print(f"current: {', '.join(sorted(current)) or '(empty database)'}")
    console.print("migrations pending" if pending else "up to date")
    raise typer.Exit(1 if pending else 0)


from patchwatch.cli import admin as _admin  # noqa: E402,F401  (registers commands)
from patchwatch.cli import catalog as _catalog  # noqa: E402,F401
from patchwatch.cli import client as _client  # noqa: E402,F401
from patchwatch.cli import imports as _imports  # noqa: E402,F401
from patchwatch.cli import jobs as _jobs  # noqa: E402,F401
from patchwatch.cli import worker as _worker  # noqa: E402,F401
