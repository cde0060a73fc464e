"""Login throttling: failed attempts per account and per client address, then a lockout.

Counters live in Redis when ``PATCHWATCH_REDIS_URL`` is set (shared by every API process),
in memory otherwise.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from patchwatch.errors import TooManyRequests
from patchwatch.settings import Settings


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

    def _keys(self, account: str, address: str | None) -> list[tuple[RateLimitItemPerSecond, str]]:
        keys = [(self.per_account, f"login-account:{account.strip().lower()}")]
        if address:
            keys.append((self.per_address, f"login-address:{address}"))
        return keys

    async def check(self, account: str, address: str | None) -> None:
        """Raise 429 (with Retry-After) if the account or the address is locked out."""
        for item, key in self._keys(account, address):
            if not await self.limiter.test(item, key):
                stats = await self.limiter.get_window_stats(item, key)
                retry_after = max(1, math.ceil(stats.reset_time - time.time()))
                raise TooManyRequests(
                    "Too many failed sign-in attempts. Try again later.",
                    code="too_many_attempts",
                    headers={"Retry-After": str(retry_after)},
                )

    async def failed(self, account: str, address: str | None) -> None:
        for item, key in self._keys(account, address):
            await self.limiter.hit(item, key)

    async def succeeded(self, account: str) -> None:
        await self.limiter.clear(self.per_account, f"login-account:{account.strip().lower()}")

    async def reset(self) -> None:
        await self.storage.reset()
