"""The windowed-run operator, the run sensor and their trigger against the local emulator over HTTP.

The operators are executed directly with a minimal task-instance stand-in (``FakeTaskInstance`` only
records XCom pushes); running them inside real DAG runs, poke and deferrable, is covered by the
end-to-end tests of the example DAGs. Arize's side is the real emulator: its worker runs each triggered
query against the warehouse registered for the job's account.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fake_task_instance import FakeTaskInstance

from airflow_provider_arize.api.errors import (
    ArizeConfigError,
    ArizeRunFailedError,
    ArizeWaitTimeoutError,
)
from airflow_provider_arize.api.models import (
    ModelSchema,
    ModelTarget,
    QueryWindow,
    SnowflakeTableConfig,
    TriggeredTableImportJobSpec,
)
from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.operators.event_jobs import ArizeTriggerTableRunOperator
from airflow_provider_arize.sensors.table_run import ArizeTableRunSensor

START = datetime(2026, 3, 1, 10, tzinfo=UTC)
END = START + timedelta(hours=1)
WINDOW_BOUNDS = {"window_start": "2026-03-01T10:00:00Z", "window_end": "2026-03-01T11:00:00Z"}


def context(start: datetime | None = START, end: datetime | None = END) -> dict[str, Any]:
    return {"ti": FakeTaskInstance(), "data_interval_start": start, "data_interval_end": end}


@pytest.fixture
def job_id(arize_conn_env: str, arize_emulator: Any) -> str:
    """An event-based Snowflake job whose account has no warehouse registered in the emulator, so
    every query the emulator runs for it fails."""
    spec = TriggeredTableImportJobSpec(
        target=ModelTarget(
            space_id=arize_emulator.space_id,
            model_name="churn",
            model_type="score_categorical",
            environment="production",
        ),
        table=SnowflakeTableConfig(account_id="nowhere-acct", database="DB", schema="S", table_name="T"),
        schema=ModelSchema.from_value(
            {"predictionId": "ID", "predictionLabel": "P", "timestamp": "TS", "changeTimestamp": "CTS"}
        ),
    )
    return ArizeHook(arize_conn_env).create_triggered_table_job(spec).job.id


def requests_sent(emulator: Any) -> int:
    return int(emulator.admin.stats()["requests"]["total"])


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (END, START, "queryStart"),  # reversed
        (START, START, "queryStart"),  # empty
        (START.replace(tzinfo=None), END, "queryStart"),  # naive
        ("yesterday", END, "queryStart"),  # not a timestamp
    ],
)
def test_bad_windows_fail_before_any_request(
    arize_conn_env: str, arize_emulator: Any, start: Any, end: Any, field: str
) -> None:
    arize_emulator.admin.reset_stats()
    op = ArizeTriggerTableRunOperator(task_id="t", job_id="1", window_start=start, window_end=end)
    with pytest.raises(ArizeConfigError) as info:
        op.execute(context())
    assert info.value.field == field
    assert requests_sent(arize_emulator) == 0


def test_no_data_interval_and_no_window_is_a_config_error(arize_conn_env: str, arize_emulator: Any) -> None:
    arize_emulator.admin.reset_stats()
    op = ArizeTriggerTableRunOperator(task_id="t", job_id="1")
    with pytest.raises(ArizeConfigError, match="no data interval"):
        op.execute(context(None, None))
    assert requests_sent(arize_emulator) == 0


def asset_triggered(*extras: dict[str, Any]) -> dict[str, Any]:
    """The context of a run triggered by asset events (no data interval), each with ``extra``."""
    from types import SimpleNamespace

    events = [SimpleNamespace(extra=extra) for extra in extras]
    return {**context(None, None), "triggering_asset_events": {"churn_events": events}}


def test_an_asset_triggered_run_triggers_the_window_its_event_carries(
    job_id: str, arize_emulator: Any
) -> None:
    op = ArizeTriggerTableRunOperator(task_id="t", job_id=job_id, wait_for_completion=False)
    result = op.execute(asset_triggered({**WINDOW_BOUNDS, "rows": 3}))
    assert (result["window_start"], result["window_end"]) == tuple(WINDOW_BOUNDS.values())
    (job,) = arize_emulator.admin.jobs()
    assert [q["window_start"] for q in job["queries"]] == ["2026-03-01T10:00:00Z"]


def test_events_with_several_windows_ask_for_mapping_before_any_request(
    arize_conn_env: str, arize_emulator: Any
) -> None:
    arize_emulator.admin.reset_stats()
    later = {"window_start": "2026-03-01T11:00:00Z", "window_end": "2026-03-01T12:00:00Z"}
    op = ArizeTriggerTableRunOperator(task_id="t", job_id="1")
    with pytest.raises(ArizeConfigError, match=r"carry 2 windows; map the task over them: .*expand_kwargs"):
        op.execute(asset_triggered(WINDOW_BOUNDS, later))
    assert requests_sent(arize_emulator) == 0


def test_empty_data_interval_names_the_timetable_fix(arize_conn_env: str, arize_emulator: Any) -> None:
    arize_emulator.admin.reset_stats()
    op = ArizeTriggerTableRunOperator(task_id="t", job_id="1")
    with pytest.raises(ArizeConfigError, match="CronDataIntervalTimetable"):
        op.execute(context(START, START))  # what a CronTriggerTimetable run gets
    assert requests_sent(arize_emulator) == 0


def test_zero_poll_interval_is_refused(arize_conn_env: str, arize_emulator: Any) -> None:
    op = ArizeTriggerTableRunOperator(task_id="t", job_id="1", poll_interval=0)
    with pytest.raises(ArizeConfigError) as info:
        op.execute(context())
    assert info.value.field == "poll_interval"


def test_window_defaults_to_data_interval_and_retry_does_not_trigger_twice(
    job_id: str, arize_emulator: Any
) -> None:
    ctx = context()
    op = ArizeTriggerTableRunOperator(task_id="t", job_id=job_id, wait_for_completion=False)
    first = op.execute(ctx)
    assert first["triggered"] is True
    assert first["window_start"] == "2026-03-01T10:00:00Z" and first["window_end"] == "2026-03-01T11:00:00Z"
    assert ctx["ti"].xcom["arize_window"] == {
        "queryStart": "2026-03-01T10:00:00Z",
        "queryEnd": "2026-03-01T11:00:00Z",
    }
    assert ctx["ti"].xcom["arize_job_id"] == job_id

    again = op.execute(context())  # a retried task instance
    assert again["triggered"] is False
    assert arize_emulator.admin.stats()["mutations_committed"]["createTriggeredOngoingTableRun"] == 1
    (job,) = arize_emulator.admin.jobs()
    assert len(job["queries"]) == 1


def test_poke_mode_wait_fails_with_a_clear_message_when_the_query_fails(
    job_id: str, arize_emulator: Any
) -> None:
    op = ArizeTriggerTableRunOperator(task_id="t", job_id=job_id, poll_interval=0.1, deferrable=False)
    with pytest.raises(ArizeRunFailedError, match=r"query for window \[2026-03-01T10:00:00Z"):
        op.execute(context())
    (job,) = arize_emulator.admin.jobs()
    assert job["queries"][0]["status"] == "failed"


def _run_trigger(trigger: Any) -> dict[str, Any]:
    async def first_event() -> Any:
        async for event in trigger.run():
            return event.payload
        raise AssertionError("the trigger ended without an event")

    return dict(asyncio.run(asyncio.wait_for(first_event(), timeout=30)))


def _rebuild(trigger: Any) -> Any:
    """Rebuild a trigger from its serialized form, as a restarted triggerer does."""
    classpath, kwargs = trigger.serialize()
    json.dumps(kwargs)  # stored as JSON in the trigger table
    module, _, name = classpath.rpartition(".")
    return getattr(importlib.import_module(module), name)(**kwargs)


def test_deferrable_wait_defers_and_resumes_with_the_trigger_event(job_id: str, arize_emulator: Any) -> None:
    from airflow.sdk.exceptions import TaskDeferred

    op = ArizeTriggerTableRunOperator(task_id="t", job_id=job_id, poll_interval=0.1, deferrable=True)
    ctx = context()
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(ctx)
    trigger = deferred.value.trigger
    _, kwargs = trigger.serialize()
    assert arize_emulator.api_key not in json.dumps(kwargs)  # connection id only, never the key
    assert kwargs["window_start"] == "2026-03-01T10:00:00Z"

    event = _run_trigger(_rebuild(trigger))
    assert event["status"] == "failed"
    with pytest.raises(ArizeRunFailedError, match="failed"):
        getattr(op, deferred.value.method_name)(ctx, event, **(deferred.value.kwargs or {}))


def test_triggering_then_deferring_reads_the_job_and_its_queries_once_each_side_of_the_trigger(
    job_id: str, arize_emulator: Any
) -> None:
    """What triggering has just read is the wait's first poll: 4 requests on the worker, not 6."""
    from airflow.sdk.exceptions import TaskDeferred

    op = ArizeTriggerTableRunOperator(task_id="t", job_id=job_id, poll_interval=5.0, deferrable=True)
    arize_emulator.admin.reset_stats()
    with pytest.raises(TaskDeferred):
        op.execute(context())
    by_operation = arize_emulator.admin.stats()["requests"]["by_operation"]
    assert by_operation == {
        "GetTableImportJob": 1,
        "ListTableImportJobQueries": 2,
        "CreateTriggeredOngoingTableRun": 1,
    }


