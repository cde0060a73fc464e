"""The permission catalogue and the built-in roles. Permissions are ``area:action`` strings."""

from __future__ import annotations

PLATFORM_ADMIN = "platform:admin"

PERMISSIONS: dict[str, str] = {
    PLATFORM_ADMIN: "act across all organizations (the platform admin)",
    "organizations:read": "read organizations",
    "organizations:write": "create, change and delete organizations",
    "users:read": "read users",
    "users:write": "create, change, deactivate and delete users",
    "users:approve": "approve registrations",
    "roles:read": "read roles",
    "roles:write": "create and change roles",
    "groups:read": "read groups",
    "groups:write": "change groups and their members",
    "api_keys:read": "list API keys",
    "api_keys:write": "create and revoke API keys",
    "audit:read": "read audit events",
    "sites:read": "read sites, installed packages and fleet status",
    "sites:write": "create, change and delete sites",
    "snapshots:read": "read snapshots",
    "snapshots:write": "push inventory snapshots",
    "catalog:read": "read packages, releases and advisories",
    "catalog:write": "import feeds and advisories",
    "identity:service": "use the internal /user identity API",
    "patching:read": "read patch runs and cycles",
    "patching:write": "record patch runs",
    "cycles:write": "create, open and close patch cycles",
    "maintenance:request": "ask for maintenance windows; see and cancel one's own requests",
    "maintenance:read": "read every maintenance request of the organization",
    "maintenance:decide": "accept and reject maintenance requests",
    "imports:read": "read the record of file imports",
    "imports:write": "import sites, patch runs and users from CSV and Excel files",
    "webhooks:manage": "create and change the organization's webhooks",
    "tasks:read": "read tasks and the organization's task prices",
    "tasks:write": "create, reassign and shuffle tasks; set the organization's task prices",
    "tasks:complete": "complete the tasks assigned to oneself",
    "ledger:read": "read one's own balance, ledger entries and statements",
    "billing:read": "read the organization's bill: every engineer's balance, entries, statements",
    "ledger:write": "append ledger corrections",
    "analytics:read": "read the accounting analytics (management earnings, negative balances)",
    "rollouts:read": "read Windows patch rollouts: deployments, cycles, reports and their KPIs",
    "rollouts:write": "upload rollout reports; change deployments, cycles and collections",
}

# Analytics are for platform admins only, so a manager does not get them with every other read.
_READ = [p for p in PERMISSIONS if p.endswith(":read") and p != "analytics:read"]

BUILTIN_ROLES: dict[str, tuple[str, list[str]]] = {
    "admin": ("Platform admin: everything, in every organization", sorted(PERMISSIONS)),
    "manager": (
        "Organization manager: users, approvals, sites and reports of the organization",
        sorted(
            {
                *_READ,
                "users:write",
                "users:approve",
                "groups:write",
                "api_keys:write",
                "sites:write",
                "snapshots:write",
                "patching:write",
                "cycles:write",
                "rollouts:write",
                "maintenance:request",
                "maintenance:decide",
                "imports:write",
                "webhooks:manage",
                "tasks:write",
                # Only an assignee completes a task (managers never are one); a manager still
                # holds every engineer permission, to be allowed to give the engineer role.
                "tasks:complete",
                "ledger:write",
            }
        ),
    ),
    "engineer": (
        "Engineer: does the patch work",
        sorted(
            {
                "sites:read",
                "snapshots:read",
                "snapshots:write",
                "catalog:read",
                "patching:read",
                "patching:write",
                "rollouts:read",
                "rollouts:write",
                "maintenance:request",
                "tasks:read",
                "tasks:complete",
                "ledger:read",
            }
        ),
    ),
    "requester": (
        "Requester: asks for maintenance windows",
        sorted({"sites:read", "catalog:read", "maintenance:request"}),
    ),
    "viewer": (
        "Viewer: reads dashboards and reports of the organization",
        sorted(
            {
                "sites:read",
                "snapshots:read",
                "catalog:read",
                "organizations:read",
                "patching:read",
                "rollouts:read",
                "tasks:read",
            }
        ),
    ),
}

BUILTIN_GROUPS: dict[str, str] = {
    "login_approvers": "Members may approve registrations of their organization",
}


def unknown_permissions(permissions: list[str]) -> list[str]:
    return [p for p in permissions if p not in PERMISSIONS]
