"""Backfill at scale on a live Airflow, then the same with 2 and 3 triggerer processes on one API key.

What runs: a real local Airflow (``airflow standalone``: scheduler, dag-processor, API server, its own
triggerer, LocalExecutor, SQLite metadata DB; tasks deferrable by default) against the Arize emulator in
this process (its default per-key limit: 100 queries and 300 mutations a minute, 429 with
``Retry-After``) and a local Snowflake (fakesnow over TLS) holding 1 to 7 rows in every hour of the
backfilled days (``fault_storm.run.write_window_rows``). The emulator's worker counts each triggered
window's rows in Snowflake every ``--worker-interval`` seconds, so a window stays pending for a while
after its trigger and the task waits for it in a triggerer.

One small DAG per phase (generated into the DAG folder): hourly, a data-interval timetable, one task:
``ArizeTriggerTableRunOperator`` (deferrable, ``poll_interval`` ``--poll-interval``,
``max_active_tis_per_dag=None`` so that the backfilled runs wait side by side) triggering the run's hour
on an event-based job created for that phase. Runs of even hours use connection ``arize_bench_a``, odd
hours ``arize_bench_b``: two connections with the same API key, so the triggers' pacing has to be per
key. Each phase is Airflow's own backfill (``POST /api/v2/backfills``) of ``--days`` days (phase 1) or
``--scale-days`` days (the scale-out phases), ``--max-active-runs`` runs at once.

* Phase 1: the standalone's own triggerer only.
* Scale-out phases (``--scale-out``, default ``2,3``): that many triggerer processes, the extra ones
  ``airflow triggerer`` processes with the same environment and metadata DB
  (``LiveAirflow.start_triggerers``); Airflow spreads the deferred tasks over the live triggerers.

Figures per phase: wall time from the backfill's creation to its last run's end; requests reaching the
emulator (recorded in this process as they arrive: total, per operation) and per minute (mean over the
phase, and the peak over any 60 s); 429s (by operation); per window, how many queries Arize holds and
whether its processed count equals the rows (twice, lost, miscounted); the time each task instance spent
deferred (sampled from the REST API every ``--sample-interval`` seconds: first to last sight in state
``deferred``, plus one interval), p50 and p95, and which triggerer held it (its trigger's
``triggerer_id``); per triggerer process (each with its trigger-runner child), the CPU seconds it used in
the phase (``psutil``: user + system over the process tree) and its peak RSS (summed over the tree),
CPU per wait and RSS growth per concurrent wait.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import base_parser, command_line, emit, fmt_s, table
from bench_triggerer import percentile, sync_client

FIRST_WINDOW = datetime(2026, 1, 1, tzinfo=UTC)
#: Seconds the scheduler may report itself unhealthy (no heartbeat for 30 s) before the phase is given up.
SCHEDULER_GRACE = 180.0
CONNECTIONS = ("arize_bench_a", "arize_bench_b")
TASK_ID = "trigger_window"
TRIGGERER_JOB = "TriggererJob"

DAG_FILE = '''"""Backfill benchmark DAG (written by benchmarks/bench_backfill.py): one window trigger per run.

