"""Killing a task mid-wait leaves Arize in a known state and says so in the log; a retry resumes.

The end-to-end proof runs a DAG (``dag.test()``, in a subprocess, as a worker runs a task) that triggers
a window of an event-based Snowflake job and waits for it in poke mode. The emulator holds its queries
(``hold_queries``), so the query stays pending and the task is still waiting when it is killed the way
Airflow kills a task: SIGTERM (the task runner calls the operator's ``on_kill``), then SIGKILL. Then
Arize (the emulator) holds exactly one query for the window and the job is untouched; the log said what
was left behind; and a retry, once Arize runs queries again, waits on that same query (no second
trigger) and finishes with the window's rows.

The other tests call ``on_kill`` of every kind of wait directly and check what it says.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_task_instance import FakeTaskInstance

from airflow_provider_arize.api.models import (
    ModelSchema,
    ModelTarget,
    QueryWindow,
    SnowflakeTableConfig,
    TriggeredTableImportJobSpec,
)
from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.operators.event_jobs import ArizeTriggerTableRunOperator

WINDOW = ("2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z")
ROWS_IN_WINDOW = 7

DAG_FILE = """
from datetime import UTC, datetime
from airflow.sdk import DAG
from airflow_provider_arize.operators.event_jobs import ArizeTriggerTableRunOperator

with DAG("kill_mid_wait", schedule=None, start_date=datetime(2026, 1, 1, tzinfo=UTC)) as dag:
    ArizeTriggerTableRunOperator(
        task_id="run_window", job_id={job_id!r}, window_start={start!r}, window_end={end!r},
        poll_interval=0.5, deferrable=False,
    )
"""
RUNNER = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from airflow_provider_arize.dag_testing import load_dag, run_dag

run_dag(load_dag(Path(sys.argv[1])), logical_date=datetime(2026, 3, 1, 10, tzinfo=UTC))
"""


def make_event_table(fake_snowflake: Any) -> str:
    """A Snowflake table with ``ROWS_IN_WINDOW`` rows in ``WINDOW`` and one just after it."""
    import snowflake.connector

    database = f"KILL_{uuid.uuid4().hex[:8].upper()}"
    with snowflake.connector.connect(**fake_snowflake.connector_kwargs()) as conn:
        cur = conn.cursor()
        cur.execute(f"CREATE DATABASE {database}")
        cur.execute(f"CREATE SCHEMA {database}.ML")
        cur.execute(
            f"CREATE TABLE {database}.ML.EVENTS (ID VARCHAR, TS TIMESTAMP_NTZ, P VARCHAR, CTS TIMESTAMP_NTZ)"
        )
        rows = [f"('p{i}', '2026-03-01 09:0{i}:00', 'yes', '2026-03-01 09:0{i}:00')" for i in range(7)]
        rows.append("('late', '2026-03-01 10:00:00', 'no', '2026-03-01 10:00:00')")
        cur.execute(f"INSERT INTO {database}.ML.EVENTS VALUES {', '.join(rows)}")
    return database


def create_event_job(hook: ArizeHook, space_id: str, account: str, database: str) -> str:
    spec = TriggeredTableImportJobSpec(
        target=ModelTarget(
            space_id=space_id, model_name="kill", model_type="score_categorical", environment="production"
        ),
        table=SnowflakeTableConfig(account_id=account, database=database, schema="ML", table_name="EVENTS"),
        schema=ModelSchema.from_value(
            {"predictionId": "ID", "timestamp": "TS", "predictionLabel": "P", "changeTimestamp": "CTS"}
        ),
    )
    return hook.create_triggered_table_job(spec).job.id


def window_queries(emulator: Any, job_id: str) -> list[dict[str, Any]]:
    job = next(j for j in emulator.admin.jobs() if j["id"] == job_id)
    return list(job["queries"])


@pytest.fixture
def held_event_job(arize_conn_env: str, arize_emulator: Any, fake_snowflake: Any) -> Iterator[str]:
    """An event-based job on a real (fakesnow) table, in an emulator that holds its queries pending."""
    arize_emulator.admin.set_warehouses(
        snowflake={fake_snowflake.account: fake_snowflake.emulator_warehouse()}
    )
    database = make_event_table(fake_snowflake)
    job_id = create_event_job(
        ArizeHook(arize_conn_env), arize_emulator.space_id, fake_snowflake.account, database
    )
    arize_emulator.admin.set_options(hold_queries=True)
    yield job_id
    arize_emulator.admin.set_options(hold_queries=False)


def _context() -> dict[str, Any]:
    return {"ti": FakeTaskInstance(), "task_instance": FakeTaskInstance()}