def test_a_deferred_trigger_polls_one_interval_after_the_tasks_own_poll(
    job_id: str, arize_emulator: Any
) -> None:
    """The task polls just before deferring, so the trigger's first poll waits out the interval: no
    second request within a second of the first (and no event racing the deferral, docs/event-jobs.md)."""
    from airflow.sdk.exceptions import TaskDeferred

    op = ArizeTriggerTableRunOperator(task_id="t", job_id=job_id, poll_interval=2.0, deferrable=True)
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(context())
    _, kwargs = deferred.value.trigger.serialize()
    assert 0 <= time.time() - kwargs["polled_at"] < 2.0
    reads = requests_sent(arize_emulator)
    started = time.monotonic()
    event = _run_trigger(_rebuild(deferred.value.trigger))
    assert event["status"] == "failed"  # this job's queries fail (no warehouse)
    assert time.monotonic() - started >= 2.0 - (time.time() - kwargs["polled_at"]) - 0.05
    assert requests_sent(arize_emulator) > reads


def test_trigger_times_out_on_a_paused_job_with_a_timeout_event(job_id: str, arize_conn_env: str) -> None:
    from airflow_provider_arize.triggers.table_run import ArizeTableRunTrigger

    ArizeHook(arize_conn_env).pause_job("table", job_id)
    trigger = ArizeTableRunTrigger(
        arize_conn_id=arize_conn_env,
        job_id=job_id,
        window_start="2026-03-01T10:00:00Z",
        window_end="2026-03-01T11:00:00Z",
        deadline=datetime.now(UTC).timestamp() + 0.5,
        poll_interval=0.1,
    )
    event = _run_trigger(trigger)
    assert event["status"] == "timeout"
    assert "nothing was cancelled" in event["message"]
    op = ArizeTriggerTableRunOperator(task_id="t", job_id=job_id)
    with pytest.raises(ArizeWaitTimeoutError):
        op.execute_complete(context(), event)