Even hours use connection arize_bench_a, odd hours arize_bench_b (the same API key).
"""

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG

try:
    from airflow.sdk import CronDataIntervalTimetable
except ImportError:  # Airflow 3.1 keeps it outside the SDK
    from airflow.timetables.interval import CronDataIntervalTimetable

from airflow_provider_arize.operators.event_jobs import ArizeTriggerTableRunOperator


class AlternatingConnectionTrigger(ArizeTriggerTableRunOperator):
    template_fields = (*ArizeTriggerTableRunOperator.template_fields, "arize_conn_id")


with DAG(
    dag_id=DAG_ID,
    start_date=FIRST,
    end_date=LAST,
    schedule=CronDataIntervalTimetable("0 * * * *", timezone="UTC"),
    catchup=False,
    max_active_runs=MAX_ACTIVE_RUNS,
):
    AlternatingConnectionTrigger(
        task_id="trigger_window",
        job_id=JOB_ID,
        arize_conn_id="{{ 'arize_bench_a' if data_interval_start.hour % 2 == 0 else 'arize_bench_b' }}",
        poll_interval=POLL_INTERVAL,
        timeout=3600,
        max_active_tis_per_dag=None,
        retries=2,
        retry_delay=timedelta(seconds=10),
    )
'''


def dag_source(dag_id: str, job_id: str, days: int, max_active_runs: int, poll_interval: float) -> str:
    values = {
        "DAG_ID": repr(dag_id),
        "FIRST": "datetime(2026, 1, 1, tzinfo=timezone.utc)",
        "LAST": f"datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(days={days})",
        "MAX_ACTIVE_RUNS": str(max_active_runs),
        "JOB_ID": repr(job_id),
        "POLL_INTERVAL": repr(poll_interval),
    }
    source = DAG_FILE
    for name, value in values.items():
        source = source.replace(f"={name},", f"={value},")
    return source


# -- the emulator's request log ---------------------------------------------------------------------------
_operation: contextvars.ContextVar[str] = contextvars.ContextVar("bench_operation", default="<none>")


def record_requests(state: Any) -> list[tuple[float, str, bool]]:
    """Wrap the in-process emulator's stats so that every GraphQL request is logged as ``(monotonic time,
    operation, answered 429)`` in the returned list (the 429 flag is set on the request's own entry: the
    operation is carried in a context variable of the request's task)."""
    stats = state.stats
    log: list[tuple[float, str, bool]] = []
    lock = threading.Lock()
    request, limited = stats.request, stats.limited

    def on_request(operation: str | None) -> None:
        _operation.set(operation or "<anonymous>")
        with lock:
            log.append((time.monotonic(), operation or "<anonymous>", False))
        request(operation)

    def on_limited() -> None:
        with lock:
            log.append((time.monotonic(), _operation.get(), True))
        limited()

    stats.request, stats.limited = on_request, on_limited
    return log


def peak_per_minute(times: list[float]) -> int:
    """The most requests in any 60 s span."""
    times, best, lo = sorted(times), 0, 0
    for hi, t in enumerate(times):
        while times[lo] <= t - 60.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


# -- one phase --------------------------------------------------------------------------------------------
@dataclass
class Process:
    pid: int
    cpu_start: float = 0.0
    cpu_end: float = 0.0
    rss_start: int = 0
    rss_peak: int = 0


@dataclass
class PhaseResult:
    name: str
    triggerers: int
    runs_expected: int
    wall: float = 0.0
    run_states: Counter[str] = field(default_factory=Counter)
    tries: Counter[int] = field(default_factory=Counter)
    requests: list[tuple[float, str, bool]] = field(default_factory=list)
    deferred: dict[str, list[float]] = field(default_factory=dict)  # run id -> [first, last] seen
    held_by: dict[str, list[int]] = field(default_factory=dict)  # run id -> triggerer ids, in order
    concurrent: list[int] = field(default_factory=list)
    triggerer_jobs: list[int] = field(default_factory=list)
    processes: list[Process] = field(default_factory=list)
    windows: Counter[str] = field(default_factory=Counter)
    miscounted: list[str] = field(default_factory=list)
    failed_queries: list[str] = field(default_factory=list)
    sample_interval: float = 1.0
    cuts: list[float] = field(default_factory=list)  # rates the adaptive pacing cut to, as logged

    @property
    def twice(self) -> int:
        return sum(1 for n in self.windows.values() if n > 1)

    @property
    def lost(self) -> int:
        return self.runs_expected - len(self.windows)

    @property
    def waits(self) -> list[float]:
        return [last - first + self.sample_interval for first, last in self.deferred.values()]

    @property
    def ok(self) -> bool:
        """Every window triggered once, none lost, each counted right (failed runs are reported apart)."""
        return self.twice == 0 and self.lost == 0 and not self.miscounted and not self.failed_queries

    @property
    def runs_failed(self) -> int:
        return self.runs_expected - self.run_states.get("success", 0)


def tree_usage(pid: int) -> tuple[float, int]:
    """CPU seconds (user + system, reaped children included) and RSS bytes of ``pid`` and its
    descendants."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0, 0
    cpu, rss = 0.0, 0
    for proc in procs:
        try:
            times, memory = proc.cpu_times(), proc.memory_info()
        except psutil.Error:
            continue
        cpu += times.user + times.system + times.children_user + times.children_system
        rss += memory.rss
    return cpu, rss


def alive_triggerers(airflow: Any) -> list[int]:
    """Ids of the live triggerer jobs, oldest first."""
    jobs = airflow.api("GET", "/jobs", job_type=TRIGGERER_JOB, is_alive=True, limit=100)["jobs"]
    return [j["id"] for j in sorted(jobs, key=lambda j: (j["start_date"] or "", j["id"]))]


def run_phase(
    airflow: Any,
    emulator: Any,
    log: list[tuple[float, str, bool]],
    dag_id: str,
    job_id: str,
    days: int,
    triggerers: int,
    args: Any,
) -> PhaseResult:
    runs = days * 24
    result = PhaseResult(f"{triggerers} triggerer{'s' if triggerers > 1 else ''}", triggerers, runs)
    result.sample_interval = args.sample_interval
    missing = triggerers - len(airflow.triggerer_pids())
    if missing > 0:
        airflow.start_triggerers(missing)
    deadline = time.monotonic() + 120
    while len(alive_triggerers(airflow)) < triggerers or len(airflow.triggerer_pids()) < triggerers:
        if time.monotonic() > deadline:
            raise SystemExit(f"{triggerers} triggerers asked, {alive_triggerers(airflow)} alive")
        time.sleep(2)
    result.triggerer_jobs = alive_triggerers(airflow)
    result.processes = [Process(pid) for pid in airflow.triggerer_pids()]
    emulator.admin.set_rate_limits()  # forgets the calls so far: every phase starts with a full minute
    for proc in result.processes:
        proc.cpu_start, proc.rss_start = tree_usage(proc.pid)
        proc.rss_peak = proc.rss_start
    first = len(log)
    started = time.monotonic()
    # the runs are all created while the DAG is paused, then it is unpaused: on SQLite a scheduler that
    # examines a run the backfill request has not finished writing can crash on it (StaleDataError)
    airflow.backfill(
        dag_id, FIRST_WINDOW, FIRST_WINDOW + timedelta(hours=runs - 1), max_active_runs=args.max_active_runs
    )
    airflow.unpause(dag_id)
    path = f"/dags/{dag_id}/dagRuns/~/taskInstances"
    next_runs_check = 0.0
    unhealthy_since: float | None = None
    while True:
        tick = time.monotonic()
        deferred = airflow.api("GET", path, state="deferred", limit=1000)["task_instances"]
        now = time.monotonic()
        result.concurrent.append(len(deferred))
        for ti in deferred:
            seen = result.deferred.setdefault(ti["dag_run_id"], [now, now])
            seen[1] = now
            trigger = ti.get("trigger") or {}
            holder = trigger.get("triggerer_id")
            holders = result.held_by.setdefault(ti["dag_run_id"], [])
            if holder is not None and (not holders or holders[-1] != holder):
                holders.append(int(holder))
        for proc in result.processes:
            proc.rss_peak = max(proc.rss_peak, tree_usage(proc.pid)[1])
        if now >= next_runs_check:
            next_runs_check = now + 5
            states = [r["state"] for r in airflow.runs(dag_id)]
            if len(states) >= runs and all(s in ("success", "failed") for s in states):
                break
            health = airflow.api("GET", "/monitor/health")
            if (health.get("scheduler") or {}).get("status") == "healthy":
                unhealthy_since = None
            elif unhealthy_since is None:  # a late heartbeat (SQLite busy with the backfill's inserts)
                unhealthy_since = now
            elif now - unhealthy_since > SCHEDULER_GRACE:
                raise SystemExit(f"the scheduler is {health.get('scheduler')}: see {airflow.log_path}")
            if now - started > args.phase_timeout:
                raise SystemExit(f"{dag_id}: runs {Counter(states)} after {args.phase_timeout:.0f} s")
        time.sleep(max(0.0, args.sample_interval - (time.monotonic() - tick)))
    result.wall = time.monotonic() - started
    for proc in result.processes:
        proc.cpu_end = tree_usage(proc.pid)[0]
    result.requests = [entry for entry in log[first:] if entry[0] <= started + result.wall]
    result.run_states = Counter(r["state"] for r in airflow.runs(dag_id))
    for ti in airflow.api("GET", path, limit=1000)["task_instances"]:
        result.tries[int(ti["try_number"])] += 1
    census(result, emulator, job_id, days)
    result.cuts = pacing_cuts(airflow.home / "logs", dag_id)
    return result


CUT = re.compile(r"pacing cut to (\d+(?:\.\d+)?) requests a minute")


def pacing_cuts(logs: Path, dag_id: str) -> list[float]:
    """The rates the triggers' adaptive pacing cut to, from the phase's task logs (a trigger's log lines
    go to its task's log)."""
    found = []
    for path in logs.glob(f"dag_id={dag_id}/**/*"):
        if path.is_file():
            found += [float(m.group(1)) for m in CUT.finditer(path.read_text(errors="replace"))]
    return found


def census(result: PhaseResult, emulator: Any, job_id: str, days: int) -> None:
    """What Arize holds for the phase's job: queries per window, against the rows written."""
    from fault_storm.plan import StormPlan

    rows = {
        w.bounds[0]: w.rows for w in StormPlan(creations=0, windows=days * 24, event_jobs=1).window_list()
    }
    (job,) = [j for j in emulator.admin.jobs() if j["id"] == job_id]
    for query in job["queries"]:
        start = query["window_start"]
        result.windows[start] += 1
        if start not in rows:
            result.miscounted.append(f"{start} (not a backfilled hour)")
        elif query["status"] != "succeeded":
            result.failed_queries.append(f"{start}: {query['status']} {query['error_message']}")
        elif query["records_processed_count"] != rows[start]:
            result.miscounted.append(f"{start}: {query['records_processed_count']} of {rows[start]}")


# -- the run ----------------------------------------------------------------------------------------------
def create_jobs(emulator: Any, snowflake: Any, plan: Any, names: list[str]) -> list[str]:
    """One event-based job per phase, all on the plan's Snowflake table."""
    from airflow_provider_arize.api.models import (
        ModelSchema,
        ModelTarget,
        SnowflakeTableConfig,
        TriggeredTableImportJobSpec,
    )
    from fault_storm.dag import EVENT_SCHEMA

    client = sync_client(emulator.url, emulator.api_key, emulator.space_id)
    table = SnowflakeTableConfig(
        account_id=snowflake.account, database=plan.database, schema=plan.schema, table_name=plan.table
    )
    ids = []
    for name in names:
        target = ModelTarget(
            space_id=emulator.space_id,
            model_name=name,
            model_type="score_categorical",
            environment="production",
        )
        spec = TriggeredTableImportJobSpec(
            target=target, table=table, schema=ModelSchema.from_value(EVENT_SCHEMA)
        )
        ids.append(str(client.create_triggered_table_job(spec).job.id))
    return ids


def bench(args: Any, home: Path) -> tuple[list[PhaseResult], float]:
    from airflow_provider_arize.dag_testing import arize_connection_uri_env
    from airflow_provider_arize.emulator.testing import EmulatorServer
    from airflow_provider_arize.local_services import FakeSnowflakeServer
    from airflow_provider_arize.local_services.airflow import LiveAirflow
    from fault_storm.plan import StormPlan
    from fault_storm.run import write_window_rows

    phases = [(1, args.days), *((n, args.scale_days) for n in args.scale_out)]
    plan = StormPlan(
        creations=0,
        windows=max(days for _, days in phases) * 24,
        event_jobs=1,
        first_window=FIRST_WINDOW.isoformat(),
        database="BENCH",
        table="BACKFILL_EVENTS",
    )
    dags = home / "dags"
    dags.mkdir(parents=True)
    with contextlib.ExitStack() as stack:
        snowflake = stack.enter_context(FakeSnowflakeServer())
        stack.enter_context(snowflake.trusted())  # before Airflow starts: its processes inherit it
        write_window_rows(plan, snowflake)
        emulator = stack.enter_context(
            EmulatorServer(
                warehouses={"snowflake": {snowflake.account: snowflake.emulator_warehouse()}},
                worker_interval_seconds=args.worker_interval,
            )
        )
        assert emulator.workers is not None
        emulator.workers.batch_size = 100_000  # every pending window of a tick runs in that tick
        dag_ids = [f"arize_bench_backfill_{i + 1}" for i in range(len(phases))]
        job_ids = create_jobs(
            emulator, snowflake, plan, [f"bench-backfill-{i + 1}" for i in range(len(phases))]
        )
        for dag_id, job_id, (_, days) in zip(dag_ids, job_ids, phases, strict=True):
            source = dag_source(dag_id, job_id, days, args.max_active_runs, args.poll_interval)
            (dags / f"{dag_id}.py").write_text(source)
        # the tasks' machine-wide pacing state and the learnt API shape: this run's own, starting empty
        env: dict[str, str] = {"ARIZE_PROVIDER_CACHE_DIR": str(home / "arize-provider-cache")}
        for conn_id in CONNECTIONS:
            env |= arize_connection_uri_env(
                conn_id, url=emulator.url, api_key=emulator.api_key, space_id=emulator.space_id
            )
        log = record_requests(emulator.state)
        t0 = time.monotonic()
        airflow = stack.enter_context(LiveAirflow(home / "airflow", dags, env, parallelism=args.parallelism))
        for dag_id in dag_ids:  # every DAG parsed before the first backfill, and the parsing settled
            airflow.wait_dag(dag_id, timeout=180)
        time.sleep(args.settle)
        startup = time.monotonic() - t0
        results = []
        for dag_id, job_id, (triggerers, days) in zip(dag_ids, job_ids, phases, strict=True):
            started = time.monotonic()
            result = run_phase(airflow, emulator, log, dag_id, job_id, days, triggerers, args)
            print(
                f"{result.name}: {days * 24} runs in {result.wall:.0f} s ({time.monotonic() - started:.0f} s "
                f"with set-up); twice {result.twice}, lost {result.lost}",
                file=sys.stderr,
                flush=True,
            )
            results.append(result)
    return results, startup


# -- the section ------------------------------------------------------------------------------------------
def phase_rows(result: PhaseResult, base: PhaseResult) -> list[list[object]]:
    times = [t for t, _, _ in result.requests]
    limited = sum(1 for _, _, hit in result.requests if hit)
    waits = result.waits
    p50, p95 = percentile(waits, 50), percentile(waits, 95)
    base_p50, base_p95 = percentile(base.waits, 50), percentile(base.waits, 95)
    cpu = sum(p.cpu_end - p.cpu_start for p in result.processes)
    deferred = len(result.deferred)
    return [
        [result.name, f"{result.runs_expected} runs", fmt_s(result.wall)],
        [
            result.name,
            "runs succeeded / failed; task tries 1 / 2 / 3",
            f"{result.run_states.get('success', 0)} / {result.runs_failed}; "
            + " / ".join(str(result.tries.get(n, 0)) for n in (1, 2, 3)),
        ],
        [result.name, "requests (429s)", f"{len(times)} ({limited})"],
        [
            result.name,
            "requests/min: mean, peak 60 s",
            f"{len(times) / (result.wall / 60):.1f}, {peak_per_minute(times)}",
        ],
        [
            result.name,
            "windows triggered twice / lost / miscounted",
            f"{result.twice} / {result.lost} / {len(result.miscounted)}",
        ],
        [result.name, "tasks deferred; peak at once", f"{deferred}; {max(result.concurrent, default=0)}"],
        [
            result.name,
            "wait p50 / p95 (vs 1 triggerer)",
            f"{fmt_s(p50)} / {fmt_s(p95)} ({p50 / base_p50:.2f}x / {p95 / base_p95:.2f}x)" if waits else "-",
        ],
        [
            result.name,
            "adaptive pacing cuts logged; lowest rate",
            f"{len(result.cuts)}; {min(result.cuts):g}/min" if result.cuts else "0",
        ],
        [
            result.name,
            "triggerer CPU, all processes; per wait",
            f"{cpu:.1f} s; {cpu / max(deferred, 1) * 1000:.0f} ms",
        ],
    ]


def process_rows(result: PhaseResult) -> list[list[object]]:
    held = Counter(ids[-1] for ids in result.held_by.values())  # the last triggerer that held it
    moved = sum(1 for ids in result.held_by.values() if len(ids) > 1)
    rows = []
    for i, proc in enumerate(result.processes):
        job = result.triggerer_jobs[i] if i < len(result.triggerer_jobs) else None
        waits = held.get(job, 0) if job is not None else 0
        cpu = proc.cpu_end - proc.cpu_start
        growth = proc.rss_peak - proc.rss_start
        rows.append(
            [
                result.name,
                f"{'standalone' if i == 0 else 'extra'} (job {job})",
                waits,
                f"{cpu:.1f} s",
                f"{cpu / waits * 1000:.0f} ms" if waits else "-",
                f"{proc.rss_start / 2**20:.0f} MiB",
                f"{proc.rss_peak / 2**20:.0f} MiB",
                f"{growth / waits / 1024:.0f} KiB" if waits else "-",
            ]
        )
    if moved:
        rows.append([result.name, "waits seen on two triggerers", moved, "", "", "", "", ""])
    return rows


def operation_rows(results: list[PhaseResult]) -> list[list[object]]:
    rows = []
    for result in results:
        sent = Counter(op for _, op, _ in result.requests)
        limited = Counter(op for _, op, hit in result.requests if hit)
        for op, n in sent.most_common():
            rows.append([result.name, f"`{op}`", n, limited.get(op, 0)])
    return rows


def describe(args: Any) -> str:
    scale = ", ".join(str(n) for n in args.scale_out)
    return (
        f"A live Airflow (`airflow standalone`: LocalExecutor with {args.parallelism} slots, SQLite, "
        "tasks deferrable) against the emulator in the benchmark's process with its default per-key "
        "limits (100 queries, 300 mutations a minute; 429 with `Retry-After`); its worker runs triggered "
        f"windows every {args.worker_interval:g} s, counting the rows of the hour in a local Snowflake (1 "
        "to 7 rows an hour). One DAG per phase, hourly (data-interval timetable), one task: "
        "`ArizeTriggerTableRunOperator` for the run's hour (deferrable, poll every "
        f"{args.poll_interval:g} s, `max_active_tis_per_dag=None`), even hours on connection "
        "`arize_bench_a`, odd hours on `arize_bench_b`: two connection ids, one API key. Each phase is "
        f"Airflow's own backfill (`POST /api/v2/backfills`, {args.max_active_runs} runs at once) of a new "
        f"job's hours: {args.days * 24} runs ({args.days} days) with the standalone's own triggerer, then "
        f"{args.scale_days * 24} runs ({args.scale_days} days) each with {scale} triggerer processes (the "
        "extra ones `airflow triggerer` against the same SQLite metadata DB). Requests are logged by the "
        "emulator as they arrive; per window, the queries Arize holds for the phase's job. Waits: a "
        "task instance's time in state `deferred`, sampled from the REST API every "
        f"{args.sample_interval:g} s (first to last sight, plus one interval). Triggerer CPU: user + "
        "system of each triggerer process and its trigger-runner child over the phase (`psutil`); RSS "
        "summed over the two, its peak sampled with the waits; per wait: over the waits that triggerer "
        "held."
    )


def render(args: Any, argv: list[str], results: list[PhaseResult], startup: float, total: float) -> str:
    base = results[0]
    summary = [row for result in results for row in phase_rows(result, base)]
    ok = all(r.ok for r in results)
    problems = [
        f"{r.name}: twice {r.twice}, lost {r.lost}, miscounted {r.miscounted[:5]}, failed queries "
        f"{r.failed_queries[:5]}"
        for r in results
        if not r.ok
    ]
    failed_runs = sum(r.runs_failed for r in results)
    runs_note = (
        "all runs succeeded"
        if not failed_runs
        else f"{failed_runs} run(s) failed all their tries (Airflow shows them failed; their windows are "
        "counted above as Arize holds them)"
    )
    verdict = (
        f"**Windows: pass.** Every phase: every window triggered exactly once (0 twice, 0 lost) and each "
        f"window's processed count equals the rows Snowflake holds in it; {runs_note}."
        if ok
        else f"**Windows: fail.** {'; '.join(problems)}; {runs_note}."
    )
    return "\n\n".join(
        [
            "## Backfill at scale and scale-out on a live Airflow (`bench_backfill.py`)",
            f"Command: `{command_line('bench_backfill.py', argv)}`",
            describe(args),
            table(["phase", "figure", "value"], summary),
            "Per triggerer process (its waits: deferred tasks whose trigger it held; RSS growth: peak minus "
            "the phase's start, over its waits):",
            table(
                [
                    "phase",
                    "triggerer",
                    "waits",
                    "CPU",
                    "CPU/wait",
                    "RSS at start",
                    "peak RSS",
                    "RSS growth/wait",
                ],
                [row for r in results for row in process_rows(r)],
            ),
            "Requests by GraphQL operation (`PollImportJobs`: the triggerers' coalesced polls; the rest are "
            "the tasks' own calls on the workers, before deferring):",
            table(["phase", "operation", "requests", "429s"], operation_rows(results)),
            f"Airflow start-up {fmt_s(startup)} (not in the phases' wall times); whole benchmark "
            f"{total:.0f} s.",
            verdict,
        ]
    )


#: The options: name, type, default, help (the default is added to it).
OPTIONS: tuple[tuple[str, type, Any, str], ...] = (
    ("days", int, 7, "days backfilled by phase 1 (24 runs a day)"),
    ("scale_days", int, 2, "days backfilled by each scale-out phase"),
    ("scale_out", str, "2,3", "triggerer processes of the scale-out phases"),
    ("max_active_runs", int, 48, "backfill runs at once"),
    ("poll_interval", float, 10.0, "the waits' poll interval (s)"),
    ("worker_interval", float, 20.0, "the emulator worker's tick (s)"),
    ("parallelism", int, 8, "Airflow's task slots"),
    ("sample_interval", float, 1.0, "sampling period of the waits and triggerers (s)"),
    ("phase_timeout", float, 3600.0, "give a phase up after this many seconds"),
    ("settle", float, 15.0, "seconds between the DAGs' parsing and the first backfill"),
)


def main() -> None:
    parser = base_parser(__doc__)
    for name, kind, default, text in OPTIONS:
        parser.add_argument(
            f"--{name.replace('_', '-')}", type=kind, default=default, help=f"{text} ({default})"
        )
    args = parser.parse_args()
    argv = [
        f"--{name.replace('_', '-')} {getattr(args, name)}"
        for name, _, default, _ in OPTIONS
        if getattr(args, name) != default and name not in ("phase_timeout", "settle")
    ]
    args.scale_out = [int(n) for n in str(args.scale_out).split(",") if n.strip()]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="arize-bench-backfill-") as tmp:
        results, startup = bench(args, Path(tmp))
    emit(render(args, argv, results, startup, time.monotonic() - started), args.output)
    if not all(r.ok for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
