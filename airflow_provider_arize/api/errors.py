"""Typed errors of the Arize GraphQL client: every failure the ``api`` package raises is an
:class:`ArizeError`, and its subclass says what the caller may do about it.

Which error means what, which are retried, and what messages never contain: ``docs/internals.md``,
"The client's errors".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "RETRYABLE_ERRORS",
    "ArizeAPIError",
    "ArizeAmbiguousMutationError",
    "ArizeAuthError",
    "ArizeConfigError",
    "ArizeDuplicateRunError",
    "ArizeError",
    "ArizeNotFoundError",
    "ArizeRateLimitError",
    "ArizeResponseError",
    "ArizeRunFailedError",
    "ArizeTransientError",
    "ArizeValidationError",
    "format_graphql_errors",
]


class ArizeError(Exception):
    """Base class of every error raised by the Arize client.

    ``operation_name`` is the GraphQL operation that failed (``None`` for errors raised outside a call).
    """

    def __init__(self, message: str, *, operation_name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.operation_name = operation_name

    def __str__(self) -> str:
        return self.message


class ArizeConfigError(ArizeError, ValueError):
    """Invalid input, detected before any request is sent. ``field`` names the offending setting."""

    def __init__(self, message: str, *, field: str | None = None, operation_name: str | None = None) -> None:
        super().__init__(message, operation_name=operation_name)
        self.field = field


class ArizeAuthError(ArizeError):
    """The key was refused (HTTP 401/403 or a ``FORBIDDEN``/``UNAUTHENTICATED`` GraphQL error).

    Never retried: a missing, expired or under-privileged key (mutations need an enterprise key with
    Developer Access) does not fix itself. ``status_code`` is the HTTP status (200 when the refusal came
    as a GraphQL error); ``errors`` holds the GraphQL errors verbatim, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        operation_name: str | None = None,
    ) -> None:
        super().__init__(message, operation_name=operation_name)
        self.status_code = status_code
        self.errors: list[dict[str, Any]] = [dict(e) for e in errors or ()]


class ArizeRateLimitError(ArizeError):
    """Arize's rate limit was hit and stayed hit for every attempt the retry policy allowed.

    ``retry_after`` is the server's last ``Retry-After`` in seconds (``None`` if it sent none);
    ``attempts`` is how many requests were sent.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status_code: int | None = None,
        attempts: int = 1,
        operation_name: str | None = None,
    ) -> None:
        super().__init__(message, operation_name=operation_name)
        self.retry_after = retry_after
        self.status_code = status_code
        self.attempts = attempts


class ArizeTransientError(ArizeError):
    """A failure that may pass: HTTP 5xx, a connection error, a timeout or a dropped connection.

    Raised once the retry policy is exhausted. ``status_code`` is ``None`` when no response arrived;
    ``attempts`` is how many requests were sent.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        attempts: int = 1,
        operation_name: str | None = None,
    ) -> None:
        super().__init__(message, operation_name=operation_name)
        self.status_code = status_code
        self.attempts = attempts


class ArizeAmbiguousMutationError(ArizeTransientError):
    """A non-idempotent mutation failed in a way that does not prove it did nothing.

    The request may have reached Arize (a 5xx, a read timeout, a connection dropped after sending), so
    the job may or may not exist, or the run may or may not have been triggered. The transport does not
    re-send it; the caller should look the job up (list the space's jobs) before trying again.
    """


class ArizeAPIError(ArizeError):
    """Arize answered, but refused the request: GraphQL ``errors`` on a 200, or another 4xx status.

    ``errors`` is the GraphQL ``errors`` list verbatim; ``data`` is whatever partial ``data`` came with
    it; ``validation_result`` is the first ``validationResult`` object found in a mutation payload of
    ``data``, verbatim; ``status_code`` is the HTTP status.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[Mapping[str, Any]] | None = None,
        validation_result: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        status_code: int | None = None,
        operation_name: str | None = None,
    ) -> None:
        super().__init__(message, operation_name=operation_name)
        self.errors: list[dict[str, Any]] = [dict(e) for e in errors or ()]
        self.validation_result: dict[str, Any] | None = (
            dict(validation_result) if validation_result is not None else None
        )
        self.data: dict[str, Any] | None = dict(data) if data is not None else None
        self.status_code = status_code


class ArizeResponseError(ArizeAPIError):
    """The response body is unusable: not JSON, not an object, no ``data``, wrong types, or too large.

    Not retried: a server (or a proxy in front of it) that answers garbage usually keeps doing so.
    """


#: Errors a caller polling on a schedule may tolerate a few times in a row.
RETRYABLE_ERRORS: tuple[type[ArizeError], ...] = (ArizeTransientError, ArizeRateLimitError)


def format_graphql_errors(errors: Sequence[Mapping[str, Any]] | None, *, limit: int = 5) -> str:
    """Join the ``message`` of each GraphQL error (verbatim, at most ``limit`` of them) with ``"; "``.

    An error's ``extensions.code`` is appended in brackets when present.
    """
    parts: list[str] = []
    for error in list(errors or ())[:limit]:
        message = error.get("message") if isinstance(error, Mapping) else None
        text = message if isinstance(message, str) else repr(error)
        extensions = error.get("extensions") if isinstance(error, Mapping) else None
        code = extensions.get("code") if isinstance(extensions, Mapping) else None
        parts.append(f"{text} [{code}]" if code else text)
    extra = len(errors or ()) - limit
    if extra > 0:
        parts.append(f"... and {extra} more")
    return "; ".join(parts)


_COMPLEXITY_TEXT = re.compile(r"complexity|query cost", re.IGNORECASE)


def is_complexity_error(errors: Sequence[Mapping[str, Any]] | None) -> bool:
    """Whether GraphQL ``errors`` say the request cost more than the host allows (nothing ran)."""
    for error in errors or ():
        if not isinstance(error, Mapping):
            continue
        extensions = error.get("extensions")
        code = extensions.get("code") if isinstance(extensions, Mapping) else None
        if isinstance(code, str) and "COMPLEXITY" in code.upper():
            return True
        message = error.get("message")
        if isinstance(message, str) and _COMPLEXITY_TEXT.search(message):
            return True
    return False


class ArizeNotFoundError(ArizeAPIError):
    """A job, space or query that was looked up does not exist (or this key cannot see it). Not retried."""


class ArizeValidationError(ArizeAPIError):
    """Arize's dry run or create refused the job: ``validation`` holds the parsed ``validationResult``
    (status, error code and message verbatim). Not retried: the job or its data must be fixed first."""

    def __init__(self, message: str, *, validation_result: Any, operation_name: str | None = None) -> None:
        raw = getattr(validation_result, "__dict__", None)
        super().__init__(message, operation_name=operation_name, validation_result=raw)
        self.validation = validation_result


class ArizeDuplicateRunError(ArizeAPIError):
    """A window of a table job has more than one query: two tasks triggered it at the same time. Not
    retried: a retry would find the same two queries. ``queries`` holds them."""

    def __init__(self, message: str, *, queries: Sequence[Any] = ()) -> None:
        super().__init__(message, operation_name="CreateTriggeredOngoingTableRun")
        self.queries = list(queries)


class ArizeRunFailedError(ArizeError):
    """A wait ended because Arize reports the run (a table query, a file) as failed. Retrying the task
    waits on the same run again; it does not trigger a second one."""


class ArizeWaitTimeoutError(ArizeError):
    """A wait's deadline passed before Arize reported the run finished. Nothing was cancelled in Arize:
    the run may still finish, and a retried task waits on the same run rather than starting another."""
