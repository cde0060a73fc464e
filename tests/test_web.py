"""The dashboard at `/`: built files, the SPA fallback, caching, and the API left alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from patchwatch.app import create_app
from patchwatch.settings import Settings

INDEX = "<!doctype html><title>Patchwatch</title><div id=root></div>"


def _client(web_dir: Path) -> httpx.AsyncClient:
    app = create_app(Settings(web_dir=web_dir, scheduler_enabled=False))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('app')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    return tmp_path


@pytest_asyncio.fixture
async def client(dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(dist) as client:
        yield client


async def test_root_serves_index_html_revalidated(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_cached_for_a_year(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert "max-age=31536000" in response.headers["cache-control"]


async def test_scripts_are_sent_gzipped_to_browsers_that_accept_it(
    client: httpx.AsyncClient,
) -> None:
    packed = await client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "Accept-Encoding"
    assert packed.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert packed.text == "console.log('app')"  # httpx undoes the gzip
    plain = await client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == "console.log('app')"


async def test_other_files_are_revalidated(client: httpx.AsyncClient) -> None:
    response = await client.get("/favicon.svg")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"


async def test_app_paths_fall_back_to_index_html(client: httpx.AsyncClient) -> None:
    response = await client.get("/sites/5c3e7f0e-0000-4000-8000-000000000000?tab=snapshots")
    assert response.status_code == 200
    assert response.text == INDEX


async def test_a_missing_asset_is_404_not_html(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets/index-old.js")
    assert response.status_code == 404
    assert "html" not in response.headers["content-type"]


async def test_files_outside_the_app_are_not_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/..%2Fsecret.txt")
    assert "not for the web" not in response.text


async def test_unknown_api_paths_stay_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_a_wrong_method_on_an_api_route_stays_405(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/auth/login")
    assert response.status_code == 405


async def test_docs_and_openapi_are_not_shadowed(client: httpx.AsyncClient) -> None:
    assert "swagger" in (await client.get("/docs")).text.lower()
    assert (await client.get("/api/v1/openapi.json")).json()["info"]["title"] == "Patchwatch"


async def test_without_a_build_the_root_says_how_to_build(tmp_path: Path) -> None:
    async with _client(tmp_path / "missing") as client:
        response = await client.get("/")
    assert response.status_code == 503
    assert "make web" in response.text
