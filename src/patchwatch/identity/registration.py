"""Self-registration per ``PATCHWATCH_REGISTRATION``: invite (default), open or closed."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.audit import service as audit
from patchwatch.db import utcnow
from patchwatch.errors import Invalid, PermissionDenied
from patchwatch.events import service as events
from patchwatch.identity import service as identity
from patchwatch.identity.models import User
from patchwatch.identity.passwords import check_password_policy
from patchwatch.identity.principal import Principal
from patchwatch.identity.tokens import hash_password, verify_password
from patchwatch.settings import RegistrationMode

_NO_INVITATION = "There is no open invitation for this login and email."


def _registrant(user: User, address: str | None) -> Principal:
    return Principal(
        kind="user",
        actor_uuid=user.uuid,
        label=user.login,
        organization_id=user.organization_id,
        organization_uuid=None,
        permissions=frozenset(),
        client_address=address,
    )


async def register(
    session: AsyncSession,
    mode: RegistrationMode,
    *,
    login: str,
    email: str,
    password: str,
    name: str = "",
    organization_name: str | None = None,
    address: str | None = None,
) -> User:
    """Register a person; they stay unapproved until a login approver approves them.

    ``invite``: complete an invitation (exactly that login and email, no password yet);
    ``open``: sign up with a new organization of one's own, as its manager; ``closed``: 403.
    """
    if mode is RegistrationMode.closed:
        raise PermissionDenied("Registration is closed.", code="registration_closed")
    login_key, email_key = identity.check_login(login), identity.normalize_email(email)
    check_password_policy(password, login=login_key, email=email_key)
    if mode is RegistrationMode.invite:
        user = await _complete_invitation(session, login_key, email_key, password, name)
    else:
        user = await _sign_up(session, login_key, email_key, password, name, organization_name)
    actor = _registrant(user, address)
    await audit.record(
        session,
        actor,
        "user.registered",
        target_type="user",
        target_uuid=user.uuid,
        organization_id=user.organization_id,
        changes={"login": login_key, "email": email_key, "mode": mode.value},
    )
    events.emit(
        session,
        "user_registered",
        aggregate_type="user",
        aggregate_uuid=user.uuid,
        organization_id=user.organization_id,
        payload={"user_uuid": str(user.uuid), "login": login_key, "mode": mode.value},
    )
    return user


async def _complete_invitation(
    session: AsyncSession, login: str, email: str, password: str, name: str
) -> User:
    user = await session.scalar(
        select(User).where(User.login == login, User.email == email, User.is_deleted.is_(False))
    )
    # Same answer, and about the same time, whether the login, the email or the pair is wrong,
    # or the invitation was used already: nothing to enumerate.
    if user is None or user.password_hash is not None:
        await asyncio.to_thread(verify_password, password, None)
        raise Invalid(_NO_INVITATION, code="no_invitation")
    user.password_hash = await asyncio.to_thread(hash_password, password)
    user.password_changed_at = utcnow()
    if name and not user.name:
        user.name = name
    # Approval comes after registration: whoever knew the pair is not yet let in.
    user.is_approved = False
    user.approved_by = None
    user.approved_at = None
    return user


async def _sign_up(
    session: AsyncSession,
    login: str,
    email: str,
    password: str,
    name: str,
    organization_name: str | None,
) -> User:
    org = await identity.create_organization(
        session, None, name=organization_name or f"{name or login}'s organization"
    )
    return await identity.create_user(
        session,
        None,
        organization=org,
        login=login,
        email=email,
        name=name,
        password=password,
        role="manager",
        is_approved=False,
    )