def test_trigger_reports_an_unknown_job_as_an_error_event(arize_conn_env: str, arize_emulator: Any) -> None:
    from airflow_provider_arize.triggers.table_run import ArizeTableRunTrigger

    trigger = ArizeTableRunTrigger(
        arize_conn_id=arize_conn_env,
        job_id="VGFibGVJbXBvcnRKb2I6OTk5",  # TableImportJob:999
        window_start="2026-03-01T10:00:00Z",
        window_end="2026-03-01T11:00:00Z",
        deadline=datetime.now(UTC).timestamp() + 30,
        poll_interval=0.1,
    )
    event = _run_trigger(trigger)
    assert event["status"] == "error"
    assert "VGFibGVJbXBvcnRKb2I6OTk5" in event["message"]


def test_execute_complete_refuses_unknown_events(arize_conn_env: str) -> None:
    from airflow_provider_arize.api.errors import ArizeResponseError

    op = ArizeTriggerTableRunOperator(task_id="t", job_id="1")
    with pytest.raises(ArizeResponseError, match="unexpected trigger event"):
        op.execute_complete(context(), {"status": "done"})


def test_sensor_pokes_until_the_query_exists_then_fails_with_it(job_id: str, arize_conn_env: str) -> None:
    sensor = ArizeTableRunSensor(task_id="s", job_id=job_id, deferrable=False)
    assert sensor.poke(context()) is False  # nothing triggered for the window yet
    ArizeHook(arize_conn_env).trigger_table_run(job_id, QueryWindow(START, END))
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    with pytest.raises(ArizeRunFailedError, match="failed"):
        while datetime.now(UTC) < deadline:
            sensor.poke(context())
            time.sleep(0.25)  # a poke interval: pokes in a tight loop would meet the rate limit


def test_deferrable_sensor_defers_when_nothing_ran_yet(job_id: str) -> None:
    from airflow.sdk.exceptions import TaskDeferred

    sensor = ArizeTableRunSensor(task_id="s", job_id=job_id, deferrable=True, poke_interval=5, timeout=60)
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute(context())
    _, kwargs = deferred.value.trigger.serialize()
    assert kwargs["poll_interval"] == 5.0
    assert kwargs["deadline"] > datetime.now(UTC).timestamp() + 50


