"""A triggerer full of Arize waits: ``--triggers`` deferred waits (half ``ArizeTableRunTrigger``, half
``ArizeFileIngestionTrigger``) in one asyncio event loop of one process, against the emulator.

What is measured:

* The emulator runs in a subprocess (``EmulatorProcess``) with its default rate limit (100 queries a
  minute per key) and its workers running (``--worker-interval 5``). Setup, through the sync client with
  a second API key and the limits lifted meanwhile: ``--triggers / 2`` event-based table jobs (Snowflake,
  on an account the emulator cannot reach, so a query that runs fails), each with one triggered window
  and then paused, so its query stays pending; and as many file jobs (no S3 configured: their counters
  stay at zero). Then the default limits are restored (which forgets the setup calls) and the stats reset.
* The triggers run the way Airflow's triggerer runs them: each in its own task through Airflow's own
  ``TriggerRunner.run_trigger`` (greenback portal, log binding, span, events collected), without the
  supervisor, the database and the create/cancel loop around it; Airflow's JSON logging goes to a file,
  as the triggerer ships its logs. Triggers start spread over ``--ramp`` seconds (default one poll
  interval: deferrals arrive over time) and poll every ``--interval`` seconds (60).
* Coalesced (the default): ``--minutes`` of it (3). While it runs, a separate process (the second key)
  resumes half of the table jobs and deletes half of the file jobs at staggered times, so those waits
  settle (``failed``: the query fails, or the job is gone) through the run; the rest keep waiting and
  are cancelled at the end, as when a triggerer stops.
* Not coalesced (``[arize] coalesce_trigger_polls = false``: one client per trigger, the table poll
  reading the job and every query of it): ``--baseline-minutes`` of it (2), first, on the same jobs.
* The headline ratio is taken minute for minute: the medians of both runs over the same minutes (by
  index from each run's start) after the ramp-up (a minute that begins before the last wait started is
  a ramp-up minute, in both runs); when the baseline ran no steady-state minute, over the minutes both
  ran, ramp-up included, and the output says which. A table gives both runs side by side, minute by
  minute.
* Figures: requests reaching the emulator per minute (its ``/_emulator/stats``, the triggers' operations
  only) and the 429s it answered; event-loop lag (a task sleeping 0.05 s records its overshoot: median,
  p99, max); CPU time of this process (``resource.getrusage``: the whole process, and the event loop's
  thread) and of the emulator process, per minute; triggers finished; for the coalesced run, the
  batcher's reads per request and highest request cost (and the emulator's own computation of it).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import BENCH, ROOT, base_parser, command_line, emit, median, table

CONN_ID = "arize_bench"
SETUP_KEY = "bench-setup-key"
WINDOW_START = datetime(2026, 3, 1, 10, tzinfo=UTC)
#: What the waits send, coalesced or not (the settling process's own reads are other requests of the
#: same names, so the coalesced run counts only the batched operation, the only one its waits send).
COALESCED_OPERATIONS = ("PollImportJobs",)
DIRECT_OPERATIONS = ("GetTableImportJob", "ListTableImportJobQueries", "GetFileImportJob")
LAG_PERIOD = 0.05
SETTLE_PER_MINUTE = 40
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- setup ------------------------------------------------------------------------------------------------
def sync_client(url: str, key: str, space_id: str) -> Any:
    from airflow_provider_arize.api.client import ArizeClient
    from airflow_provider_arize.api.transport import GraphQLTransport, TransportConfig

    return ArizeClient(GraphQLTransport(TransportConfig(api_key=key, endpoint=url)), space_id=space_id)


def create_jobs(client: Any, space_id: str, n_table: int, n_file: int) -> tuple[list[str], list[str]]:
    """Event-based table jobs with one triggered window each, then paused; and file jobs."""
    from airflow_provider_arize.api.models import (
        FileImportJobSpec,
        ModelSchema,
        ModelTarget,
        QueryWindow,
        SnowflakeTableConfig,
        TriggeredTableImportJobSpec,
    )

    def target(name: str) -> Any:
        return ModelTarget(
            space_id=space_id, model_name=name, model_type="score_categorical", environment="production"
        )

    table_schema = ModelSchema.from_value(
        {"predictionId": "ID", "predictionLabel": "P", "timestamp": "TS", "changeTimestamp": "CTS"}
    )
    file_schema = ModelSchema.from_value({"predictionId": "id", "timestamp": "ts", "predictionLabel": "p"})
    config = SnowflakeTableConfig(account_id="nowhere-acct", database="DB", schema="S", table_name="T")
    window = QueryWindow(WINDOW_START, WINDOW_START + timedelta(hours=1))

    def table_job(i: int) -> str:
        spec = TriggeredTableImportJobSpec(
            target=target(f"table-model-{i}"), table=config, schema=table_schema
        )
        job_id = str(client.create_triggered_table_job(spec).job.id)
        client.trigger_table_run(job_id, window)
        client.set_status("table", job_id, "pause")  # the query stays pending until the job is resumed
        return job_id

    def file_job(i: int) -> str:
        spec = FileImportJobSpec(
            target=target(f"file-model-{i}"), location=f"s3://bench/p{i}/", schema=file_schema
        )
        return str(client.create_file_job(spec).job.id)

    with ThreadPoolExecutor(4) as pool:
        tables = list(pool.map(table_job, range(n_table)))
        files = list(pool.map(file_job, range(n_file)))
    return tables, files


def settle(plan_path: Path) -> None:
    """``--settle PLAN``: resume table jobs and delete file jobs at the planned times (a separate process,
    with the setup key, so its work is not in the triggerer's CPU or request budget)."""
    plan = json.loads(plan_path.read_text())
    client = sync_client(plan["url"], plan["key"], plan["space_id"])
    go = plan_path.with_suffix(".start")
    while not go.exists():
        time.sleep(0.1)
    start = float(go.read_text())
    done = 0
    for at, kind, job_id in plan["actions"]:
        time.sleep(max(0.0, start + at - time.time()))
        if kind == "table":
            client.set_status("table", job_id, "resume")
        else:
            client.set_status("file", job_id, "delete")
        done += 1
    print(json.dumps({"settled": done}), flush=True)


# -- measuring --------------------------------------------------------------------------------------------
def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def own_cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Minute:
    seconds: float
    requests: int
    answered: int
    rate_limited: int
    cpu_process: float
    cpu_loop: float
    cpu_emulator: float
    finished: int
    lag_p99: float
    lag_max: float
    gc_max: float = 0.0
    batches: int = 0
    reads: int = 0


@dataclass
class Phase:
    name: str
    operations: tuple[str, ...]
    seconds: float = 0.0
    minutes: list[Minute] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    events: Counter[str] = field(default_factory=Counter)
    started: int = 0
    max_cost: int = 0
    emulator_max_cost: int = 0
    batch_reads: int = 0
    batch_requests: int = 0
    attempts: int = 0
    drained: float = 0.0
    full_gcs: list[float] = field(default_factory=list)
    token_wait: float = 0.0
    closed: bool = True


def poll_counts(stats: dict[str, Any], operations: tuple[str, ...]) -> tuple[int, int]:
    by_operation = stats["requests"]["by_operation"]
    return sum(int(by_operation.get(op, 0)) for op in operations), int(stats["rate_limited"])


def make_triggers(tables: list[str], files: list[str], interval: float, deadline: float) -> list[Any]:
    from airflow_provider_arize.triggers.file_ingestion import ArizeFileIngestionTrigger
    from airflow_provider_arize.triggers.table_run import ArizeTableRunTrigger

    end = WINDOW_START + timedelta(hours=1)
    common = {"arize_conn_id": CONN_ID, "deadline": deadline, "poll_interval": interval}
    triggers: list[Any] = [
        ArizeTableRunTrigger(
            job_id=j,
            window_start=WINDOW_START.strftime("%Y-%m-%dT%H:%M:%SZ"),
            window_end=end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            **common,
        )
        for j in tables
    ]
    triggers += [
        ArizeFileIngestionTrigger(job_id=j, expected_seen=1, failed_baseline=0, **common) for j in files
    ]
    random.Random(7).shuffle(triggers)
    return triggers


async def run_phase(
    phase: Phase, emulator: Any, triggers: list[Any], minutes: float, ramp: float, on_start: Any = None
) -> None:
    """Run ``triggers`` through Airflow's ``TriggerRunner.run_trigger`` for ``minutes``, sampling each
    minute; then cancel what is left and wait for it to clean up."""
    from airflow.jobs.triggerer_job_runner import TriggerRunner

    from airflow_provider_arize.triggers.polling import active_pollers, current_poller

    loop = asyncio.get_running_loop()
    runner = TriggerRunner()
    stop = asyncio.Event()

    async def lag_probe() -> None:
        while True:
            began = loop.time()
            await asyncio.sleep(LAG_PERIOD)
            if stop.is_set():  # the run is over: what follows (cancelling the waits) is not measured
                return
            phase.lags.append(loop.time() - began - LAG_PERIOD)

    async def start_all() -> list[asyncio.Task[Any]]:
        tasks = []
        for i, trigger in enumerate(triggers, start=1):
            await asyncio.sleep(ramp / len(triggers))
            runner.triggers[i] = {
                "task": None,
                "name": f"{type(trigger).__name__}#{i}",
                "events": 0,
                "is_watcher": False,
            }
            task = loop.create_task(runner.run_trigger(i, trigger))
            runner.triggers[i]["task"] = task
            tasks.append(task)
            phase.started += 1
        return tasks

    await asyncio.to_thread(emulator.admin.reset_stats)
    gc_started: list[float] = []

    def on_gc(stage: str, info: dict[str, Any]) -> None:
        """Time the full (generation 2) collections: they stop the event loop like any blocking call."""
        if info["generation"] != 2:
            return
        if stage == "start":
            gc_started[:] = [time.perf_counter()]
        elif gc_started:
            phase.full_gcs.append(time.perf_counter() - gc_started[0])

    gc.callbacks.append(on_gc)
    probe = loop.create_task(lag_probe())
    starter = loop.create_task(start_all())
    if on_start is not None:
        on_start()
    began = time.monotonic()
    base_requests, base_limited = 0, 0
    base_cpu = (
        own_cpu(resource.RUSAGE_SELF),
        own_cpu(resource.RUSAGE_THREAD),
        proc_cpu(emulator.process.pid),
    )
    lag_mark, batches_mark, reads_mark, gc_mark = 0, 0, 0, 0
    mark = began
    for minute in range(1, math.ceil(minutes) + 1):
        await asyncio.sleep(max(0.0, began + 60 * min(minute, minutes) - time.monotonic()))
        now = time.monotonic()
        stats = await asyncio.to_thread(emulator.admin.stats)
        requests, limited = poll_counts(stats, phase.operations)
        cpu = (own_cpu(resource.RUSAGE_SELF), own_cpu(resource.RUSAGE_THREAD), proc_cpu(emulator.process.pid))
        lags = phase.lags[lag_mark:]
        poller = current_poller(CONN_ID)
        batches = poller.batcher.stats.requests if poller else batches_mark
        reads = poller.batcher.stats.reads if poller else reads_mark
        phase.minutes.append(
            Minute(
                seconds=now - mark,
                requests=requests - base_requests,
                answered=(requests - base_requests) - (limited - base_limited),
                rate_limited=limited - base_limited,
                cpu_process=cpu[0] - base_cpu[0],
                cpu_loop=cpu[1] - base_cpu[1],
                cpu_emulator=cpu[2] - base_cpu[2],
                finished=len(runner.events),
                lag_p99=percentile(lags, 99) if lags else 0.0,
                lag_max=max(lags, default=0.0),
                gc_max=max(phase.full_gcs[gc_mark:], default=0.0),
                batches=batches - batches_mark,
                reads=reads - reads_mark,
            )
        )
        print(f"  {phase.name} minute {minute}: {phase.minutes[-1]}", file=sys.stderr, flush=True)
        base_requests, base_limited, base_cpu = requests, limited, cpu
        lag_mark, batches_mark, reads_mark, mark = len(phase.lags), batches, reads, now
        gc_mark = len(phase.full_gcs)
    phase.seconds = time.monotonic() - began
    poller = current_poller(CONN_ID)
    if poller is not None:
        phase.max_cost = poller.batcher.stats.max_cost
        phase.batch_reads = poller.batcher.stats.reads
        phase.batch_requests = poller.batcher.stats.requests
        phase.attempts = poller.client.transport.stats.requests
        phase.token_wait = poller.client.pacer.waited if poller.client.pacer else 0.0
    stats = await asyncio.to_thread(emulator.admin.stats)
    phase.emulator_max_cost = int(stats["max_cost_by_operation"].get("PollImportJobs", 0))
    stop.set()
    tasks = await starter
    for entry in runner.events:
        phase.events[entry.event.payload["status"]] += 1
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await probe
    gc.callbacks.remove(on_gc)
    phase.closed = active_pollers() == {}


def drain(emulator: Any, quiet: float = 10.0) -> float:
    """Wait until the emulator has answered the backlog the flood left (requests it had received but
    not yet handled when the waits were cancelled): its status counters stay still for ``quiet`` s."""
    began = time.monotonic()
    last, still_since = None, time.monotonic()
    while time.monotonic() - still_since < quiet:
        time.sleep(1.0)
        answered = sum(emulator.admin.stats()["requests"]["by_status"].values())
        if answered != last:
            last, still_since = answered, time.monotonic()
    return time.monotonic() - began


async def warm_up() -> None:
    """Import what the waits import on first use, build the default TLS context and send one request
    through an async client, before measuring: a triggerer pays that once, when its first Arize wait
    starts, not per wait."""
    import airflow_provider_arize.triggers.polling  # noqa: F401
    from airflow_provider_arize.hooks.arize import ArizeHook

    async with await ArizeHook(CONN_ID).get_async_client() as client:
        await client.test_connection()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))]


