"""``POST /graphql``: the request pipeline around GraphQL execution (faults, auth, rate limit, validation,
cost, permissions, then execution and post-commit faults).

The steps and their answers: ``docs/emulator.md``, "Request pipeline"."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    ValidationRule,
    execute_sync,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from airflow_provider_arize.api import constants

from .cost import operation_cost
from .state import EmulatorState, RequestContext

log = logging.getLogger("airflow_provider_arize.emulator")

#: Scope key under which the outer ASGI wrapper stores the server's own ``send`` callable.
RAW_SEND_KEY = "arize_emulator.raw_send"
READ_ONLY_MESSAGE = (
    "Forbidden: mutations require an enterprise developer key; this API key can only run queries"
)


class NoIntrospection(ValidationRule):
    """Refuses ``__schema`` and ``__type`` (``__typename`` stays allowed), as servers that switch
    introspection off do."""

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(
                GraphQLError(
                    "GraphQL introspection is not allowed by this server, but the query contained "
                    f"{node.name.value}",
                    node,
                    extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                )
            )


def validation_rules(introspection: bool) -> tuple[type[ASTValidationRule], ...]:
    """graphql-core's rules, plus :class:`NoIntrospection` when introspection is off."""
    return tuple(specified_rules) if introspection else (*specified_rules, NoIntrospection)


def error_response(status: int, message: str, code: str | None = None, **headers: str) -> JSONResponse:
    """A GraphQL-style error body ``{"errors": [{"message", "extensions"?}]}`` with ``status``."""
    error: dict[str, Any] = {"message": message}
    if code:
        error["extensions"] = {"code": code}
    return JSONResponse({"errors": [error]}, status_code=status, headers=headers or None)


def _data_error(message: str, code: str, **extra: Any) -> JSONResponse:
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code, **extra}}]}
    )


class AbortConnection(Response):
    """Abort the TCP connection instead of answering (the client sees a connection error)."""

    def __init__(self) -> None:
        super().__init__(status_code=599)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_send = scope.get(RAW_SEND_KEY)
        transport = getattr(getattr(raw_send, "__self__", None), "transport", None)
        if transport is None:
            raise RuntimeError("cannot abort the connection: the server transport is not reachable")
        transport.abort()
        for _ in range(3):  # let the protocol see connection_lost before the app returns
            await asyncio.sleep(0)


def _operation(document: DocumentNode | None, name: str | None) -> OperationDefinitionNode | None:
    return get_operation_ast(document, name) if document is not None else None


async def graphql_post(request: Request) -> Response:
    """Execute one GraphQL request (the pipeline: ``docs/emulator.md``, "Request pipeline")."""
    state: EmulatorState = request.app.state.emulator
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        state.stats.request(None)
        return error_response(400, 'the request body must be JSON: {"query": ..., "variables": {...}}')
    variables = body.get("variables") or {}
    name = body.get("operationName") or None
    document: DocumentNode | None = None
    parse_error: GraphQLError | None = None
    try:
        document = parse(body["query"])
    except GraphQLError as exc:
        parse_error = exc
    operation = _operation(document, name)
    if name is None and operation is not None and operation.name is not None:
        name = operation.name.value
    state.stats.request(name)

    fault = state.faults.pick(name)
    if fault:
        state.stats.fault(fault, name)
        log.info("injecting fault %s into operation %s", fault, name)
    if fault in ("http_500", "http_502", "http_503"):
        return error_response(int(fault[5:]), f"injected fault: HTTP {fault[5:]}")
    if fault == "http_429":
        seconds = str(max(1, state.faults.config.retry_after_seconds))
        return error_response(429, "rate limit exceeded: injected fault", **{"Retry-After": seconds})
    if fault == "reset":
        return AbortConnection()
    if fault == "latency":
        await asyncio.sleep(state.faults.config.latency_ms / 1000)

    api_key = request.headers.get(constants.API_KEY_HEADER)
    key = await run_in_threadpool(state.store.lookup_key, api_key) if api_key else None
    if key is None:
        return error_response(
            401, f"Unauthorized: missing or invalid {constants.API_KEY_HEADER} header", "UNAUTHENTICATED"
        )
    is_mutation = operation is not None and operation.operation == OperationType.MUTATION
    wait = state.limiter.acquire(key.key_hash, is_mutation)
    if wait is not None:
        state.stats.limited()
        kind = "mutations" if is_mutation else "queries"
        limit = state.limiter.config.limit_for(is_mutation)
        return error_response(
            429,
            f"rate limit exceeded: {limit} {kind} per minute per API key; retry in {wait} s",
            "RATE_LIMITED",
            **{"Retry-After": str(wait)},
        )

    await state.rendezvous.meet(name)
    if parse_error is not None or document is None:
        message = parse_error.formatted if parse_error else {"message": "unparsable document"}
        return JSONResponse({"errors": [message]}, status_code=400)
    errors = validate(state.schema, document, validation_rules(state.profile.introspection))
    if errors:
        return JSONResponse({"errors": [e.formatted for e in errors]}, status_code=400)
    if operation is None:
        return error_response(400, f"unknown operation {name!r}, or several operations and no operationName")
    cost = operation_cost(document, operation, variables)
    state.stats.cost(name, cost)
    limit = state.profile.complexity_limit
    if cost > limit:
        return _data_error(
            f"query cost {cost} exceeds the maximum of {limit}; ask for fewer fields or smaller pages",
            "MAX_COMPLEXITY_EXCEEDED",
            cost=cost,
        )
    if is_mutation and not key.can_mutate:
        return _data_error(READ_ONLY_MESSAGE, "FORBIDDEN")

    context = RequestContext(state=state, key=key, is_mutation=is_mutation, cost=cost)
    result = await run_in_threadpool(
        execute_sync,
        state.schema,
        document,
        context_value=context,
        variable_values=variables,
        operation_name=name,
    )
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [e.formatted for e in result.errors]
    if fault == "drop_after_commit":
        return AbortConnection()
    if fault == "timeout_after_commit":
        await asyncio.sleep(state.faults.config.timeout_seconds)
    return JSONResponse(payload)
