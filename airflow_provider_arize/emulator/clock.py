"""Time source for the emulator.

Every timestamp the emulator writes (``createdAt``) and every rate-limit window reads the time through a
:class:`Clock`, so tests can freeze, advance or speed up time instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """A source of wall-clock time, in seconds since the Unix epoch (UTC)."""

    def now(self) -> float:
        """Return the current time in epoch seconds."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        return time.time()


class TestClock:
    """A controllable clock for tests.

    It starts at ``start`` (epoch seconds; default: the real time at construction) and then runs at
    ``speed`` times real time (``speed=0``, the default, freezes it). :meth:`advance` jumps forward.
    Thread-safe.
    """

    __test__ = False  # not a pytest test class

    def __init__(self, start: float | None = None, speed: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._base = time.time() if start is None else float(start)
        self._real_anchor = time.monotonic()
        self._speed = float(speed)

    def now(self) -> float:
        with self._lock:
            return self._base + (time.monotonic() - self._real_anchor) * self._speed

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        with self._lock:
            self._base += float(seconds)

    def set_speed(self, speed: float) -> None:
        """Run at ``speed`` times real time from now on (0 freezes the clock)."""
        with self._lock:
            now = self._base + (time.monotonic() - self._real_anchor) * self._speed
            self._base, self._real_anchor, self._speed = now, time.monotonic(), float(speed)


def to_rfc3339(epoch: float) -> str:
    """Format epoch seconds as an RFC 3339 UTC string (``2024-08-20T01:00:00Z``; fractions if any)."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(value: str) -> float:
    """Parse an RFC 3339 timestamp that carries a timezone into epoch seconds.

    Raises ``ValueError`` naming the value when it is not a timestamp or has no timezone.
    """
    try:
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"'{value}' is not an RFC 3339 timestamp (e.g. 2024-08-20T01:00:00Z)") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"'{value}' has no timezone; send RFC 3339 with 'Z' or an offset")
    return moment.timestamp()