# -- report -----------------------------------------------------------------------------------------------
def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def per_minute(phase: Phase, value: Any) -> list[float]:
    """``value(minute)`` of each sampled minute, scaled to a full minute (the last one may be short)."""
    return [value(m) * 60 / m.seconds for m in phase.minutes if m.seconds > 1]


def rate(m: Minute) -> float:
    """Requests of minute ``m``, scaled to a full minute (the last one may be short)."""
    return m.requests * 60 / m.seconds


def ramp_up(phase: Phase, ramp: float) -> list[bool]:
    """Per sampled minute: does it begin before the ramp ends (waits still starting)? A minute beginning
    within a second of the ramp's end (the sampling's own jitter) does not."""
    flags, start = [], 0.0
    for m in phase.minutes:
        flags.append(start < ramp - 1.0)
        start += m.seconds
    return flags


def matched_minutes(baseline: Phase, coalesced: Phase, ramp: float) -> tuple[list[int], bool]:
    """The minutes (0-based indices) the headline ratio compares, and whether they are steady-state ones:
    those both runs sampled (over a second long) that begin after the ramp-up in both; when there is
    none, every minute both runs sampled, ramp-up included."""
    base_ramp, coal_ramp = ramp_up(baseline, ramp), ramp_up(coalesced, ramp)
    common = [
        i
        for i in range(min(len(baseline.minutes), len(coalesced.minutes)))
        if baseline.minutes[i].seconds > 1 and coalesced.minutes[i].seconds > 1
    ]
    steady = [i for i in common if not base_ramp[i] and not coal_ramp[i]]
    return (steady, True) if steady else (common, False)


