"""Fixtures for the table-worker tests: a fakesnow server, per-test Snowflake databases, fast emulators.

fakesnow is served over plain HTTP here (``protocol: "http"`` in the registry entry); the TLS variant
(``ca_bundle`` + ``insecure_mode``) is covered by the end-to-end tests.
"""

from __future__ import annotations

import importlib
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
import snowflake.connector

from airflow_provider_arize.emulator.testing import EmulatorServer
from airflow_provider_arize.local_services.asgi_thread import UVICORN_LOGGING, ThreadedASGIServer

from .conftest import Api, make_api

#: A password no response, error message or log line may contain.
SNOW_PASSWORD = "s3cret-snow-password-xyz"
ACCOUNT = "org-acct"
WORKER_INTERVAL = 0.05

T = TypeVar("T")

TRIGGERED_CREATE = """mutation($input: CreateTriggeredOngoingTableImportJobInput!) {
  createTriggeredOngoingTableImportJob(input: $input) {
    tableImportJob { id jobId jobStatus } validationResult { validationStatus error { message } } } }"""
TABLE_CREATE = """mutation($input: CreateTableImportJobInput!) {
  createTableImportJob(input: $input) {
    tableImportJob { id jobId jobStatus } validationResult { validationStatus error { message } } } }"""
TRIGGER = """mutation($id: ID!, $s: DateTime!, $e: DateTime!) {
  createTriggeredOngoingTableRun(input: {jobId: $id, queryStart: $s, queryEnd: $e}) { clientMutationId } }"""
UPDATE_PARAMS = """mutation($id: ID!, $p: TableIngestionParametersInputType) {
  updateTableIngestionParameters(input: {jobId: $id, tableIngestionParameters: $p}) { tableImportJob { id } } }"""
PAUSE = "mutation($id: ID!) { pauseTableImportJob(input: {jobId: $id}) { tableImportJob { jobStatus } } }"
START = "mutation($id: ID!) { startTableImportJob(input: {jobId: $id}) { tableImportJob { jobStatus } } }"
JOB = """query($id: ID!) { node(id: $id) { ... on TableImportJob {
  jobId jobStatus totalQueriesPendingCount totalQueriesSuccessCount totalQueriesFailedCount
  queries(first: 50) { totalCount edges { node {
    queryId createdAt recordsProcessedCount windowStartTimestamp windowEndTimestamp } } } } } }"""


