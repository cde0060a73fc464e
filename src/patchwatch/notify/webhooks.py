"""Webhook calls: a JSON body signed with HMAC-SHA256 over ``timestamp.body``.

The receiver recomputes ``hex(hmac_sha256(secret, f"{t}.{raw body}"))`` from the header
``X-Patchwatch-Signature: t=<unix seconds>,v1=<hex>`` and rejects old timestamps (replays).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import socket
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from patchwatch import __version__

SIGNATURE_HEADER = "X-Patchwatch-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        expected = sign(secret, int(parts.get("t", "")), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, header)


def payload(
    payload_format: str,
    *,
    delivery_uuid: str,
    kind: str,
    title: str,
    text: str,
    link: str,
    data: dict[str, Any],
    created_at: datetime,
) -> dict[str, Any]:
    """The body: Patchwatch's JSON, or Slack's incoming-webhook shape (``{"text": ...}``)."""
    if payload_format == "slack":
        return {"text": f"*{title}*\n{text}\n<{link}|Open in Patchwatch>"}
    return {
        "id": delivery_uuid,
        "kind": kind,
        "title": title,
        "text": text,
        "link": link,
        "created_at": created_at.isoformat(),
        "data": data,
    }


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def resolve_destination(url: str, *, allow_private: bool = False) -> list[str]:
    """The addresses to connect to for ``url``: resolved once, here, and refused (SSRF) unless
    every address the host resolves to is public (loopback, private, link-local such as cloud
    metadata, and reserved ones are not) or ``allow_private`` is set."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise WebhookFailed(f"cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))  # in order, once each
    private = sorted(address for address in addresses if not _is_public(address))
    if private and not allow_private:
        raise WebhookFailed(
            f"refused: {host} resolves to a non-public address ({', '.join(private)}); "
            "set PATCHWATCH_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true for receivers inside your network"
        )
    return addresses


def _netloc(host: str, port: int | None) -> str:
    """``host[:port]``, an IPv6 literal in brackets (without its zone)."""
    name = f"[{host.split('%', 1)[0]}]" if ":" in host else host
    return name if port is None else f"{name}:{port}"


def pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """``url`` with its host replaced by the checked ``address``, and the ``Host`` header and
    TLS server name (SNI, also the name the certificate is checked against) that keep it the
    same request: a second DNS answer (rebinding) can no longer send it elsewhere."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    target = parts._replace(netloc=_netloc(address, parts.port)).geturl()
    return target, {"Host": _netloc(host, parts.port)}, extensions


async def post(
    url: str,
    secret: str,
    body: dict[str, Any],
    *,
    kind: str,
    delivery_uuid: str,
    timeout_seconds: float,
    allow_private: bool = False,
) -> None:
    """POST the signed body to an address checked by :func:`resolve_destination` (the next one
    when one cannot be connected to); raises on a network error, a non-2xx answer, or (unless
    allowed) a receiver at a non-public address."""
    addresses = await resolve_destination(url, allow_private=allow_private)
    raw = orjson.dumps(body)
    timestamp = int(datetime.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Patchwatch/{__version__}",
        "X-Patchwatch-Event": kind,
        "X-Patchwatch-Delivery": delivery_uuid,
        SIGNATURE_HEADER: sign(secret, timestamp, raw),
    }
    async with httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False) as client:
        for number, address in enumerate(addresses, start=1):
            target, host_header, extensions = pinned(url, address)
            try:
                response = await client.post(
                    target, content=raw, headers={**headers, **host_header}, extensions=extensions
                )
                break
            except httpx.ConnectError:
                if number == len(addresses):
                    raise
    if not response.is_success:
        raise WebhookFailed(f"HTTP {response.status_code} from the receiver")


class WebhookFailed(Exception):
    pass
