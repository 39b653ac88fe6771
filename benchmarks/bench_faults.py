"""Fault storm at full scale: job creations and window triggers (with waits) as Airflow tasks against the
Arize emulator while a share of GraphQL requests get a fault; counts what Arize ended up with.

What runs: one DAG (``fault_storm``) with ``--creations`` mapped
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

Concurrent phase (``--concurrent-runs``, default 3; 0 skips it; ``--only-concurrent`` skips the
sequential one): a smaller storm DAG (``--concurrent-creations``, ``--concurrent-windows``,
``--concurrent-event-jobs``) run as that many overlapping runs on a real local Airflow (``airflow
standalone``: scheduler, triggerer, LocalExecutor with ``--parallelism`` slots) against a fresh emulator
in this process, with the same faults. The runs are triggered together and target the same jobs and
windows; the emulator holds job lookups in groups of one per run so that their creates race (see
``fault_storm.live``).

Verdict of each phase: pass when every task succeeded within its retries and there are zero duplicate
jobs (and every job carries the ingestion parameters asked for), zero windows triggered twice, zero
windows lost (and every window's processed count equals its rows). A concurrent phase whose only problem
is duplicates each left by a racing create whose answer was lost (the provider's documented limit) is
reported as such, not as a pass, on its own row; the script exits 0 for it. It exits 1 on any other
problem, after printing the sections.
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
    from fault_storm.run import run_storm

    plan = _plan(args, args.creations, args.windows, args.event_jobs)
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


def _plan(args: Any, creations: int, windows: int, event_jobs: int) -> Any:
    from fault_storm.plan import StormPlan

    return StormPlan(
        creations=creations,
        windows=windows,
        event_jobs=event_jobs,
        fault_rate=args.fault_rate,
        seed=args.seed,
        retries=args.retries,
        latency_ms=args.latency_ms,
        poll_interval=args.poll_interval,
    )


def concurrent_storm(args: Any, home: Path) -> Any:
    """Start a fresh emulator and local Snowflake, run the overlapping runs on a live Airflow, return
    their ``ConcurrentStormResult``."""
    from airflow_provider_arize.emulator.testing import EmulatorServer
    from airflow_provider_arize.local_services import FakeSnowflakeServer
    from fault_storm.live import run_concurrent_storm

    plan = _plan(args, args.concurrent_creations, args.concurrent_windows, args.concurrent_event_jobs)
    with contextlib.ExitStack() as stack:
        snowflake = stack.enter_context(FakeSnowflakeServer())
        stack.enter_context(snowflake.trusted())  # before Airflow starts: its processes inherit it
        emulator = stack.enter_context(EmulatorServer(worker_interval_seconds=0.05))
        return run_concurrent_storm(
            plan, args.concurrent_runs, emulator, snowflake, home / "live", parallelism=args.parallelism
        )


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


def render_concurrent(args: Any, argv: list[str], result: Any) -> str:
    census, plan = result.census, result.plan
    rows = [[what, value] for what, value in census.rows()]
    rows += [
        [
            "task log lines naming several live jobs of one identity "
            "(a race not yet settled, or a duplicate)",
            str(result.duplicate_reports),
        ],
        ["groups of job lookups held until one per run had asked", str(result.held_groups)],
        ["wall time from the trigger to the last run's end", fmt_s(result.wall_seconds)],
        ["Airflow start-up (not in the wall time)", fmt_s(result.startup_seconds)],
    ]
    runs = census.runs
    clean = (
        f"all {census.tasks} tasks of the {runs} runs succeeded within their retries "
        f"({census.tasks_retried} needed an Airflow retry; at most {census.max_tries} tries of the "
        f"{plan.retries + 1} allowed); {census.jobs_committed - census.jobs_expected} creates beyond one per "
        f"identity raced, {census.race_losers_deleted} of their jobs were deleted by the racer that created "
        f"them; {census.faults_injected} faults in {census.requests} GraphQL requests left zero windows "
        "triggered twice and zero windows lost, and every window's processed count equals the rows "
        "Snowflake holds in it"
    )
    if census.ok and result.succeeded:
        verdict = f"**Pass.** Zero duplicate jobs; {clean}."
    elif census.only_documented_duplicates and result.succeeded:
        verdict = (
            f"**Not a pass: the documented limit.** {census.duplicate_jobs} duplicate job(s) stayed, each "
            "left by a racing create whose answer was lost after it committed: that racer cannot know "
            "which job is its own, so it deletes nothing (`docs/overlapping-runs.md`); "
            f"{result.duplicate_reports} task log line(s) of later creates reported it, naming every job "
            f"of the identity. No other duplicate: {clean}."
        )
    else:
        problems = "; ".join(census.problems() + census.failed_tasks[:10] + census.details[:10])
        verdict = f"**Fail.** {problems or result.run_states}"
    return "\n\n".join(
        [
            f"## Faults, overlapping runs: {runs} runs of {plan.creations} creations and {plan.windows} "
            f"windows at {plan.fault_rate * 100:g} % injected faults (`bench_faults.py`)",
            f"Command: `{command_line('bench_faults.py', argv)}` (this section: the concurrent phase)",
            f"The same storm DAG, smaller ({plan.creations} mapped table-job creations, {plan.event_jobs} "
            f"event-based Snowflake jobs, {plan.windows} mapped window triggers, {plan.retries} retries "
            f"each, no retry delay), run as {runs} overlapping DAG runs on a real local Airflow (`airflow "
            f"standalone`: scheduler, triggerer, LocalExecutor with {args.parallelism} slots, SQLite) "
            "against a fresh emulator in the benchmark's process. The runs were triggered together "
            "(distinct run ids, no logical date) while the DAG was paused, then it was unpaused: every run "
            "creates the same job identities and triggers the same windows. To make the runs' creates "
            f"race rather than merely start close together, the emulator held job lookups "
            f"(`ListTableImportJobs`) in groups of {runs} until all of a group had asked (at most 3 s). "
            "Window triggers are serialized across runs by the operator's `max_active_tis_per_dag=1`. "
            f"{plan.fault_rate * 100:g} % of GraphQL requests got a fault (seed {plan.seed}): "
            f"{', '.join(plan.fault_kinds)}. Counts over every run's task instances (XCom return values "
            "through Airflow's REST API), the emulator's `/_emulator/stats` and `/_emulator/jobs`, and the "
            "task logs (a duplicate is explained by a lost create answer when no task logged receiving "
            "its create's answer, up to the number of committed creates whose response was dropped).",
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
    parser.add_argument("--concurrent-runs", type=int, default=3, help="overlapping runs (3; 0: none)")
    parser.add_argument("--concurrent-creations", type=int, default=30, help="their creations (30)")
    parser.add_argument("--concurrent-windows", type=int, default=30, help="their windows (30)")
    parser.add_argument("--concurrent-event-jobs", type=int, default=4, help="their event jobs (4)")
    parser.add_argument("--parallelism", type=int, default=6, help="Airflow's task slots (6)")
    parser.add_argument("--only-concurrent", action="store_true", help="skip the sequential phase")
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
    for name in (
        "concurrent_runs",
        "concurrent_creations",
        "concurrent_windows",
        "concurrent_event_jobs",
        "parallelism",
    ):
        if getattr(args, name) != parser.get_default(name):
            argv.append(f"--{name.replace('_', '-')} {getattr(args, name)}")
    if args.only_concurrent:
        argv.append("--only-concurrent")
    sections, failed = [], False
    with tempfile.TemporaryDirectory(prefix="arize-bench-faults-") as tmp:
        if not args.only_concurrent:
            started = time.monotonic()
            result = storm(args, Path(tmp))
            print(f"storm done in {time.monotonic() - started:.0f} s; task logs: {args.log}", file=sys.stderr)
            sections.append(render(args, argv, result))
            failed = not (result.census.ok and result.report.succeeded)
        if args.concurrent_runs > 0:
            started = time.monotonic()
            live = concurrent_storm(args, Path(tmp))
            print(f"overlapping runs done in {time.monotonic() - started:.0f} s", file=sys.stderr)
            sections.append(render_concurrent(args, argv, live))
            census = live.census
            failed = failed or not (live.succeeded and (census.ok or census.only_documented_duplicates))
            if census.only_documented_duplicates:
                print("overlapping runs: not a pass, the documented limit (see the section)", file=sys.stderr)
    emit("\n\n".join(sections), args.output)
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
