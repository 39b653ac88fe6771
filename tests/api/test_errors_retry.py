"""Errors, retry policy and the GraphQL transport, end to end over real HTTP.

A tiny starlette app served by uvicorn on 127.0.0.1 (in a thread) answers a scripted sequence of
responses; every transport scenario runs through both the sync and the async transport. Sleeping is
injected, so retries cost no wall-clock time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import socket
import threading
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from fractions import Fraction
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import (
    RETRYABLE_ERRORS,
    ArizeAmbiguousMutationError,
    ArizeAPIError,
    ArizeAuthError,
    ArizeConfigError,
    ArizeError,
    ArizeRateLimitError,
    ArizeResponseError,
    ArizeTransientError,
)
from airflow_provider_arize.api.retry import (
    Outcome,
    RetryPolicy,
    backoff_delay,
    classify,
    parse_retry_after,
    retry_delay,
    should_retry,
)
from airflow_provider_arize.api.transport import (
    AsyncGraphQLTransport,
    AttemptInfo,
    GraphQLTransport,
    TransportConfig,
)
from airflow_provider_arize.local_services.asgi_thread import ThreadedASGIServer

API_KEY = "ak-TOPSECRET-0123456789abcdef"
SECRET_VARIABLE = "dapi-VARIABLE-SECRET-TOKEN"
DOC = "query TestConnection { __typename }"
OK = {"data": {"__typename": "Query"}}
KINDS = ["sync", "async"]

# --------------------------------------------------------------------------------------------------
# Scripted server
# --------------------------------------------------------------------------------------------------

Action = Callable[[Request], Awaitable[Response]]


def reply(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Action:
    async def action(request: Request) -> Response:
        return JSONResponse(body if body is not None else OK, status_code=status, headers=headers)

    return action


def raw(status: int, content: bytes, content_type: str = "text/html") -> Action:
    async def action(request: Request) -> Response:
        return Response(content, status_code=status, media_type=content_type)

    return action


def streamed(status: int, size: int) -> Action:
    """A chunked body of ``size`` bytes, without Content-Length."""

    async def action(request: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(size // 1024):
                yield b" " * 1024

        return StreamingResponse(chunks(), status_code=status, media_type="application/json")

    return action


def slow(seconds: float, then: Action) -> Action:
    async def action(request: Request) -> Response:
        await asyncio.sleep(seconds)
        return await then(request)

    return action


class _DropResponse(Response):
    """Sends headers and part of the body, then fails: uvicorn closes the connection mid-response."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1000")]})
        await send({"type": "http.response.body", "body": b'{"data": {', "more_body": True})
        raise RuntimeError("simulated connection drop")


def drop() -> Action:
    async def action(request: Request) -> Response:
        return _DropResponse()

    return action


class ScriptedServer:
    def __init__(self) -> None:
        self.script: deque[Action] = deque()
        self.requests: list[dict[str, Any]] = []
        self.app = Starlette(routes=[Route("/graphql", self.endpoint, methods=["POST"])])
        self.port = 0

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        self.requests.append(
            {"path": request.url.path, "headers": dict(request.headers), "body": json.loads(body)}
        )
        if not self.script:
            return JSONResponse({"errors": [{"message": "script exhausted"}]}, status_code=599)
        return await self.script.popleft()(request)

    def load(self, *actions: Action) -> None:
        self.script = deque(actions)
        self.requests = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    with ThreadedASGIServer(
        scripted.app,
        name="scripted server",
        force_exit=False,
        http="h11",
        log_level="critical",
        graceful_shutdown=1,
    ) as serving:
        scripted.port = serving.port
        yield scripted


@pytest.fixture
def srv(server: ScriptedServer) -> ScriptedServer:
    server.load()
    return server


# --------------------------------------------------------------------------------------------------
# Harness: one call through the sync or the async transport
# --------------------------------------------------------------------------------------------------

FAST = RetryPolicy(max_attempts=3, backoff_base=0.5, backoff_max=4.0, max_retry_after=5.0)


