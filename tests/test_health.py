"""Health endpoints and the API plumbing every route shares."""

from __future__ import annotations

import httpx


async def test_ping_reports_database_and_current_migrations(client: httpx.AsyncClient) -> None:
    response = await client.get("/ping")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "current"}


async def test_unknown_route_answers_the_error_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert len((await client.get("/healthz")).headers["x-request-id"]) == 32


async def test_metrics_are_prometheus_text(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert "patchwatch_http_requests_total" in response.text


async def test_openapi_schema_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Patchwatch"


async def test_declared_oversized_body_is_refused_with_413(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login",
        content=b"x" * (10 * 1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_streamed_oversized_body_is_refused_with_413(client: httpx.AsyncClient) -> None:
    async def chunks():  # no Content-Length: the cap must hold while streaming
        for _ in range(11):
            yield b" " * (1024 * 1024)

    response = await client.post(
        "/api/v1/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


async def test_malformed_json_is_a_422_in_the_envelope(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login",
        content=b'{"login": "a", "password": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


async def test_nul_characters_are_refused_in_body_and_query(client: httpx.AsyncClient) -> None:
    body = await client.post(
        "/api/v1/auth/login",
        content=b'{"login": "a\\u0000b", "password": "xxxxxxxxxxxx"}',
        headers={"Content-Type": "application/json"},
    )
    assert body.status_code == 422
    assert body.json()["error"]["code"] == "nul_character"
    query = await client.get("/api/v1/users?q=a%00b")
    assert query.status_code == 422


async def test_wrong_encoding_is_a_clear_4xx(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login",
        content='{"login": "müller", "password": "x"}'.encode("latin-1"),
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


async def test_deeply_nested_json_is_a_clear_4xx(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login",
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500
