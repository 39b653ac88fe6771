"""Databricks warehouse hook through the real ``DatabricksSqlHook``, with ``databricks.sql.connect``
replaced by a small DuckDB-backed DB-API stand-in.

A stand-in because nothing local speaks the Databricks SQL (Thrift) protocol.
It sits exactly at the driver boundary: the provider hook builds its connection arguments, opens
cursors, runs statements with native ``:name`` parameters and wraps rows as usual. The stand-in
translates what DuckDB needs (backticks to double quotes, ``:name`` to ``$name``), answers
``DESCRIBE TABLE`` with Databricks' type spellings (``string``, ``bigint``, ``timestamp_ntz``,
``array<string>``…) followed by a ``# Partition Information`` section, and raises
``databricks.sql.exc.ServerOperationError`` with ``[TABLE_OR_VIEW_NOT_FOUND]`` for missing tables.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import duckdb
import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models import DatabricksTableConfig, ModelSchema, QueryWindow
from airflow_provider_arize.hooks.warehouses import (
    ArizePreflightError,
    DatabricksWarehouseHook,
    warehouse_hook,
)

# the databricks provider itself still calls a deprecated ProvidersManager API
pytestmark = pytest.mark.filterwarnings("ignore:ProvidersManager.hooks is deprecated")

CONN_ID = "arize_dbx_test"
TOKEN = "dapi-SECRET-TOKEN-0123"
HTTP_PATH = "/sql/1.0/warehouses/abc123"

_SIMPLE_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "DOUBLE": "double",
    "FLOAT": "float",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp_ntz",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    "DATE": "date",
}


def databricks_type(duck: str) -> str:
    """DuckDB's type name in Databricks' spelling (the few shapes these tests use)."""
    if duck.endswith("[]"):
        return f"array<{databricks_type(duck[:-2])}>"
    if duck.startswith("STRUCT("):
        fields = re.findall(r"\"?(\w+)\"? (\w+)", duck[len("STRUCT(") : -1])
        return "struct<" + ",".join(f"{n}:{databricks_type(t)}" for n, t in fields) + ">"
    if duck.startswith("MAP("):
        key, value = (p.strip() for p in duck[len("MAP(") : -1].split(",", 1))
        return f"map<{databricks_type(key)},{databricks_type(value)}>"
    if duck.startswith("DECIMAL"):
        return duck.lower()
    return _SIMPLE_TYPES.get(duck, duck.lower())


class StandInCursor:
    """The DB-API cursor surface ``DatabricksSqlHook`` uses."""

    def __init__(self, duck: duckdb.DuckDBPyConnection, log: list[tuple[str, Any]]) -> None:
        self._duck = duck
        self._log = log
        self._rows: list[tuple[Any, ...]] = []
        self.description: list[tuple[Any, ...]] | None = None
        self.query_id = "stand-in-query"
        self.rowcount = -1

    def execute(self, operation: str, parameters: Any = None) -> StandInCursor:
        from databricks.sql.exc import ServerOperationError

        self._log.append((operation, parameters))
        sql = operation.replace("`", '"')
        sql = re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"$\1", sql)
        describe = re.match(r"(?is)^\s*DESCRIBE\s+TABLE\s+(.+)$", sql)
        try:
            if describe:
                info = self._duck.execute(f"DESCRIBE {describe.group(1)}").fetchall()
                self._rows = [(name, databricks_type(kind), None) for name, kind, *_ in info]
                self._rows += [
                    ("", "", ""),
                    ("# Partition Information", "", ""),
                    ("# col_name", "data_type", ""),
                ]
                self.description = [("col_name",), ("data_type",), ("comment",)]
                return self
            result = self._duck.execute(sql, parameters or None)
        except duckdb.CatalogException as exc:
            raise ServerOperationError(
                f"[TABLE_OR_VIEW_NOT_FOUND] The table or view cannot be found. SQLSTATE: 42P01 ({exc})"
            ) from None
        self.description = result.description
        self._rows = result.fetchall() if result.description else []
        return self

    def _row_type(self) -> Any:
        from databricks.sql.types import Row

        return Row(*[d[0] for d in self.description or []])

    def fetchall(self) -> list[Any]:
        row = self._row_type()
        rows, self._rows = self._rows, []
        return [row(*values) for values in rows]

    def fetchone(self) -> Any:
        if not self._rows:
            return None
        return self._row_type()(*self._rows.pop(0))

    def close(self) -> None:
        pass


class StandInConnection:
    def __init__(self, duck: duckdb.DuckDBPyConnection, log: list[tuple[str, Any]]) -> None:
        self._duck = duck
        self._log = log
        self.autocommit = True

    def cursor(self) -> StandInCursor:
        return StandInCursor(self._duck.cursor(), self._log)

    def close(self) -> None:
        pass


class StandInDatabricks:
    """``databricks.sql.connect`` backed by one in-memory DuckDB with catalog ``ml_cat``."""

    def __init__(self) -> None:
        self.duck = duckdb.connect()
        self.duck.execute("ATTACH ':memory:' AS ml_cat")
        self.duck.execute("CREATE SCHEMA ml_cat.serving")
        self.connects: list[dict[str, Any]] = []
        self.statements: list[tuple[str, Any]] = []

    def connect(
        self, server_hostname: str, http_path: str, access_token: str, **kwargs: Any
    ) -> StandInConnection:
        self.connects.append(
            {
                "server_hostname": server_hostname,
                "http_path": http_path,
                "access_token": access_token,
                **kwargs,
            }
        )
        return StandInConnection(self.duck, self.statements)


@pytest.fixture
def dbx(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInDatabricks]:
    import databricks.sql

    stand_in = StandInDatabricks()
    monkeypatch.setattr(databricks.sql, "connect", stand_in.connect)
    stand_in.duck.execute(
        """
        CREATE TABLE ml_cat.serving.predictions (
            prediction_id VARCHAR,
            prediction_ts TIMESTAMP WITH TIME ZONE,
            prediction_label VARCHAR,
            prediction_score DOUBLE,
            feature_age BIGINT,
            feature_words VARCHAR[],
            feature_ids INTEGER[],
            tag_region VARCHAR,
            meta STRUCT(a VARCHAR, b INTEGER),
            attrs MAP(VARCHAR, INTEGER),
            changed_at TIMESTAMP WITH TIME ZONE,
            changed_ntz TIMESTAMP,
            amount DECIMAL(10, 2)
        )
        """
    )
    yield stand_in
    stand_in.duck.close()


@pytest.fixture
def wh(monkeypatch: pytest.MonkeyPatch) -> DatabricksWarehouseHook:
    body = {
        "conn_type": "databricks",
        "host": "https://dbc-1234.cloud.databricks.com/",
        "password": TOKEN,
        "extra": {"http_path": HTTP_PATH, "_retry_stop_after_attempts_count": 1},
    }
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(body))
    hook = warehouse_hook("Databricks", CONN_ID)
    assert isinstance(hook, DatabricksWarehouseHook)
    return hook


CONFIG = DatabricksTableConfig(
    host_name="dbc-1234.cloud.databricks.com",
    endpoint=HTTP_PATH,
    catalog="ml_cat",
    databricks_schema="serving",
    table_name="predictions",
)
WINDOW = QueryWindow(datetime(2024, 1, 1, 0, tzinfo=UTC), datetime(2024, 1, 1, 1, tzinfo=UTC))


# -- table_config ----------------------------------------------------------------------------------------
def test_table_config_reads_host_and_http_path_from_the_connection(wh: DatabricksWarehouseHook) -> None:
    assert wh.table_config("predictions", catalog="ml_cat", schema="serving") == CONFIG
    assert wh.table_config("ml_cat.serving.predictions") == CONFIG
    assert wh.table_config("predictions", database="ml_cat", schema="serving") == CONFIG
    other = wh.table_config("ml_cat.serving.predictions", http_path="/sql/1.0/warehouses/other")
    assert other.endpoint == "/sql/1.0/warehouses/other"
    assert (
        wh.table_config_from({"tableName": "predictions", "catalog": "ml_cat", "databricksSchema": "serving"})
        == CONFIG
    )
    assert CONFIG.token is None


def test_token_only_on_request_and_never_shown(wh: DatabricksWarehouseHook) -> None:
    config = wh.table_config("ml_cat.serving.predictions", include_token=True)
    assert config.token == TOKEN
    assert TOKEN not in repr(config)


def test_table_config_names_the_missing_field(
    wh: DatabricksWarehouseHook, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ArizeConfigError) as err:
        wh.table_config("predictions", schema="serving")
    assert err.value.field == "catalog"
    body = {"conn_type": "databricks", "host": "dbc-1234.cloud.databricks.com", "password": TOKEN}
    monkeypatch.setenv("AIRFLOW_CONN_DBX_NO_PATH", json.dumps(body))
    with pytest.raises(ArizeConfigError) as err:
        warehouse_hook("Databricks", "dbx_no_path").table_config("ml_cat.serving.predictions")
    assert err.value.field == "endpoint"
    assert TOKEN not in str(err.value)
    # a hook-level http_path fills the gap
    hook = warehouse_hook("Databricks", "dbx_no_path", http_path=HTTP_PATH)
    assert hook.table_config("ml_cat.serving.predictions") == CONFIG


# -- columns and preflight, through DatabricksSqlHook -------------------------------------------------------
def test_columns_via_describe_table(wh: DatabricksWarehouseHook, dbx: StandInDatabricks) -> None:
    columns = wh.columns(CONFIG)
    assert dbx.statements[-1] == ("DESCRIBE TABLE `ml_cat`.`serving`.`predictions`", None)
    connect = dbx.connects[-1]
    assert connect["server_hostname"] == "dbc-1234.cloud.databricks.com"
    assert connect["http_path"] == HTTP_PATH
    assert connect["access_token"] == TOKEN
    assert connect["_retry_stop_after_attempts_count"] == 1
    assert list(columns) == [
        "prediction_id",
        "prediction_ts",
        "prediction_label",
        "prediction_score",
        "feature_age",
        "feature_words",
        "feature_ids",
        "tag_region",
        "meta",
        "attrs",
        "changed_at",
        "changed_ntz",
        "amount",
    ]  # stops before the "# Partition Information" section
    assert columns["feature_words"] == "array<string>"
    assert columns["meta"] == "struct<a:string,b:int>"


def test_preflight_passes_and_fails_by_role(wh: DatabricksWarehouseHook, dbx: StandInDatabricks) -> None:
    schema = {
        "predictionId": "prediction_id",
        "timestamp": "prediction_ts",
        "predictionLabel": "prediction_label",
        "predictionScore": "prediction_score",
        "featuresList": ["feature_age", "feature_words"],
        "tags": "tag_",
        "changeTimestamp": "changed_at",
    }
    report = wh.preflight(CONFIG, ModelSchema.from_value(schema))
    assert report.features == ("feature_age", "feature_words")
    assert report.tags == ("tag_region",)

    bad = {
        **schema,
        "features": "feature_",
        "predictionLabel": "attrs",
        "actualLabel": "meta",
        "predictionScore": "prediction_label",
    }
    with pytest.raises(ArizePreflightError) as err:
        wh.preflight(CONFIG, ModelSchema.from_value(bad))
    message = str(err.value)
    assert "ml_cat.serving.predictions" in message
    assert (
        "column attrs (predictionLabel): type map<string,int> is not accepted: labels must be scalar"
        in message
    )
    assert "column meta (actualLabel): type struct<a:string,b:int> is not accepted" in message
    assert (
        "column prediction_label (predictionScore): type string is not accepted: scores must be numeric"
        in message
    )
    assert "column feature_ids (features): type array<int> is not accepted" in message
    assert len(err.value.problems) == 4
    assert TOKEN not in message


def test_missing_table_names_the_table(wh: DatabricksWarehouseHook, dbx: StandInDatabricks) -> None:
    with pytest.raises(ArizePreflightError) as err:
        wh.preflight(wh.table_config("ml_cat.serving.nope"), {"predictionId": "id"})
    assert "table ml_cat.serving.nope does not exist" in str(err.value)
    assert err.value.field == "tableName"
    assert TOKEN not in str(err.value)


# -- count_rows --------------------------------------------------------------------------------------------
def test_count_rows_counts_the_half_open_window_with_native_parameters(
    wh: DatabricksWarehouseHook, dbx: StandInDatabricks
) -> None:
    dbx.duck.execute(
        """
        INSERT INTO ml_cat.serving.predictions (prediction_id, changed_at, changed_ntz) VALUES
            ('before', '2023-12-31 23:59:59.999999+00', '2023-12-31 23:59:59.999999'),
            ('at-start', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00'),
            ('inside', '2024-01-01 01:30:00+01', '2024-01-01 00:30:00'),
            ('last', '2024-01-01 00:59:59.999999+00', '2024-01-01 00:59:59.999999'),
            ('at-end', '2024-01-01 01:00:00+00', '2024-01-01 01:00:00')
        """
    )
    assert wh.count_rows(CONFIG, "changed_at", WINDOW) == 3
    sql, params = dbx.statements[-1]
    assert sql == (
        "SELECT COUNT(*) FROM `ml_cat`.`serving`.`predictions` "
        "WHERE `changed_at` >= :window_start AND `changed_at` < :window_end"
    )
    assert params == {"window_start": WINDOW.start, "window_end": WINDOW.end}

    assert wh.count_rows(CONFIG, "CHANGED_NTZ", WINDOW) == 3
    _, params = dbx.statements[-1]
    assert params == {"window_start": datetime(2024, 1, 1, 0), "window_end": datetime(2024, 1, 1, 1)}