@dataclass
class CallResult:
    data: dict[str, Any] | None = None
    error: ArizeError | None = None
    sleeps: list[float] = field(default_factory=list)
    attempts: list[AttemptInfo] = field(default_factory=list)
    requests: int = 0
    retries: int = 0


def _assert_no_secrets(text: str) -> None:
    assert API_KEY not in text
    assert SECRET_VARIABLE not in text
    assert "x-api-key" not in text.lower()


def call(
    kind: str,
    endpoint: str,
    *,
    idempotent: bool = True,
    variables: dict[str, Any] | None = None,
    operation_name: str = "TestConnection",
    document: str = DOC,
    **config: Any,
) -> CallResult:
    config.setdefault("retry", FAST)
    cfg = TransportConfig(api_key=API_KEY, endpoint=endpoint, **config)
    result = CallResult()
    variables = {"input": {"token": SECRET_VARIABLE}} if variables is None else variables

    def record(delay: float) -> None:
        result.sleeps.append(delay)

    if kind == "sync":
        with GraphQLTransport(cfg, sleep=record, on_response=result.attempts.append) as transport:
            try:
                result.data = transport.execute(
                    document, variables, operation_name=operation_name, idempotent=idempotent
                )
            except ArizeError as exc:
                result.error = exc
            stats = transport.stats
    else:

        async def asleep(delay: float) -> None:
            record(delay)

        async def run() -> Any:
            async with AsyncGraphQLTransport(
                cfg, sleep=asleep, on_response=result.attempts.append
            ) as transport:
                try:
                    result.data = await transport.execute(
                        document, variables, operation_name=operation_name, idempotent=idempotent
                    )
                except ArizeError as exc:
                    result.error = exc
                return transport.stats

        stats = asyncio.run(run())
    result.requests, result.retries = stats.requests, stats.retries
    if result.error is not None:  # every error of every scenario: no key, no headers, no variables
        _assert_no_secrets(str(result.error))
        _assert_no_secrets(repr(result.error))
        if not (isinstance(result.error, ArizeConfigError) and result.error.field == "operation_name"):
            assert result.error.operation_name == operation_name
    return result


# --------------------------------------------------------------------------------------------------
# Retry-After, backoff, classification (pure)
# --------------------------------------------------------------------------------------------------

NOW = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("5", 5.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        ("Wed, 01 Jan 2025 12:00:10 GMT", 10.0),
        ("Wed, 01 Jan 2025 11:00:00 GMT", 0.0),  # in the past
        (None, None),
        ("", None),
        ("soon", None),
        ("-3", None),
        ("5 seconds", None),
        ("Wed, 99 Foo 2025", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected


def test_retry_delay_honours_and_caps_retry_after() -> None:
    policy = RetryPolicy(max_retry_after=60)
    assert retry_delay(1, policy, random.Random(0), retry_after=7) == 7
    assert retry_delay(1, policy, random.Random(0), retry_after=3600) == 60
    assert 0 <= retry_delay(1, policy, random.Random(0), retry_after=None) <= policy.backoff_base


def test_backoff_bounds_and_jitter() -> None:
    policy = RetryPolicy()  # base 0.5, max 30
    rng = random.Random(42)
    for attempt in range(1, 12):
        cap = min(policy.backoff_max, policy.backoff_base * 2 ** (attempt - 1))
        samples = [backoff_delay(attempt, policy, rng) for _ in range(300)]
        assert all(0 <= s <= cap for s in samples)
        assert max(samples) > 0.8 * cap and min(samples) < 0.2 * cap  # full jitter spans the range
        assert len(set(samples)) > 250
    assert backoff_delay(10_000, policy, rng) <= policy.backoff_max  # no overflow


@given(
    attempt=st.integers(1, 5000),
    base=st.floats(0, 10, allow_nan=False),
    extra=st.floats(0, 100, allow_nan=False),
    seed=st.integers(0, 2**32),
)
def test_backoff_property(attempt: int, base: float, extra: float, seed: int) -> None:
    policy = RetryPolicy(backoff_base=base, backoff_max=base + extra)
    delay = backoff_delay(attempt, policy, random.Random(seed))
    assert 0 <= delay <= min(Fraction(policy.backoff_max), Fraction(base) * 2 ** (attempt - 1))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_attempts": 0},
        {"backoff_base": -1},
        {"backoff_max": 0.1, "backoff_base": 1},
        {"max_retry_after": float("inf")},
    ],
)
def test_retry_policy_validation(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ArizeConfigError):
        RetryPolicy(**kwargs)


