"""The one GraphQL transport of the Arize client, sync (:class:`GraphQLTransport`) and async
(:class:`AsyncGraphQLTransport`), on httpx: all policy in shared code, only the I/O differs.

Its contract (request, timeouts, retries, idempotency, size limit, secrets): docs/connection.md,
"The transport" and "Retries".
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import math
import os
import random
import re
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx
import tenacity

from airflow_provider_arize import __version__
from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import (
    ArizeAmbiguousMutationError,
    ArizeAPIError,
    ArizeAuthError,
    ArizeConfigError,
    ArizeError,
    ArizeRateLimitError,
    ArizeResponseError,
    ArizeTransientError,
    format_graphql_errors,
)
from airflow_provider_arize.api.retry import (
    TLS_VERIFY_FAILED,
    Classification,
    Outcome,
    RetryPolicy,
    classify_exception,
    classify_response,
    parse_retry_after,
    retry_delay,
    should_retry,
)

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_USER_AGENT",
    "AsyncGraphQLTransport",
    "AttemptInfo",
    "GraphQLTransport",
    "TransportConfig",
    "TransportStats",
]

logger = logging.getLogger(__name__)

#: Seconds one attempt may take (docs/connection.md, "The transport": how it is enforced).
DEFAULT_TIMEOUT: float = 30.0
#: Seconds to establish a connection.
DEFAULT_CONNECT_TIMEOUT: float = 10.0
#: Largest response body read (decoded bytes).
DEFAULT_MAX_RESPONSE_BYTES: int = 20 * 1024 * 1024
DEFAULT_USER_AGENT: str = f"airflow-provider-arize/{__version__} httpx/{httpx.__version__}"

_NAME_RE = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_HEADER_TOKEN_RE = re.compile(r"[\x21-\x7e]+")
_HEADER_TEXT_RE = re.compile(r"[\x20-\x7e]+")


# --------------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TransportConfig:
    """Everything a transport needs; validated on construction (:class:`ArizeConfigError` naming the
    field). ``api_key`` is excluded from ``repr`` and surrounding whitespace is stripped.

    ``endpoint`` is the base URL (``https://app.arize.com`` by default); ``/graphql`` is appended
    unless the path already ends with it. ``verify`` is ``True``/``False`` or the path of a CA bundle
    file or directory.
    """

    api_key: str = field(repr=False)
    endpoint: str = constants.DEFAULT_ENDPOINT
    timeout: float = DEFAULT_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    verify: bool | str = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    user_agent: str = DEFAULT_USER_AGENT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def __post_init__(self) -> None:
        if not isinstance(self.api_key, str) or not self.api_key.strip():
            raise ArizeConfigError("api_key is empty: set the Arize developer API key", field="api_key")
        object.__setattr__(self, "api_key", self.api_key.strip())
        if not _HEADER_TOKEN_RE.fullmatch(self.api_key):
            raise ArizeConfigError(
                "api_key contains whitespace or characters not allowed in an HTTP header", field="api_key"
            )
        _graphql_url(self.endpoint)  # validates
        for name in ("timeout", "connect_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ArizeConfigError(f"{name} must be a number of seconds", field=name)
            if not math.isfinite(value) or value <= 0:
                raise ArizeConfigError(f"{name} must be a finite number of seconds > 0", field=name)
        if isinstance(self.max_response_bytes, bool) or not isinstance(self.max_response_bytes, int):
            raise ArizeConfigError("max_response_bytes must be an integer", field="max_response_bytes")
        if self.max_response_bytes <= 0:
            raise ArizeConfigError("max_response_bytes must be > 0", field="max_response_bytes")
        if not isinstance(self.retry, RetryPolicy):
            raise ArizeConfigError("retry must be a RetryPolicy", field="retry")
        if not isinstance(self.user_agent, str) or not _HEADER_TEXT_RE.fullmatch(self.user_agent):
            raise ArizeConfigError("user_agent must be non-empty printable ASCII", field="user_agent")
        if isinstance(self.verify, str):
            if not os.path.exists(self.verify):
                raise ArizeConfigError(f"verify: CA bundle {self.verify!r} does not exist", field="verify")
        elif not isinstance(self.verify, bool):
            raise ArizeConfigError("verify must be a bool or the path of a CA bundle", field="verify")

    @property
    def url(self) -> str:
        """The full GraphQL URL requests are posted to."""
        return _graphql_url(self.endpoint)

    def httpx_timeout(self) -> httpx.Timeout:
        """Per-phase httpx timeouts derived from ``timeout`` and ``connect_timeout``."""
        return httpx.Timeout(self.timeout, connect=min(self.connect_timeout, self.timeout))

    def ssl_verify(self) -> bool | ssl.SSLContext:
        """The ``verify`` argument for httpx: ``False``, or an SSL context (cached per process, since
        loading a CA bundle costs ~80 ms per client) for the default trust store or the given bundle."""
        if self.verify is False:
            return False
        return _ssl_context(self.verify)


@functools.lru_cache(maxsize=8)
def _ssl_context(verify: bool | str) -> ssl.SSLContext:
    if isinstance(verify, str):
        if os.path.isdir(verify):
            return ssl.create_default_context(capath=verify)
        return ssl.create_default_context(cafile=verify)
    # httpx's own default: certifi, or SSL_CERT_FILE / SSL_CERT_DIR when set.
    return httpx.create_ssl_context(verify=True)


def _graphql_url(endpoint: str) -> str:
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise ArizeConfigError("endpoint is empty: set the Arize base URL", field="endpoint")
    try:
        url = httpx.URL(endpoint.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        raise ArizeConfigError(f"endpoint {endpoint!r} is not a valid URL", field="endpoint") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ArizeConfigError(
            f"endpoint {endpoint!r} must be an absolute http(s) URL such as {constants.DEFAULT_ENDPOINT}",
            field="endpoint",
        )
    if url.query or url.fragment or url.userinfo:
        raise ArizeConfigError(
            f"endpoint must not carry a query string, fragment or credentials: {url.host}", field="endpoint"
        )
    path = url.path.rstrip("/")
    if not path.endswith(constants.GRAPHQL_PATH):
        path += constants.GRAPHQL_PATH
    return str(url.copy_with(path=path))


# --------------------------------------------------------------------------------------------------
# Observability
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptInfo:
    """One request, as passed to the ``on_response`` hook after every attempt.

    ``status_code`` is ``None`` when no response arrived; ``delay`` is the wait before the next attempt,
    or ``None`` when no attempt follows; ``response_bytes`` counts the body bytes read. ``rate_limited``
    says the answer was a rate limit (HTTP 429 or a GraphQL rate-limit error) and ``retry_after`` is its
    ``Retry-After`` in seconds (uncapped; ``None`` without one): what an adaptive pacer learns from.
    """

    operation_name: str
    attempt: int
    status_code: int | None
    outcome: Outcome
    reason: str
    elapsed: float
    delay: float | None
    response_bytes: int
    rate_limited: bool = False
    retry_after: float | None = None


@dataclass
class TransportStats:
    """Counters of one transport instance (thread-safe increments)."""

    requests: int = 0  #: HTTP requests sent (attempts).
    retries: int = 0  #: attempts that were followed by another attempt.
    calls: int = 0  #: ``execute`` calls started.
    failures: int = 0  #: ``execute`` calls that raised after at least one attempt.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


OnResponse = Callable[[AttemptInfo], None]


# --------------------------------------------------------------------------------------------------
# Shared policy: request preparation, response interpretation, the retry loop state
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    headers: dict[str, str] = field(repr=False)
    content: bytes = field(repr=False)


@dataclass
class _AttemptResult:
    classification: Classification
    status_code: int | None = None
    data: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    retry_after: float | None = None
    detail: str = ""
    malformed: bool = False
    size: int = 0
    exception: BaseException | None = None


class _BodyReader:
    """Collects a streamed body up to ``limit`` bytes and within the attempt's deadline."""

    def __init__(self, response: httpx.Response, limit: int, deadline: float) -> None:
        self._limit = limit
        self._deadline = deadline
        self._chunks: list[bytes] = []
        self.size = 0
        self.oversized = False
        length = response.headers.get("content-length")
        if length is not None and length.strip().isdigit() and int(length) > limit:
            self.oversized = True
            self.size = int(length)

    @property
    def done(self) -> bool:
        return self.oversized

    def feed(self, chunk: bytes) -> None:
        """Add a chunk; raise ``httpx.ReadTimeout`` once the attempt's deadline has passed."""
        self.size += len(chunk)
        if self.size > self._limit:
            self.oversized = True
            self._chunks.clear()
            return
        self._chunks.append(chunk)
        if time.monotonic() > self._deadline:
            raise httpx.ReadTimeout("the attempt exceeded its total timeout while reading the body")

    def body(self) -> bytes | None:
        return None if self.oversized else b"".join(self._chunks)


def _redact(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret and secret in text else text


def _find_validation_result(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not isinstance(data, Mapping):
        return None
    for value in data.values():
        if isinstance(value, Mapping) and isinstance(value.get("validationResult"), Mapping):
            return dict(value["validationResult"])
    return None


def _describe_validation(result: Mapping[str, Any] | None) -> str:
    if not result:
        return ""
    error = result.get("error")
    parts = [f"validationStatus={result.get('validationStatus')!r}"]
    if isinstance(error, Mapping):
        parts.append(f"error={error.get('code')!r}: {error.get('message')!r}")
    return "; validationResult: " + ", ".join(parts)


class _Core:
    """State and policy shared by the sync and async transports (no I/O)."""

    def __init__(
        self, config: TransportConfig, on_response: OnResponse | None, rng: random.Random | None
    ) -> None:
        if not isinstance(config, TransportConfig):
            raise ArizeConfigError("config must be a TransportConfig", field="config")
        self.config = config
        self.url = config.url
        self.on_response = on_response
        self.rng = rng or random.Random()
        self.stats = TransportStats()

    def prepare(self, document: str, variables: Mapping[str, Any] | None, operation_name: str) -> _Prepared:
        if not isinstance(operation_name, str) or not _NAME_RE.fullmatch(operation_name):
            raise ArizeConfigError(
                "operation_name must be a GraphQL name such as 'ListSpaces'", field="operation_name"
            )
        if not isinstance(document, str) or not document.strip():
            raise ArizeConfigError(
                f"document for {operation_name} is empty", field="document", operation_name=operation_name
            )
        if variables is not None and not isinstance(variables, Mapping):
            raise ArizeConfigError(
                f"variables for {operation_name} must be a mapping",
                field="variables",
                operation_name=operation_name,
            )
        payload = {"query": document, "variables": dict(variables or {}), "operationName": operation_name}
        try:
            content = json.dumps(payload, allow_nan=False, separators=(",", ":")).encode()
        except (TypeError, ValueError) as exc:
            # The message names the problem type only: variables can hold secrets.
            raise ArizeConfigError(
                f"variables for {operation_name} are not JSON-serialisable ({type(exc).__name__})",
                field="variables",
                operation_name=operation_name,
            ) from None
        headers = {
            constants.API_KEY_HEADER: self.config.api_key,
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": self.config.user_agent,
        }
        return _Prepared(headers=headers, content=content)

    def start(
        self,
        document: str,
        variables: Mapping[str, Any] | None,
        operation_name: str,
        idempotent: bool,
        closed: bool,
    ) -> tuple[_Prepared, _Call]:
        """Validate and encode a call (nothing is sent) and open its retry loop."""
        if isinstance(operation_name, str):
            operation_name = str(operation_name)  # an Operation enum member becomes its plain name
        prepared = self.prepare(document, variables, operation_name)
        if closed:
            raise ArizeError("the transport is closed", operation_name=operation_name)
        return prepared, _Call(self, operation_name, bool(idempotent))

    def reader(self, response: httpx.Response, started: float) -> _BodyReader:
        return _BodyReader(response, self.config.max_response_bytes, started + self.config.timeout)

    # -- interpretation --------------------------------------------------------------------------

    def interpret_exception(self, exc: BaseException) -> _AttemptResult:
        return _AttemptResult(classification=classify_exception(exc), exception=exc)

    def interpret_response(self, response: httpx.Response, reader: _BodyReader) -> _AttemptResult:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        body = reader.body()
        envelope: Any = None
        detail = ""
        if body is None:
            detail = f"response body exceeds max_response_bytes ({self.config.max_response_bytes} bytes)"
        elif not body.strip():
            detail = "response body is empty"
        else:
            try:
                envelope = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                detail = f"response body is not JSON (Content-Type {response.headers.get('content-type')!r})"
        raw_errors = envelope.get("errors") if isinstance(envelope, dict) else None
        errors_ok = raw_errors is None or (
            isinstance(raw_errors, list) and all(isinstance(e, dict) for e in raw_errors)
        )
        errors: list[dict[str, Any]] = list(raw_errors) if errors_ok and raw_errors else []
        result = _AttemptResult(
            classification=classify_response(status, errors),
            status_code=status,
            errors=errors,
            retry_after=retry_after,
            size=reader.size,
        )
        if isinstance(envelope, dict) and isinstance(envelope.get("data"), dict):
            result.data = envelope["data"]
        if 300 <= status <= 399:
            location = response.headers.get("location")
            result.detail = f"redirect to {location!r} not followed; set the endpoint to the final URL"
        if not 200 <= status <= 299:
            result.detail = result.detail or detail
            return result
        # A 2xx must be a well-formed GraphQL envelope, whatever it says.
        if not detail and not isinstance(envelope, dict):
            detail = f"response body is a JSON {type(envelope).__name__}, not an object"
        elif not detail and not errors_ok:
            detail = "response 'errors' is not a list of objects"
        elif not detail and not errors and not isinstance(envelope.get("data"), dict):
            detail = "response has no 'data' object"
        if detail and result.classification.outcome in (Outcome.SUCCESS, Outcome.FATAL):
            result.classification = Classification(Outcome.FATAL, ArizeResponseError, "malformed response")
            result.malformed = True
            result.detail = detail
        return result

    # -- error construction ----------------------------------------------------------------------

    def build_error(
        self, result: _AttemptResult, operation_name: str, attempts: int, ambiguous: bool
    ) -> ArizeError:
        key = self.config.api_key
        c = result.classification
        status = result.status_code
        where = f"HTTP {status}" if status is not None else c.reason
        gql = _redact(format_graphql_errors(result.errors), key)
        gql_part = f": {gql}" if gql else ""
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        exc = result.exception
        exc_text = _redact(str(exc), key) if exc is not None and str(exc) else ""
        cause = f"{c.reason}: {exc_text}" if exc_text else c.reason
        if ambiguous:
            return ArizeAmbiguousMutationError(
                f"Arize {operation_name} is not idempotent and failed after the request may have reached "
                f"the server ({cause}){gql_part}; it was not re-sent. Look the job up before retrying.",
                status_code=status,
                attempts=attempts,
                operation_name=operation_name,
            )
        if c.error_type is ArizeRateLimitError:
            after = f"; last Retry-After {result.retry_after:g} s" if result.retry_after is not None else ""
            return ArizeRateLimitError(
                f"Arize rate limit hit for {operation_name} ({c.reason}){gql_part}; gave up {tries}{after}",
                retry_after=result.retry_after,
                status_code=status,
                attempts=attempts,
                operation_name=operation_name,
            )
        if c.error_type is ArizeTransientError:
            return ArizeTransientError(
                f"Arize {operation_name} failed transiently ({cause}){gql_part}; gave up {tries}",
                status_code=status,
                attempts=attempts,
                operation_name=operation_name,
            )
        if c.error_type is ArizeAuthError:
            return ArizeAuthError(
                f"Arize refused the API key for {operation_name} ({where}){gql_part}. Check the key, that "
                "Developer Access is on for its user, and that mutations are enabled for the account.",
                status_code=status,
                errors=result.errors,
                operation_name=operation_name,
            )
        if c.error_type is ArizeConfigError and c.reason == TLS_VERIFY_FAILED:
            return ArizeConfigError(
                f"Arize {operation_name} could not be sent: {TLS_VERIFY_FAILED} for {self.url} ({exc_text}). "
                "Trust the server's CA with the connection's ca_bundle extra; verify=false turns "
                "verification off (logged as a warning; for a local emulator only)",
                field="verify",
                operation_name=operation_name,
            )
        if c.error_type is ArizeConfigError:
            # The exception text is deliberately not quoted: a header error can echo header values.
            return ArizeConfigError(
                f"Arize {operation_name} could not be sent ({c.reason}); check the endpoint and api_key",
                field="endpoint" if c.reason == "UnsupportedProtocol" else "api_key",
                operation_name=operation_name,
            )
        validation = _find_validation_result(result.data)
        if c.error_type is ArizeResponseError or result.malformed:
            return ArizeResponseError(
                f"Arize {operation_name} returned an unusable response ({where}): {result.detail}",
                errors=result.errors,
                data=result.data,
                status_code=status,
                operation_name=operation_name,
            )
        detail = f"; {_redact(result.detail, key)}" if result.detail else ""
        return ArizeAPIError(
            f"Arize {operation_name} failed ({where}){gql_part or ': no GraphQL errors in the body'}"
            f"{_redact(_describe_validation(validation), key)}{detail}",
            errors=result.errors,
            validation_result=validation,
            data=result.data,
            status_code=status,
            operation_name=operation_name,
        )


class _Call:
    """The retry policy of one ``execute`` call as tenacity's callbacks (:meth:`retrying_kwargs`): what
    is retried, how long to wait, what is reported and logged; and its final answer (:meth:`finish`)."""

    def __init__(self, core: _Core, operation_name: str, idempotent: bool) -> None:
        self.core = core
        self.operation_name = operation_name
        self.idempotent = idempotent
        self.attempt = 0
        self.started = 0.0
        core.stats.add(calls=1)

    def begin(self) -> float:
        self.attempt += 1
        self.started = time.monotonic()
        self.core.stats.add(requests=1)
        return self.started

    def _report(self, result: _AttemptResult, delay: float | None) -> None:
        if self.core.on_response is not None:
            self.core.on_response(
                AttemptInfo(
                    operation_name=self.operation_name,
                    attempt=self.attempt,
                    status_code=result.status_code,
                    outcome=result.classification.outcome,
                    reason=result.classification.reason,
                    elapsed=time.monotonic() - self.started,
                    delay=delay,
                    response_bytes=result.size,
                    rate_limited=result.classification.error_type is ArizeRateLimitError,
                    retry_after=result.retry_after,
                )
            )

    def succeed(self, result: _AttemptResult) -> dict[str, Any]:
        assert result.data is not None
        self._report(result, None)
        level = logging.INFO if self.attempt > 1 else logging.DEBUG
        logger.log(
            level,
            "Arize %s succeeded: HTTP %s on attempt %d (%.0f ms)",
            self.operation_name,
            result.status_code,
            self.attempt,
            (time.monotonic() - self.started) * 1000,
        )
        return result.data

    # -- tenacity's callbacks ----------------------------------------------------------------------
    def retrying_kwargs(self) -> dict[str, Any]:
        """Arguments of ``tenacity.Retrying`` / ``AsyncRetrying`` (all but ``sleep``): at most
        ``max_attempts`` attempts; a failed attempt is retried when its outcome allows it for this call;
        the last result is returned when the attempts run out, for :meth:`finish` to raise."""
        return {
            "stop": tenacity.stop_after_attempt(self.core.config.retry.max_attempts),
            "retry": tenacity.retry_if_result(self._retryable),
            "wait": self._wait,
            "before_sleep": self._before_sleep,
            "retry_error_callback": lambda state: _last_result(state),
        }

    def _retryable(self, result: _AttemptResult) -> bool:
        outcome = result.classification.outcome
        return outcome is not Outcome.SUCCESS and should_retry(outcome, idempotent=self.idempotent)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        """``Retry-After`` (capped) when the server sent one, else exponential backoff, full jitter."""
        result = _last_result(state)
        return retry_delay(state.attempt_number, self.core.config.retry, self.core.rng, result.retry_after)

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        result, delay = _last_result(state), state.upcoming_sleep
        self._report(result, delay)
        self.core.stats.add(retries=1)
        logger.warning(
            "Arize %s attempt %d/%d failed (%s); retrying in %.2f s",
            self.operation_name,
            self.attempt,
            self.core.config.retry.max_attempts,
            result.classification.reason,
            delay,
        )

    def finish(self, result: _AttemptResult) -> dict[str, Any]:
        """The call's answer: the data of a successful attempt, or the final error raised."""
        if result.classification.outcome is Outcome.SUCCESS:
            return self.succeed(result)
        outcome = result.classification.outcome
        policy = self.core.config.retry
        retryable = should_retry(outcome, idempotent=self.idempotent)
        ambiguous = outcome is Outcome.RETRY_AMBIGUOUS and not self.idempotent
        self._report(result, None)
        self.core.stats.add(failures=1)
        error = self.core.build_error(result, self.operation_name, self.attempt, ambiguous)
        if not (retryable or ambiguous) and result.data is not None:
            # GraphQL errors next to data: e.g. one unknown job in a batched read, which the caller sorts
            # out per alias; the request itself went well, so this is no failure worth an INFO line.
            logger.debug(
                "Arize %s answered with data and GraphQL errors (%s): raising %s for the caller to sort out",
                self.operation_name,
                result.classification.reason,
                type(error).__name__,
            )
            raise error from None
        log_level = logging.WARNING if (retryable or ambiguous) else logging.INFO
        logger.log(
            log_level,
            "Arize %s failed on attempt %d/%d (%s): raising %s (%s)",
            self.operation_name,
            self.attempt,
            policy.max_attempts,
            result.classification.reason,
            type(error).__name__,
            "attempts exhausted" if retryable else "not retryable",
        )
        if result.exception is not None and not isinstance(error, ArizeConfigError):
            raise error from result.exception
        raise error from None


def _last_result(state: tenacity.RetryCallState) -> _AttemptResult:
    """The result of the attempt tenacity has just finished (attempts return results, never raise)."""
    assert state.outcome is not None
    result: _AttemptResult = state.outcome.result()
    return result


# --------------------------------------------------------------------------------------------------
# The transports
# --------------------------------------------------------------------------------------------------


class _Transport:
    """What both transports hold: the shared policy core, and its settings and counters."""

    _core: _Core

    @property
    def config(self) -> TransportConfig:
        return self._core.config

    @property
    def stats(self) -> TransportStats:
        return self._core.stats

    @staticmethod
    def _client_kwargs(config: TransportConfig, http_transport: object | None) -> dict[str, Any]:
        """httpx client settings: the attempt timeouts, TLS, no redirects (a POST never follows one)."""
        return {
            "timeout": config.httpx_timeout(),
            "verify": config.ssl_verify() if http_transport is None else True,
            "transport": http_transport,
            "follow_redirects": False,
        }


class GraphQLTransport(_Transport):
    """Synchronous Arize GraphQL transport (thread-safe; one connection pool per instance).

    ``sleep`` waits between attempts (inject a recorder in tests); ``pace`` is called before a call's
    first attempt (a pacer's ``acquire``; retries are paced through ``sleep``); ``on_response`` is called
    with an :class:`AttemptInfo` after every attempt; ``rng`` drives the backoff jitter;
    ``http_transport`` replaces httpx's network transport (then ``verify`` is not used). ``stats`` counts
    requests and retries.
    """

    def __init__(
        self,
        config: TransportConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        pace: Callable[[], None] | None = None,
        on_response: OnResponse | None = None,
        rng: random.Random | None = None,
        http_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._core = _Core(config, on_response, rng)
        self._sleep = sleep
        self._pace = pace
        self._client = httpx.Client(**self._client_kwargs(config, http_transport))

    def execute(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str,
        idempotent: bool = True,
    ) -> dict[str, Any]:
        """Send one GraphQL operation and return its ``data`` object.

        Up to ``config.retry.max_attempts`` requests: 429 / GraphQL rate-limit errors wait for
        ``Retry-After`` (capped) or backoff; 5xx, timeouts and dropped connections back off with full
        jitter. Each attempt is bounded by ``config.timeout``; a timed-out attempt is a transient
        failure. With ``idempotent=False`` (real creates, triggering a run) only failures that prove
        nothing was sent are retried, anything else raises :class:`ArizeAmbiguousMutationError`.

        Raises :class:`ArizeConfigError` before sending for bad input; :class:`ArizeAuthError`,
        :class:`ArizeAPIError` and :class:`ArizeResponseError` at once; :class:`ArizeRateLimitError`
        and :class:`ArizeTransientError` when the attempts run out. ``sleep`` is called between
        attempts, ``on_response`` after each one (its exceptions propagate).
        """
        prepared, call = self._core.start(
            document, variables, operation_name, idempotent, self._client.is_closed
        )
        retrying = tenacity.Retrying(sleep=self._sleep, **call.retrying_kwargs())
        if self._pace is not None:
            self._pace()
        return call.finish(retrying(self._attempt, prepared, call))

    def _attempt(self, prepared: _Prepared, call: _Call) -> _AttemptResult:
        started = call.begin()
        try:
            with self._client.stream(
                "POST", self._core.url, content=prepared.content, headers=prepared.headers
            ) as response:
                reader = self._core.reader(response, started)
                if not reader.done:
                    for chunk in response.iter_bytes():
                        reader.feed(chunk)
                        if reader.done:
                            break
                return self._core.interpret_response(response, reader)
        except httpx.TransportError as exc:
            return self._core.interpret_exception(exc)

    def close(self) -> None:
        """Close the connection pool. Idempotent."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncGraphQLTransport(_Transport):
    """Asynchronous twin of :class:`GraphQLTransport` (same contract, same policy code).

    Use one instance per event loop (e.g. per trigger run); ``sleep`` is awaited between attempts.
    """

    def __init__(
        self,
        config: TransportConfig,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_response: OnResponse | None = None,
        rng: random.Random | None = None,
        http_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._core = _Core(config, on_response, rng)
        self._sleep = sleep
        self._client = httpx.AsyncClient(**self._client_kwargs(config, http_transport))

    async def execute(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str,
        idempotent: bool = True,
    ) -> dict[str, Any]:
        """Async :meth:`GraphQLTransport.execute`: same retries, errors and idempotency rules."""
        prepared, call = self._core.start(
            document, variables, operation_name, idempotent, self._client.is_closed
        )
        retrying = tenacity.AsyncRetrying(sleep=self._sleep, **call.retrying_kwargs())
        return call.finish(await retrying(self._attempt, prepared, call))

    async def _attempt(self, prepared: _Prepared, call: _Call) -> _AttemptResult:
        started = call.begin()
        try:
            async with self._client.stream(
                "POST", self._core.url, content=prepared.content, headers=prepared.headers
            ) as response:
                reader = self._core.reader(response, started)
                if not reader.done:
                    async for chunk in response.aiter_bytes():
                        reader.feed(chunk)
                        if reader.done:
                            break
                return self._core.interpret_response(response, reader)
        except httpx.TransportError as exc:
            return self._core.interpret_exception(exc)

    async def aclose(self) -> None:
        """Close the connection pool. Idempotent."""
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
