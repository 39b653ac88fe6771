"""Fault storm at full scale: job creations and window triggers (with waits) as Airflow tasks against the
Arize emulator while a share of GraphQL requests get a fault; counts what Arize ended up with.

What runs: one DAG (``airflow_provider_arize.reliability``) with ``--creations`` mapped
``ArizeCreateTableImportJobOperator`` tasks (distinct BigQuery models, dry-run first, every other one with
ingestion parameters, which take a second mutation), ``--event-jobs``
``ArizeCreateTriggeredTableImportJobOperator`` tasks on a local Snowflake table (fakesnow over TLS) and
``--windows`` mapped ``ArizeTriggerTableRunOperator`` tasks, one per consecutive hour, each waiting in
poke mode for Arize's processed count. Every task has ``--retries`` Airflow retries (no delay). The
emulator runs as a subprocess (``--in-process`` runs it in this process instead); its worker counts each
window's rows in Snowflake; its own per-key rate limit is off (the injected 429s stand in for it). The
DAG runs once with ``dag.test()`` while ``--fault-rate`` of GraphQL requests get a fault drawn with
``--seed`` from: HTTP 500/502/503, 429 with ``Retry-After: 1``, 200 ms latency, a reset connection, a
response dropped after the mutation committed. Airflow's task logs go to ``--log``.

Verdict: pass when every task succeeded within its retries and there are zero duplicate jobs (and every
job carries the ingestion parameters asked for), zero windows triggered twice, zero windows lost (and
every window's processed count equals its rows). The script exits 1 otherwise, after printing the
section.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import base_parser, command_line, emit, fmt_s, table


def storm(args: Any, home: Path) -> Any:
    """Start the local services, run the storm, return its ``StormResult``."""
    from airflow_provider_arize.dag_testing import configure_local_airflow

    configure_local_airflow(home / "airflow", home / "dags")  # before Airflow is imported

    from airflow_provider_arize.dag_testing import migrate_metadata_db
    from airflow_provider_arize.emulator.testing import EmulatorProcess, EmulatorServer
    from airflow_provider_arize.local_services import FakeSnowflakeServer
    from airflow_provider_arize.reliability.plan import StormPlan
    from airflow_provider_arize.reliability.run import run_storm

    plan = StormPlan(
        creations=args.creations,
        windows=args.windows,
        event_jobs=args.event_jobs,
        fault_rate=args.fault_rate,
        seed=args.seed,
        retries=args.retries,
        latency_ms=args.latency_ms,
        poll_interval=args.poll_interval,
    )
    migrate_metadata_db()
    with contextlib.ExitStack() as stack:
        snowflake = stack.enter_context(FakeSnowflakeServer())
        stack.enter_context(snowflake.trusted())  # this process and the emulator's worker trust it
        emulator: Any
        if args.in_process:
            emulator = EmulatorServer(worker_interval_seconds=0.05)
        else:
            emulator = EmulatorProcess(
                db_path=home / "emulator.sqlite3", extra_args=["--worker-interval", "0.05"]
            )
        stack.enter_context(emulator)
        from airflow_provider_arize.dag_testing import output_to

        with output_to(args.log):
            return run_storm(plan, emulator, snowflake, home / "work")


def render(args: Any, argv: list[str], result: Any) -> str:
    census, plan = result.census, result.plan
    rows = [[what, value] for what, value in census.rows()]
    rows.append(["wall time of the DAG run", fmt_s(result.wall_seconds)])
    allowed = plan.retries + 1
    if census.ok and result.report.succeeded:
        verdict = (
            f"**Pass.** All {census.tasks} tasks succeeded within their retries ({census.tasks_retried} "
            f"needed an Airflow retry; at most {census.max_tries} tries of the {allowed} allowed); "
            f"{census.faults_injected} faults in {census.requests} GraphQL requests left zero duplicate "
            "jobs (each with the ingestion parameters asked for), zero windows triggered twice and zero "
            "windows lost, and every window's processed count equals the rows Snowflake holds in it."
        )
    else:
        problems = "; ".join(census.problems() + census.failed_tasks[:10] + census.details[:10])
        verdict = f"**Fail.** {problems or result.report.render()}"
    emulator = "in this process" if args.in_process else "as a subprocess"
    return "\n\n".join(
        [
            f"## Faults: {plan.creations} creations and {plan.windows} windows at "
            f"{plan.fault_rate * 100:g} % injected faults (`bench_faults.py`)",
            f"Command: `{command_line('bench_faults.py', argv)}`",
            f"One DAG run (`dag.test()`, tasks one at a time, poke mode, {plan.retries} retries each, no "
            f"retry delay) against the emulator ({emulator}; its worker counts each window's rows in a "
            f"local Snowflake). {plan.creations} mapped table-job creations (dry run first; every other one "
            "with ingestion parameters, applied by a second mutation), "
            f"{plan.event_jobs} event-based Snowflake jobs, {plan.windows} mapped window triggers over "
            f"consecutive hours (1 to 7 rows each), each waiting for Arize's processed count (poll every "
            f"{plan.poll_interval:g} s). {plan.fault_rate * 100:g} % of GraphQL requests got a fault "
            f"(seed {plan.seed}): {', '.join(plan.fault_kinds)}; `Retry-After: "
            f"{plan.retry_after_seconds}`, latency {plan.latency_ms} ms. The emulator's own rate limit "
            "was off. Counts from Airflow's task instances and the emulator's `/_emulator/stats` and "
            "`/_emulator/jobs`.",
            table(["count", "value"], rows),
            verdict,
        ]
    )


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--creations", type=int, default=200, help="table jobs to create (default 200)")
    parser.add_argument("--windows", type=int, default=200, help="windows to trigger (default 200)")
    parser.add_argument("--event-jobs", type=int, default=4, help="event-based jobs (default 4)")
    parser.add_argument("--fault-rate", type=float, default=0.3, help="share of faulted requests (0.3)")
    parser.add_argument("--seed", type=int, default=20260301, help="fault seed (default 20260301)")
    parser.add_argument("--retries", type=int, default=8, help="Airflow retries per task (default 8)")
    parser.add_argument("--latency-ms", type=int, default=200, help="latency fault (default 200 ms)")
    parser.add_argument("--poll-interval", type=float, default=0.2, help="window polls (default 0.2 s)")
    parser.add_argument("--in-process", action="store_true", help="run the emulator in this process")
    parser.add_argument(
        "--log",
        type=Path,
        default=Path(tempfile.gettempdir()) / "arize-bench-faults.log",
        help="where Airflow's task logs go",
    )
    args = parser.parse_args()
    argv = [f"--creations {args.creations}", f"--windows {args.windows}"]
    argv += [f"--fault-rate {args.fault_rate:g}", f"--seed {args.seed}"]
    for name in ("event_jobs", "retries", "latency_ms", "poll_interval"):
        if getattr(args, name) != parser.get_default(name):
            argv.append(f"--{name.replace('_', '-')} {getattr(args, name):g}")
    if args.in_process:
        argv.append("--in-process")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="arize-bench-faults-") as tmp:
        result = storm(args, Path(tmp))
    print(f"storm done in {time.monotonic() - started:.0f} s; task logs: {args.log}", file=sys.stderr)
    emit(render(args, argv, result), args.output)
    if not (result.census.ok and result.report.succeeded):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