RATE_TEXT = [{"message": "Rate limit exceeded: 100 queries per minute"}]
TOO_MANY = [{"message": "Too Many Requests"}]
FORBIDDEN = [{"message": "not allowed", "extensions": {"code": "FORBIDDEN"}}]
UNAUTHENTICATED = [{"message": "who are you", "extensions": {"code": "UNAUTHENTICATED"}}]
PLAIN = [{"message": "Job not found", "path": ["node"]}]


@pytest.mark.parametrize(
    ("status", "errors", "outcome", "error_type"),
    [
        (200, None, Outcome.SUCCESS, None),
        (429, None, Outcome.RETRY_SAFE, ArizeRateLimitError),
        (500, None, Outcome.RETRY_AMBIGUOUS, ArizeTransientError),
        (502, None, Outcome.RETRY_AMBIGUOUS, ArizeTransientError),
        (503, None, Outcome.RETRY_AMBIGUOUS, ArizeTransientError),
        (504, None, Outcome.RETRY_AMBIGUOUS, ArizeTransientError),
        (401, None, Outcome.FATAL, ArizeAuthError),
        (403, None, Outcome.FATAL, ArizeAuthError),
        (400, PLAIN, Outcome.FATAL, ArizeAPIError),
        (404, None, Outcome.FATAL, ArizeAPIError),
        (200, PLAIN, Outcome.FATAL, ArizeAPIError),
        (200, RATE_TEXT, Outcome.RETRY_SAFE, ArizeRateLimitError),
        (200, TOO_MANY, Outcome.RETRY_SAFE, ArizeRateLimitError),
        (400, RATE_TEXT, Outcome.RETRY_SAFE, ArizeRateLimitError),
        (
            200,
            [{"message": "slow down", "extensions": {"code": "RATE_LIMITED"}}],
            Outcome.RETRY_SAFE,
            ArizeRateLimitError,
        ),
        (200, FORBIDDEN, Outcome.FATAL, ArizeAuthError),
        (200, UNAUTHENTICATED, Outcome.FATAL, ArizeAuthError),
        (401, RATE_TEXT, Outcome.FATAL, ArizeAuthError),
    ],
)
def test_classification_table(
    status: int, errors: list[dict[str, Any]] | None, outcome: Outcome, error_type: type[ArizeError] | None
) -> None:
    result = classify(status_code=status, errors=errors)
    assert result.outcome is outcome
    assert result.error_type is error_type


@pytest.mark.parametrize(
    ("exc", "outcome"),
    [
        (httpx.ConnectError("refused"), Outcome.RETRY_SAFE),
        (httpx.ConnectTimeout("slow connect"), Outcome.RETRY_SAFE),
        (httpx.PoolTimeout("pool"), Outcome.RETRY_SAFE),
        (httpx.ReadTimeout("slow read"), Outcome.RETRY_AMBIGUOUS),
        (httpx.WriteTimeout("slow write"), Outcome.RETRY_AMBIGUOUS),
        (httpx.ReadError("reset"), Outcome.RETRY_AMBIGUOUS),
        (httpx.RemoteProtocolError("peer closed"), Outcome.RETRY_AMBIGUOUS),
        (httpx.UnsupportedProtocol("ftp"), Outcome.FATAL),
        (httpx.LocalProtocolError("bad header"), Outcome.FATAL),
    ],
)
def test_exception_classification(exc: Exception, outcome: Outcome) -> None:
    assert classify(exception=exc).outcome is outcome


