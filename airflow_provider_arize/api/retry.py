"""Retry policy of the Arize transport: what is retried, how long to wait, and when to stop.

Pure functions only (no I/O), shared by the sync and the async transport so the two cannot drift.
The classification, first match wins, and what each outcome means for a call: docs/connection.md,
"How answers are classified".
"""

from __future__ import annotations

import enum
import math
import random
import re
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from airflow_provider_arize.api.errors import (
    ArizeAPIError,
    ArizeAuthError,
    ArizeConfigError,
    ArizeError,
    ArizeRateLimitError,
    ArizeTransientError,
)

__all__ = [
    "AUTH_ERROR_CODES",
    "RATE_LIMIT_ERROR_CODES",
    "Classification",
    "Outcome",
    "RetryPolicy",
    "backoff_delay",
    "classify",
    "classify_exception",
    "classify_response",
    "has_auth_error",
    "has_rate_limit_error",
    "parse_retry_after",
    "retry_delay",
    "should_retry",
]

#: GraphQL ``extensions.code`` values that mean the key was refused.
AUTH_ERROR_CODES: frozenset[str] = frozenset({"FORBIDDEN", "UNAUTHENTICATED", "UNAUTHORIZED"})
#: GraphQL ``extensions.code`` values that mean the rate limit was hit.
RATE_LIMIT_ERROR_CODES: frozenset[str] = frozenset({"RATE_LIMITED", "TOO_MANY_REQUESTS"})
_RATE_LIMIT_TEXT = re.compile(r"rate[ _-]?limit|too many requests", re.IGNORECASE)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently the transport retries.

    - ``max_attempts``: requests sent per call, the first one included (1 disables retries).
    - ``backoff_base`` / ``backoff_max``: exponential backoff with full jitter; the wait after attempt
      ``n`` is uniform in ``[0, min(backoff_max, backoff_base * 2 ** (n - 1))]`` seconds.
    - ``max_retry_after``: a server's ``Retry-After`` is honoured exactly, but capped at this many
      seconds so a misbehaving server cannot park a worker for hours.

    With the defaults a call that keeps failing transiently gives up after 6 requests and at most
    0.5 + 1 + 2 + 4 + 8 = 15.5 s of backoff (plus request time); a persistently rate-limited call waits
    at most 5 x 120 s.
    """

    max_attempts: int = 6
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 120.0

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise ArizeConfigError("retry.max_attempts must be an integer", field="max_attempts")
        if self.max_attempts < 1:
            raise ArizeConfigError("retry.max_attempts must be at least 1", field="max_attempts")
        for name in ("backoff_base", "backoff_max", "max_retry_after"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise ArizeConfigError(f"retry.{name} must be a finite number >= 0", field=name)
        if self.backoff_max < self.backoff_base:
            raise ArizeConfigError("retry.backoff_max must be >= retry.backoff_base", field="backoff_max")


def parse_retry_after(header: str | None, *, now: datetime | None = None) -> float | None:
    """Parse an HTTP ``Retry-After`` value into seconds from ``now``.

    Accepts delta-seconds (``"120"``; a decimal such as ``"1.5"`` is tolerated) and an HTTP-date
    (``"Wed, 21 Oct 2015 07:28:00 GMT"``; a date in the past gives ``0.0``). Returns ``None`` for a
    missing, empty, negative or unparseable value. No cap is applied here.
    """
    if header is None:
        return None
    value = header.strip()
    if not value:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", value):
        seconds = float(value)
        return seconds if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:  # pragma: no cover - older Pythons returned None instead of raising
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else datetime.now(UTC)
    if current.tzinfo is None:
        current = current.replace(tzinfo=UTC)
    return max(0.0, (when - current).total_seconds())


def backoff_delay(attempt: int, policy: RetryPolicy, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): exponential, full jitter.

    The result is uniform in ``[0, min(policy.backoff_max, policy.backoff_base * 2 ** (attempt - 1))]``.
    """
    exponent = max(0, attempt - 1)
    try:
        cap = min(policy.backoff_max, math.ldexp(policy.backoff_base, exponent))
    except OverflowError:  # a huge attempt number: the cap is reached long before
        cap = policy.backoff_max
    uniform = rng.uniform if rng is not None else random.uniform
    return uniform(0.0, cap)


def retry_delay(
    attempt: int,
    policy: RetryPolicy,
    rng: random.Random | None = None,
    retry_after: float | None = None,
) -> float:
    """Seconds to wait before retrying: the server's ``Retry-After`` (capped at
    ``policy.max_retry_after``) when it sent one, otherwise :func:`backoff_delay`."""
    if retry_after is not None:
        return min(max(0.0, retry_after), policy.max_retry_after)
    return backoff_delay(attempt, policy, rng)


