"""The success envelope: ``{"data": ..., "meta": {...}, "links": {...}}``."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Links(BaseModel):
    next: str | None = None
    prev: str | None = None


class Envelope(BaseModel, Generic[T]):
    data: T
    meta: dict[str, Any] = Field(default_factory=dict)
    links: Links = Field(default_factory=Links)


class PageMeta(BaseModel):
    total: int
    page: int
    per_page: int


class ListEnvelope(BaseModel, Generic[T]):
    data: list[T]
    meta: PageMeta
    links: Links


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorEnvelope(BaseModel):
    error: ErrorBody


def wrap(data: T, **meta: Any) -> Envelope[T]:
    return Envelope(data=data, meta=meta)