def test_sensor_links_to_the_job_it_waits_on_also_when_resumed_after_deferring(
    job_id: str, arize_conn_env: str
) -> None:
    from airflow.sdk.exceptions import TaskDeferred

    from airflow_provider_arize.links import ArizeJobLink

    hook = ArizeHook(arize_conn_env)
    url = hook.job_url(hook.get_job("table", job_id))
    ctx = context()
    sensor = ArizeTableRunSensor(task_id="s", job_id=job_id, deferrable=True, poke_interval=5, timeout=60)
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute(ctx)
    assert ctx["ti"].xcom["arize_job_url"] == url and ctx["ti"].xcom["arize_job_id"] == job_id
    assert ArizeJobLink().get_link(sensor, ti_key=ctx["ti"]) == url  # the link stored as the task defers

    # resumed in a fresh process (a new sensor object): the deferral's kwargs carry the link back
    resumed = ArizeTableRunSensor(task_id="s", job_id=job_id)
    ctx = context()
    event = {"status": "success", "message": "done", "job_id": job_id, **WINDOW_BOUNDS, "details": None}
    getattr(resumed, deferred.value.method_name)(ctx, event, **json.loads(json.dumps(deferred.value.kwargs)))
    assert ArizeJobLink().get_link(resumed, ti_key=ctx["ti"]) == url


def test_errors_no_retry_can_fix_fail_the_task_at_once(arize_conn_env: str) -> None:
    from airflow.sdk import ExceptionRetryPolicy, RetryAction

    from airflow_provider_arize.api.errors import ArizeTransientError
    from airflow_provider_arize.hooks.warehouses import ArizePreflightError

    policy = ArizeTriggerTableRunOperator(task_id="t", job_id="1").retry_policy
    assert policy.evaluate(ArizeConfigError("bad window"), 1, 3).action is RetryAction.FAIL
    assert policy.evaluate(ArizePreflightError("no such column"), 1, 3).action is RetryAction.FAIL
    assert policy.evaluate(ArizeRunFailedError("query failed"), 1, 3).action is RetryAction.FAIL
    assert policy.evaluate(ArizeTransientError("503"), 1, 3).action is RetryAction.DEFAULT
    assert policy.evaluate(ArizeWaitTimeoutError("late"), 1, 3).action is RetryAction.DEFAULT
    own = ExceptionRetryPolicy(rules=[])
    assert ArizeTriggerTableRunOperator(task_id="t2", job_id="1", retry_policy=own).retry_policy is own


# -- the model asset an ingested window updates -------------------------------------------------------
class OutletEvents(dict[Any, Any]):
    """Stands in for Airflow's ``outlet_events`` accessor: one settable ``extra`` per asset."""

    def __missing__(self, asset: Any) -> Any:
        from types import SimpleNamespace

        self[asset] = SimpleNamespace(extra={})
        return self[asset]


def test_a_model_asset_needs_the_wait_and_is_refused_before_any_request(
    job_id: str, arize_emulator: Any
) -> None:
    from airflow_provider_arize.assets import arize_model_asset

    op = ArizeTriggerTableRunOperator(
        task_id="t",
        job_id=job_id,
        wait_for_completion=False,
        outlets=[arize_model_asset(arize_emulator.space_id, "churn")],
    )
    before = requests_sent(arize_emulator)
    with pytest.raises(ArizeConfigError, match="keep wait_for_completion on") as raised:
        op.execute(context())
    assert raised.value.field == "wait_for_completion"
    assert requests_sent(arize_emulator) == before
    assert arize_emulator.admin.jobs()[0]["queries"] == []


@pytest.mark.parametrize("task", [ArizeTriggerTableRunOperator, ArizeTableRunSensor])
def test_a_resumed_wait_updates_the_model_asset_with_window_and_count(arize_conn_env: str, task: Any) -> None:
    """The success event is what the trigger yields when Arize reports the window's query (the trigger
    reaching it over HTTP is covered by tests/e2e with a real warehouse); here it is built by hand."""
    from airflow.sdk import Asset

    from airflow_provider_arize.assets import arize_model_asset

    model, other = arize_model_asset("U3BhY2U6MQ==", "churn"), Asset("churn_events")
    op = task(task_id="t", job_id="1", outlets=[model, other])
    ctx = {**context(), "outlet_events": OutletEvents()}
    query = {"query_id": "q-1", "records_processed_count": 29}
    event = {"status": "success", "message": "done", "job_id": "J", **WINDOW_BOUNDS, "details": query}
    result = op.execute_complete(ctx, event)
    assert ctx["outlet_events"][model].extra == {
        "job_id": "J",
        "query_id": "q-1",
        "records_processed_count": 29,
        **WINDOW_BOUNDS,
    }
    assert ctx["outlet_events"][other].extra == {}  # not an Arize model: left to its producer
    assert result["records_processed_count"] == 29
