"""Login throttling: failed attempts per account and per client address, then a lockout.

Counters live in Redis when ``PATCHWATCH_REDIS_URL`` is set (shared by every API process),
in memory otherwise (one process).

Sign-in uses ``reserve`` before it verifies a password: it counts the attempt against the
account atomically, so a burst of parallel guesses cannot all slip past a check made before
any of them failed; a successful sign-in gives the slot back with ``succeeded``. The address
counter only counts failures (an office behind one NAT address signs in a lot), so a burst
from one address can overshoot its limit by the burst's size; the account limit still holds.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from patchwatch.errors import TooManyRequests
from patchwatch.settings import Settings


def account_key(account: str) -> str:
    return f"login-account:{account.strip().lower()}"


def address_key(address: str) -> str:
    return f"login-address:{address}"


class LoginThrottle:
    """Counts failures; refuses further attempts while an account or address is over its limit."""

    def __init__(self, settings: Settings, *, namespace: str = "patchwatch") -> None:
        window = settings.login_lockout_seconds
        self.storage: Storage = MemoryStorage()
        if settings.redis_url:
            shared = storage_from_string(f"async+{settings.redis_url}", key_prefix=namespace)
            assert isinstance(shared, Storage)
            self.storage = shared
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.per_account = RateLimitItemPerSecond(settings.login_max_failures_per_account, window)
        self.per_address = RateLimitItemPerSecond(settings.login_max_failures_per_address, window)

    def _keys(self, account: str | None, address: str | None) -> list[tuple[RateLimitItem, str]]:
        keys: list[tuple[RateLimitItem, str]] = []
        if account is not None:
            keys.append((self.per_account, account_key(account)))
        if address:
            keys.append((self.per_address, address_key(address)))
        return keys

    async def _locked(self, item: RateLimitItem, key: str) -> TooManyRequests:
        stats = await self.limiter.get_window_stats(item, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return TooManyRequests(
            "Too many failed sign-in attempts. Try again later.",
            code="too_many_attempts",
            headers={"Retry-After": str(retry_after)},
        )

    async def check(self, account: str | None, address: str | None) -> None:
        """Raise 429 (with Retry-After) if the account or the address is locked out."""
        for item, key in self._keys(account, address):
            if not await self.limiter.test(item, key):
                raise await self._locked(item, key)

    async def reserve(self, account: str, address: str | None) -> None:
        """Before verifying a password: 429 while locked out, else count this attempt.

        The attempt counts as a failure of the account until ``succeeded`` clears it; on a
        failure call ``failed_from`` for the address (the account is already counted).
        """
        await self.check(None, address)
        if not await self.limiter.hit(self.per_account, account_key(account)):
            raise await self._locked(self.per_account, account_key(account))

    async def failed(self, account: str | None, address: str | None) -> None:
        """Count one failure against the account and the address (after ``check``)."""
        for item, key in self._keys(account, address):
            await self.limiter.hit(item, key)

    async def failed_from(self, address: str | None) -> None:
        """Count one failure against the client address only."""
        await self.failed(None, address)

    async def succeeded(self, account: str) -> None:
        """A correct sign-in clears the account's failures (not the address's)."""
        await self.limiter.clear(self.per_account, account_key(account))

    async def reset(self) -> None:
        """Forget every counter (tests; an operator lifting all lockouts)."""
        await self.storage.reset()
