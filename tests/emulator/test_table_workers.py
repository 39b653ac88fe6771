"""The table worker runs table-job queries against real warehouses: fakesnow over HTTP, and DuckDB.

fakesnow is served over plain HTTP (``protocol: "http"``); the TLS variant is covered by the end-to-end
tests. Everything goes through the in-process emulator's HTTP APIs (GraphQL and admin), except where a
test must simulate a race or a crash in the store.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from airflow_provider_arize.emulator.__main__ import build_parser, config_from_args
from airflow_provider_arize.emulator.clock import TestClock, parse_rfc3339, to_rfc3339
from airflow_provider_arize.emulator.config import WAREHOUSES_ENV
from airflow_provider_arize.emulator.testing import EmulatorServer
from airflow_provider_arize.emulator.warehouses import WarehouseRegistry

from .conftest import make_api
from .conftest_warehouse import (
    ACCOUNT,
    PAUSE,
    SNOW_PASSWORD,
    START,
    TRIGGER,
    UPDATE_PARAMS,
    WORKER_INTERVAL,
    SnowDb,
    create_scheduled,
    create_triggered,
    dumped,
    emulator,
    gql,
    job,
    settled,
    snow,
    snow_db,
    snow_entry,
    wait_for,
)

__all__ = ["emulator", "gql", "snow", "snow_db"]  # fixtures

COLUMNS = (
    "PREDICTION_ID VARCHAR, PREDICTION_TS TIMESTAMP_NTZ, PREDICTION VARCHAR, FEATURE_X FLOAT, "
    "FEATURE_Y FLOAT, CHANGE_TS TIMESTAMP_NTZ, CHANGE_TZ TIMESTAMP_TZ"
)
# (change_ts as UTC wall clock, the same instant with an offset) around the window [01:00, 02:00)
WINDOW_ROWS = [
    ("2024-08-20 00:59:59.999999", "2024-08-20 02:59:59.999999+02:00"),  # before start
    ("2024-08-20 01:00:00", "2024-08-19 20:00:00-05:00"),  # at start: included
    ("2024-08-20 01:30:00", "2024-08-20 01:30:00+00:00"),
    ("2024-08-20 01:59:59.999999", "2024-08-20 03:59:59.999999+02:00"),
    ("2024-08-20 02:00:00", "2024-08-20 02:00:00+00:00"),  # at end: excluded
    ("2024-08-20 03:00:00", "2024-08-20 03:00:00+00:00"),
]
START_AT, END_AT = "2024-08-20T01:00:00Z", "2024-08-20T02:00:00Z"


def _events(db: SnowDb, table: str, rows: list[tuple[str, str]]) -> None:
    values = ", ".join(
        f"('p{i}', '{ntz}', 'yes', 0.5, 1.5, '{ntz}', '{tz}')" for i, (ntz, tz) in enumerate(rows)
    )
    db.run(f"CREATE TABLE {table} ({COLUMNS})", f"INSERT INTO {table} VALUES {values}")


def _trigger(api: Any, job_id: str, start: str = START_AT, end: str = END_AT) -> None:
    api.data(TRIGGER, {"id": job_id, "s": start, "e": end})


def test_triggered_window_is_half_open_and_row_limit_caps_it(gql: Any, snow_db: SnowDb) -> None:
    _events(snow_db, "EVENTS", WINDOW_ROWS)
    ntz = create_triggered(gql, snow_db.config("events"))  # lower case: Snowflake folds to EVENTS
    aware = create_triggered(gql, snow_db.config("EVENTS"), schema={"changeTimestamp": "change_tz"})
    limited = create_triggered(gql, snow_db.config("EVENTS"))
    gql.data(UPDATE_PARAMS, {"id": limited, "p": {"rowLimit": 2}})
    for job_id in (ntz, aware, limited):
        _trigger(gql, job_id)

    results = {j: wait_for(lambda j=j: settled(gql, j), f"query of {j}") for j in (ntz, aware, limited)}

    for job_id, expected in ((ntz, 3), (aware, 3), (limited, 2)):
        node = results[job_id]
        assert node["totalQueriesSuccessCount"] == 1 and node["totalQueriesFailedCount"] == 0, node
        (query,) = node["queries"]
        assert query["recordsProcessedCount"] == expected, (job_id, query)
        assert (query["windowStartTimestamp"], query["windowEndTimestamp"]) == (START_AT, END_AT)
    # the watermark is the largest change timestamp ingested (the limit takes the earliest rows)
    assert dumped(gql.server, ntz)["watermark"] == "2024-08-20T01:59:59.999999Z"
    assert dumped(gql.server, aware)["watermark"] == "2024-08-20T01:59:59.999999Z"
    assert dumped(gql.server, limited)["watermark"] == "2024-08-20T01:30:00Z"
    assert dumped(gql.server, ntz)["queries"][0]["status"] == "succeeded"


def test_missing_table_column_or_warehouse_fails_the_query(gql: Any, snow_db: SnowDb) -> None:
    _events(snow_db, "EVENTS", WINDOW_ROWS[:2])
    no_table = create_triggered(gql, snow_db.config("NOPE"))
    no_column = create_triggered(
        gql, snow_db.config("EVENTS"), schema={"featuresList": ["feature_x", "FEATURE_Z"]}
    )
    no_prefix = create_triggered(gql, snow_db.config("EVENTS"), schema={"tags": "tag_"})
    no_account = create_triggered(gql, snow_db.config("EVENTS", account="someone-else"))
    for job_id in (no_table, no_column, no_prefix, no_account):
        _trigger(gql, job_id)

    table = f"{snow_db.database}.S"
    expected = {
        no_table: f"table {table}.NOPE does not exist",
        no_column: f"column FEATURE_Z named by schema.featuresList does not exist in {table}.EVENTS",
        no_prefix: f"no column of {table}.EVENTS starts with 'tag_' (schema.tags)",
        no_account: "no Snowflake warehouse registered for account 'someone-else' "
        "(emulator: PUT /_emulator/warehouses)",
    }
    for job_id, message in expected.items():
        node = wait_for(lambda j=job_id: settled(gql, j), f"query of {job_id}")
        assert node["totalQueriesFailedCount"] == 1 and node["totalQueriesSuccessCount"] == 0, node
        assert node["queries"][0]["recordsProcessedCount"] is None
        query = dumped(gql.server, job_id)["queries"][0]
        assert query["status"] == "failed"
        assert query["error_message"] == message
        assert query["records_processed_count"] is None
    assert SNOW_PASSWORD not in json.dumps(gql.server.admin.jobs())


def test_pending_query_of_a_paused_job_waits_until_it_is_started(gql: Any, snow_db: SnowDb) -> None:
    _events(snow_db, "EVENTS", WINDOW_ROWS)
    job_id = create_triggered(gql, snow_db.config("EVENTS"))
    assert gql.data(PAUSE, {"id": job_id})["pauseTableImportJob"]["tableImportJob"]["jobStatus"] == "inactive"
    # A run recorded just before the pause (the API refuses runs on a paused job, so write it directly).
    job_number = int(job(gql, job_id)["jobId"])
    gql.server.state.store.runs.add_query(job_number, parse_rfc3339(START_AT), parse_rfc3339(END_AT))

    assert gql.server.workers.wait_ticks(3)
    node = job(gql, job_id)
    assert node["totalQueriesPendingCount"] == 1 and node["queries"][0]["recordsProcessedCount"] is None
    assert dumped(gql.server, job_id)["queries"][0]["status"] == "pending"

    gql.data(START, {"id": job_id})
    node = wait_for(lambda: settled(gql, job_id), "the query after the start")
    assert node["queries"][0]["recordsProcessedCount"] == 3


def test_held_queries_stay_pending_until_released(gql: Any, snow_db: SnowDb) -> None:
    _events(snow_db, "EVENTS", WINDOW_ROWS)
    job_id = create_triggered(gql, snow_db.config("EVENTS"))
    assert gql.server.admin.set_options(hold_queries=True)["hold_queries"] is True
    _trigger(gql, job_id)

    assert gql.server.workers.wait_ticks(3)
    assert job(gql, job_id)["totalQueriesPendingCount"] == 1
    assert dumped(gql.server, job_id)["queries"][0]["status"] == "pending"

    gql.server.admin.set_options(hold_queries=False)
    node = wait_for(lambda: settled(gql, job_id), "the query after the release")
    assert node["queries"][0]["recordsProcessedCount"] == 3
    assert build_parser().parse_args(["--hold-queries"]).hold_queries is True


def test_scheduled_job_follows_refresh_interval_watermark_and_window(snow: Any, snow_db: SnowDb) -> None:
    t0 = datetime(2024, 8, 20, tzinfo=UTC).timestamp()
    minutes = (10, 30, 90, 150, 400)
    rows = [(datetime.fromtimestamp(t0 + m * 60, UTC).strftime("%Y-%m-%d %H:%M:%S"), "") for m in minutes]
    columns = "PREDICTION_ID VARCHAR, PREDICTION_TS TIMESTAMP_NTZ, PREDICTION VARCHAR, FEATURE_X FLOAT, CHANGE_TS TIMESTAMP_NTZ"
    values = ", ".join(f"('p{i}', '{ts}', 'yes', 0.5, '{ts}')" for i, (ts, _) in enumerate(rows))
    snow_db.run(f"CREATE TABLE POLLED ({columns})", f"INSERT INTO POLLED VALUES {values}")

    clock = TestClock(start=t0 + 200 * 60)  # frozen: only advance() moves it
    warehouses = {"snowflake": {ACCOUNT: snow_entry(snow)}}
    with EmulatorServer(
        clock=clock, worker_interval_seconds=WORKER_INTERVAL, warehouses=warehouses
    ) as server:
        api = make_api(server)
        params = {"rowLimit": 100, "refreshIntervalMinutes": 60, "queryWindowSizeHours": 1}
        job_id = create_scheduled(
            api,
            "Snowflake",
            "snowflakeTableConfig",
            snow_db.config("POLLED"),
            tableIngestionParameters=params,
        )
        workers = server.workers
        assert workers is not None

        # 1st query at once: no watermark yet, so the window starts 1 µs before the oldest row, 1 h wide
        first = wait_for(lambda: settled(api, job_id), "the first scheduled query")["queries"]
        assert [
            (q["windowStartTimestamp"], q["windowEndTimestamp"], q["recordsProcessedCount"]) for q in first
        ] == [("2024-08-20T00:09:59.999999Z", "2024-08-20T01:09:59.999999Z", 2)]
        assert first[0]["createdAt"] == to_rfc3339(t0 + 200 * 60)
        assert dumped(server, job_id)["watermark"] == "2024-08-20T00:30:00Z"

        clock.advance(59 * 60)  # not yet due
        assert workers.wait_ticks(3)
        assert len(job(api, job_id)["queries"]) == 1

        clock.advance(60)  # refreshIntervalMinutes after the first query: the 2nd starts at the watermark
        second = wait_for(lambda: settled(api, job_id, 2), "the second scheduled query")["queries"][1]
        assert (second["windowStartTimestamp"], second["windowEndTimestamp"]) == (
            "2024-08-20T00:30:00Z",
            "2024-08-20T01:30:00Z",
        )
        assert second["recordsProcessedCount"] == 1  # (00:30, 01:30]: the 01:30 row
        assert dumped(server, job_id)["watermark"] == "2024-08-20T01:30:00Z"

        api.data(UPDATE_PARAMS, {"id": job_id, "p": {"queryWindowSizeHours": 0}})  # 0: open up to now
        clock.advance(3600)
        third = wait_for(lambda: settled(api, job_id, 3), "the third scheduled query")["queries"][2]
        now = t0 + (200 + 120) * 60
        assert (third["windowStartTimestamp"], third["windowEndTimestamp"]) == (
            "2024-08-20T01:30:00Z",
            to_rfc3339(now),
        )
        assert third["recordsProcessedCount"] == 1  # the 02:30 row; the 06:40 one is after now
        node = job(api, job_id)
        assert node["totalQueriesSuccessCount"] == 3 and node["totalQueriesFailedCount"] == 0
        api.http.close()


def test_duckdb_stands_in_for_bigquery_and_databricks(gql: Any, tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:  # closed before the emulator reads it
        conn.execute("CREATE SCHEMA analytics")
        conn.execute(
            "CREATE TABLE analytics.events (prediction_id VARCHAR, prediction_ts TIMESTAMP, prediction VARCHAR,"
            " feature_x DOUBLE, change_ts DOUBLE)"  # epoch seconds
        )
        conn.execute(
            "INSERT INTO analytics.events VALUES ('a', '2024-01-01', 'y', 1, 1704067200),"
            " ('b', '2024-01-01', 'n', 2, 1704067260.5), ('c', '2024-01-01', 'y', 3, NULL)"
        )
    entry = {"kind": "duckdb", "path": str(path)}
    shown = gql.server.admin.set_warehouses(
        bigquery={"my-project": entry}, databricks={"dbc.example.com": entry}, merge=True
    )
    assert shown["snowflake"][ACCOUNT]["password"] == "***"  # merged, not replaced
    assert shown["bigquery"] == {"my-project": entry}

    bq = create_scheduled(
        gql,
        "BigQuery",
        "bigQueryTableConfig",
        {"projectId": "My-Project", "dataset": "analytics", "tableName": "events"},
    )
    dbx = create_scheduled(
        gql,
        "Databricks",
        "databricksTableConfig",
        {"hostName": "DBC.example.com", "endpoint": "/sql/1.0/warehouses/x", "catalog": "main",
         "databricksSchema": "analytics", "tableName": "EVENTS"},
    )  # fmt: skip
    for job_id in (bq, dbx):
        node = wait_for(lambda j=job_id: settled(gql, j), f"the scheduled query of {job_id}")
        (query,) = node["queries"]
        assert query["recordsProcessedCount"] == 2, node
        assert query["windowStartTimestamp"] == "2023-12-31T23:59:59.999999Z"
        assert dumped(gql.server, job_id)["watermark"] == "2024-01-01T00:01:00.500000Z"


def test_running_queries_are_requeued_after_a_crash(snow: Any, snow_db: SnowDb, tmp_path: Path) -> None:
    _events(snow_db, "EVENTS", WINDOW_ROWS)
    db = tmp_path / "arize.sqlite3"
    warehouses = {"snowflake": {ACCOUNT: snow_entry(snow)}}
    with EmulatorServer(db, run_workers=False, warehouses=warehouses) as first:
        api = make_api(first)
        job_id = create_triggered(api, snow_db.config("EVENTS"))
        _trigger(api, job_id)
        # a worker claimed the query, then the process died before finishing it
        assert len(first.state.store.runs.claim_pending_queries()) == 1
        assert dumped(first, job_id)["queries"][0]["status"] == "running"
        api.http.close()
    with EmulatorServer(db, worker_interval_seconds=WORKER_INTERVAL, warehouses=warehouses) as second:
        api = make_api(second)
        node = wait_for(lambda: settled(api, job_id), "the re-queued query")
        assert node["queries"][0]["recordsProcessedCount"] == 3 and node["totalQueriesSuccessCount"] == 1
        api.http.close()


def test_warehouse_registry_never_shows_the_password(
    gql: Any, snow: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="airflow_provider_arize")
    admin = gql.server.admin
    listed = admin.warehouses()
    assert listed["snowflake"][ACCOUNT]["password"] == "***"
    assert listed["snowflake"][ACCOUNT]["protocol"] == "http"

    other = "another-pass-123"
    replaced = admin.set_warehouses({"snowflake": {"Other-Acct": snow_entry(snow, other)}})
    assert list(replaced["snowflake"]) == ["other-acct"]  # identities are case-insensitive
    assert replaced["snowflake"]["other-acct"]["password"] == "***"
    admin.set_warehouses(snowflake={"other-acct": None, ACCOUNT: snow_entry(snow)}, merge=True)

    bad = {"snowflake": {"x": {**snow_entry(snow), "port": "not-a-port"}}}
    response = httpx.put(f"{gql.server.url}/_emulator/warehouses", json=bad)
    assert response.status_code == 400 and "'port'" in response.text
    unknown = httpx.put(f"{gql.server.url}/_emulator/warehouses", json={"snowflake": {"x": {"passwd": "y"}}})
    assert unknown.status_code == 400 and "unknown fields ['passwd']" in unknown.text
    text = json.dumps([admin.warehouses(), listed, replaced]) + response.text + caplog.text
    assert SNOW_PASSWORD not in text and other not in text
    assert list(admin.warehouses()["snowflake"]) == [ACCOUNT]


def test_registry_scrubs_passwords_and_names_unregistered_warehouses() -> None:
    registry = WarehouseRegistry({"snowflake": {"A": {"host": "h", "user": "u", "password": "pw-123"}}})
    assert registry.scrub("login failed for pw-123") == "login failed for ***"
    assert registry.redacted()["snowflake"]["a"]["port"] == 443
    with pytest.raises(LookupError, match="no BigQuery warehouse registered for project 'p'"):
        registry.lookup("BigQuery", {"projectId": "p"})
    with pytest.raises(ValueError, match=r"warehouses.bigquery\['p'\]: field 'kind' must be 'duckdb'"):
        WarehouseRegistry({"bigquery": {"p": {"host": "h"}}})


def test_cli_reads_the_registry_from_a_file_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = {"bigquery": {"p": {"kind": "duckdb", "path": "/x.duckdb"}}}
    path = tmp_path / "warehouses.json"
    path.write_text(json.dumps(document))
    parser = build_parser()
    config = config_from_args(parser.parse_args(["--warehouses", str(path), "--worker-interval", "0.25"]))
    assert config.warehouses == document and config.worker_interval_seconds == 0.25 and config.run_workers
    monkeypatch.setenv(WAREHOUSES_ENV, json.dumps(document))
    assert config_from_args(parser.parse_args(["--no-workers"])).warehouses == document
    monkeypatch.setenv(WAREHOUSES_ENV, "{not json")
    with pytest.raises(ValueError, match="ARIZE_EMULATOR_WAREHOUSES is not valid JSON"):
        config_from_args(parser.parse_args([]))
