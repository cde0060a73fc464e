"""The dashboard asks how people register before showing the form."""

from __future__ import annotations

import httpx
import pytest

from patchwatch.app import create_app
from patchwatch.settings import RegistrationMode, Settings


@pytest.mark.parametrize("mode", list(RegistrationMode))
async def test_the_registration_mode_is_public(mode: RegistrationMode) -> None:
    app = create_app(Settings(registration=mode, scheduler_enabled=False))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/api/v1/auth/registration")
    assert response.status_code == 200
    assert response.json()["data"] == {"mode": mode.value}
