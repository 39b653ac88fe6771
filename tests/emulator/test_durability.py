"""Durability: a SIGKILLed emulator process restarted on the same file has lost nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from airflow_provider_arize.emulator.records import QUERY_FAILED, QUERY_RUNNING, NewJob
from airflow_provider_arize.emulator.store import Store
from airflow_provider_arize.emulator.testing import EmulatorProcess

from .conftest import CREATE_TABLE, bigquery_input, plain_client

SECRET_KEY = "durable-secret-key-123"
SNOW = {"accountID": "a", "database": "d", "schema": "s", "tableName": "t"}


def _post(
    proc: EmulatorProcess, query: str, variables: dict[str, object] | None = None, key: str = SECRET_KEY
) -> dict:  # type: ignore[type-arg]
    response = plain_client().post(proc.graphql_url, json={"query": query, "variables": variables or {}},
                          headers={"x-api-key": key}, timeout=10)  # fmt: skip
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_sigkill_and_restart_keep_everything(tmp_path: Path) -> None:
    db = tmp_path / "arize.sqlite3"
    proc = EmulatorProcess(db, api_key=SECRET_KEY, extra_args=["--log-level", "info", "--access-log"])
    try:
        proc.start()
        space = proc.space_id
        other = proc.admin.create_space("second")
        proc.admin.create_key("second-key", [other], can_mutate=False)
        created = _post(proc, CREATE_TABLE, {"input": bigquery_input(space)})
        job = created["data"]["createTableImportJob"]["tableImportJob"]
        assert job["jobId"] == "1"
        _post(proc, 'mutation { pauseTableImportJob(input: {jobId: "1"}) { clientMutationId } }')

        proc.kill()
        assert proc.process is not None and proc.process.returncode == -9
        proc.restart()

        assert proc.space_id == space
        listing = _post(
            proc,
            '{ node(id: "%s") { ... on Space { tableJobs(first: 10) { edges { node { id jobStatus table } } } } } }'
            % space,
        )
        nodes = [e["node"] for e in listing["data"]["node"]["tableJobs"]["edges"]]
        assert nodes == [
            {"id": job["id"], "jobStatus": "inactive", "table": "test-project-id.test-dataset.test-table"}
        ]
        spaces = _post(proc, "{ viewer { spaces(first: 5) { edges { node { id } } } } }", key="second-key")
        assert spaces["data"]["viewer"]["spaces"]["edges"] == [{"node": {"id": other}}]
        # id counters continue after the restart
        again = _post(proc, CREATE_TABLE, {"input": bigquery_input(space)})
        assert again["data"]["createTableImportJob"]["tableImportJob"]["jobId"] == "2"
    finally:
        proc.stop()
    log = proc.log_path.read_text()
    assert SECRET_KEY not in log
    assert SECRET_KEY.encode() not in db.read_bytes()


def test_cli_prints_one_json_line_without_the_key(tmp_path: Path) -> None:
    env_key = "cli-secret-key-xyz"
    proc = subprocess.Popen(
        [sys.executable, "-m", "airflow_provider_arize.emulator", "--port", "0", "--db", ":memory:",
         "--space-name", "cli-space"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**__import__("os").environ, "ARIZE_EMULATOR_API_KEY": env_key},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        info = json.loads(line)
        assert set(info) == {"url", "graphql_url", "space_id", "api_key_hint", "profile"}
        assert info["api_key_hint"] == "cli-…"
        assert info["profile"] == "full"
        assert env_key not in line
        assert info["graphql_url"] == info["url"] + "/graphql"
    finally:
        proc.kill()
        proc.wait()


def test_store_worker_handoff() -> None:
    store = Store.open(None)
    space = store.ensure_space("s")
    assert store.ensure_space("s") == space
    job = store.insert_job(
        NewJob(kind="table", space_id=space, status="active", model_name="m", model_type="numeric",
               model_environment="production", model_version=None, batch_id=None, store="Snowflake",
               triggered=True, location=SNOW, schema={}, ingestion={})
    )  # fmt: skip
    first = store.runs.add_query(job.id, 100.0, 200.0)
    second = store.runs.add_query(job.id, 200.0, 300.0)
    claimed = store.runs.claim_pending_queries(limit=10)
    assert [q.id for q in claimed] == [first.id, second.id]
    assert all(q.status == "pending" for q in claimed)
    assert store.runs.claim_pending_queries() == []
    assert store.runs.queries_of(job.id)[0].status == QUERY_RUNNING
    store.runs.complete_query(first.id, 42, watermark=150.0)
    store.runs.fail_query(second.id, "warehouse said no")
    after = store.get_job(job.id)
    assert after is not None
    assert after.counts["queries_succeeded"] == 1 and after.counts["queries_failed"] == 1
    assert after.watermark == 150.0
    assert store.runs.queries_of(job.id)[1].status == QUERY_FAILED
    assert store.runs.record_file(job.id, "a.parquet") is True
    assert store.runs.record_file(job.id, "a.parquet") is False
    store.runs.set_file_status(job.id, "a.parquet", succeeded=True, rows=10)
    files = store.get_job(job.id)
    assert files is not None and files.counts["files_succeeded"] == 1
    store.close()
