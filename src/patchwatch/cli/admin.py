"""Server-side administration commands: admins, users, demo data, audit verification."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.cli.main import (
    app,
    audit_app,
    console,
    generate_password,
    run_with_database,
    users_app,
)
from patchwatch.db import Database
from patchwatch.errors import DomainError
from patchwatch.identity import service as identity
from patchwatch.identity.models import Organization, User
from patchwatch.identity.principal import system_principal

PLATFORM_ORGANIZATION = "Patchwatch operators"


async def _platform_organization(session: AsyncSession, name: str) -> Organization:
    org = await session.scalar(
        select(Organization).where(Organization.name == name, Organization.is_deleted.is_(False))
    )
    return org or await identity.create_organization(session, system_principal("cli"), name=name)


@app.command("create-admin")
def create_admin(
    login: Annotated[str, typer.Option(prompt=True, help="The admin's login.")],
    email: Annotated[str, typer.Option(prompt=True, help="The admin's email.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    organization: Annotated[str, typer.Option(help="Organization to put the admin in.")] = (
        PLATFORM_ORGANIZATION
    ),
) -> None:
    """Create a platform admin (non-interactive when every option is given)."""

    async def _create(database: Database) -> None:
        async with database.sessionmaker() as session:
            await identity.ensure_builtins(session)
            org = await _platform_organization(session, organization)
            await identity.create_user(
                session,
                system_principal("cli"),
                organization=org,
                login=login,
                email=email,
                password=password,
                role="admin",
                name=login,
                is_approved=True,
                groups=["login_approvers"],
            )
            await session.commit()

    try:
        run_with_database(_create)
    except DomainError as exc:
        console.print(f"[red]error:[/red] {exc.message}")
        for detail in exc.details:
            console.print(f"  - {detail.get('message', detail)}")
        raise typer.Exit(1) from exc
    console.print(f"admin '{login}' created")


@app.command()
def demo() -> None:
    """Load demo data (idempotent) and print the admin's login and a fresh one-time password."""
    password = generate_password()

    async def _demo(database: Database) -> bool:
        from patchwatch.demo import demo_organization_uuid, load_demo_data
        from patchwatch.demo_fleet import load_demo_fleet

        async with database.sessionmaker() as session:
            created = await load_demo_data(session, admin_password=password)
            await session.commit()
            organization_uuid = await demo_organization_uuid(session)
        if organization_uuid is not None:
            await load_demo_fleet(database, organization_uuid)
        return created

    created = run_with_database(_demo)
    console.print("demo data " + ("loaded" if created else "already present; admin password reset"))
    console.print(f"sign in as [bold]admin[/bold] with password [bold]{password}[/bold]")
    console.print(
        "(maria, erik, rita and victor - manager, engineer, requester, viewer - share it)"
    )


@audit_app.command("verify")
def audit_verify() -> None:
    """Verify the audit hash chain; exit 1 at the first broken link."""

    async def _verify(database: Database) -> audit.ChainReport:
        async with database.sessionmaker() as session:
            return await audit.verify_chain(session)

    report = run_with_database(_verify)
    if report.ok:
        console.print(f"audit chain intact: {report.checked} events")
        return
    console.print(
        f"[red]audit chain broken[/red] at event {report.first_bad_uuid}: {report.problem} "
        f"({report.checked} events before it are intact)"
    )
    raise typer.Exit(1)


@users_app.command("list")
def users_list() -> None:
    """List users."""

    async def _list(database: Database) -> list[User]:
        async with database.sessionmaker() as session:
            return list((await session.scalars(select(User).order_by(User.login))).unique())

    table = Table("login", "email", "organization", "role", "active", "approved", "deleted")
    for user in run_with_database(_list):
        table.add_row(
            user.login,
            user.email,
            user.organization.name,
            user.role.name,
            str(user.is_active),
            str(user.is_approved),
            str(user.is_deleted),
        )
    console.print(table)


async def _user_or_exit(session: AsyncSession, login: str) -> User:
    user = await identity.get_user_by_login(session, login)
    if user is None:
        console.print(f"[red]error:[/red] no user '{login}'")
        raise typer.Exit(1)
    return user


@users_app.command("deactivate")
def users_deactivate(login: Annotated[str, typer.Argument(help="The user's login.")]) -> None:
    """Deactivate a user; their sessions end at once."""

    async def _deactivate(database: Database) -> None:
        async with database.sessionmaker() as session:
            user = await _user_or_exit(session, login)
            await identity.set_active(session, system_principal("cli"), user, False)
            await session.commit()

    run_with_database(_deactivate)
    console.print(f"user '{login}' deactivated")


@users_app.command("reset-password")
def users_reset_password(
    login: Annotated[str, typer.Argument(help="The user's login.")],
    password: Annotated[
        str | None,
        typer.Option(help="The new password; a one-time password is generated if omitted."),
    ] = None,
) -> None:
    """Set a new password (printed when generated); the user's sessions end."""
    new_password = password or generate_password()

    async def _reset(database: Database) -> None:
        async with database.sessionmaker() as session:
            user = await _user_or_exit(session, login)
            await identity.set_password(session, system_principal("cli"), user, new_password)
            await session.commit()

    try:
        run_with_database(_reset)
    except DomainError as exc:
        console.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(1) from exc
    console.print(f"password of '{login}' reset" + ("" if password else f": {new_password}"))
