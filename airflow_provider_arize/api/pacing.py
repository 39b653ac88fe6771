"""Pacing of one API key's requests: an adaptive token bucket (AIMD, honouring ``Retry-After``).

:class:`TokenBucket` serves the triggerer's event loop (:func:`shared_bucket`: one per key and loop);
:mod:`.machine_pacing` keeps one in a file for the tasks of a machine. The rules, defaults and figures:
docs/connection.md, "Pacing".
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.retry import Outcome

if TYPE_CHECKING:
    from airflow_provider_arize.api.transport import AttemptInfo

__all__ = [
    "DEFAULT_BURST",
    "DEFAULT_DECREASE",
    "DEFAULT_MAX_HOLD",
    "DEFAULT_MIN_PER_MINUTE",
    "DEFAULT_QUERIES_PER_MINUTE",
    "TokenBucket",
    "shared_bucket",
]

logger = logging.getLogger(__name__)

#: Requests a minute one connection's triggers may send by default (Arize allows 100 per key).
DEFAULT_QUERIES_PER_MINUTE = constants.DEFAULT_QUERIES_PER_MINUTE
#: Requests that may go at once after a quiet spell (at the full rate; scaled down with the rate).
DEFAULT_BURST = 10
#: What a rate-limit answer multiplies the rate by (once per congestion episode).
DEFAULT_DECREASE = 0.5
#: The lowest rate a minute that cuts bring a bucket to.
DEFAULT_MIN_PER_MINUTE = 4.0
#: The longest a ``Retry-After`` holds the bucket, in seconds (the transport caps its own wait alike).
DEFAULT_MAX_HOLD = 120.0
#: Rounding slack on the token count, and the shortest wait (a clock may not advance by less).
_EPSILON = 1e-9
_MIN_SLEEP = 0.001


def _check_per_minute(per_minute: object, field: str = "per_minute") -> None:
    if isinstance(per_minute, bool) or not isinstance(per_minute, int | float):
        raise ArizeConfigError(f"{field} must be a number", field=field)
    if not math.isfinite(per_minute) or per_minute <= 0:
        raise ArizeConfigError(
            f"{field} must be a positive number of requests, got {per_minute!r}", field=field
        )


def _check_non_negative(name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ArizeConfigError(f"{name} must be a finite number >= 0, got {value!r}", field=name)


class TokenBucket:
    """At most ``burst`` requests at once and ``per_minute`` a minute on average, adapting down on rate
    limits and back up on successes (docs/connection.md, "Pacing"). :meth:`acquire` waits on the event
    loop, first come first served; a cancelled waiter takes nothing. One bucket belongs to one loop.

    Counters for logs and benchmarks: :attr:`current_per_minute` (the rate now), :attr:`cuts`,
    :attr:`rate_limited` (rate-limit answers reported), :attr:`held` (seconds of ``Retry-After`` holds),
    :attr:`granted` and :attr:`waited`; :meth:`counters` gives them all as a dict.
    """

    def __init__(
        self,
        per_minute: float = DEFAULT_QUERIES_PER_MINUTE,
        burst: int = DEFAULT_BURST,
        *,
        decrease: float = DEFAULT_DECREASE,
        increase: float | None = None,
        min_per_minute: float = DEFAULT_MIN_PER_MINUTE,
        max_hold: float = DEFAULT_MAX_HOLD,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        _check_per_minute(per_minute)
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ArizeConfigError(f"burst must be an integer >= 1, got {burst!r}", field="burst")
        if isinstance(decrease, bool) or not isinstance(decrease, int | float) or not 0 < decrease <= 1:
            raise ArizeConfigError(f"decrease must be a factor in (0, 1], got {decrease!r}", field="decrease")
        for name, value in (
            ("increase", increase),
            ("min_per_minute", min_per_minute),
            ("max_hold", max_hold),
        ):
            _check_non_negative(name, value)
        if min_per_minute == 0:
            raise ArizeConfigError("min_per_minute must be > 0", field="min_per_minute")
        self.per_minute = float(per_minute)
        self.burst = burst
        self.decrease = float(decrease)
        self.increase = self.per_minute / 10 if increase is None else float(increase)
        self.min_per_minute = min(float(min_per_minute), self.per_minute)
        self.max_hold = float(max_hold)
        self._clock = clock
        self._sleep = sleep
        self._current = self.per_minute  # requests a minute now
        self._tokens = float(burst)
        self._updated = clock()
        self._hold_until = -math.inf
        self._last_cut = -math.inf
        self._lock = asyncio.Lock()
        #: Tokens handed out so far (requests paced).
        self.granted = 0
        #: Seconds callers spent waiting for a token, summed.
        self.waited = 0.0
        #: Times the rate was cut (congestion episodes met).
        self.cuts = 0
        #: Rate-limit answers reported (every one, whether it cut the rate or not).
        self.rate_limited = 0
        #: Seconds the bucket was held by ``Retry-After`` (the extensions of the hold, summed).
        self.held = 0.0

    @property
    def current_per_minute(self) -> float:
        """The rate now, in requests a minute (between ``min_per_minute`` and ``per_minute``)."""
        return self._current

    @property
    def capacity(self) -> float:
        """Tokens the bucket holds at most now: ``burst``, scaled down with the rate (at least 1)."""
        return max(1.0, self.burst * self._current / self.per_minute)

    def _refill(self) -> None:
        now = self._clock()
        if now > self._updated:  # not during a hold: the bucket refills from its end
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self._current / 60.0)
            self._updated = now

    @property
    def available(self) -> float:
        """Tokens in the bucket now (fractional)."""
        self._refill()
        return self._tokens

    def counters(self) -> dict[str, Any]:
        """The bucket's counters and settings, as plain numbers (for logs and benchmarks)."""
        return {
            "per_minute": self.per_minute,
            "current_per_minute": self.current_per_minute,
            "cuts": self.cuts,
            "rate_limited": self.rate_limited,
            "held": self.held,
            "granted": self.granted,
            "waited": self.waited,
        }

    async def acquire(self) -> None:
        """Take one token, waiting for it (and for any hold) if need be."""
        async with self._lock:
            started = self._clock()
            while (wait := self.take()) > 0:
                await self._sleep(max(_MIN_SLEEP, wait))
            self.waited += self._clock() - started

    def take(self) -> float:
        """Take a token if one is there (returns 0), or say how many seconds to wait before asking again
        (a hold, or the time until the next token)."""
        now = self._clock()
        if now < self._hold_until:
            return self._hold_until - now
        self._refill()
        if self._tokens >= 1.0 - _EPSILON:
            self._tokens = max(0.0, self._tokens - 1.0)
            self.granted += 1
            return 0.0
        return (1.0 - self._tokens) * 60.0 / self._current

    def state(self) -> dict[str, float]:
        """What the bucket has learnt and holds, as numbers (for :mod:`.machine_pacing`'s file)."""
        return {
            "current": self._current,
            "tokens": self._tokens,
            "updated": self._updated,
            "hold_until": self._hold_until if math.isfinite(self._hold_until) else 0.0,
            "last_cut": self._last_cut if math.isfinite(self._last_cut) else 0.0,
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Take up a :meth:`state` saved by another process (values out of range are clamped)."""
        self._current = min(self.per_minute, max(self.min_per_minute, float(state["current"])))
        self._tokens = min(self.capacity, max(0.0, float(state["tokens"])))
        self._updated = float(state["updated"])
        self._hold_until = float(state["hold_until"])
        self._last_cut = float(state["last_cut"])

    def refund(self) -> None:
        """Give back a token taken for a request that was not sent after all."""
        self._refill()
        self._tokens = min(self.capacity, self._tokens + 1.0)
        self.granted -= 1

    async def sleep_then_acquire(self, delay: float) -> None:
        """Sleep ``delay`` seconds, then take a token: the transport's wait between retry attempts, so
        that retries are paced like first attempts."""
        await self._sleep(delay)
        await self.acquire()

    def note_rate_limited(self, retry_after: float | None = None, *, sent_at: float | None = None) -> bool:
        """Report a rate-limit answer to a request sent at ``sent_at`` (on the bucket's clock; ``None``:
        just now). Holds the bucket for ``retry_after`` seconds (capped at ``max_hold``) and, unless the
        request was sent before the last cut, cuts the rate. Returns whether it cut."""
        self.rate_limited += 1
        self._refill()
        now = self._clock()
        if retry_after is not None and math.isfinite(retry_after) and retry_after > 0:
            until = now + min(retry_after, self.max_hold)
            if until > self._hold_until:
                self.held += until - max(now, self._hold_until)
                self._hold_until = until
                self._tokens = 0.0
                self._updated = max(self._updated, until)
        if (now if sent_at is None else sent_at) <= self._last_cut:
            return False  # the same congestion episode: that request left before the last cut
        self._last_cut = now
        self.cuts += 1
        self._current = max(self.min_per_minute, self._current * self.decrease)
        self._tokens = 0.0
        self._updated = max(self._updated, now)
        logger.info(
            "Arize rate limit: pacing cut to %.1f requests a minute (cut %d, %d rate limits seen, "
            "held %.0f s in all)",
            self._current,
            self.cuts,
            self.rate_limited,
            self.held,
        )
        return True

    def note_success(self, *, sent_at: float | None = None) -> None:
        """Report a success of a request sent at ``sent_at`` (``None``: just now): the rate grows by
        ``increase / rate`` a minute, up to ``per_minute``. Requests sent before the last cut add
        nothing."""
        if sent_at is not None and sent_at <= self._last_cut:
            return
        self._refill()
        self._current = min(self.per_minute, self._current + self.increase / self._current)

    def observe(self, info: AttemptInfo) -> None:
        """The transport's ``on_response`` hook: feeds every attempt's rate-limit answer or success to the
        bucket (other failures say nothing about the rate)."""
        sent_at = self._clock() - info.elapsed
        if info.rate_limited:
            self.note_rate_limited(info.retry_after, sent_at=sent_at)
        elif info.outcome is Outcome.SUCCESS:
            self.note_success(sent_at=sent_at)


_shared: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str], TokenBucket]] = (
    weakref.WeakKeyDictionary()
)


def shared_bucket(endpoint: str, api_key: str, per_minute: float) -> TokenBucket:
    """The running loop's bucket for ``api_key`` at ``endpoint`` (kept by the key's SHA-256, never the
    key): connections sharing a key share its budget. The first caller's ``per_minute`` sizes it; a
    different one is validated, then ignored."""
    buckets = _shared.setdefault(asyncio.get_running_loop(), {})
    key = (endpoint.rstrip("/"), hashlib.sha256(api_key.encode()).hexdigest())
    _check_per_minute(per_minute, "poll_queries_per_minute")  # a later connection's bad budget fails too
    bucket = buckets.get(key)
    if bucket is None:
        bucket = buckets[key] = TokenBucket(per_minute)
    return bucket
