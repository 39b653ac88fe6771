"""Restarts: the emulator SIGKILLed and restarted mid-run, and a deferred wait rebuilt after a triggerer
restart. Nothing is lost and the waits finish.

The emulator runs as its own process on a SQLite file (``EmulatorProcess``), reading a real S3 (moto)
and a real Snowflake (fakesnow). A first kill lands while a DAG's task waits on a triggered window whose
query Arize holds pending, and while the file worker is ingesting newly uploaded files; the restart
(without ``--hold-queries``) runs the query. A second kill lands while the next task waits for the
ingestion. The DAG runs with ``dag.test()`` in a subprocess, as a worker would run it, and both tasks
must succeed on their first try, riding out each outage through their transport retries and error budget
(30 failed polls in a row, about half a minute here: a restart on a loaded 2-core machine takes seconds,
and a budget that an outage outlasts would fail the try, as it should).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fake_task_instance import FakeTaskInstance

from airflow_provider_arize.api.models import FileImportJobSpec, ModelSchema, ModelTarget
from airflow_provider_arize.dag_testing import arize_connection_uri_env
from airflow_provider_arize.emulator.testing import EmulatorProcess
from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.local_services.sample_files import (
    PREDICTIONS_SCHEMA,
    predictions_table,
    put_parquet,
)

from .test_kill import ROWS_IN_WINDOW, WINDOW, create_event_job, make_event_table, window_queries

API_KEY = "restart-test-key"
DAY = date(2026, 3, 1)
FILE_ROWS = (
    3,
    4,
    5,
    6,
    7,
    8,
)  # rows of the files: three before the run, two before kill 1, one during kill 2

DAG_FILE = """
from datetime import UTC, datetime
from airflow.sdk import DAG
from airflow_provider_arize.operators.event_jobs import ArizeTriggerTableRunOperator
from airflow_provider_arize.sensors.file_ingestion import ArizeFileIngestionSensor

with DAG("restart_mid_run", schedule=None, start_date=datetime(2026, 1, 1, tzinfo=UTC)) as dag:
    run_window = ArizeTriggerTableRunOperator(
        task_id="run_window", job_id={table_job!r}, window_start={start!r}, window_end={end!r},
        poll_interval=0.3, max_consecutive_errors=30, deferrable=False,
    )
    wait_files = ArizeFileIngestionSensor(
        task_id="wait_files", job_id={file_job!r}, expected_total={files}, aws_conn_id=None,
        poke_interval=0.3, timeout=240, mode="poke", max_consecutive_errors=30, deferrable=False,
    )
    run_window >> wait_files
"""
RUNNER = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from airflow_provider_arize.dag_testing import load_dag, run_dag

report = run_dag(load_dag(Path(sys.argv[1])), logical_date=datetime(2026, 3, 1, 10, tzinfo=UTC))
print("REPORT " + json.dumps({"state": report.state, "tries": report.task_tries, "results": report.results}))
"""