@pytest.mark.parametrize(
    ("outcome", "idempotent", "expected"),
    [
        (Outcome.RETRY_SAFE, True, True),
        (Outcome.RETRY_SAFE, False, True),
        (Outcome.RETRY_AMBIGUOUS, True, True),
        (Outcome.RETRY_AMBIGUOUS, False, False),
        (Outcome.FATAL, True, False),
        (Outcome.SUCCESS, True, False),
    ],
)
def test_should_retry(outcome: Outcome, idempotent: bool, expected: bool) -> None:
    assert should_retry(outcome, idempotent=idempotent) is expected


def test_error_hierarchy() -> None:
    assert issubclass(ArizeConfigError, ValueError)
    assert issubclass(ArizeAmbiguousMutationError, ArizeTransientError)
    assert issubclass(ArizeResponseError, ArizeAPIError)
    assert set(RETRYABLE_ERRORS) == {ArizeTransientError, ArizeRateLimitError}
    assert ArizeConfigError("bad timeout", field="timeout").field == "timeout"


# --------------------------------------------------------------------------------------------------
# TransportConfig
# --------------------------------------------------------------------------------------------------


def test_config_repr_hides_the_key() -> None:
    cfg = TransportConfig(api_key=API_KEY)
    assert API_KEY not in repr(cfg)
    assert API_KEY not in str(cfg)
    assert cfg.url == constants.DEFAULT_ENDPOINT + constants.GRAPHQL_PATH
    assert cfg.retry == RetryPolicy() and cfg.timeout == 30 and cfg.connect_timeout == 10
    assert cfg.max_response_bytes == 20 * 1024 * 1024 and cfg.verify is True


@pytest.mark.parametrize(
    ("endpoint", "url"),
    [
        ("https://app.arize.com", "https://app.arize.com/graphql"),
        ("https://app.arize.com/", "https://app.arize.com/graphql"),
        ("https://app.arize.com/graphql", "https://app.arize.com/graphql"),
        ("https://app.arize.com/graphql/", "https://app.arize.com/graphql"),
        ("http://localhost:8000/arize", "http://localhost:8000/arize/graphql"),
    ],
)
def test_endpoint_normalisation(endpoint: str, url: str) -> None:
    assert TransportConfig(api_key=API_KEY, endpoint=endpoint).url == url


@pytest.mark.parametrize(
    ("kwargs", "field_name"),
    [
        ({"api_key": ""}, "api_key"),
        ({"api_key": "   "}, "api_key"),
        ({"api_key": "abc\ndef"}, "api_key"),
        ({"endpoint": ""}, "endpoint"),
        ({"endpoint": "app.arize.com"}, "endpoint"),
        ({"endpoint": "ftp://app.arize.com"}, "endpoint"),
        ({"endpoint": "https://user:pw@app.arize.com"}, "endpoint"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"connect_timeout": -1}, "connect_timeout"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
        ({"verify": "/no/such/ca-bundle.pem"}, "verify"),
        ({"user_agent": "bad\nagent"}, "user_agent"),
    ],
)
def test_config_errors_name_the_field(kwargs: dict[str, Any], field_name: str) -> None:
    kwargs = {"api_key": API_KEY, **kwargs}
    with pytest.raises(ArizeConfigError) as info:
        TransportConfig(**kwargs)
    assert info.value.field == field_name
    assert field_name in str(info.value)
    _assert_no_secrets(str(info.value))


def test_key_whitespace_is_stripped() -> None:
    assert TransportConfig(api_key=f"  {API_KEY}\n").api_key == API_KEY


def test_verify_accepts_a_ca_bundle_path() -> None:
    import certifi

    cfg = TransportConfig(api_key=API_KEY, verify=certifi.where())
    assert not isinstance(cfg.ssl_verify(), bool)