@pytest.mark.timeout(300)
def test_a_killed_wait_leaves_one_pending_query_says_so_and_a_retry_finishes_it(
    airflow_db: Path, arize_conn_env: str, arize_emulator: Any, held_event_job: str, tmp_path: Path
) -> None:
    job_id = held_event_job
    dag_file = tmp_path / "kill_mid_wait.py"
    dag_file.write_text(textwrap.dedent(DAG_FILE.format(job_id=job_id, start=WINDOW[0], end=WINDOW[1])))
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(dag_file)],
        env={**os.environ, "AIRFLOW__CORE__DAGS_FOLDER": str(tmp_path)},  # dag.test serializes the DAG
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not window_queries(arize_emulator, job_id):
            assert proc.poll() is None, proc.communicate()[0][-3000:]
            assert time.monotonic() < deadline, "the task never triggered its window"
            time.sleep(0.2)
        time.sleep(2)  # a few polls of the wait
        proc.send_signal(signal.SIGTERM)  # what Airflow sends first: the task runner calls on_kill()
        time.sleep(2)
        proc.kill()  # then SIGKILL
        output = proc.communicate(timeout=30)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    window = str(QueryWindow.of(*WINDOW))
    killed = f"Task killed while waiting for window {window} of table import job {job_id}"
    assert killed in output, output[-3000:]
    assert "Arize was left as it was (nothing was cancelled or changed)" in output
    assert "Last seen: " in output and "still running" in output  # the last poll's state, in words
    assert "A retry of this task waits on that query instead of triggering the window again" in output
    queries = window_queries(arize_emulator, job_id)
    assert [q["status"] for q in queries] == ["pending"], queries
    hook = ArizeHook(arize_conn_env)
    assert hook.get_job("table", job_id).job_status == "active"  # nothing else changed in Arize

    # The retry, once Arize runs queries again: it finds the query, triggers nothing, finishes with it.
    committed = arize_emulator.admin.stats()["mutations_committed"]
    arize_emulator.admin.set_options(hold_queries=False)
    retry = ArizeTriggerTableRunOperator(
        task_id="run_window", job_id=job_id, window_start=WINDOW[0], window_end=WINDOW[1], poll_interval=0.2
    )
    result = retry.execute(_context())  # type: ignore[arg-type]
    assert result["triggered"] is False and result["records_processed_count"] == ROWS_IN_WINDOW, result
    assert arize_emulator.admin.stats()["mutations_committed"] == committed
    assert [q["status"] for q in window_queries(arize_emulator, job_id)] == ["succeeded"]


def _said(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> str:
    """What the task logged since the last call: task loggers print through structlog (stdout); the
    triggerer's go through the standard library (caplog)."""
    said = capsys.readouterr().out + "\n".join(r.getMessage() for r in caplog.records)
    caplog.clear()
    return said


def test_each_killed_wait_says_what_it_leaves_in_arize(
    arize_conn_env: str,
    arize_emulator: Any,
    held_event_job: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from airflow_provider_arize.sensors.file_ingestion import ArizeFileIngestionSensor
    from airflow_provider_arize.sensors.s3_new_files import ArizeS3NewFilesSensor
    from airflow_provider_arize.sensors.table_run import ArizeTableRunSensor

    job_id = held_event_job
    ArizeHook(arize_conn_env).trigger_table_run(job_id, QueryWindow.of(*WINDOW))
    caplog.set_level(logging.WARNING)
    window = str(QueryWindow.of(*WINDOW))

    sensor = ArizeTableRunSensor(
        task_id="wait", job_id=job_id, window_start=WINDOW[0], window_end=WINDOW[1], deferrable=False
    )
    assert sensor.poke(_context()) is False  # held: the query is pending
    sensor.on_kill()
    said = _said(caplog, capsys)
    assert f"Task killed while waiting for window {window} of table import job {job_id}" in said
    assert "the window's query, if Arize has one, keeps running. Last seen: " in said
    assert "A retry of this task waits again" in said

    never_poked = ArizeFileIngestionSensor(task_id="files", job_id="42", expected_total=3, deferrable=False)
    never_poked.on_kill()
    said = _said(caplog, capsys)
    assert "Task killed while waiting for ingestion by file import job 42" in said
    assert "the job keeps ingesting the files under its prefix. No poll had answered yet." in said

    ArizeS3NewFilesSensor(task_id="new", bucket="landing", prefix="ctr/", deferrable=False).on_kill()
    said = _said(caplog, capsys)
    assert (
        "Task killed while looking for new files under s3://landing/ctr/: nothing was written to S3" in said
    )
    assert "reported again by the next try" in said

    trigger = ArizeTableRunSensor(
        task_id="deferred", job_id=job_id, window_start=WINDOW[0], window_end=WINDOW[1]
    ).make_trigger(_context(), time.time() + 60, 1.0)  # type: ignore[arg-type]
    asyncio.run(trigger.on_kill())  # type: ignore[attr-defined]
    said = _said(caplog, capsys)
    assert f"Deferred wait for window [{WINDOW[0]}, {WINDOW[1]}) of table import job {job_id} ended" in said
    assert "Arize was left as it was" in said
    assert [q["status"] for q in window_queries(arize_emulator, job_id)] == ["pending"]  # all left as it was


def test_the_s3_triggers_say_what_a_kill_leaves(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    from airflow_provider_arize.triggers.s3_events import ArizeS3EventsTrigger
    from airflow_provider_arize.triggers.s3_new_files import ArizeS3NewFilesTrigger

    caplog.set_level(logging.WARNING)
    files = ArizeS3NewFilesTrigger(
        aws_conn_id=None,
        bucket="landing",
        prefix="ctr/",
        settle_seconds=30,
        max_file_size=1024,
        max_files=None,
        deadline=time.time() + 60,
        poll_interval=5,
    )
    asyncio.run(files.on_kill())
    said = _said(caplog, capsys)
    assert "Deferred look for new files under s3://landing/ctr/ ended by a user action" in said
    assert "nothing was written to S3" in said and "reported again by the next try" in said

    queue = "http://localhost/123/arize-events"
    events = ArizeS3EventsTrigger(queue_url=queue, bucket="landing", prefix="ctr/")
    asyncio.run(events.on_kill())
    said = _said(caplog, capsys)
    assert f"S3 event watcher on {queue} stopped" in said and "SQS delivers them again" in said
