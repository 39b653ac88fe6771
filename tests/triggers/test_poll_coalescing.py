"""Coalesced polling of the Arize waits against the emulator over HTTP.

Many table-run and ingestion triggers run concurrently in one event loop, as in Airflow's triggerer, on
one connection. Requests are counted from the emulator's stats (``GET /_emulator/stats``), costs are the
emulator's own (``max_cost_by_operation``); nothing here asserts a time.

Per-request capacity (``DEFAULT_MAX_BATCH_COST`` = 900): 128 table-job reads (cost 7), 90 file-job reads
(cost 10), 64 first pages of a table job's queries sized for one query (cost 14).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from airflow_provider_arize.api.batch_document import (
    BATCH_OPERATION,
    FILE_JOB,
    TABLE_JOB,
    TABLE_QUERIES_PAGE,
    read,
)
from airflow_provider_arize.api.batching import DEFAULT_MAX_BATCH_COST
from airflow_provider_arize.api.client import ArizeClient
from airflow_provider_arize.api.models import (
    FileImportJobSpec,
    ModelSchema,
    ModelTarget,
    QueryWindow,
    SnowflakeTableConfig,
    TriggeredTableImportJobSpec,
)
from airflow_provider_arize.api.transport import GraphQLTransport, TransportConfig
from airflow_provider_arize.dag_testing import arize_connection_uri_env
from airflow_provider_arize.emulator.testing import EmulatorServer
from airflow_provider_arize.emulator.workers import TableWorker
from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.triggers.file_ingestion import ArizeFileIngestionTrigger
from airflow_provider_arize.triggers.table_run import LIST_REFRESH_POLLS, ArizeTableRunTrigger

START = datetime(2026, 3, 1, 10, tzinfo=UTC)
WINDOW = QueryWindow(START, START + timedelta(hours=1))
UNKNOWN_TABLE_JOB = "VGFibGVJbXBvcnRKb2I6OTk5OQ=="  # TableImportJob:9999
FILE_CAPACITY = DEFAULT_MAX_BATCH_COST // read(FILE_JOB, id="x").cost
TABLE_CAPACITY = DEFAULT_MAX_BATCH_COST // read(TABLE_JOB, id="x").cost
LIST_CAPACITY = DEFAULT_MAX_BATCH_COST // read(TABLE_QUERIES_PAGE, id="x", first=1, after=None).cost


# -- setup helpers --------------------------------------------------------------------------------------
def use_connection(
    monkeypatch: pytest.MonkeyPatch, emulator: Any, conn_id: str = "arize_default", **extra: Any
) -> str:
    for key, value in arize_connection_uri_env(
        conn_id, url=emulator.url, api_key=emulator.api_key, space_id=emulator.space_id, extra=extra
    ).items():
        monkeypatch.setenv(key, value)
    return conn_id


def target(emulator: Any, name: str) -> ModelTarget:
    return ModelTarget(
        space_id=emulator.space_id, model_name=name, model_type="score_categorical", environment="production"
    )


def setup_client(conn_id: str) -> ArizeClient:
    """The connection's client without the tasks' pacing: set-up runs with the rate limit off."""
    settings = ArizeHook(conn_id).settings
    config = TransportConfig(endpoint=settings.endpoint, api_key=settings.api_key)
    return ArizeClient(GraphQLTransport(config), space_id=settings.space_id)


def make_file_jobs(emulator: Any, conn_id: str, n: int) -> list[str]:
    """``n`` file jobs; no S3 is configured, so their counters stay at zero."""
    hook = setup_client(conn_id)
    schema = ModelSchema.from_value({"predictionId": "id", "timestamp": "ts", "predictionLabel": "p"})
    return [
        hook.create_file_job(
            FileImportJobSpec(target=target(emulator, f"f{i}"), location=f"s3://bucket/p{i}/", schema=schema)
        ).job.id
        for i in range(n)
    ]


def make_table_jobs(emulator: Any, conn_id: str, n: int) -> list[str]:
    """``n`` event-based jobs on a Snowflake account the emulator cannot reach: a run's query fails."""
    hook = setup_client(conn_id)
    schema = ModelSchema.from_value(
        {"predictionId": "ID", "predictionLabel": "P", "timestamp": "TS", "changeTimestamp": "CTS"}
    )
    table = SnowflakeTableConfig(account_id="nowhere-acct", database="DB", schema="S", table_name="T")
    return [
        hook.create_triggered_table_job(
            TriggeredTableImportJobSpec(target=target(emulator, f"t{i}"), table=table, schema=schema)
        ).job.id
        for i in range(n)
    ]