# --------------------------------------------------------------------------------------------------
# Transport end to end
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_success_sends_the_documented_request(kind: str, srv: ScriptedServer) -> None:
    srv.load(reply(200))
    result = call(kind, srv.url, variables={"first": 5})
    assert result.data == {"__typename": "Query"}
    (request,) = srv.requests
    assert request["path"] == constants.GRAPHQL_PATH
    assert request["headers"][constants.API_KEY_HEADER] == API_KEY
    assert request["headers"]["content-type"] == "application/json"
    assert request["headers"]["user-agent"].startswith("airflow-provider-arize/")
    assert request["body"] == {"query": DOC, "variables": {"first": 5}, "operationName": "TestConnection"}
    assert (result.requests, result.retries, result.sleeps) == (1, 0, [])
    assert [a.outcome for a in result.attempts] == [Outcome.SUCCESS]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("idempotent", [True, False])
def test_429_honours_retry_after_even_for_mutations(kind: str, idempotent: bool, srv: ScriptedServer) -> None:
    srv.load(reply(429, {"errors": [{"message": "slow down"}]}, {"Retry-After": "2"}), reply(200))
    result = call(kind, srv.url, idempotent=idempotent)
    assert result.data == {"__typename": "Query"}
    assert result.sleeps == [2.0]
    assert (result.requests, result.retries) == (2, 1)
    assert [a.delay for a in result.attempts] == [2.0, None]


@pytest.mark.parametrize("kind", KINDS)
def test_retry_after_is_capped_and_http_date_understood(kind: str, srv: ScriptedServer) -> None:
    future = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    srv.load(
        reply(429, headers={"Retry-After": "9999"}), reply(429, headers={"Retry-After": future}), reply(200)
    )
    result = call(kind, srv.url)
    assert result.data is not None
    assert result.sleeps[0] == FAST.max_retry_after
    assert 1.0 <= result.sleeps[1] <= 3.0


@pytest.mark.parametrize("kind", KINDS)
def test_persistent_429_raises_rate_limit_error(kind: str, srv: ScriptedServer) -> None:
    srv.load(*[reply(429, headers={"Retry-After": "1"})] * 3)
    result = call(kind, srv.url)
    assert isinstance(result.error, ArizeRateLimitError)
    assert result.error.retry_after == 1.0 and result.error.attempts == 3
    assert "TestConnection" in str(result.error)
    assert result.sleeps == [1.0, 1.0] and result.requests == 3


@pytest.mark.parametrize("kind", KINDS)
def test_rate_limit_text_in_graphql_errors_is_retried(kind: str, srv: ScriptedServer) -> None:
    srv.load(reply(200, {"data": None, "errors": RATE_TEXT}), reply(200))
    result = call(kind, srv.url, idempotent=False)
    assert result.data is not None and result.requests == 2
    assert 0 <= result.sleeps[0] <= FAST.backoff_base


@pytest.mark.parametrize("kind", KINDS)
def test_503_is_retried_with_backoff_for_idempotent_calls(kind: str, srv: ScriptedServer) -> None:
    srv.load(raw(503, b"<html>busy</html>"), raw(502, b"bad gateway"), reply(200))
    result = call(kind, srv.url)
    assert result.data is not None
    assert result.requests == 3
    assert 0 <= result.sleeps[0] <= 0.5 and 0 <= result.sleeps[1] <= 1.0


@pytest.mark.parametrize("kind", KINDS)
def test_persistent_5xx_raises_transient_error(kind: str, srv: ScriptedServer) -> None:
    srv.load(*[raw(500, b"oops")] * 3)
    result = call(kind, srv.url)
    assert type(result.error) is ArizeTransientError
    assert result.error.status_code == 500 and result.error.attempts == 3
    assert "TestConnection" in str(result.error) and "3 attempts" in str(result.error)


