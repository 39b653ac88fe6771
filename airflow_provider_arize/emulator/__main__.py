"""``python -m airflow_provider_arize.emulator``: run the local Arize GraphQL emulator.

Options, the start-up JSON line and where secrets come from: ``docs/emulator.md``, "Running it"."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from airflow_provider_arize.api.constants import MAX_FILE_BYTES
from airflow_provider_arize.local_services.asgi_thread import bind_socket

from .app import create_app
from .config import (
    DEFAULT_DB_PATH,
    DEFAULT_FILE_POLL_INTERVAL,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_SPACE_NAME,
    DEFAULT_WORKER_INTERVAL,
    S3_ENV,
    WAREHOUSES_ENV,
    EmulatorConfig,
    create_state,
    default_api_key,
    key_hint,
    load_s3,
    load_warehouses,
)
from .faults import FAULT_KINDS, FaultConfig
from .file_workers import FileWorker
from .ids import to_global_id
from .profiles import PROFILES, profile_names
from .ratelimit import RateLimitConfig
from .server import base_url, make_server
from .workers import TableWorker


def _kinds(text: str) -> list[str]:
    return [k.strip() for k in text.split(",") if k.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m airflow_provider_arize.emulator", description=__doc__.split("\n")[0]
    )
    p.add_argument(
        "--profile",
        default="full",
        metavar="NAME[,NAME...]",
        help="API variant to serve: "
        + "; ".join(f"{name} ({p.about})" for name, p in PROFILES.items())
        + f"; {profile_names()[-1]} (a schema dump). Compose with commas",
    )
    p.add_argument("--host", default=DEFAULT_HOST)
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    p.add_argument("--db", default=DEFAULT_DB_PATH, help="SQLite file, or :memory:")
    p.add_argument("--api-key", default=None, help="default: $ARIZE_EMULATOR_API_KEY or emulator-api-key")
    p.add_argument("--space-name", default=DEFAULT_SPACE_NAME)
    p.add_argument("--admin-token", default=None, help="require x-emulator-admin-token on /_emulator/")
    p.add_argument("--strict-state-changes", action="store_true")
    p.add_argument("--accept-legacy-model-types", action="store_true")
    p.add_argument("--hold-queries", action="store_true", help="start with table queries held pending")
    p.add_argument("--queries-per-minute", type=int, default=RateLimitConfig.queries_per_minute)
    p.add_argument("--mutations-per-minute", type=int, default=RateLimitConfig.mutations_per_minute)
    p.add_argument("--no-rate-limit", action="store_true", help="disable rate limiting")
    p.add_argument("--fault-rate", type=float, default=0.0, help="probability of a random fault")
    p.add_argument("--fault-seed", type=int, default=None)
    p.add_argument("--fault-kinds", type=_kinds, default=[], help=f"comma list of {', '.join(FAULT_KINDS)}")
    p.add_argument("--fault-script", type=_kinds, default=[], help="comma list of kinds, used in order")
    p.add_argument(
        "--fault-operations", type=_kinds, default=[], help="only these operation names (comma list)"
    )
    p.add_argument("--fault-latency-ms", type=int, default=500)
    p.add_argument("--fault-retry-after", type=int, default=1, help="Retry-After seconds of http_429")
    p.add_argument("--fault-timeout-seconds", type=float, default=5.0, help="delay of timeout_after_commit")
    p.add_argument(
        "--warehouses",
        default=None,
        metavar="PATH",
        help=f"warehouse registry JSON file (else ${WAREHOUSES_ENV})",
    )
    p.add_argument(
        "--worker-interval", type=float, default=DEFAULT_WORKER_INTERVAL, help="seconds between worker ticks"
    )
    p.add_argument(
        "--s3", default=None, metavar="PATH", help=f"S3 settings JSON file for file jobs (else ${S3_ENV})"
    )
    p.add_argument(
        "--file-poll-interval",
        type=float,
        default=DEFAULT_FILE_POLL_INTERVAL,
        help="seconds between polls of file jobs' buckets",
    )
    p.add_argument(
        "--max-file-bytes", type=int, default=MAX_FILE_BYTES, help="larger files fail (Arize: 1 GB)"
    )
    p.add_argument("--no-workers", action="store_true", help="do not run table-job queries or poll buckets")
    p.add_argument("--log-level", default="warning")
    p.add_argument("--access-log", action="store_true")
    return p


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    faults = FaultConfig.from_json(
        {
            "rate": args.fault_rate,
            "seed": args.fault_seed,
            "kinds": args.fault_kinds,
            "script": args.fault_script,
            "operations": args.fault_operations,
            "latency_ms": args.fault_latency_ms,
            "retry_after_seconds": args.fault_retry_after,
            "timeout_seconds": args.fault_timeout_seconds,
        }
    )
    return EmulatorConfig(
        db_path=None if args.db == ":memory:" else args.db,
        api_key=args.api_key or default_api_key(),
        space_name=args.space_name,
        admin_token=args.admin_token,
        strict_state_changes=args.strict_state_changes,
        accept_legacy_model_types=args.accept_legacy_model_types,
        hold_queries=args.hold_queries,
        rate_limits=RateLimitConfig(
            args.queries_per_minute, args.mutations_per_minute, not args.no_rate_limit
        ),
        faults=faults,
        warehouses=load_warehouses(args.warehouses),
        run_workers=not args.no_workers,
        worker_interval_seconds=args.worker_interval,
        s3=load_s3(args.s3),
        file_poll_interval_seconds=args.file_poll_interval,
        max_file_bytes=args.max_file_bytes,
        profile=args.profile,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    state = create_state(config)
    sock = bind_socket(args.host, args.port)
    url = base_url(sock)
    assert state.default_space_id is not None
    line = {
        "url": url,
        "graphql_url": f"{url}/graphql",
        "space_id": to_global_id("Space", state.default_space_id),
        "api_key_hint": key_hint(config.api_key),
        "profile": state.profile.name,
    }
    print(json.dumps(line), flush=True)
    workers = TableWorker(state, config.worker_interval_seconds) if config.run_workers else None
    file_workers = FileWorker(state, config.file_poll_interval_seconds) if config.run_workers else None
    try:
        if workers is not None:
            workers.start()
        if file_workers is not None:
            file_workers.start()
        make_server(create_app(state), args.log_level, args.access_log).run(sockets=[sock])
    finally:
        if file_workers is not None:
            file_workers.stop()
        if workers is not None:
            workers.stop()
        state.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
