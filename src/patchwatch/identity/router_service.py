"""The internal identity API of the pypatch3 design, for services that delegate login checks.

Unlike pypatch3 it is never anonymous: it needs a key (or user) with ``identity:service``, and it
only ever sees the caller's organization (another organization's users answer 404, or ``false``).

Decisions:
- ``authn`` answers ``false`` for an unknown, deactivated, deleted or unapproved user, and for a
  user with two-factor authentication (a password alone must not get past their second factor).
  Failures count towards the same per-account lockout as ``/api/v1/auth/login`` (not per
  address: every call comes from the one service); while locked it answers 429.
- ``register`` completes an invitation (never creates an organization), and is refused while
  registration is ``closed``.
- ``approve`` answers 403 unless ``authz_login`` is an active member of ``login_approvers`` of
  the user's organization.
- Changes are audited with the calling key as actor; nobody grants or touches a role holding
  permissions the caller lacks.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, status
from pydantic import EmailStr, Field

from patchwatch.api.deps import SessionDep, SettingsDep, require
from patchwatch.api.envelope import Envelope, wrap
from patchwatch.errors import Invalid, NotFound, PermissionDenied
from patchwatch.identity import registration
from patchwatch.identity import service as identity
from patchwatch.identity.models import Organization, User
from patchwatch.identity.principal import Principal
from patchwatch.identity.schemas import Input, Login, Name, Password, UserOut, user_out
from patchwatch.identity.throttle import LoginThrottle
from patchwatch.identity.tokens import verify_password
from patchwatch.settings import RegistrationMode

router = APIRouter(prefix="/user", tags=["identity service (/user)"])
Service = Annotated[Principal, Depends(require("identity:service"))]
# Paths of this API that a login of the same name would shadow.
RESERVED_LOGINS = frozenset({"authn", "authz", "register", "approve"})


class PasswordIn(Input):
    password: Password


class ServiceUserCreate(Input):
    email: EmailStr
    name: Name = ""
    password: Password | None = None
    role: Annotated[str, Field(min_length=1, max_length=64)] = "viewer"


class ServiceUserUpdate(Input):
    email: EmailStr | None = None
    name: Name | None = None
    password: Password | None = None
    is_active: bool | None = None


class ServiceRegisterIn(Input):
    login: Login
    email: EmailStr
    password: Password


class ServiceApproveIn(Input):
    login: Login
    authz_login: Login


async def _user_in_scope(session: SessionDep, caller: Principal, login: str) -> User:
    user = await identity.get_user_by_login(session, login)
    if user is None or not caller.can_see_organization(user.organization_id):
        raise NotFound(f"There is no user '{login}'.")
    return user


def _throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


async def _authn(
    session: SessionDep, throttle: LoginThrottle, caller: Principal, login: str, password: str
) -> bool:
    # Per account only: the address is the calling service's, shared by all its users.
    await throttle.check(login, None)
    user = await identity.get_user_by_login(session, login)
    in_scope = user is not None and caller.can_see_organization(user.organization_id)
    hashed = user.password_hash if (user is not None and in_scope) else None
    ok = await asyncio.to_thread(verify_password, password, hashed)
    if not ok:
        await throttle.failed(login, None)
        return False
    await throttle.succeeded(login)
    return bool(user is not None and user.can_log_in and not user.totp_enabled)


@router.post("/authn/{login}", summary="Is this password right for this login? (true/false)")
async def authn_post(
    login: str, body: PasswordIn, request: Request, session: SessionDep, caller: Service
) -> Envelope[bool]:
    return wrap(await _authn(session, _throttle(request), caller, login, body.password))


@router.get(
    "/authn/{login}",
    summary="Same as POST (the pypatch3 design sends a JSON body with GET)",
)
async def authn_get(
    login: str,
    request: Request,
    session: SessionDep,
    caller: Service,
    body: Annotated[PasswordIn, Body()],
) -> Envelope[bool]:
    return wrap(await _authn(session, _throttle(request), caller, login, body.password))


@router.get("/authz/{login}/{group}", summary="Is this user in this group? (true/false)")
async def authz(login: str, group: str, session: SessionDep, caller: Service) -> Envelope[bool]:
    user = await identity.get_user_by_login(session, login)
    if user is None or not caller.can_see_organization(user.organization_id):
        return wrap(False)
    return wrap(user.can_log_in and any(g.name == group for g in user.groups))


@router.post("/register", status_code=status.HTTP_201_CREATED, summary="Complete an invitation")
async def register(
    body: ServiceRegisterIn, session: SessionDep, settings: SettingsDep, caller: Service
) -> Envelope[UserOut]:
    await _user_in_scope(session, caller, body.login)
    closed = settings.registration is RegistrationMode.closed
    user = await registration.register(
        session,
        RegistrationMode.closed if closed else RegistrationMode.invite,
        login=body.login,
        email=str(body.email),
        password=body.password,
        address=caller.client_address,
    )
    await session.commit()
    await session.refresh(user, ["organization", "role", "groups"])
    return wrap(user_out(user))


@router.post("/approve", summary="Approve a user; authz_login must be a login approver")
async def approve(
    body: ServiceApproveIn, session: SessionDep, caller: Service
) -> Envelope[UserOut]:
    user = await _user_in_scope(session, caller, body.login)
    approver = await identity.get_user_by_login(session, body.authz_login)
    # One answer for unknown, foreign, inactive and non-member approvers: nothing to enumerate.
    if approver is None or approver.organization_id != user.organization_id:
        raise PermissionDenied(
            "Only a member of 'login_approvers' of this organization can approve it.",
            code="not_an_approver",
        )
    if not approver.can_log_in:
        raise PermissionDenied("The approver's account is not active.", code="not_an_approver")
    actor = Principal(
        kind="user",
        actor_uuid=approver.uuid,
        label=f"{approver.login} via {caller.label}",
        organization_id=approver.organization_id,
        organization_uuid=None,
        permissions=frozenset(),
        client_address=caller.client_address,
    )
    await identity.approve_user(session, actor, approver, user)
    await session.commit()
    return wrap(user_out(user))


@router.get("/{login}", summary="A user")
async def get_user(login: str, session: SessionDep, caller: Service) -> Envelope[UserOut]:
    return wrap(user_out(await _user_in_scope(session, caller, login)))


@router.put("/{login}", status_code=status.HTTP_201_CREATED, summary="Create a user (409 if any)")
async def create_user(
    login: Login, body: ServiceUserCreate, session: SessionDep, caller: Service
) -> Envelope[UserOut]:
    if login in RESERVED_LOGINS:
        raise Invalid(
            f"The login '{login}' is reserved by this API.",
            code="reserved_login",
            details=[{"field": "path.login", "message": "reserved"}],
        )
    role = await identity.get_role_by_name(session, body.role)
    identity.assert_can_grant(caller, role)
    org = await session.get_one(Organization, caller.organization_id)
    user = await identity.create_user(
        session,
        caller,
        organization=org,
        login=login,
        email=str(body.email),
        name=body.name,
        password=body.password,
        role=body.role,
    )
    await session.commit()
    return wrap(user_out(user))


@router.post("/{login}", summary="Update a user")
async def update_user(
    login: str, body: ServiceUserUpdate, session: SessionDep, caller: Service
) -> Envelope[UserOut]:
    user = await _user_in_scope(session, caller, login)
    identity.assert_can_grant(caller, user.role)
    changes: dict[str, Any] = body.model_dump(
        exclude_unset=True, exclude_none=True, exclude={"password", "is_active"}
    )
    if changes:
        await identity.update_user(session, caller, user, changes)
    if body.password is not None:
        await identity.set_password(session, caller, user, body.password)
    if body.is_active is not None:
        await identity.set_active(session, caller, user, body.is_active)
    await session.commit()
    return wrap(user_out(user))


@router.delete("/{login}", summary="Delete a user (soft)")
async def delete_user(login: str, session: SessionDep, caller: Service) -> Envelope[UserOut]:
    user = await _user_in_scope(session, caller, login)
    await identity.delete_user(session, caller, user)
    await session.commit()
    return wrap(user_out(user))