@pytest.mark.parametrize("kind", KINDS)
def test_5xx_on_a_non_idempotent_mutation_is_ambiguous_and_not_resent(kind: str, srv: ScriptedServer) -> None:
    srv.load(raw(503, b"busy"), reply(200))
    result = call(kind, srv.url, idempotent=False)
    assert isinstance(result.error, ArizeAmbiguousMutationError)
    assert result.error.status_code == 503
    assert result.requests == 1 and len(srv.requests) == 1 and result.sleeps == []
    assert "Look the job up" in str(result.error)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", [401, 403])
def test_auth_errors_are_never_retried(kind: str, status: int, srv: ScriptedServer) -> None:
    srv.load(reply(status, {"errors": [{"message": "invalid api key"}]}), reply(200))
    result = call(kind, srv.url)
    assert isinstance(result.error, ArizeAuthError)
    assert result.error.status_code == status
    assert "invalid api key" in str(result.error)
    assert result.requests == 1 and result.sleeps == []


@pytest.mark.parametrize("kind", KINDS)
def test_forbidden_extension_code_is_an_auth_error(kind: str, srv: ScriptedServer) -> None:
    srv.load(reply(200, {"data": None, "errors": FORBIDDEN}))
    result = call(kind, srv.url)
    assert isinstance(result.error, ArizeAuthError) and result.error.errors == FORBIDDEN
    assert result.requests == 1


@pytest.mark.parametrize("kind", KINDS)
def test_graphql_errors_surface_verbatim(kind: str, srv: ScriptedServer) -> None:
    errors = [
        {"message": "Job U3BhY2U6MQ== not found", "locations": [{"line": 1, "column": 9}], "path": ["node"]},
        {"message": "second problem", "extensions": {"code": "BAD_USER_INPUT"}},
    ]
    srv.load(reply(200, {"data": {"node": None}, "errors": errors}))
    result = call(kind, srv.url, operation_name="GetTableImportJob", document="query GetTableImportJob { x }")
    error = result.error
    assert type(error) is ArizeAPIError
    assert error.errors == errors and error.data == {"node": None} and error.status_code == 200
    assert error.operation_name == "GetTableImportJob"
    for text in ("GetTableImportJob", "Job U3BhY2U6MQ== not found", "second problem", "BAD_USER_INPUT"):
        assert text in str(error)
    assert result.requests == 1


@pytest.mark.parametrize("kind", KINDS)
def test_validation_result_is_carried(kind: str, srv: ScriptedServer) -> None:
    validation = {
        "validationStatus": "failure",
        "error": {"code": "SCHEMA_MISMATCH", "message": "no column x"},
    }
    body = {
        "data": {"createTableImportJob": {"validationResult": validation}},
        "errors": [{"message": "invalid"}],
    }
    srv.load(reply(200, body))
    result = call(kind, srv.url, idempotent=False)
    assert isinstance(result.error, ArizeAPIError)
    assert result.error.validation_result == validation
    assert "no column x" in str(result.error)


@pytest.mark.parametrize("kind", KINDS)
def test_400_with_graphql_errors_is_an_api_error(kind: str, srv: ScriptedServer) -> None:
    errors = [{"message": 'Cannot query field "nope" on type "Query".'}]
    srv.load(reply(400, {"errors": errors}))
    result = call(kind, srv.url)
    assert type(result.error) is ArizeAPIError
    assert result.error.status_code == 400 and result.error.errors == errors
    assert result.requests == 1