class Outcome(enum.StrEnum):
    """What one attempt's result means for the call."""

    #: The request succeeded.
    SUCCESS = "success"
    #: Failed before the server could have executed anything (429, connection refused): retry any call.
    RETRY_SAFE = "retry-safe"
    #: Failed in a way that may pass, but the server may have executed it: retry idempotent calls only.
    RETRY_AMBIGUOUS = "retry-ambiguous"
    #: Retrying cannot help (auth, API and config errors, malformed responses).
    FATAL = "fatal"


@dataclass(frozen=True)
class Classification:
    """Result of :func:`classify`: the outcome, the error type to raise if the call ends here, and a
    short reason for logs (``"HTTP 503"``, ``"ReadTimeout"``, ``"GraphQL rate limit"``)."""

    outcome: Outcome
    error_type: type[ArizeError] | None = None
    reason: str = ""


def should_retry(outcome: Outcome, *, idempotent: bool) -> bool:
    """Whether an attempt with this outcome may be re-sent (attempt budget aside)."""
    if outcome is Outcome.RETRY_SAFE:
        return True
    return outcome is Outcome.RETRY_AMBIGUOUS and idempotent


def _error_codes(errors: Sequence[Mapping[str, Any]]) -> set[str]:
    codes: set[str] = set()
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, Mapping) else None
        code = extensions.get("code") if isinstance(extensions, Mapping) else None
        if isinstance(code, str):
            codes.add(code.upper())
    return codes


def has_rate_limit_error(errors: Sequence[Mapping[str, Any]] | None) -> bool:
    """Whether any GraphQL error says the rate limit was hit (message text or extension code)."""
    if not errors:
        return False
    for error in errors:
        message = error.get("message") if isinstance(error, Mapping) else None
        if isinstance(message, str) and _RATE_LIMIT_TEXT.search(message):
            return True
    return bool(_error_codes(errors) & RATE_LIMIT_ERROR_CODES)


def has_auth_error(errors: Sequence[Mapping[str, Any]] | None) -> bool:
    """Whether any GraphQL error carries an auth extension code (``FORBIDDEN``, ``UNAUTHENTICATED``)."""
    return bool(errors) and bool(_error_codes(errors or ()) & AUTH_ERROR_CODES)


def classify_response(status_code: int, errors: Sequence[Mapping[str, Any]] | None = None) -> Classification:
    """Classify an HTTP response by its status and its GraphQL ``errors`` (docs/connection.md, "How
    answers are classified")."""
    if status_code == 429:
        return Classification(Outcome.RETRY_SAFE, ArizeRateLimitError, "HTTP 429")
    if status_code in (401, 403):
        return Classification(Outcome.FATAL, ArizeAuthError, f"HTTP {status_code}")
    if has_rate_limit_error(errors):
        return Classification(Outcome.RETRY_SAFE, ArizeRateLimitError, "GraphQL rate limit")
    if has_auth_error(errors):
        return Classification(Outcome.FATAL, ArizeAuthError, "GraphQL auth error")
    if 500 <= status_code <= 599:
        return Classification(Outcome.RETRY_AMBIGUOUS, ArizeTransientError, f"HTTP {status_code}")
    if not 200 <= status_code <= 299:
        return Classification(Outcome.FATAL, ArizeAPIError, f"HTTP {status_code}")
    if errors:
        return Classification(Outcome.FATAL, ArizeAPIError, "GraphQL errors")
    return Classification(Outcome.SUCCESS, None, f"HTTP {status_code}")


_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_CLIENT_SIDE = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)
#: The reason of a classification for a failed TLS certificate verification.
TLS_VERIFY_FAILED = "TLS certificate verification failed"


def _tls_verification_failed(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def classify_exception(exc: BaseException) -> Classification:
    """Classify an exception raised while sending a request or reading its response."""
    reason = type(exc).__name__
    if _tls_verification_failed(exc):
        return Classification(Outcome.FATAL, ArizeConfigError, TLS_VERIFY_FAILED)
    if isinstance(exc, _NEVER_SENT):
        return Classification(Outcome.RETRY_SAFE, ArizeTransientError, reason)
    if isinstance(exc, _CLIENT_SIDE):
        return Classification(Outcome.FATAL, ArizeConfigError, reason)
    if isinstance(exc, httpx.TransportError):
        return Classification(Outcome.RETRY_AMBIGUOUS, ArizeTransientError, reason)
    return Classification(Outcome.FATAL, ArizeError, reason)


def classify(
    *,
    status_code: int | None = None,
    exception: BaseException | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
) -> Classification:
    """Classify one attempt: by ``exception`` when the request raised, else by status and GraphQL errors."""
    if exception is not None:
        return classify_exception(exception)
    if status_code is None:
        raise TypeError("classify() needs status_code or exception")
    return classify_response(status_code, errors)
