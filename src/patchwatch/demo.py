"""Demo data for ``make run``: an organization, an admin and a few people to look at."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import utcnow
from patchwatch.identity import service as identity
from patchwatch.identity.models import Organization, User
from patchwatch.identity.principal import system_principal
from patchwatch.identity.tokens import hash_password

DEMO_ORGANIZATION = "Demo Agency"
DEMO_ADMIN = "admin"
DEMO_PEOPLE = [
    ("maria", "manager", "Maria Manager"),
    ("erik", "engineer", "Erik Engineer"),
    ("rita", "requester", "Rita Requester"),
    ("victor", "viewer", "Victor Viewer"),
]


async def load_demo_data(session: AsyncSession, *, admin_password: str) -> bool:
    """Create the demo organization and people once; always give them ``admin_password``.

    Returns True when the data was created now, False when it was there already.
    """
    await identity.ensure_builtins(session)
    logins = [DEMO_ADMIN, *(login for login, _, _ in DEMO_PEOPLE)]
    existing = list((await session.scalars(select(User).where(User.login.in_(logins)))).unique())
    if existing:
        password_hash = hash_password(admin_password)
        for user in existing:
            user.password_hash = password_hash
            user.password_changed_at = utcnow()
        return False
    actor = system_principal("demo")
    org = await session.scalar(select(Organization).where(Organization.name == DEMO_ORGANIZATION))
    if org is None:
        org = await identity.create_organization(session, actor, name=DEMO_ORGANIZATION)
    await identity.create_user(
        session,
        actor,
        organization=org,
        login=DEMO_ADMIN,
        email="admin@demo.patchwatch.invalid",
        name="Demo Admin",
        password=admin_password,
        role="admin",
        is_approved=True,
        groups=["login_approvers"],
    )
    for login, role, name in DEMO_PEOPLE:
        await identity.create_user(
            session,
            actor,
            organization=org,
            login=login,
            email=f"{login}@demo.patchwatch.invalid",
            name=name,
            role=role,
            password=admin_password,
            is_approved=True,
        )
    return True


async def demo_organization_uuid(session: AsyncSession) -> uuid.UUID | None:
    """The demo organization's uuid, None when the demo data is not loaded."""
    found = await session.scalar(
        select(Organization.uuid).where(Organization.name == DEMO_ORGANIZATION)
    )
    return found
