"""BigQuery warehouse hook at the client boundary.

Mocked on purpose: nothing on this machine speaks BigQuery (``bqemulator`` only runs from its own
environment). ``BigQueryHook.get_client`` is patched to return a small fake client
whose ``get_table`` returns real ``google.cloud.bigquery.SchemaField`` objects and whose ``query``
records the SQL and the ``QueryJobConfig`` it was sent and returns a count. Everything above that line
(the official ``BigQueryHook`` construction, our config reading, type checks, SQL and parameter
building) runs for real.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from google.api_core.exceptions import NotFound
from google.cloud.bigquery import QueryJobConfig, SchemaField

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models import BigQueryTableConfig, ModelSchema, QueryWindow
from airflow_provider_arize.hooks.warehouses import ArizePreflightError, BigQueryWarehouseHook, warehouse_hook

CONN_ID = "arize_bq_test"
SCHEMA_FIELDS = [
    SchemaField("prediction_id", "STRING"),
    SchemaField("prediction_ts", "TIMESTAMP"),
    SchemaField("prediction_label", "STRING"),
    SchemaField("prediction_score", "FLOAT64"),
    SchemaField("feature_age", "INT64"),
    SchemaField("feature_city", "STRING"),
    SchemaField("feature_words", "STRING", mode="REPEATED"),
    SchemaField("feature_ids", "INT64", mode="REPEATED"),
    SchemaField("tag_region", "STRING"),
    SchemaField("meta", "RECORD", fields=[SchemaField("a", "STRING")]),
    SchemaField("changed_at", "TIMESTAMP"),
    SchemaField("changed_dt", "DATETIME"),
    SchemaField("changed_day", "DATE"),
    SchemaField("changed_epoch", "INTEGER"),
    SchemaField("amount", "NUMERIC"),
]


@dataclass
class FakeJob:
    rows: list[tuple[int]]

    def result(self) -> list[tuple[int]]:
        return self.rows


@dataclass
class FakeClient:
    """The two calls the hook makes on a ``google.cloud.bigquery.Client``."""

    tables: dict[str, list[SchemaField]]
    count: int = 7
    table_calls: list[str] = field(default_factory=list)
    queries: list[tuple[str, QueryJobConfig, str | None]] = field(default_factory=list)

    def get_table(self, ref: str) -> Any:
        self.table_calls.append(ref)
        if ref not in self.tables:
            raise NotFound(f"Not found: Table {ref}")
        return type("Table", (), {"schema": self.tables[ref]})()

    def query(self, sql: str, job_config: QueryJobConfig, location: str | None = None) -> FakeJob:
        self.queries.append((sql, job_config, location))
        return FakeJob([(self.count,)])


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> FakeClient:
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

    fake = FakeClient({"my-proj.ml.predictions": SCHEMA_FIELDS})
    calls: list[dict[str, Any]] = []

    def get_client(
        self: BigQueryHook, project_id: str | None = None, location: str | None = None
    ) -> FakeClient:
        assert self.gcp_conn_id == CONN_ID
        calls.append({"project_id": project_id, "location": location})
        return fake

    monkeypatch.setattr(BigQueryHook, "get_client", get_client)
    fake.client_calls = calls  # type: ignore[attr-defined]
    return fake


@pytest.fixture
def wh(monkeypatch: pytest.MonkeyPatch) -> BigQueryWarehouseHook:
    body = {"conn_type": "google_cloud_platform", "extra": {"project": "my-proj"}}
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(body))
    hook = warehouse_hook("BigQuery", CONN_ID)
    assert isinstance(hook, BigQueryWarehouseHook)
    return hook


CONFIG = BigQueryTableConfig(project_id="my-proj", dataset="ml", table_name="predictions")
WINDOW = QueryWindow(datetime(2024, 1, 1, 0, tzinfo=UTC), datetime(2024, 1, 1, 1, 30, 0, 500, tzinfo=UTC))


# -- table_config ----------------------------------------------------------------------------------------
def test_table_config_takes_the_project_from_the_connection(wh: BigQueryWarehouseHook) -> None:
    assert wh.table_config("predictions", dataset="ml") == CONFIG
    assert wh.table_config("predictions", schema="ml") == CONFIG  # schema= is an alias of dataset=
    assert wh.table_config("ml.predictions") == CONFIG
    assert wh.table_config("other.ml.predictions").project_id == "other"
    assert wh.table_config("predictions", dataset="ml", project="p2").project_id == "p2"
    assert wh.table_config_from({"tableName": "predictions", "dataset": "ml"}) == CONFIG


@pytest.mark.parametrize(
    "extra",
    [
        {"project_id": "my-proj"},
        {"extra__google_cloud_platform__project": "my-proj"},
        {"keyfile_dict": json.dumps({"project_id": "my-proj", "private_key": "-----SECRET-----"})},
    ],
)
def test_project_comes_from_any_field_the_google_provider_reads(
    extra: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_BQ_ALT", json.dumps({"conn_type": "google_cloud_platform", "extra": extra})
    )
    assert warehouse_hook("bigquery", "bq_alt").table_config("predictions", dataset="ml") == CONFIG


def test_table_config_names_the_missing_field(
    wh: BigQueryWarehouseHook, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ArizeConfigError) as err:
        wh.table_config("predictions")
    assert err.value.field == "dataset"
    monkeypatch.setenv("AIRFLOW_CONN_BQ_BARE", json.dumps({"conn_type": "google_cloud_platform"}))
    with pytest.raises(ArizeConfigError) as err:
        warehouse_hook("BigQuery", "bq_bare").table_config("predictions", dataset="ml")
    assert err.value.field == "projectId"


# -- columns and preflight -------------------------------------------------------------------------------
def test_columns_come_from_get_table(wh: BigQueryWarehouseHook, client: FakeClient) -> None:
    columns = wh.columns(CONFIG)
    assert client.table_calls == ["my-proj.ml.predictions"]
    assert columns["feature_words"] == "ARRAY<STRING>"
    assert columns["meta"] == "RECORD"
    assert columns["changed_epoch"] == "INTEGER"


def test_preflight_passes_and_fails_by_role(wh: BigQueryWarehouseHook, client: FakeClient) -> None:
    schema = {
        "predictionId": "PREDICTION_ID",
        "timestamp": "prediction_ts",
        "predictionLabel": "prediction_label",
        "predictionScore": "prediction_score",
        "tags": "tag_",
        "changeTimestamp": "changed_at",
    }
    report = wh.preflight(CONFIG, {**schema, "featuresList": ["feature_age", "feature_words"]})
    assert report.roles["predictionId"] == "prediction_id"
    assert report.features == ("feature_age", "feature_words")

    bad = {**schema, "features": "feature_", "predictionLabel": "meta", "changeTimestamp": "amount"}
    with pytest.raises(ArizePreflightError) as err:
        wh.preflight(CONFIG, ModelSchema.from_value(bad))
    message = str(err.value)
    assert "preflight of table my-proj.ml.predictions failed (3 problems)" in message
    assert "column meta (predictionLabel): type RECORD is not accepted" in message
    assert "column feature_ids (features): type ARRAY<INT64> is not accepted" in message
    assert "column amount (changeTimestamp): type NUMERIC is not accepted" in message
    assert err.value.field == "predictionLabel"


def test_missing_table_names_the_table(wh: BigQueryWarehouseHook, client: FakeClient) -> None:
    with pytest.raises(ArizePreflightError) as err:
        wh.columns(BigQueryTableConfig(project_id="my-proj", dataset="ml", table_name="nope"))
    assert "table my-proj.ml.nope does not exist" in str(err.value)
    assert err.value.field == "tableName"


# -- count_rows: the query text and the bound parameters ------------------------------------------------
def _sent(client: FakeClient) -> tuple[str, dict[str, tuple[str, Any]]]:
    sql, job_config, _ = client.queries[-1]
    assert job_config.use_legacy_sql is False
    params = {p.name: (p.type_, p.value) for p in job_config.query_parameters}
    return sql, params


def test_count_rows_binds_the_half_open_window_as_timestamps(
    wh: BigQueryWarehouseHook, client: FakeClient
) -> None:
    assert wh.count_rows(CONFIG, "changed_at", WINDOW) == 7
    sql, params = _sent(client)
    assert sql == (
        "SELECT COUNT(*) AS row_count FROM `my-proj`.`ml`.`predictions` "
        "WHERE `changed_at` >= @window_start AND `changed_at` < @window_end"
    )
    assert params == {"window_start": ("TIMESTAMP", WINDOW.start), "window_end": ("TIMESTAMP", WINDOW.end)}
    assert params["window_start"][1].tzinfo is not None
    # jobs are billed to the connection's project
    assert client.client_calls[-1] == {"project_id": "my-proj", "location": None}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("column", "param_type", "lo", "hi"),
    [
        # the window's end 01:30:00.0005 is floored to 01:30:00: windows are whole seconds
        ("changed_dt", "DATETIME", datetime(2024, 1, 1, 0), datetime(2024, 1, 1, 1, 30)),
        ("changed_day", "DATE", date(2024, 1, 1), date(2024, 1, 2)),
        ("changed_epoch", "INT64", 1704067200, 1704072600),
    ],
)
def test_count_rows_binds_values_matching_the_column_type(
    wh: BigQueryWarehouseHook, client: FakeClient, column: str, param_type: str, lo: Any, hi: Any
) -> None:
    wh.count_rows(CONFIG, column.upper(), WINDOW)  # case-insensitive, the SQL uses BigQuery's spelling
    sql, params = _sent(client)
    assert f"WHERE `{column}` >= @window_start AND `{column}` < @window_end" in sql
    assert params == {"window_start": (param_type, lo), "window_end": (param_type, hi)}


def test_identifiers_are_quoted(wh: BigQueryWarehouseHook, client: FakeClient) -> None:
    odd = BigQueryTableConfig(project_id="my-proj", dataset="ml", table_name="odd`name")
    client.tables["my-proj.ml.odd`name"] = [SchemaField("changed`at", "TIMESTAMP")]
    wh.count_rows(odd, "changed`at", WINDOW)
    sql, _ = _sent(client)
    assert "FROM `my-proj`.`ml`.`odd\\`name` WHERE `changed\\`at` >= @window_start" in sql


def test_location_is_passed_to_jobs(monkeypatch: pytest.MonkeyPatch, client: FakeClient) -> None:
    body = {"conn_type": "google_cloud_platform", "extra": {"project": "billing-proj"}}
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(body))
    wh = warehouse_hook("BigQuery", CONN_ID, location="EU")
    wh.count_rows(CONFIG, "changed_at", WINDOW)
    assert client.queries[-1][2] == "EU"
    assert client.client_calls[-1] == {"project_id": "billing-proj", "location": "EU"}  # type: ignore[attr-defined]


class DuckDBClient(FakeClient):
    """The hook's SQL run for real: BigQuery's `quoting` and @parameters turned into DuckDB's, on a table
    of the same name and column types (no BigQuery runs here; the SQL's meaning is what is checked)."""

    def __init__(self) -> None:
        import duckdb

        super().__init__({"my-proj.ml.predictions": SCHEMA_FIELDS})
        self.db = duckdb.connect()
        self.db.execute('ATTACH \':memory:\' AS "my-proj"; CREATE SCHEMA "my-proj".ml')
        self.db.execute(
            'CREATE TABLE "my-proj".ml.predictions (changed_at TIMESTAMPTZ, changed_dt TIMESTAMP, '
            "changed_day DATE, changed_epoch BIGINT)"
        )

    def query(self, sql: str, job_config: QueryJobConfig, location: str | None = None) -> FakeJob:
        import re

        self.queries.append((sql, job_config, location))
        duck = re.sub(r"`((?:\\\\.|[^`])*)`", lambda m: '"' + m.group(1).replace('"', '""') + '"', sql)
        duck = re.sub(r"@(\w+)", r"$\1", duck)
        values = {p.name: p.value for p in job_config.query_parameters}
        return FakeJob([tuple(row) for row in self.db.execute(duck, values).fetchall()])


def test_the_row_count_sql_counts_the_half_open_window_when_run(
    wh: BigQueryWarehouseHook, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

    duck = DuckDBClient()
    monkeypatch.setattr(BigQueryHook, "get_client", lambda self, project_id=None, location=None: duck)
    lo, hi = WINDOW.start, WINDOW.end  # [00:00, 01:30)
    second = timedelta(seconds=1)
    for at in (lo - second, lo, lo + second, hi - second, hi, hi + second):  # 3 inside
        duck.db.execute(
            'INSERT INTO "my-proj".ml.predictions VALUES ($1, $2, $3, $4)',
            [at, at.replace(tzinfo=None), at.date(), int(at.timestamp())],
        )
    assert wh.count_rows(CONFIG, "changed_at", WINDOW) == 3
    assert wh.count_rows(CONFIG, "changed_dt", WINDOW) == 3
    assert wh.count_rows(CONFIG, "changed_epoch", WINDOW) == 3
    assert wh.count_rows(CONFIG, "changed_day", WINDOW) == 5  # whole days: every row but the one before
