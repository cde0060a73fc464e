"""Server-side pagination and sorting for every list: ``page``, ``per_page`` (max 200), ``sort``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Query, Request
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from patchwatch.api.envelope import Links, ListEnvelope, PageMeta
from patchwatch.errors import Invalid

T = TypeVar("T")
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class PageParams:
    page: int
    per_page: int
    sort: str | None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_params(
    page: int = Query(1, ge=1, le=1_000_000),
    per_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
    sort: str | None = Query(
        None,
        max_length=200,
        pattern=r"^-?[a-z_]+(,-?[a-z_]+)*$",
        description="Comma-separated fields; a leading '-' sorts descending.",
    ),
) -> PageParams:
    return PageParams(page=page, per_page=per_page, sort=sort)


def order_by_clauses(
    sort: str | None,
    allowed: Mapping[str, ColumnElement[Any] | Any],
    default: Sequence[Any],
) -> list[Any]:
    """Translate ``sort=-created_at,name`` into ORDER BY clauses over the allowed columns."""
    if not sort:
        return list(default)
    clauses = []
    for part in sort.split(","):
        name = part.lstrip("-")
        if name not in allowed:
            raise Invalid(
                f"Cannot sort by '{name}'.",
                code="invalid_sort",
                details=[{"field": "sort", "message": f"allowed: {', '.join(sorted(allowed))}"}],
            )
        column = allowed[name]
        clauses.append(column.desc() if part.startswith("-") else column.asc())
    return [*clauses, *default]


async def fetch_page(
    session: AsyncSession,
    stmt: Select[Any],
    params: PageParams,
    sort_fields: Mapping[str, Any],
    default_order: Sequence[Any],
) -> tuple[list[Any], int]:
    """Run a page of ``stmt`` (scalars) and its total count."""
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    ordered = stmt.order_by(*order_by_clauses(params.sort, sort_fields, default_order))
    page = ordered.offset(params.offset).limit(params.per_page)
    rows = (await session.scalars(page)).unique().all()
    return list(rows), int(total or 0)


async def fetch_rows_page(
    session: AsyncSession,
    stmt: Select[Any],
    params: PageParams,
    sort_fields: Mapping[str, Any],
    default_order: Sequence[Any],
) -> tuple[list[Any], int]:
    """Like ``fetch_page``, for statements that select several columns: a page of rows."""
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    ordered = stmt.order_by(*order_by_clauses(params.sort, sort_fields, default_order))
    page = ordered.offset(params.offset).limit(params.per_page)
    rows = (await session.execute(page)).all()
    return list(rows), int(total or 0)


def list_envelope(
    request: Request, items: list[T], total: int, params: PageParams
) -> ListEnvelope[T]:
    """Build the list envelope with ``meta`` and ``links.next``/``links.prev``."""
    url = request.url
    next_link = None
    prev_link = None
    if params.page * params.per_page < total:
        next_link = str(url.include_query_params(page=params.page + 1, per_page=params.per_page))
    if params.page > 1:
        prev_link = str(url.include_query_params(page=params.page - 1, per_page=params.per_page))
    return ListEnvelope(
        data=items,
        meta=PageMeta(total=total, page=params.page, per_page=params.per_page),
        links=Links(next=next_link, prev=prev_link),
    )
