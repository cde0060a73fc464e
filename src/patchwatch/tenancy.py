"""Tenancy in one place: every query over tenant data goes through ``scoped``."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select

from patchwatch.identity.principal import Principal

S = TypeVar("S", bound=Select[Any])


def scoped(stmt: S, organization_column: Any, principal: Principal) -> S:
    """Limit ``stmt`` to the caller's organization; the platform admin sees every organization."""
    if principal.is_platform_admin:
        return stmt
    return stmt.where(organization_column == principal.organization_id)  # type: ignore[return-value]