def minute_numbers(indices: list[int]) -> str:
    numbers = [str(i + 1) for i in indices]
    return numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]


def side_by_side_rows(baseline: Phase, coalesced: Phase, ramp: float) -> list[list[object]]:
    """Both runs minute by minute (requests scaled to a full minute), the ratio where both ran."""
    base_ramp, coal_ramp = ramp_up(baseline, ramp), ramp_up(coalesced, ramp)
    rows: list[list[object]] = []
    for i in range(max(len(baseline.minutes), len(coalesced.minutes))):
        b = baseline.minutes[i] if i < len(baseline.minutes) else None
        c = coalesced.minutes[i] if i < len(coalesced.minutes) else None
        flags = [f[i] for f in (base_ramp, coal_ramp) if i < len(f)]
        ratio = f"{rate(b) / rate(c):.0f}x" if b and c and c.requests and b.seconds > 1 else "-"
        rows.append(
            [
                i + 1,
                "ramp-up" if any(flags) else "steady state",
                f"{rate(b):.0f} ({b.seconds:.0f} s)" if b else "not run",
                b.rate_limited if b else "-",
                f"{rate(c):.0f} ({c.seconds:.0f} s)" if c else "not run",
                c.rate_limited if c else "-",
                ratio,
            ]
        )
    return rows