@pytest.mark.parametrize("kind", KINDS)
def test_redirects_are_not_followed(kind: str, srv: ScriptedServer) -> None:
    async def redirect(request: Request) -> Response:
        return Response(status_code=307, headers={"Location": "https://elsewhere.example/graphql"})

    srv.load(redirect, reply(200))
    result = call(kind, srv.url)
    assert type(result.error) is ArizeAPIError and result.error.status_code == 307
    assert "elsewhere.example" in str(result.error)
    assert len(srv.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("action", "detail"),
    [
        (raw(200, b"<html>proxy login</html>"), "not JSON"),
        (raw(200, b"[1, 2]", "application/json"), "not an object"),
        (raw(200, b"", "application/json"), "empty"),
        (reply(200, {"data": None}), "no 'data'"),
        (reply(200, {"data": [1]}), "no 'data'"),
        (reply(200, {"errors": "boom"}), "not a list"),
    ],
)
def test_malformed_bodies_raise_response_error(
    kind: str, action: Action, detail: str, srv: ScriptedServer
) -> None:
    srv.load(action, reply(200))
    result = call(kind, srv.url)
    assert isinstance(result.error, ArizeResponseError)
    assert detail in str(result.error) and "TestConnection" in str(result.error)
    assert result.requests == 1


@pytest.mark.parametrize("kind", KINDS)
def test_oversized_bodies_are_refused(kind: str, srv: ScriptedServer) -> None:
    big = {"data": {"blob": "x" * 4096}}
    srv.load(reply(200, big), streamed(200, 64 * 1024), raw(503, b"x" * 8192), reply(200))
    first = call(kind, srv.url, max_response_bytes=2048)  # Content-Length says too big
    assert isinstance(first.error, ArizeResponseError) and "max_response_bytes" in str(first.error)
    second = call(kind, srv.url, max_response_bytes=2048)  # chunked, no Content-Length
    assert isinstance(second.error, ArizeResponseError) and second.attempts[0].response_bytes > 2048
    third = call(kind, srv.url, max_response_bytes=2048)  # an oversized 503 is still a transient 503
    assert third.data is not None and third.requests == 2


@pytest.mark.parametrize("kind", KINDS)
def test_connection_dropped_mid_response(kind: str, srv: ScriptedServer) -> None:
    srv.load(drop(), reply(200))
    retried = call(kind, srv.url)
    assert retried.data is not None and retried.requests == 2
    assert retried.attempts[0].outcome is Outcome.RETRY_AMBIGUOUS
    srv.load(drop(), reply(200))
    refused = call(kind, srv.url, idempotent=False)
    assert isinstance(refused.error, ArizeAmbiguousMutationError) and refused.requests == 1
    assert refused.error.status_code is None