def wait_until(what: str, check: Callable[[], bool], timeout: float = 60, alive: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if alive is not None and alive.poll() is not None:
            raise AssertionError(f"the DAG run ended before {what}: {alive.communicate()[0][-3000:]}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def polls(emulator: EmulatorProcess, operation: str) -> int:
    """How many ``operation`` requests this emulator process has answered since it (re)started."""
    return int(emulator.admin.stats()["requests"]["by_operation"].get(operation, 0))


def jobs_by_id(emulator: EmulatorProcess) -> dict[str, dict[str, Any]]:
    return {job["id"]: job for job in emulator.admin.jobs()}


def files_of(emulator: EmulatorProcess, job_id: str) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in jobs_by_id(emulator)[job_id]["files"]}


def assert_nothing_lost(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> None:
    """Every job is still there with its status; every finished file and query keeps its outcome."""
    assert set(after) == set(before), "a job was lost or added across the restart"
    for job_id, job in before.items():
        assert after[job_id]["job_status"] == job["job_status"], job_id
        done = {f["path"]: f for f in after[job_id]["files"]}
        for file in job["files"]:
            assert file["path"] in done, f"file status lost: {file}"
            if file["status"] == "succeeded":
                assert done[file["path"]] == file, "a finished file changed across the restart"
        queries = {q["query_id"]: q for q in after[job_id]["queries"]}
        for query in job["queries"]:
            assert query["query_id"] in queries, f"query lost: {query}"


@pytest.fixture
def world(
    fake_s3: Any, fake_snowflake: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    """An emulator process holding its queries, a file job with three files ingested, an event job."""
    emulator = EmulatorProcess(
        tmp_path / "arize.sqlite3",
        api_key=API_KEY,
        warehouses={"snowflake": {fake_snowflake.account: fake_snowflake.emulator_warehouse()}},
        s3=fake_s3.emulator_s3(),
        extra_args=["--hold-queries", "--worker-interval", "0.2", "--file-poll-interval", "0.2"],
    )
    emulator.start()
    try:
        for key, value in arize_connection_uri_env(
            "arize_default", url=emulator.url, api_key=API_KEY, space_id=emulator.space_id
        ).items():
            monkeypatch.setenv(key, value)
        hook = ArizeHook("arize_default")
        s3 = fake_s3.client()
        bucket = f"restarts-{uuid.uuid4().hex[:8]}"
        fake_s3.create_arize_bucket(bucket, emulator.admin.ingestion_key(emulator.space_id))
        for i, rows in enumerate(FILE_ROWS[:3]):
            put_parquet(s3, bucket, f"preds/early/{i}.parquet", predictions_table(DAY, rows))
        target = ModelTarget(
            space_id=emulator.space_id,
            model_name="restarts",
            model_type="score_categorical",
            environment="production",
        )
        file_job = hook.create_file_job(
            FileImportJobSpec(target, f"s3://{bucket}/preds/", ModelSchema.from_value(PREDICTIONS_SCHEMA))
        ).job.id
        wait_until(
            "the first files' ingestion",
            lambda: [f["status"] for f in files_of(emulator, file_job).values()] == ["succeeded"] * 3,
        )
        table_job = create_event_job(
            hook, emulator.space_id, fake_snowflake.account, make_event_table(fake_snowflake)
        )
        yield {
            "emulator": emulator,
            "hook": hook,
            "s3": s3,
            "bucket": bucket,
            "file_job": file_job,
            "table_job": table_job,
        }
    finally:
        emulator.stop()


@pytest.mark.timeout(420)
def test_emulator_killed_twice_mid_run_loses_nothing_and_the_waiting_tasks_finish(
    airflow_db: Path, world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator: EmulatorProcess = world["emulator"]
    table_job, file_job = world["table_job"], world["file_job"]
    s3, bucket = world["s3"], world["bucket"]
    dags = tmp_path / "dags"
    dags.mkdir()
    dag_file = dags / "restart_mid_run.py"
    dag_file.write_text(
        textwrap.dedent(
            DAG_FILE.format(
                table_job=table_job, file_job=file_job, start=WINDOW[0], end=WINDOW[1], files=len(FILE_ROWS)
            )
        )
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(dag_file)],
        env={**os.environ, "AIRFLOW__CORE__DAGS_FOLDER": str(dags)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Kill 1: the first task waits on its window's query (held pending); two new files are arriving.
        wait_until("the window's trigger", lambda: bool(window_queries(emulator, table_job)), 120, proc)
        for i in (3, 4):
            put_parquet(s3, bucket, f"preds/late/{i}.parquet", predictions_table(DAY, FILE_ROWS[i]))
        time.sleep(0.3)  # the file worker is at work on them
        seen = polls(emulator, "GetTableImportJob")
        wait_until(
            "the table wait polling", lambda: polls(emulator, "GetTableImportJob") >= seen + 2, 60, proc
        )
        before = jobs_by_id(emulator)
        emulator.kill()
        time.sleep(3)  # the task keeps polling a dead endpoint
        emulator.extra_args.remove("--hold-queries")  # Arize runs the query once it is back
        emulator.restart()
        assert_nothing_lost(before, jobs_by_id(emulator))

        # Kill 2: the second task waits for a sixth file, which is uploaded while Arize is down.
        wait_until(
            "the window's query and five files",
            lambda: (
                window_queries(emulator, table_job)[0]["status"] == "succeeded"
                and [f["status"] for f in files_of(emulator, file_job).values()] == ["succeeded"] * 5
            ),
            60,
            proc,
        )
        seen = polls(emulator, "GetFileImportJob")  # the sensor is poking: it needs six files
        wait_until("the file wait polling", lambda: polls(emulator, "GetFileImportJob") >= seen + 2, 60, proc)
        before = jobs_by_id(emulator)
        emulator.kill()
        put_parquet(s3, bucket, "preds/late/5.parquet", predictions_table(DAY, FILE_ROWS[5]))
        time.sleep(3)
        emulator.restart()
        assert_nothing_lost(before, jobs_by_id(emulator))

        output = proc.communicate(timeout=240)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    report = json.loads(output.rsplit("REPORT ", 1)[1].splitlines()[0]) if "REPORT " in output else None
    assert report is not None, output[-3000:]
    assert report["state"] == "success", output[-3000:]
    assert report["tries"] == {"run_window": 1, "wait_files": 1}  # each rode out the outages in one try
    run = report["results"]["run_window"]
    assert run["triggered"] is True and run["records_processed_count"] == ROWS_IN_WINDOW
    assert report["results"]["wait_files"]["success"] == len(FILE_ROWS)

    # Arize's final state: one query for the window, every file ingested exactly once with its rows.
    queries = window_queries(emulator, table_job)
    assert [(q["status"], q["records_processed_count"]) for q in queries] == [("succeeded", ROWS_IN_WINDOW)]
    files = files_of(emulator, file_job)
    assert sorted((f["status"], f["rows"]) for f in files.values()) == [("succeeded", n) for n in FILE_ROWS]
    assert set(jobs_by_id(emulator)) == {table_job, file_job}
    counters = world["hook"].get_job("file", file_job)
    assert (counters.files_success, counters.files_failed, counters.files_pending) == (len(FILE_ROWS), 0, 0)
    # each kill landed while a task was waiting: both met a dead endpoint and rode it out (the table wait
    # may meet it on its read-back of the window's queries, the file wait on its job's counters; a refused
    # connection, or a cut one when the kill caught a request in flight)
    failed = re.findall(
        r"Arize (\w+) attempt \d+/\d+ failed \((?:Connect|Read|RemoteProtocol)Error\)", output
    )
    outages = {kind: sum(kind in op for op in failed) for kind in ("Table", "File")}
    assert all(outages.values()), (outages, sorted(set(failed)))
    with capsys.disabled():
        print(
            f"\nrestarts: 2 SIGKILLs mid-run; jobs {len(jobs_by_id(emulator))}/2, files succeeded "
            f"{counters.files_success}/{len(FILE_ROWS)}, window queries {len(queries)} (succeeded, "
            f"{ROWS_IN_WINDOW} rows); task tries {report['tries']}; refused polls ridden out {outages}"
        )
    assert API_KEY not in output


@pytest.mark.timeout(300)
def test_a_deferred_wait_rebuilt_from_its_stored_trigger_row_finishes_after_both_restarts(
    airflow_db: Path, world: dict[str, Any]
) -> None:
    """Triggerer 1 runs the wait and dies; the emulator dies too. Triggerer 2 rebuilds the trigger from
    its row in the trigger table (classpath + encrypted kwargs, as a restarted triggerer reads it), starts
    while the emulator is still down, and finishes once it is back."""
    from airflow.models.trigger import Trigger
    from airflow.sdk.exceptions import TaskDeferred
    from airflow.sdk.module_loading import import_string

    from airflow_provider_arize.operators.event_jobs import ArizeTriggerTableRunOperator

    emulator: EmulatorProcess = world["emulator"]
    table_job = world["table_job"]
    op = ArizeTriggerTableRunOperator(
        task_id="run_window",
        job_id=table_job,
        window_start=WINDOW[0],
        window_end=WINDOW[1],
        poll_interval=0.2,
        deferrable=True,
    )
    context = {"ti": FakeTaskInstance()}
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(context)  # type: ignore[arg-type]
    trigger = deferred.value.trigger
    row = Trigger.from_object(trigger)  # what the trigger table stores
    assert API_KEY not in json.dumps(row.kwargs) and API_KEY not in str(row.encrypted_kwargs)

    async def triggerers() -> dict[str, Any]:
        first = asyncio.create_task(anext(aiter(trigger.run())))
        await asyncio.sleep(1)  # a few polls; the query is held pending
        assert not first.done()
        first.cancel()  # triggerer 1 dies
        await asyncio.to_thread(emulator.kill)
        rebuilt = import_string(row.classpath)(**row.kwargs)
        assert rebuilt.serialize() == trigger.serialize()  # same job, window and absolute deadline
        second = asyncio.create_task(anext(aiter(rebuilt.run())))
        await asyncio.sleep(1.5)  # polling a dead endpoint
        emulator.extra_args.remove("--hold-queries")
        await asyncio.to_thread(emulator.restart)
        return dict((await asyncio.wait_for(second, 120)).payload)

    event = asyncio.run(triggerers())
    assert event["status"] == "success", event
    result = getattr(op, deferred.value.method_name)(context, event, **(deferred.value.kwargs or {}))
    assert result["records_processed_count"] == ROWS_IN_WINDOW and result["triggered"] is True
    assert [q["status"] for q in window_queries(emulator, table_job)] == ["succeeded"]
