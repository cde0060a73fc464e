"""``GET /.well-known/jwks.json``: the public keys that verify Patchwatch access tokens.

Public (no authentication) and not wrapped in the API envelope: RFC 7517 fixes the shape, and
JWT libraries of other services read it as it is. With HS256 the set is empty: the HMAC secret
is never published, so only Patchwatch itself can verify its tokens.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from patchwatch.api.deps import SettingsDep

# Verifiers may keep the set for five minutes; a new key (a restart with another key file) is
# picked up by them within that, well inside an access token's 15 minutes.
JWKS_CACHE_CONTROL = "public, max-age=300"

router = APIRouter(tags=["identity"])


@router.get(
    "/.well-known/jwks.json",
    summary="The public JWK Set that verifies access tokens (empty with HS256)",
    response_model=None,
    responses={
        200: {
            "description": "RFC 7517 JWK Set",
            "content": {
                "application/json": {
                    "example": {
                        "keys": [
                            {
                                "kty": "OKP",
                                "crv": "Ed25519",
                                "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                                "kid": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
                                "alg": "EdDSA",
                                "use": "sig",
                            }
                        ]
                    }
                }
            },
        }
    },
)
async def jwks(settings: SettingsDep) -> JSONResponse:
    body: dict[str, Any] = settings.token_keys.jwks()
    return JSONResponse(body, headers={"Cache-Control": JWKS_CACHE_CONTROL})