@pytest.fixture
def hangup_server() -> Iterator[str]:
    """A raw TCP server that reads the request and closes without answering."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            conn.recv(65536)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    thread.join(2)
    sock.close()


@pytest.mark.parametrize("kind", KINDS)
def test_server_hangs_up_before_answering(kind: str, hangup_server: str) -> None:
    ambiguous = call(kind, hangup_server, idempotent=False)
    assert isinstance(ambiguous.error, ArizeAmbiguousMutationError) and ambiguous.requests == 1
    exhausted = call(kind, hangup_server)
    assert type(exhausted.error) is ArizeTransientError and exhausted.requests == 3


@pytest.fixture
def closed_port() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("kind", KINDS)
def test_connect_error_is_retried_even_for_mutations(kind: str, closed_port: str) -> None:
    result = call(kind, closed_port, idempotent=False)
    assert type(result.error) is ArizeTransientError  # not ambiguous: nothing was sent
    assert result.error.status_code is None and result.requests == 3 and len(result.sleeps) == 2
    assert {a.outcome for a in result.attempts} == {Outcome.RETRY_SAFE}
    assert isinstance(result.error.__cause__, httpx.ConnectError)


@pytest.mark.parametrize("kind", KINDS)
def test_read_timeout_is_ambiguous_for_mutations_and_retried_for_queries(
    kind: str, srv: ScriptedServer
) -> None:
    srv.load(slow(0.6, reply(200)))
    mutation = call(kind, srv.url, idempotent=False, timeout=0.15)
    assert isinstance(mutation.error, ArizeAmbiguousMutationError)
    assert "ReadTimeout" in str(mutation.error) and mutation.requests == 1
    srv.load(slow(0.6, reply(200)), reply(200))
    query = call(kind, srv.url, timeout=0.15)
    assert query.data is not None and query.requests == 2


@pytest.mark.parametrize("kind", KINDS)
def test_bad_input_raises_before_any_request(kind: str, srv: ScriptedServer) -> None:
    srv.load(reply(200))
    bad_variables = call(kind, srv.url, variables={"input": {"token": SECRET_VARIABLE, "when": object()}})
    assert isinstance(bad_variables.error, ArizeConfigError) and bad_variables.error.field == "variables"
    nan = call(kind, srv.url, variables={"x": float("nan")})
    assert isinstance(nan.error, ArizeConfigError)
    assert srv.requests == [] and bad_variables.requests == 0
    bad_name = call(kind, srv.url, operation_name="not a name")
    assert isinstance(bad_name.error, ArizeConfigError) and bad_name.error.field == "operation_name"


def test_closed_transport_refuses_to_send(srv: ScriptedServer) -> None:
    transport = GraphQLTransport(TransportConfig(api_key=API_KEY, endpoint=srv.url))
    transport.close()
    with pytest.raises(ArizeError, match="closed"):
        transport.execute(DOC, operation_name="TestConnection")


@pytest.mark.parametrize("kind", KINDS)
def test_key_echoed_by_the_server_is_scrubbed_from_messages(kind: str, srv: ScriptedServer) -> None:
    srv.load(reply(200, {"data": None, "errors": [{"message": f"key {API_KEY} is revoked"}]}))
    result = call(kind, srv.url)  # call() asserts the key is absent from str() and repr()
    assert isinstance(result.error, ArizeAPIError)
    assert "key *** is revoked" in str(result.error)


@pytest.mark.parametrize("kind", KINDS)
def test_logs_name_the_operation_but_never_secrets(
    kind: str, srv: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    srv.load(reply(429, headers={"Retry-After": "1"}), raw(503, b"x"), reply(200))
    with caplog.at_level(logging.DEBUG):
        result = call(kind, srv.url)
    assert result.data is not None
    transport_records = [r for r in caplog.records if r.name == "airflow_provider_arize.api.transport"]
    assert any(r.levelno == logging.WARNING and "TestConnection" in r.getMessage() for r in transport_records)
    assert any("attempt 1/3" in r.getMessage() and "1.00 s" in r.getMessage() for r in transport_records)
    for record in caplog.records:
        _assert_no_secrets(record.getMessage())
    _assert_no_secrets(caplog.text)


def test_errors_pickle_with_their_attributes() -> None:
    import pickle

    error = ArizeAPIError("boom", errors=[{"message": "m"}], status_code=200, operation_name="GetSpace")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.errors, copy.status_code, copy.operation_name, str(copy)) == (
        error.errors,
        200,
        "GetSpace",
        "boom",
    )


def test_api_package_does_not_import_airflow() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import airflow_provider_arize.api.transport, airflow_provider_arize.api.pagination, "
        "airflow_provider_arize.api.operations, airflow_provider_arize.api.retry; "
        "bad = [m for m in sys.modules if m == 'airflow' or m.startswith('airflow.')]; print(bad); "
        "sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_operation_enum_and_shipped_document(kind: str, srv: ScriptedServer) -> None:
    from airflow_provider_arize.api.operations import Operation

    op = Operation.LIST_SPACES
    srv.load(reply(200, {"data": {"viewer": {"spaces": {"edges": [], "pageInfo": {"hasNextPage": False}}}}}))
    result = call(
        kind, srv.url, document=op.document, operation_name=op, variables={"first": 50, "after": None}
    )
    assert result.data == {"viewer": {"spaces": {"edges": [], "pageInfo": {"hasNextPage": False}}}}
    body = srv.requests[0]["body"]
    assert body["operationName"] == "ListSpaces" and body["query"] == op.document
    assert (
        result.attempts[0].operation_name == "ListSpaces" and type(result.attempts[0].operation_name) is str
    )