def summary_row(phase: Phase, triggers: int) -> list[object]:
    requests = per_minute(phase, lambda m: m.requests)
    return [
        phase.name,
        f"{phase.seconds / 60:.1f} min",
        triggers,
        f"{median(requests):.0f}",
        f"{max(requests):.0f}",
        sum(m.rate_limited for m in phase.minutes),
        sum(m.answered for m in phase.minutes),
        ms(median(phase.lags)),
        ms(percentile(phase.lags, 99)),
        ms(max(phase.lags)),
        f"{len(phase.full_gcs)}, longest {ms(max(phase.full_gcs, default=0.0))}",
        f"{median(per_minute(phase, lambda m: m.cpu_process)):.2f} s",
        f"{median(per_minute(phase, lambda m: m.cpu_loop)):.2f} s",
        f"{median(per_minute(phase, lambda m: m.cpu_emulator)):.2f} s",
        sum(phase.events.values()),
    ]


def minute_rows(phase: Phase) -> list[list[object]]:
    rows: list[list[object]] = []
    for i, m in enumerate(phase.minutes, start=1):
        rows.append(
            [
                i,
                m.requests,
                m.rate_limited,
                f"{m.reads / m.batches:.0f}" if m.batches else "-",
                ms(m.lag_p99),
                ms(m.lag_max),
                ms(m.gc_max),
                f"{m.cpu_process:.2f} s",
                f"{m.cpu_loop:.2f} s",
                f"{m.cpu_emulator:.2f} s",
                m.finished,
            ]
        )
    return rows


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def render(args: Any, coalesced: Phase, baseline: Phase | None, setup_s: float, settled: int) -> str:
    ramp = args.ramp if args.ramp is not None else args.interval
    cmd_args = [
        f"--minutes {args.minutes:g}",
        f"--triggers {args.triggers}",
        f"--baseline-minutes {args.baseline_minutes:g}",
        f"--interval {args.interval:g}",
        f"--ramp {ramp:g}",
    ]
    headers = [
        "mode",
        "ran",
        "waits",
        "requests/min (median)",
        "requests/min (max)",
        "429s",
        "answered",
        "loop lag median",
        "loop lag p99",
        "loop lag max",
        "full GCs",
        "CPU/min (process)",
        "CPU/min (loop thread)",
        "CPU/min (emulator)",
        "events",
    ]
    rows = [summary_row(coalesced, args.triggers)]
    if baseline is not None:
        rows.append(summary_row(baseline, args.triggers))
    n_table = args.triggers // 2
    lag_max, lag_p99 = max(coalesced.lags), percentile(coalesced.lags, 99)
    worst_minute = max(per_minute(coalesced, lambda m: m.requests))
    limited = sum(m.rate_limited for m in coalesced.minutes)
    c = coalesced
    parts = [
        "## A triggerer full of Arize waits (`bench_triggerer.py`)",
        f"Command: `{command_line('bench_triggerer.py', cmd_args)}`",
        f"{args.triggers} waits ({n_table} `ArizeTableRunTrigger` on paused event-based table jobs with a "
        f"pending query, {args.triggers - n_table} `ArizeFileIngestionTrigger` on file jobs) in one event "
        "loop of one process, each run by Airflow's own `TriggerRunner.run_trigger` (not the whole "
        "triggerer: no supervisor, database or create/cancel loop; Airflow's JSON logs go to a file; the "
        "client modules are imported before measuring, as a triggerer does once), "
        f"started over {ramp:g} s and polling every {args.interval:g} s, against the emulator in a "
        "subprocess with its default rate limit (100 queries a minute per key) and its workers on. Setup "
        "(jobs created through the sync client with a second key, limits lifted meanwhile, then restored): "
        f"{setup_s:.0f} s. During the coalesced run a separate process resumed or deleted {settled} jobs at "
        "staggered times, so their waits settled (`failed`: the query failed, or the file job was deleted); "
        "the rest were cancelled at the end, as when a triggerer stops. Requests are those the emulator "
        "received for the waits' operations; in this table, per-minute figures are medians over all the "
        "minutes of each run, ramp-up included (a last partial minute scaled to a full one); the ratio "
        "below compares the same minutes of both runs.",
        table(headers, rows),
    ]
    if baseline is not None and baseline.minutes:
        indices, steady = matched_minutes(baseline, coalesced, ramp)
        base_rate = median([rate(baseline.minutes[i]) for i in indices])
        matched_rate = median([rate(coalesced.minutes[i]) for i in indices])
        ratio = base_rate / matched_rate if matched_rate else float("inf")
        which = "minute" if len(indices) == 1 else "minutes"
        if steady:
            basis = (
                f"over {which} {minute_numbers(indices)} of both runs, the steady state (the {ramp:g} s "
                "ramp-up, waits still starting, excluded from both)"
            )
        else:
            basis = (
                f"over {which} {minute_numbers(indices)} of both runs, ramp-up included in both (the "
                "baseline ran no steady-state minute: `--baseline-minutes` past the ramp-up gives one)"
            )
        parts.append(
            "Requests per minute, not coalesced / coalesced, minute for minute: "
            f"**{ratio:.0f}x** {basis}: {base_rate:.0f} vs {matched_rate:.0f} requests a minute, each "
            "run's median over those minutes. Not coalesced, the emulator answered "
            f"{sum(m.rate_limited for m in baseline.minutes)} requests with 429 in "
            f"{baseline.seconds / 60:.1f} min (the transport retries them after `Retry-After`); "
            f"{sum(baseline.events.values())} waits ended meanwhile ({dict(baseline.events) or 'none'}). "
            f"Once they were cancelled, the emulator took {baseline.drained:.0f} s to work off the requests "
            "it had already received (10 s of them quiet included) before the coalesced run began."
        )
        parts += [
            "Both runs minute by minute (minutes counted from each run's start; requests scaled to a full "
            "minute, the minute's length beside them):",
            table(
                [
                    "minute",
                    "phase",
                    "not coalesced: requests",
                    "not coalesced: 429s",
                    "coalesced: requests",
                    "coalesced: 429s",
                    "not coalesced / coalesced",
                ],
                side_by_side_rows(baseline, coalesced, ramp),
            ),
        ]
    parts += [
        "Coalesced, minute by minute:",
        table(
            [
                "minute",
                "requests",
                "429s",
                "reads per request",
                "loop lag p99",
                "loop lag max",
                "longest full GC",
                "CPU (process)",
                "CPU (loop thread)",
                "CPU (emulator)",
                "waits finished (cumulative)",
            ],
            minute_rows(coalesced),
        ),
        f"Coalesced totals: {c.batch_requests} batched requests carried {c.batch_reads} reads "
        f"({c.batch_reads / max(1, c.batch_requests):.0f} per request) in {c.attempts} HTTP attempts "
        f"({c.attempts - c.batch_requests} retries); highest request cost {c.max_cost} as the client "
        f"computed it, {c.emulator_max_cost} as the emulator did (limit 1000; batches are capped at 900); "
        f"{c.token_wait:.0f} s spent waiting for the pacing bucket (80 a minute, burst 10); events "
        f"{dict(c.events)}; shared client closed after the last wait left: {'yes' if c.closed else 'NO'}.",
        f"Targets: under 100 requests a minute: {verdict(worst_minute < 100)} (worst minute "
        f"{worst_minute:.0f}); event-loop lag under 100 ms: {verdict(lag_p99 < 0.1)} at p99 "
        f"({ms(lag_p99)}; max {ms(lag_max)}, next to a longest full garbage collection of "
        f"{ms(max(c.full_gcs, default=0.0))}: Python's generation-2 collections of this process's heap, "
        f"Airflow's modules and {args.triggers} trigger tasks, stop the loop like a blocking call; Airflow's "
        f"triggerer does not `gc.freeze()`); no 429: {verdict(limited == 0)}.",
    ]
    return "\n\n".join(parts)