def unlimited(emulator: Any, setup: Callable[[], Any]) -> Any:
    """Run ``setup`` with the rate limit off, then restore the default limits (forgetting its calls)."""
    emulator.admin.set_rate_limits(enabled=False)
    try:
        return setup()
    finally:
        emulator.admin.set_rate_limits(enabled=True)
        emulator.admin.reset_stats()


def table_trigger(conn_id: str, job_id: str, deadline: float, interval: float, **kwargs: Any) -> Any:
    bounds = WINDOW.to_input()
    return ArizeTableRunTrigger(
        arize_conn_id=conn_id,
        job_id=job_id,
        window_start=bounds["queryStart"],
        window_end=bounds["queryEnd"],
        deadline=deadline,
        poll_interval=interval,
        **kwargs,
    )


def file_trigger(conn_id: str, job_id: str, deadline: float, interval: float, **kwargs: Any) -> Any:
    kwargs.setdefault("expected_seen", 1)  # nothing is ever seen here: the wait keeps waiting
    kwargs.setdefault("failed_baseline", 0)
    return ArizeFileIngestionTrigger(
        arize_conn_id=conn_id, job_id=job_id, deadline=deadline, poll_interval=interval, **kwargs
    )


async def first_event(trigger: Any) -> dict[str, Any]:
    async for event in trigger.run():
        return dict(event.payload)
    raise AssertionError("the trigger ended without an event")


def run_triggers(make: Callable[[float], list[Any]], timeout: float = 120) -> list[dict[str, Any]]:
    """Build the triggers (given ``now``) and run them concurrently in one event loop."""

    async def main() -> list[dict[str, Any]]:
        triggers = make(datetime.now(UTC).timestamp())
        return list(await asyncio.gather(*(first_event(t) for t in triggers)))

    return asyncio.run(asyncio.wait_for(main(), timeout))


def batched_requests(emulator: Any) -> int:
    return int(emulator.admin.stats()["requests"]["by_operation"].get(BATCH_OPERATION, 0))


def statuses(events: list[dict[str, Any]]) -> list[str]:
    return [e["status"] for e in events]


