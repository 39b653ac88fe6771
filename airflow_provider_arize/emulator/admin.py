"""The admin API under ``/_emulator/`` (JSON, no Arize auth): spaces, keys, faults, rate limits, options,
racers, stats, jobs, warehouses and S3 settings, for tests and operators of the emulator.

Every call, its body and its answer: ``docs/emulator.md``, "Admin API"."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .clock import to_rfc3339
from .faults import FaultConfig
from .ids import from_global_id, to_global_id
from .ratelimit import RateLimitConfig
from .records import JobRecord
from .resolvers.common import JOB_TYPE_NAMES
from .state import EmulatorState, S3Settings
from .validation import table_name

ADMIN_TOKEN_HEADER = "x-emulator-admin-token"
Handler = Callable[[Request, EmulatorState], Awaitable[Any]]


def _guard(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        state: EmulatorState = request.app.state.emulator
        token = state.admin_token
        if token and not hmac.compare_digest(request.headers.get(ADMIN_TOKEN_HEADER, ""), token):
            return JSONResponse({"error": f"missing or wrong {ADMIN_TOKEN_HEADER} header"}, status_code=401)
        try:
            return JSONResponse(await handler(request, state))
        except (ValueError, TypeError, KeyError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    return endpoint


async def _json(request: Request) -> dict[str, Any]:
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _space_number(value: Any) -> int:
    if isinstance(value, int):
        return value
    decoded = from_global_id(str(value))
    if decoded is None or decoded[0] != "Space":
        raise ValueError(f"'{value}' is not a Space id")
    return decoded[1]


async def health_endpoint(request: Request) -> Response:
    """Liveness probe; needs no admin token."""
    return JSONResponse({"status": "ok"})


async def spaces(request: Request, state: EmulatorState) -> Any:
    if request.method == "GET":
        listed = await run_in_threadpool(state.store.runs.spaces_with_ingestion_keys)
        return [
            {"id": to_global_id("Space", number), "name": name, "ingestion_key": key}
            for number, name, key in listed
        ]
    name = (await _json(request))["name"]
    number = await run_in_threadpool(state.store.create_space, str(name))
    key = await run_in_threadpool(state.store.runs.ingestion_key, number)
    return {"id": to_global_id("Space", number), "name": name, "ingestion_key": key}


async def s3(request: Request, state: EmulatorState) -> Any:
    if request.method == "PUT":
        state.s3 = S3Settings.from_json(await _json(request))
    elif request.method == "DELETE":
        state.s3 = None
    return state.s3.to_json() if state.s3 is not None else None


async def create_key(request: Request, state: EmulatorState) -> Any:
    body = await _json(request)
    key = body["key"]
    if not isinstance(key, str) or not key:
        raise ValueError("'key' must be a non-empty string")
    numbers = [_space_number(v) for v in body.get("space_ids", [])]
    for number in numbers:
        if await run_in_threadpool(state.store.get_space, number) is None:
            raise ValueError(f"no space {to_global_id('Space', number)}")
    record = await run_in_threadpool(state.store.put_key, key, numbers, bool(body.get("can_mutate", True)))
    return {
        "key_hint": record.hint + "…",
        "space_ids": [to_global_id("Space", n) for n in sorted(record.space_ids)],
        "can_mutate": record.can_mutate,
    }


def _faults_json(state: EmulatorState) -> dict[str, Any]:
    data = state.faults.config.to_json()
    data["remaining_script"] = [
        {"kind": s.kind, "operation": s.operation} for s in state.faults.remaining_script()
    ]
    return data


async def faults(request: Request, state: EmulatorState) -> Any:
    if request.method == "PUT":
        state.faults.configure(FaultConfig.from_json(await _json(request)))
    elif request.method == "DELETE":
        state.faults.clear()
    return _faults_json(state)


async def rate_limits(request: Request, state: EmulatorState) -> Any:
    body = await _json(request)
    current = state.limiter.config
    config = RateLimitConfig(
        queries_per_minute=int(body.get("queries_per_minute", current.queries_per_minute)),
        mutations_per_minute=int(body.get("mutations_per_minute", current.mutations_per_minute)),
        enabled=bool(body.get("enabled", current.enabled)),
    )
    if config.queries_per_minute < 1 or config.mutations_per_minute < 1:
        raise ValueError("limits must be positive integers")
    state.limiter.configure(config)
    state.limiter.reset()
    return {
        "queries_per_minute": config.queries_per_minute,
        "mutations_per_minute": config.mutations_per_minute,
        "enabled": config.enabled,
    }


async def options(request: Request, state: EmulatorState) -> Any:
    if request.method == "PUT":
        state.options.update(await _json(request))
    return state.options.to_json()


async def rendezvous(request: Request, state: EmulatorState) -> Any:
    if request.method == "DELETE":
        return state.rendezvous.configure(None)
    if request.method == "PUT":
        return state.rendezvous.configure(await _json(request))
    return state.rendezvous.to_json()


async def stats(request: Request, state: EmulatorState) -> Any:
    if request.method == "POST":
        state.stats.reset()
    return state.stats.snapshot()


def job_dump(state: EmulatorState, job: JobRecord) -> dict[str, Any]:
    """One job as the admin API shows it (secrets such as a Databricks token redacted)."""
    location = {k: ("***" if k == "token" and v else v) for k, v in job.location.items()}
    return {
        "id": to_global_id(JOB_TYPE_NAMES[job.kind], job.id),
        "job_id": str(job.id),
        "kind": job.kind,
        "space_id": to_global_id("Space", job.space_id),
        "job_status": job.status,
        "created_at": to_rfc3339(job.created_at),
        "model_name": job.model_name,
        "model_type": job.model_type,
        "model_environment": job.model_environment,
        "model_version": job.model_version,
        "batch_id": job.batch_id,
        "store": job.store,
        "triggered": job.triggered,
        "table": table_name(job.store, job.location) if job.kind == "table" else None,
        "location": location,
        "schema": job.schema,
        "ingestion": job.ingestion,
        "watermark": to_rfc3339(job.watermark) if job.watermark is not None else None,
        "counts": job.counts,
        "queries": [
            {
                "query_id": str(q.id),
                "status": q.status,
                "created_at": to_rfc3339(q.created_at),
                "window_start": to_rfc3339(q.window_start) if q.window_start is not None else None,
                "window_end": to_rfc3339(q.window_end) if q.window_end is not None else None,
                "records_processed_count": q.records_processed_count,
                "error_message": q.error_message,
            }
            for q in state.store.runs.queries_of(job.id)
        ],
        "files": [
            {"path": f.path, "status": f.status, "rows": f.rows, "error_message": f.error_message}
            for f in state.store.runs.list_files(job.id)
        ],
    }


async def warehouses(request: Request, state: EmulatorState) -> Any:
    if request.method == "PUT":
        body = await _json(request)
        if request.query_params.get("merge", "").lower() in ("1", "true", "yes"):
            return state.warehouses.merge(body)
        return state.warehouses.replace(body)
    return state.warehouses.redacted()


async def jobs(request: Request, state: EmulatorState) -> Any:
    def dump() -> list[dict[str, Any]]:
        return [job_dump(state, job) for job in state.store.all_jobs()]

    return {"jobs": await run_in_threadpool(dump)}


routes = [
    Route("/health", health_endpoint, methods=["GET"]),
    Route("/spaces", _guard(spaces), methods=["GET", "POST"]),
    Route("/keys", _guard(create_key), methods=["POST"]),
    Route("/faults", _guard(faults), methods=["GET", "PUT", "DELETE"]),
    Route("/rate-limits", _guard(rate_limits), methods=["PUT"]),
    Route("/options", _guard(options), methods=["GET", "PUT"]),
    Route("/rendezvous", _guard(rendezvous), methods=["GET", "PUT", "DELETE"]),
    Route("/stats", _guard(stats), methods=["GET"]),
    Route("/stats/reset", _guard(stats), methods=["POST"]),
    Route("/jobs", _guard(jobs), methods=["GET"]),
    Route("/warehouses", _guard(warehouses), methods=["GET", "PUT"]),
    Route("/s3", _guard(s3), methods=["GET", "PUT", "DELETE"]),
]