# -- main -------------------------------------------------------------------------------------------------
def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--minutes", type=float, default=3.0, help="coalesced run length (default 3)")
    parser.add_argument("--triggers", type=int, default=1000, help="waits, half table runs (default 1000)")
    parser.add_argument(
        "--baseline-minutes", type=float, default=2.0, help="uncoalesced run (default 2; 0 skips it)"
    )
    parser.add_argument("--interval", type=float, default=60.0, help="poll interval in seconds (default 60)")
    parser.add_argument(
        "--ramp", type=float, default=None, help="seconds over which waits start (default: interval)"
    )
    parser.add_argument("--settle", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.settle is not None:
        settle(args.settle)
        return

    with tempfile.TemporaryDirectory(prefix="arize-bench-triggerer-") as tmp:
        from airflow_provider_arize.dag_testing import arize_connection_uri_env, configure_local_airflow

        configure_local_airflow(Path(tmp) / "airflow", ROOT / "example_dags")
        asyncio.run(bench(args, Path(tmp), arize_connection_uri_env))


async def bench(args: Any, tmp: Path, connection_env: Any) -> None:
    from airflow.sdk.log import configure_logging

    from airflow_provider_arize.emulator.testing import EmulatorProcess

    log_file = (tmp / "triggerer.log").open("wb")  # left open: Airflow's loggers write until exit
    configure_logging(json_output=True, log_level="INFO", output=log_file)
    with EmulatorProcess(tmp / "arize.sqlite3", extra_args=["--worker-interval", "5"]) as emulator:
        os.environ.update(
            connection_env(CONN_ID, url=emulator.url, api_key=emulator.api_key, space_id=emulator.space_id)
        )
        emulator.admin.create_key(SETUP_KEY, [emulator.space_id])
        print(f"== emulator at {emulator.url}; creating jobs", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        emulator.admin.set_rate_limits(queries_per_minute=1_000_000, mutations_per_minute=1_000_000)
        client = sync_client(emulator.url, SETUP_KEY, emulator.space_id)
        n_table = args.triggers // 2
        tables, files = await asyncio.to_thread(
            create_jobs, client, emulator.space_id, n_table, args.triggers - n_table
        )
        await warm_up()
        emulator.admin.set_rate_limits(queries_per_minute=100, mutations_per_minute=300, enabled=True)
        setup_s = time.monotonic() - t0
        print(
            f"== {len(tables)} table and {len(files)} file jobs in {setup_s:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        ramp = args.ramp if args.ramp is not None else args.interval
        horizon = time.time() + 3600 + 60 * (args.minutes + args.baseline_minutes)

        baseline = None
        if args.baseline_minutes > 0:
            os.environ["AIRFLOW__ARIZE__COALESCE_TRIGGER_POLLS"] = "false"
            baseline = Phase("not coalesced (one client per wait)", DIRECT_OPERATIONS)
            await run_phase(
                baseline,
                emulator,
                make_triggers(tables, files, args.interval, horizon),
                args.baseline_minutes,
                ramp,
            )
            os.environ.pop("AIRFLOW__ARIZE__COALESCE_TRIGGER_POLLS")
            baseline.drained = await asyncio.to_thread(drain, emulator)
            print(f"== emulator drained in {baseline.drained:.0f} s", file=sys.stderr, flush=True)
            emulator.admin.set_rate_limits(queries_per_minute=100, mutations_per_minute=300, enabled=True)

        coalesced = Phase("coalesced (shared batcher, paced)", COALESCED_OPERATIONS)
        rng = random.Random(11)
        span = max(30.0, 60 * args.minutes - 45)
        # Each action reads the job twice (its own key's budget is 100 queries a minute too): at most 40
        # actions a minute, half resumes of table jobs, half deletes of file jobs.
        per_kind = min(len(tables) // 2, len(files) // 2, int(SETTLE_PER_MINUTE * (span - 20) / 60) // 2)
        actions = sorted(
            [(rng.uniform(20, span), "table", j) for j in tables[:per_kind]]
            + [(rng.uniform(20, span), "file", j) for j in files[:per_kind]]
        )
        plan = tmp / "settle.json"
        plan.write_text(
            json.dumps(
                {"url": emulator.url, "key": SETUP_KEY, "space_id": emulator.space_id, "actions": actions}
            )
        )
        # started before the run (forking this process is not the waits' lag); it begins once told
        settler = subprocess.Popen(
            [sys.executable, str(BENCH / "bench_triggerer.py"), "--settle", str(plan)],
            stdout=subprocess.PIPE,
            text=True,
        )
        await run_phase(
            coalesced,
            emulator,
            make_triggers(tables, files, args.interval, horizon),
            args.minutes,
            ramp,
            lambda: plan.with_suffix(".start").write_text(str(time.time())),
        )
        settler.terminate()
        settler.communicate(timeout=30)
        settled = sum(1 for at, _, _ in actions if at <= coalesced.seconds)
    emit(render(args, coalesced, baseline, setup_s, settled), args.output)


if __name__ == "__main__":
    main()
