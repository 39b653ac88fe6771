"""Pacing of the requests one API key sends from the triggerer: a token bucket on the event loop.

Arize allows 100 queries a minute per key and counts them over a sliding minute. A :class:`TokenBucket`
holds at most ``burst`` tokens and gains ``per_minute / 60`` tokens a second; every request takes one
before it is sent (the first attempt and every retry). So any 60 s window sees at most
``burst + per_minute`` requests from it: 10 + 80 = 90 with the defaults, under Arize's 100, with the
rest of the budget left to the workers that share the key.

Contract: :meth:`TokenBucket.acquire` waits (asynchronously, never blocking the loop) until a token is
available; waiters are served first come, first served. Cancelling a waiter takes nothing from the
bucket and leaves the other waiters in place. One bucket belongs to one event loop.
:func:`shared_bucket` gives every connection with the same key at the same Arize one bucket per event
loop (Arize counts per key, not per connection); the first of them sets its budget.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
import weakref
from collections.abc import Awaitable, Callable

from airflow_provider_arize.api.errors import ArizeConfigError

__all__ = ["DEFAULT_BURST", "DEFAULT_QUERIES_PER_MINUTE", "TokenBucket", "shared_bucket"]

#: Requests a minute one connection's triggers may send by default (Arize allows 100 per key).
DEFAULT_QUERIES_PER_MINUTE = 80
#: Requests that may go at once after a quiet spell.
DEFAULT_BURST = 10
#: Rounding slack on the token count, and the shortest wait (a clock may not advance by less).
_EPSILON = 1e-9
_MIN_SLEEP = 0.001


def _check_per_minute(per_minute: object) -> None:
    if isinstance(per_minute, bool) or not isinstance(per_minute, int | float):
        raise ArizeConfigError("per_minute must be a number", field="poll_queries_per_minute")
    if not math.isfinite(per_minute) or per_minute <= 0:
        raise ArizeConfigError(
            f"per_minute must be a positive number of requests, got {per_minute!r}",
            field="poll_queries_per_minute",
        )


class TokenBucket:
    """At most ``burst`` requests at once and ``per_minute`` a minute on average (see the module)."""

    def __init__(
        self,
        per_minute: float = DEFAULT_QUERIES_PER_MINUTE,
        burst: int = DEFAULT_BURST,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        _check_per_minute(per_minute)
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ArizeConfigError(f"burst must be an integer >= 1, got {burst!r}", field="burst")
        self.per_minute = float(per_minute)
        self.burst = burst
        self._rate = self.per_minute / 60.0
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = asyncio.Lock()
        #: Tokens handed out so far (requests paced).
        self.granted = 0
        #: Seconds callers spent waiting for a token, summed.
        self.waited = 0.0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self._rate)
        self._updated = now

    @property
    def available(self) -> float:
        """Tokens in the bucket now (fractional)."""
        self._refill()
        return self._tokens

    async def acquire(self) -> None:
        """Take one token, waiting for it if the bucket is empty."""
        async with self._lock:
            started = self._clock()
            while True:
                self._refill()
                if self._tokens >= 1.0 - _EPSILON:
                    self._tokens = max(0.0, self._tokens - 1.0)
                    self.granted += 1
                    self.waited += self._clock() - started
                    return
                await self._sleep(max(_MIN_SLEEP, (1.0 - self._tokens) / self._rate))

    def refund(self) -> None:
        """Give back a token taken for a request that was not sent after all."""
        self._refill()
        self._tokens = min(float(self.burst), self._tokens + 1.0)
        self.granted -= 1

    async def sleep_then_acquire(self, delay: float) -> None:
        """Sleep ``delay`` seconds, then take a token: the transport's wait between retry attempts, so
        that retries are paced like first attempts."""
        await self._sleep(delay)
        await self.acquire()


_shared: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str], TokenBucket]] = (
    weakref.WeakKeyDictionary()
)


def shared_bucket(endpoint: str, api_key: str, per_minute: float) -> TokenBucket:
    """The running loop's bucket for ``api_key`` at ``endpoint`` (kept by the key's SHA-256, never the
    key): connections sharing a key share its budget. The first caller's ``per_minute`` sizes it; a
    different one is validated, then ignored."""
    buckets = _shared.setdefault(asyncio.get_running_loop(), {})
    key = (endpoint.rstrip("/"), hashlib.sha256(api_key.encode()).hexdigest())
    _check_per_minute(per_minute)  # a bad budget on a later connection still fails loudly
    bucket = buckets.get(key)
    if bucket is None:
        bucket = buckets[key] = TokenBucket(per_minute)
    return bucket
