"""Per-API-key sliding-window rate limits (Arize: 100 queries and 300 mutations per minute).

Contract: :meth:`RateLimiter.acquire` either records the call and returns ``None``, or returns the
integer number of seconds (>= 1) until the oldest call in the 60 s window expires, for ``Retry-After``.
Queries and mutations have separate budgets; a document containing a mutation counts as a mutation.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

from airflow_provider_arize.api import constants

from .clock import Clock

WINDOW_SECONDS = 60.0


@dataclass
class RateLimitConfig:
    """Limits per key per minute; ``enabled=False`` turns limiting off."""

    queries_per_minute: int = constants.RATE_LIMIT_QUERIES_PER_MINUTE
    mutations_per_minute: int = constants.RATE_LIMIT_MUTATIONS_PER_MINUTE
    enabled: bool = True

    def limit_for(self, is_mutation: bool) -> int:
        return self.mutations_per_minute if is_mutation else self.queries_per_minute


class RateLimiter:
    """Thread-safe sliding-window counter per (key, kind)."""

    def __init__(self, clock: Clock, config: RateLimitConfig | None = None) -> None:
        self.clock = clock
        self.config = config or RateLimitConfig()
        self._calls: dict[tuple[str, bool], deque[float]] = {}
        self._lock = threading.Lock()

    def configure(self, config: RateLimitConfig) -> None:
        """Replace the limits (keeps the recorded calls)."""
        with self._lock:
            self.config = config

    def reset(self) -> None:
        """Forget every recorded call."""
        with self._lock:
            self._calls.clear()

    def acquire(self, key_hash: str, is_mutation: bool) -> int | None:
        """Record one call, or return the seconds to wait when the key's budget is used up."""
        with self._lock:
            if not self.config.enabled:
                return None
            limit = self.config.limit_for(is_mutation)
            now = self.clock.now()
            calls = self._calls.setdefault((key_hash, is_mutation), deque())
            while calls and calls[0] <= now - WINDOW_SECONDS:
                calls.popleft()
            if len(calls) >= limit:
                oldest = calls[0] if calls else now
                return max(1, math.ceil(oldest + WINDOW_SECONDS - now))
            calls.append(now)
            return None
