"""Organizations, users, roles, groups, approval and registration."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import BaseModel
from sqlalchemy import select

from patchwatch.api.deps import SessionDep, SettingsDep, client_address, require, require_user
from patchwatch.api.envelope import Envelope, ListEnvelope, wrap
from patchwatch.api.pagination import PageParams, fetch_page, list_envelope, page_params
from patchwatch.errors import Invalid, PermissionDenied
from patchwatch.identity import registration
from patchwatch.identity import service as identity
from patchwatch.identity.models import Group, Organization, Role, User
from patchwatch.identity.principal import Principal
from patchwatch.identity.schemas import (
    GroupCreate,
    GroupNamesIn,
    GroupOut,
    OrganizationCreate,
    OrganizationOut,
    OrganizationUpdate,
    RegisterIn,
    RoleCreate,
    RoleOut,
    RoleUpdate,
    UserCreate,
    UserOut,
    UserUpdate,
    user_out,
)
from patchwatch.settings import RegistrationMode

router = APIRouter()
Page = Annotated[PageParams, Depends(page_params)]
SearchQ = Annotated[str | None, Query(max_length=200)]


def _org_out(org: Organization) -> OrganizationOut:
    return OrganizationOut.model_validate(org, from_attributes=True)


def _role_out(role: Role) -> RoleOut:
    return RoleOut.model_validate(role, from_attributes=True)


def _group_out(group: Group) -> GroupOut:
    return GroupOut.model_validate(group, from_attributes=True)


# --- organizations ----------------------------------------------------------------------------

ORG_SORT = {
    "name": Organization.name,
    "created_at": Organization.created_at,
    "updated_at": Organization.updated_at,
}


@router.get("/organizations", tags=["organizations"], summary="Organizations you can see")
async def list_organizations(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Annotated[Principal, Depends(require("organizations:read"))],
    q: SearchQ = None,
    is_active: bool | None = None,
) -> ListEnvelope[OrganizationOut]:
    stmt = identity.organizations_query(actor, q=q, is_active=is_active)
    rows, total = await fetch_page(session, stmt, page, ORG_SORT, [Organization.id])
    return list_envelope(request, [_org_out(o) for o in rows], total, page)


@router.post(
    "/organizations",
    tags=["organizations"],
    status_code=status.HTTP_201_CREATED,
    summary="Create an organization (platform admin)",
)
async def create_organization(
    body: OrganizationCreate,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("organizations:write"))],
) -> Envelope[OrganizationOut]:
    identity.require_platform_admin(actor)
    org = await identity.create_organization(session, actor, **body.model_dump())
    await session.commit()
    return wrap(_org_out(org))


@router.get("/organizations/{org_uuid}", tags=["organizations"], summary="One organization")
async def get_organization(
    org_uuid: UUID,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("organizations:read"))],
) -> Envelope[OrganizationOut]:
    return wrap(_org_out(await identity.get_organization(session, actor, org_uuid)))


@router.patch("/organizations/{org_uuid}", tags=["organizations"], summary="Change an organization")
async def update_organization(
    org_uuid: UUID,
    body: OrganizationUpdate,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("organizations:write"))],
) -> Envelope[OrganizationOut]:
    org = await identity.get_organization(session, actor, org_uuid)
    identity.require_platform_admin(actor)
    await identity.update_organization(
        session, actor, org, body.model_dump(exclude_unset=True, exclude_none=True)
    )
    await session.commit()
    return wrap(_org_out(org))


@router.delete(
    "/organizations/{org_uuid}", tags=["organizations"], summary="Delete an organization (soft)"
)
async def delete_organization(
    org_uuid: UUID,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("organizations:write"))],
) -> Envelope[OrganizationOut]:
    org = await identity.get_organization(session, actor, org_uuid)
    identity.require_platform_admin(actor)
    await identity.delete_organization(session, actor, org)
    await session.commit()
    return wrap(_org_out(org))


# --- users ------------------------------------------------------------------------------------

USER_SORT = {
    "login": User.login,
    "email": User.email,
    "name": User.name,
    "created_at": User.created_at,
    "updated_at": User.updated_at,
    "last_login_at": User.last_login_at,
    "approved_at": User.approved_at,
}


@router.get("/users", tags=["users"], summary="Users you can see (filters and search)")
async def list_users(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Annotated[Principal, Depends(require("users:read"))],
    organization: UUID | None = None,
    role: Annotated[str | None, Query(max_length=64)] = None,
    is_active: bool | None = None,
    is_approved: bool | None = None,
    q: SearchQ = None,
) -> ListEnvelope[UserOut]:
    org_id = (
        (await identity.get_organization(session, actor, organization)).id if organization else None
    )
    role_id = (await identity.get_role_by_name(session, role)).id if role else None
    stmt = identity.users_query(
        actor,
        organization_id=org_id,
        role_id=role_id,
        is_active=is_active,
        is_approved=is_approved,
        q=q,
    )
    rows, total = await fetch_page(session, stmt, page, USER_SORT, [User.id])
    return list_envelope(request, [user_out(u) for u in rows], total, page)


@router.post(
    "/users",
    tags=["users"],
    status_code=status.HTTP_201_CREATED,
    summary="Create a user; without a password it is an invitation to register",
)
async def create_user(
    body: UserCreate,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("users:write"))],
) -> Envelope[UserOut]:
    if body.organization_uuid is not None:
        org = await identity.get_organization(session, actor, body.organization_uuid)
    else:
        org = await session.get_one(Organization, actor.organization_id)
    role = await identity.get_role_by_name(session, body.role)
    identity.assert_can_grant(actor, role)
    if body.is_approved and not actor.has("users:approve"):
        raise PermissionDenied("You cannot approve users.", code="permission_denied")
    if body.is_approved and body.password is None:
        raise Invalid(
            "An invitation is approved after the person has registered.",
            code="invitation_not_approvable",
            details=[{"field": "body.is_approved", "message": "needs a password"}],
        )
    user = await identity.create_user(
        session,
        actor,
        organization=org,
        login=body.login,
        email=str(body.email),
        name=body.name,
        role=body.role,
        password=body.password,
        is_approved=body.is_approved,
        groups=body.groups,
    )
    await session.commit()
    return wrap(user_out(user))


@router.get("/users/{user_uuid}", tags=["users"], summary="One user")
async def get_user(
    user_uuid: UUID,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("users:read"))],
) -> Envelope[UserOut]:
    return wrap(user_out(await identity.get_user(session, actor, user_uuid)))


@router.patch("/users/{user_uuid}", tags=["users"], summary="Change a user's name, email or role")
async def update_user(
    user_uuid: UUID,
    body: UserUpdate,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("users:write"))],
) -> Envelope[UserOut]:
    user = await identity.get_user(session, actor, user_uuid)
    identity.assert_can_grant(actor, user.role)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "role" in changes:
        identity.assert_not_self(actor, user, "change the role of")
    await identity.update_user(session, actor, user, changes)
    await session.commit()
    return wrap(user_out(user))


@router.delete("/users/{user_uuid}", tags=["users"], summary="Delete a user (soft); sessions end")
async def delete_user(
    user_uuid: UUID,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("users:write"))],
) -> Envelope[UserOut]:
    user = await identity.get_user(session, actor, user_uuid)
    await identity.delete_user(session, actor, user)
    await session.commit()
    return wrap(user_out(user))


@router.post("/users/{user_uuid}/deactivate", tags=["users"], summary="Deactivate; sessions end")
async def deactivate_user(
    user_uuid: UUID,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("users:write"))],
) -> Envelope[UserOut]:
    user = await identity.get_user(session, actor, user_uuid)
    identity.assert_not_self(actor, user, "deactivate")
    identity.assert_can_grant(actor, user.role)
    await identity.set_active(session, actor, user, False)
    await session.commit()
    return wrap(user_out(user))


@router.post("/users/{user_uuid}/activate", tags=["users"], summary="Activate a user again")
async def activate_user(
    user_uuid: UUID,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("users:write"))],
) -> Envelope[UserOut]:
    user = await identity.get_user(session, actor, user_uuid)
    identity.assert_can_grant(actor, user.role)
    await identity.set_active(session, actor, user, True)
    await session.commit()
    return wrap(user_out(user))


@router.post(
    "/users/{user_uuid}/approve",
    tags=["users"],
    summary="Approve a registration (platform admin or a login approver of the organization)",
    description="Allowed to the platform admin and to signed-in members of the group "
    "`login_approvers` of the user's organization, whatever their role. "
    "Emits `user_approved`.",
)
async def approve_user(
    user_uuid: UUID,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require_user())],
) -> Envelope[UserOut]:
    user = await identity.get_user(session, actor, user_uuid)
    await identity.approve_user(session, actor, actor.user, user)
    await session.commit()
    return wrap(user_out(user))


@router.put("/users/{user_uuid}/groups", tags=["users"], summary="Set the user's groups")
async def set_user_groups(
    user_uuid: UUID,
    body: GroupNamesIn,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("groups:write"))],
) -> Envelope[UserOut]:
    user = await identity.get_user(session, actor, user_uuid)
    await identity.set_groups(session, actor, user, body.groups)
    await session.commit()
    return wrap(user_out(user))


# --- roles ------------------------------------------------------------------------------------


@router.get("/roles", tags=["roles"], summary="Roles and their permissions")
async def list_roles(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Annotated[Principal, Depends(require("roles:read"))],
) -> ListEnvelope[RoleOut]:
    rows, total = await fetch_page(session, select(Role), page, {"name": Role.name}, [Role.id])
    return list_envelope(request, [_role_out(r) for r in rows], total, page)


@router.post("/roles", tags=["roles"], status_code=201, summary="Create a role (platform admin)")
async def create_role(
    body: RoleCreate,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("roles:write"))],
) -> Envelope[RoleOut]:
    role = await identity.create_role(session, actor, **body.model_dump())
    await session.commit()
    return wrap(_role_out(role))


@router.patch("/roles/{role_uuid}", tags=["roles"], summary="Change a role's permissions")
async def update_role(
    role_uuid: UUID,
    body: RoleUpdate,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("roles:write"))],
) -> Envelope[RoleOut]:
    role = await identity.get_role(session, role_uuid)
    await identity.update_role(
        session, actor, role, body.model_dump(exclude_unset=True, exclude_none=True)
    )
    await session.commit()
    return wrap(_role_out(role))


@router.delete("/roles/{role_uuid}", tags=["roles"], summary="Delete an unused custom role")
async def delete_role(
    role_uuid: UUID,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("roles:write"))],
) -> Envelope[RoleOut]:
    role = await identity.get_role(session, role_uuid)
    out = _role_out(role)
    await identity.delete_role(session, actor, role)
    await session.commit()
    return wrap(out)


# --- groups -----------------------------------------------------------------------------------


@router.get("/groups", tags=["groups"], summary="Groups")
async def list_groups(
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Annotated[Principal, Depends(require("groups:read"))],
) -> ListEnvelope[GroupOut]:
    rows, total = await fetch_page(session, select(Group), page, {"name": Group.name}, [Group.id])
    return list_envelope(request, [_group_out(g) for g in rows], total, page)


@router.post("/groups", tags=["groups"], status_code=201, summary="Create a group (platform admin)")
async def create_group(
    body: GroupCreate,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("groups:write"))],
) -> Envelope[GroupOut]:
    group = await identity.create_group(session, actor, **body.model_dump())
    await session.commit()
    return wrap(_group_out(group))


@router.get("/groups/{group_uuid}/members", tags=["groups"], summary="Members you can see")
async def list_group_members(
    group_uuid: UUID,
    request: Request,
    session: SessionDep,
    page: Page,
    actor: Annotated[Principal, Depends(require("groups:read"))],
) -> ListEnvelope[UserOut]:
    group = await identity.get_group(session, group_uuid)
    stmt = identity.group_members_query(actor, group)
    rows, total = await fetch_page(session, stmt, page, USER_SORT, [User.id])
    return list_envelope(request, [user_out(u) for u in rows], total, page)


@router.put("/groups/{group_uuid}/members/{user_uuid}", tags=["groups"], summary="Add a member")
async def add_group_member(
    group_uuid: UUID,
    user_uuid: UUID,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("groups:write"))],
) -> Envelope[UserOut]:
    group = await identity.get_group(session, group_uuid)
    user = await identity.get_user(session, actor, user_uuid)
    await identity.change_membership(session, actor, group, user, member=True)
    await session.commit()
    return wrap(user_out(user))


@router.delete(
    "/groups/{group_uuid}/members/{user_uuid}", tags=["groups"], summary="Remove a member"
)
async def remove_group_member(
    group_uuid: UUID,
    user_uuid: UUID,
    session: SessionDep,
    actor: Annotated[Principal, Depends(require("groups:write"))],
) -> Envelope[UserOut]:
    group = await identity.get_group(session, group_uuid)
    user = await identity.get_user(session, actor, user_uuid)
    await identity.change_membership(session, actor, group, user, member=False)
    await session.commit()
    return wrap(user_out(user))


# --- registration -----------------------------------------------------------------------------


@router.post(
    "/auth/register",
    tags=["auth"],
    status_code=status.HTTP_201_CREATED,
    summary="Register (invite: complete an invitation; open: sign up with a new organization)",
)
async def register(
    body: RegisterIn, request: Request, session: SessionDep, settings: SettingsDep
) -> Envelope[UserOut]:
    user = await registration.register(
        session,
        settings.registration,
        login=body.login,
        email=str(body.email),
        password=body.password,
        name=body.name,
        organization_name=body.organization_name,
        address=client_address(request),
    )
    await session.commit()
    await session.refresh(user, ["organization", "role", "groups"])
    return Envelope(data=user_out(user), meta={"message": "Registered; waiting for approval."})


class RegistrationModeOut(BaseModel):
    mode: RegistrationMode


@router.get(
    "/auth/registration",
    tags=["auth"],
    summary="How people register here: invite, open or closed (no sign-in needed)",
)
async def registration_mode(settings: SettingsDep) -> Envelope[RegistrationModeOut]:
    return wrap(RegistrationModeOut(mode=settings.registration))