def wait_for(probe: Callable[[], T], what: str, timeout: float = 10.0) -> T:
    """Poll ``probe`` until it returns something truthy (bounded); return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last value: {value!r}")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def snow() -> Iterator[dict[str, Any]]:
    """fakesnow's server over plain HTTP on a free port; yields ``snowflake.connector.connect`` kwargs.

    This mirrors ``fakesnow.server()``, which cannot be called once anything in the process has imported
    the ``fakesnow.server`` module (the import replaces that function on the package). fakesnow's own
    per-login INFO log is quietened.
    """
    module = importlib.import_module("fakesnow.server")
    logger = logging.getLogger("fakesnow.server")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with ThreadedASGIServer(
            module.app, name="fakesnow", force_exit=False, graceful_shutdown=None, log_config=UVICORN_LOGGING
        ) as serving:
            yield {
                "user": "fake",
                "password": "snow",
                "account": "fakesnow",
                "host": "127.0.0.1",
                "port": serving.port,
                "protocol": "http",
                "session_parameters": {"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False},
                "network_timeout": 5,
            }
    finally:
        logger.setLevel(level)


def snow_entry(snow: dict[str, Any], password: str = SNOW_PASSWORD) -> dict[str, Any]:
    """The emulator registry entry for the fakesnow server."""
    return {
        "host": snow["host"],
        "port": snow["port"],
        "protocol": "http",
        "user": "fake",
        "password": password,
        "login_timeout": 5,
        "network_timeout": 5,
    }


@dataclass
class SnowDb:
    """One fresh fakesnow database (fakesnow shares tables across the process, so names are unique)."""

    kwargs: dict[str, Any]
    database: str
    schema: str = "S"

    def run(self, *statements: str) -> None:
        conn = snowflake.connector.connect(**self.kwargs, database=self.database, schema=self.schema)
        try:
            cursor = conn.cursor()
            for sql in statements:
                cursor.execute(sql)
        finally:
            conn.close()

    def config(self, table: str, account: str = ACCOUNT) -> dict[str, str]:
        """A ``snowflakeTableConfig`` for ``table`` in this database."""
        return {"accountID": account, "database": self.database, "schema": self.schema, "tableName": table}


@pytest.fixture
def snow_db(snow: dict[str, Any]) -> SnowDb:
    return SnowDb(snow, f"ARIZE_{uuid.uuid4().hex[:10].upper()}")


@pytest.fixture
def emulator(snow: dict[str, Any]) -> Iterator[EmulatorServer]:
    """An in-memory emulator whose worker ticks every 50 ms and knows the fakesnow account."""
    with EmulatorServer(
        worker_interval_seconds=WORKER_INTERVAL, warehouses={"snowflake": {ACCOUNT: snow_entry(snow)}}
    ) as server:
        yield server


@pytest.fixture
def gql(emulator: EmulatorServer) -> Iterator[Api]:
    client = make_api(emulator)
    yield client
    client.http.close()


def job_input(
    space_id: str, store: str, config_field: str, config: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """A create input for a score_categorical production job on ``config``."""
    schema = {
        "predictionId": "prediction_id",
        "timestamp": "prediction_ts",
        "predictionLabel": "prediction",
        "changeTimestamp": "change_ts",
        "featuresList": ["feature_x"],
        "features": "feature_",
        "tagsList": [],
    }
    schema.update(extra.pop("schema", {}))
    return {
        "spaceId": space_id,
        "modelName": f"model-{uuid.uuid4().hex[:6]}",
        "modelType": "score_categorical",
        "modelEnvironmentName": "production",
        "tableStore": store,
        config_field: config,
        "schema": schema,
        **extra,
    }


def create_triggered(api: Api, config: dict[str, Any], **extra: Any) -> str:
    """Create an event-based Snowflake job; return its global id."""
    inp = job_input(api.server.space_id, "Snowflake", "snowflakeTableConfig", config, **extra)
    payload = api.data(TRIGGERED_CREATE, {"input": inp})["createTriggeredOngoingTableImportJob"]
    assert payload["tableImportJob"], payload
    return str(payload["tableImportJob"]["id"])


def create_scheduled(api: Api, store: str, config_field: str, config: dict[str, Any], **extra: Any) -> str:
    """Create a polling table job; return its global id."""
    inp = job_input(api.server.space_id, store, config_field, config, **extra)
    payload = api.data(TABLE_CREATE, {"input": inp})["createTableImportJob"]
    assert payload["tableImportJob"], payload
    return str(payload["tableImportJob"]["id"])


def job(api: Api, job_id: str) -> dict[str, Any]:
    """The job node with its queries, oldest query first."""
    node = dict(api.data(JOB, {"id": job_id})["node"])
    node["queries"] = [e["node"] for e in reversed(node["queries"]["edges"])]
    return node


def settled(api: Api, job_id: str, queries: int = 1) -> dict[str, Any] | None:
    """The job once ``queries`` queries have finished and none is pending, else ``None``.

    The decision uses the job's counters, which come from one row (one snapshot), not the length of the
    query list: the list is read after the counters, so a scheduled query the worker inserts in between
    would show up there still running (no processed count yet) while the counters say nothing is pending.
    """
    node = job(api, job_id)
    finished = node["totalQueriesSuccessCount"] + node["totalQueriesFailedCount"]
    if finished >= queries and node["totalQueriesPendingCount"] == 0:
        return node
    return None


def dumped(server: EmulatorServer, job_id: str) -> dict[str, Any]:
    """The admin dump of one job (by global id)."""
    return next(j for j in server.admin.jobs() if j["id"] == job_id)