# -- coalescing ---------------------------------------------------------------------------------------
def test_ingestion_waits_reach_arize_in_ceil_n_over_capacity_requests_per_round(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = use_connection(monkeypatch, arize_emulator)
    n = 100
    jobs = unlimited(arize_emulator, lambda: make_file_jobs(arize_emulator, conn, n))
    # poll at once, then once more at the deadline, one interval later: two rounds
    events = run_triggers(lambda now: [file_trigger(conn, j, now + 6.0, 6.0) for j in jobs])
    assert statuses(events) == ["timeout"] * n
    assert batched_requests(arize_emulator) == 2 * math.ceil(n / FILE_CAPACITY) == 4
    stats = arize_emulator.admin.stats()
    assert set(stats["requests"]["by_operation"]) == {BATCH_OPERATION}  # no per-job request at all
    assert stats["max_cost_by_operation"][BATCH_OPERATION] <= DEFAULT_MAX_BATCH_COST
    assert stats["rate_limited"] == 0


def test_table_run_waits_read_counters_then_the_query_list_only_when_it_may_have_changed(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = use_connection(monkeypatch, arize_emulator)
    n = 70
    jobs = unlimited(arize_emulator, lambda: make_table_jobs(arize_emulator, conn, n))
    events = run_triggers(lambda now: [table_trigger(conn, j, now + 6.0, 6.0) for j in jobs])
    assert statuses(events) == ["timeout"] * n
    assert all("no query for window" in e["message"] or "timed out" in e["message"] for e in events)
    # round 1: every job's counters, then every job's (empty) query list; round 2: counters only
    first_round = math.ceil(n / TABLE_CAPACITY) + math.ceil(n / LIST_CAPACITY)
    assert batched_requests(arize_emulator) == first_round + math.ceil(n / TABLE_CAPACITY) == 4
    stats = arize_emulator.admin.stats()
    assert stats["max_cost_by_operation"][BATCH_OPERATION] <= DEFAULT_MAX_BATCH_COST
    assert stats["rate_limited"] == 0


def test_table_run_and_ingestion_waits_on_one_connection_share_requests(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = use_connection(monkeypatch, arize_emulator)
    tables, files = unlimited(
        arize_emulator,
        lambda: (make_table_jobs(arize_emulator, conn, 70), make_file_jobs(arize_emulator, conn, 100)),
    )

    def make(now: float) -> list[Any]:  # one poll each: the deadline is now
        return [table_trigger(conn, j, now, 2.0) for j in tables] + [
            file_trigger(conn, j, now, 2.0) for j in files
        ]

    events = run_triggers(make)
    assert statuses(events) == ["timeout"] * 170
    job_reads = 70 * read(TABLE_JOB, id="x").cost + 100 * read(FILE_JOB, id="x").cost  # 1490
    list_reads = 70 * read(TABLE_QUERIES_PAGE, id="x", first=1, after=None).cost  # 980
    expected = math.ceil(job_reads / DEFAULT_MAX_BATCH_COST) + math.ceil(list_reads / DEFAULT_MAX_BATCH_COST)
    assert batched_requests(arize_emulator) == expected == 4
    assert arize_emulator.admin.stats()["max_cost_by_operation"][BATCH_OPERATION] <= DEFAULT_MAX_BATCH_COST


def test_waits_on_the_same_job_share_one_alias(arize_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = use_connection(monkeypatch, arize_emulator)
    (job,) = unlimited(arize_emulator, lambda: make_file_jobs(arize_emulator, conn, 1))
    events = run_triggers(lambda now: [file_trigger(conn, job, now, 2.0) for _ in range(200)])
    assert statuses(events) == ["timeout"] * 200
    assert batched_requests(arize_emulator) == 1
    assert arize_emulator.admin.stats()["max_cost_by_operation"][BATCH_OPERATION] == 10


# -- what one poll of a table run reads -----------------------------------------------------------------
def test_the_query_list_is_reread_when_counters_move_and_every_ten_polls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from airflow_provider_arize.api.batching import PollBatcher
    from airflow_provider_arize.api.poll_reads import Poller

    with EmulatorServer(run_workers=False) as emulator:
        conn = use_connection(monkeypatch, emulator)
        (job,) = make_table_jobs(emulator, conn, 1)
        ArizeHook(conn).trigger_table_run(job, WINDOW)  # stays pending: no worker runs it yet
        emulator.admin.reset_stats()
        trigger = table_trigger(conn, job, datetime.now(UTC).timestamp() + 60, 0.01)

        async def polls(count: int) -> list[str]:
            client = await ArizeHook(conn).get_async_client()
            poller = Poller(client, PollBatcher(client.execute_batch))
            try:
                return [(await trigger.poll_batched(poller)).state for _ in range(count)]
            finally:
                await poller.aclose()

        # poll 1 reads counters and the list; polls 2-10 counters only; poll 11 refreshes the list
        assert asyncio.run(polls(LIST_REFRESH_POLLS + 1)) == ["waiting"] * 11
        assert batched_requests(emulator) == 11 + 2
        TableWorker(emulator.state).work()  # the query runs, and fails: the counters move
        emulator.admin.reset_stats()
        assert asyncio.run(polls(1)) == ["failed"]
        assert batched_requests(emulator) == 2  # counters, then the list they said had changed


def test_the_query_list_is_paged_past_what_the_counters_announce(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_provider_arize.api.batching import PollBatcher
    from airflow_provider_arize.api.poll_reads import Poller

    with EmulatorServer(run_workers=False) as emulator:
        conn = use_connection(monkeypatch, emulator)
        (job,) = make_table_jobs(emulator, conn, 1)
        hook = ArizeHook(conn)
        windows = [QueryWindow(START + timedelta(hours=h), START + timedelta(hours=h + 1)) for h in range(3)]
        for window in windows:
            hook.trigger_table_run(job, window)

        async def queries(expected: int) -> list[Any]:
            client = await ArizeHook(conn).get_async_client()
            poller = Poller(client, PollBatcher(client.execute_batch))
            try:
                return await poller.queries(job, expected=expected, linger=0.0)
            finally:
                await poller.aclose()

        emulator.admin.reset_stats()
        found = asyncio.run(queries(expected=1))  # counters said 1: a page of 1, then a full page
        assert [(q.window_start, q.window_end) for q in found] == [(w.start, w.end) for w in windows]
        assert batched_requests(emulator) == 2
        emulator.admin.reset_stats()
        assert len(asyncio.run(queries(expected=3))) == 3  # the counters were right: one page
        assert batched_requests(emulator) == 1


def test_a_short_job_id_is_resolved_once_then_polled_in_batches(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = use_connection(monkeypatch, arize_emulator)
    unlimited(arize_emulator, lambda: make_file_jobs(arize_emulator, conn, 1))
    events = run_triggers(lambda now: [file_trigger(conn, "1", now + 10, 0.2, expected_seen=0)])
    assert statuses(events) == ["success"]
    assert events[0]["job_id"] == "1"  # events carry the id the wait was given
    by_operation = arize_emulator.admin.stats()["requests"]["by_operation"]
    assert by_operation == {"ListFileImportJobs": 1, "GetFileImportJob": 1, BATCH_OPERATION: 1}


# -- errors ---------------------------------------------------------------------------------------------
def test_an_unknown_or_malformed_job_fails_only_its_own_wait(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="airflow_provider_arize.api.transport")
    conn = use_connection(monkeypatch, arize_emulator)
    jobs = unlimited(arize_emulator, lambda: make_file_jobs(arize_emulator, conn, 3))

    def make(now: float) -> list[Any]:
        done = [file_trigger(conn, j, now + 30, 0.4, expected_seen=0) for j in jobs]  # succeed at once
        return [
            *done,
            table_trigger(conn, UNKNOWN_TABLE_JOB, now + 30, 0.4),
            table_trigger(conn, "not-a-global-id", now + 30, 0.4),
            table_trigger(conn, jobs[0], now + 30, 0.4),  # a file job's id
        ]

    events = run_triggers(make)
    assert statuses(events) == ["success"] * 3 + ["error"] * 3
    assert UNKNOWN_TABLE_JOB in events[3]["message"]
    assert "not-a-global-id" in events[4]["message"]
    assert "is not a table import job" in events[5]["message"]
    assert batched_requests(arize_emulator) == 1  # all six in one request
    assert arize_emulator.api_key not in json.dumps(events)
    # the request went well (only some aliases had errors): the transport reports no failure for it
    assert not [
        r.getMessage() for r in caplog.records if r.levelno >= logging.INFO and "failed" in r.getMessage()
    ]


def test_a_failed_request_counts_once_against_each_waits_own_error_budget(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = use_connection(monkeypatch, arize_emulator)
    jobs = unlimited(arize_emulator, lambda: make_file_jobs(arize_emulator, conn, 4))
    # one request fails for good: the transport sends it 6 times, each answered 503
    arize_emulator.admin.set_faults(script=[{"kind": "http_503", "operation": BATCH_OPERATION}] * 6)

    def make(now: float) -> list[Any]:
        strict = [file_trigger(conn, j, now + 90, 0.4, max_consecutive_errors=0) for j in jobs[:2]]
        tolerant = [file_trigger(conn, j, now + 90, 0.4, expected_seen=0) for j in jobs[2:]]
        return strict + tolerant

    events = run_triggers(make)
    assert statuses(events) == ["error", "error", "success", "success"]
    assert "1 consecutive errors" in events[0]["message"] and "HTTP 503" in events[0]["message"]
    stats = arize_emulator.admin.stats()
    assert stats["faults"] == {"http_503": 6}
    assert batched_requests(arize_emulator) == 6 + 1  # the failed request's attempts, then one more round


def test_a_transient_5xx_is_retried_without_the_waits_noticing(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = use_connection(monkeypatch, arize_emulator)
    jobs = unlimited(arize_emulator, lambda: make_file_jobs(arize_emulator, conn, 5))
    arize_emulator.admin.set_faults(script=[{"kind": "http_502", "operation": BATCH_OPERATION}])
    events = run_triggers(
        lambda now: [
            file_trigger(conn, j, now + 60, 0.4, expected_seen=0, max_consecutive_errors=0) for j in jobs
        ]
    )
    assert statuses(events) == ["success"] * 5
    assert batched_requests(arize_emulator) == 2  # the 502, then its retry carrying all five reads


def test_a_bad_pacing_setting_is_an_error_event_naming_the_connection(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = use_connection(monkeypatch, arize_emulator, poll_queries_per_minute="lots")
    events = run_triggers(lambda now: [file_trigger(conn, "1", now + 5, 1.0)])
    assert statuses(events) == ["error"]
    assert "cannot use connection 'arize_default'" in events[0]["message"]
    assert "poll_queries_per_minute" in events[0]["message"]


# -- pacing -------------------------------------------------------------------------------------------
def test_pacing_holds_the_connection_to_its_budget_and_the_emulator_never_answers_429(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Waits polling every 0.1 s would send hundreds of requests a minute; the shared bucket lets 10 go at
    once and then 80 a minute (the emulator allows 100 a minute: its default limit is on)."""
    conn = use_connection(monkeypatch, arize_emulator)
    jobs = unlimited(arize_emulator, lambda: make_file_jobs(arize_emulator, conn, 3))
    seconds = 12.0
    began = datetime.now(UTC).timestamp()
    events = run_triggers(lambda now: [file_trigger(conn, j, now + seconds, 0.1) for j in jobs])
    elapsed = datetime.now(UTC).timestamp() - began
    assert statuses(events) == ["timeout"] * 3
    stats = arize_emulator.admin.stats()
    assert stats["rate_limited"] == 0 and "429" not in stats["requests"]["by_status"]
    sent = batched_requests(arize_emulator)
    # the waits asked for a poll every 0.1 s (360 in all); the budget let at most this many through. How
    # close to the budget the pace comes depends on the machine: that is proven on simulated time instead
    # (test_poll_batching.py), not here against the wall clock.
    assert sent <= 10 + math.ceil(80 * elapsed / 60) + 1


# -- cancellation and cleanup ----------------------------------------------------------------------------
def test_cancelling_waits_leaves_the_other_waits_and_the_shared_poller_consistent(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_arize.api.errors import ArizeError
    from airflow_provider_arize.triggers.polling import active_pollers, shared_poller

    conn = use_connection(monkeypatch, arize_emulator)
    jobs = unlimited(arize_emulator, lambda: make_file_jobs(arize_emulator, conn, 3))
    # every batched request takes 0.5 s to answer, so a read can be cancelled while in flight
    arize_emulator.admin.set_faults(rate=1.0, kinds=["latency"], latency_ms=500, operations=[BATCH_OPERATION])

    async def main() -> tuple[list[Any], dict[str, int], dict[str, int]]:
        now = datetime.now(UTC).timestamp()
        waits = [file_trigger(conn, j, now + 30, 0.4, expected_seen=0) for j in jobs]
        async with shared_poller(conn) as probe:  # the test holds the poller to look at it afterwards
            tasks = [asyncio.create_task(first_event(w)) for w in waits]
            await asyncio.sleep(0.02)  # all three reads queued (linger 0.1 s)
            tasks[0].cancel()  # cancelled while its read waits in the queue
            await asyncio.sleep(0.3)  # the request is out (latency 0.5 s)
            tasks[1].cancel()  # cancelled while its read is in flight
            results = await asyncio.gather(*tasks, return_exceptions=True)
            during = active_pollers()
        with pytest.raises(ArizeError, match="closed"):
            await probe.client.test_connection()  # the shared client was closed with its last user
        return results, during, active_pollers()

    results, during, after = asyncio.run(asyncio.wait_for(main(), 60))
    assert isinstance(results[0], asyncio.CancelledError)
    assert isinstance(results[1], asyncio.CancelledError)
    assert results[2]["status"] == "success"
    assert during == {conn: 1}  # only the test's own hold is left
    assert after == {}
    assert batched_requests(arize_emulator) == 1  # the cancelled reads did not cancel the request


def test_the_shared_poller_is_created_once_and_closed_when_the_last_wait_leaves(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_arize.triggers.polling import active_pollers, shared_poller

    conn = use_connection(monkeypatch, arize_emulator)
    jobs = unlimited(arize_emulator, lambda: make_file_jobs(arize_emulator, conn, 2))

    async def main() -> tuple[list[int], dict[str, int], bool]:
        seen: list[int] = []
        now = datetime.now(UTC).timestamp()
        waits = [file_trigger(conn, j, now + 0.5, 0.2) for j in jobs]

        async def watch() -> None:
            while not all(t.done() for t in tasks):
                seen.append(active_pollers().get(conn, 0))
                await asyncio.sleep(0.05)

        tasks = [asyncio.create_task(first_event(w)) for w in waits]
        await asyncio.gather(watch(), *tasks)
        left = active_pollers()
        async with shared_poller(conn) as fresh:  # a later wait gets a new, working poller
            job = await fresh.job("file", jobs[0])
        return seen, left, job.id == jobs[0]

    seen, left, works = asyncio.run(main())
    assert max(seen) == 2  # both waits used one poller
    assert left == {}  # gone with the last of them
    assert works


def test_rebuilt_triggers_keep_their_kwargs_json_and_secret_free(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = use_connection(monkeypatch, arize_emulator)
    trigger = table_trigger(conn, "1", 1e10, 60.0)
    classpath, kwargs = trigger.serialize()
    assert classpath == "airflow_provider_arize.triggers.table_run.ArizeTableRunTrigger"
    assert set(kwargs) == {
        "arize_conn_id", "job_id", "deadline", "poll_interval", "max_consecutive_errors",
        "window_start", "window_end",
    }  # fmt: skip
    assert arize_emulator.api_key not in json.dumps(kwargs)
    assert ArizeTableRunTrigger(**kwargs).serialize() == (classpath, kwargs)


def test_switching_coalescing_off_polls_per_wait_as_before(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = use_connection(monkeypatch, arize_emulator)
    jobs = unlimited(arize_emulator, lambda: make_file_jobs(arize_emulator, conn, 3))
    monkeypatch.setenv("AIRFLOW__ARIZE__COALESCE_TRIGGER_POLLS", "false")
    events = run_triggers(lambda now: [file_trigger(conn, j, now + 10, 0.2, expected_seen=0) for j in jobs])
    assert statuses(events) == ["success"] * 3
    assert arize_emulator.admin.stats()["requests"]["by_operation"] == {"GetFileImportJob": 3}


def test_a_query_list_that_disagrees_with_its_counters_is_read_on_every_poll() -> None:
    from airflow_provider_arize.api.models import TableRunQuery
    from airflow_provider_arize.triggers.table_run import QueryListMemo

    memo = QueryListMemo()
    assert memo.needs_read((0, 0, 0))  # the first poll always reads
    pending = TableRunQuery("1", START, None, WINDOW.start, WINDOW.end)
    memo.remember((0, 0, 1), [pending], WINDOW)
    assert memo.query == pending and not memo.needs_read((0, 0, 1))
    memo.remember((0, 0, 2), [pending], WINDOW)  # the counters announce a query the list lacks
    assert memo.needs_read((0, 0, 2)) and memo.needs_read((0, 0, 2))
    done = TableRunQuery("1", START, 10, WINDOW.start, WINDOW.end)
    memo.remember((0, 0, 1), [done], WINDOW)  # a processed count, but the success counter says none
    assert memo.needs_read((0, 0, 1))
    memo.remember((1, 0, 0), [done], WINDOW)
    assert not memo.needs_read((1, 0, 0)) and memo.needs_read((1, 1, 0))
