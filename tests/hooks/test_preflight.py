"""Pure parts of the warehouse side: type classification, preflight rules, window bounds, reconciliation
and the ``warehouse_hook`` factory (no warehouse, no network)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import UTC, date, datetime
from typing import Any

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError, ArizeError
from airflow_provider_arize.api.models import ModelSchema, QueryWindow, SnowflakeTableConfig
from airflow_provider_arize.hooks.warehouses import (
    ArizePreflightError,
    ArizeReconcileError,
    DatabricksWarehouseHook,
    ReconcileResult,
    SnowflakeWarehouseHook,
    reconcile,
    warehouse_hook,
)
from airflow_provider_arize.hooks.warehouses.bounds import window_bounds
from airflow_provider_arize.hooks.warehouses.preflight import check_columns
from airflow_provider_arize.hooks.warehouses.types import Kind, classify

WINDOW = QueryWindow(datetime(2024, 1, 1, 0, tzinfo=UTC), datetime(2024, 1, 1, 1, tzinfo=UTC))


# -- classify --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "kind", "element"),
    [
        ("TEXT", Kind.STRING, None),
        ("VARCHAR(16777216)", Kind.STRING, None),
        ("string", Kind.STRING, None),
        ("NUMBER(38,0)", Kind.INTEGER, None),
        ("NUMBER", Kind.INTEGER, None),
        ("NUMBER(10,2)", Kind.FLOAT, None),
        ("decimal(10,0)", Kind.INTEGER, None),
        ("NUMERIC", Kind.FLOAT, None),
        ("INT64", Kind.INTEGER, None),
        ("bigint", Kind.INTEGER, None),
        ("FLOAT64", Kind.FLOAT, None),
        ("double", Kind.FLOAT, None),
        ("BOOLEAN", Kind.BOOLEAN, None),
        ("BOOL", Kind.BOOLEAN, None),
        ("DATE", Kind.DATE, None),
        ("TIME", Kind.TIME, None),
        ("BYTES", Kind.BINARY, None),
        ("ARRAY", Kind.ARRAY, None),
        ("ARRAY<STRING>", Kind.ARRAY, Kind.STRING),
        ("array<int>", Kind.ARRAY, Kind.INTEGER),
        ("array<struct<a:int>>", Kind.ARRAY, Kind.STRUCT),
        ("VARCHAR[]", Kind.ARRAY, Kind.STRING),
        ("OBJECT", Kind.STRUCT, None),
        ("RECORD", Kind.STRUCT, None),
        ("struct<a:string>", Kind.STRUCT, None),
        ("map<string,int>", Kind.STRUCT, None),
        ("VARIANT", Kind.VARIANT, None),
        ("JSON", Kind.VARIANT, None),
        ("GEOGRAPHY", Kind.OTHER, None),
    ],
)
def test_classify(raw: str, kind: Kind, element: Kind | None) -> None:
    column_type = classify(raw)
    assert (column_type.kind, column_type.element, column_type.raw) == (kind, element, raw)


@pytest.mark.parametrize(
    ("raw", "bare_aware", "aware"),
    [
        ("TIMESTAMP_NTZ", True, False),
        ("TIMESTAMP_NTZ(9)", True, False),
        ("DATETIME", True, False),
        ("timestamp_ntz", True, False),
        ("TIMESTAMP_TZ", False, True),
        ("TIMESTAMP_LTZ", False, True),
        ("TIMESTAMP WITH TIME ZONE", False, True),
        ("TIMESTAMP", True, True),  # BigQuery, Databricks
        ("TIMESTAMP", False, False),  # Snowflake's default mapping
        ("TIMESTAMP(6)", False, False),
    ],
)
def test_classify_timestamps(raw: str, bare_aware: bool, aware: bool) -> None:
    column_type = classify(raw, bare_timestamp_aware=bare_aware)
    assert column_type.kind is Kind.TIMESTAMP and column_type.tz_aware is aware


# -- check_columns -----------------------------------------------------------------------------------------
COLUMNS = {
    "ID": "TEXT",
    "TS": "NUMBER(38,0)",
    "LABEL": "NUMBER(38,0)",
    "SCORE": "FLOAT",
    "SCORES": "OBJECT",
    "feature_a": "TEXT",
    "FEATURE_B": "ARRAY",
    "feature_skip": "VARIANT",
    "TAG_X": "BOOLEAN",
    "SHAP_A": "FLOAT",
    "VEC": "ARRAY",
    "RAW": "TEXT",
    "CHANGED": "TIMESTAMP_NTZ",
    "Dup": "TEXT",
    "DUP": "TEXT",
}


def test_check_columns_matches_case_insensitively_and_honours_exclude() -> None:
    schema = ModelSchema.from_value(
        {
            "predictionId": "id",
            "timestamp": "ts",  # integer epoch seconds are fine for the timestamp
            "predictionLabel": "label",  # any scalar is a label
            "predictionScore": "score",
            "predictionScores": "scores",
            "features": "FEATURE_",
            "exclude": ["feature_skip"],
            "tags": "tag_",
            "shapValues": "shap_",
            "changeTimestamp": "changed",
            "embeddingFeatures": [{"featureName": "emb", "vectorCol": "vec", "rawDataCol": "raw"}],
            "version": "Dup",  # the exact-case match wins over the case-insensitive one
        }
    )
    report = check_columns("DB.S.T", COLUMNS, schema, bare_timestamp_aware=False)
    assert report.roles == {
        "predictionId": "ID",
        "timestamp": "TS",
        "predictionLabel": "LABEL",
        "predictionScore": "SCORE",
        "version": "Dup",
        "changeTimestamp": "CHANGED",
        "predictionScores": "SCORES",
    }
    assert report.features == ("feature_a", "FEATURE_B")
    assert report.tags == ("TAG_X",)
    assert report.shap_values == ("SHAP_A",)
    assert report.embedding_columns == {
        "embeddingFeatures.emb.vectorCol": "VEC",
        "embeddingFeatures.emb.rawDataCol": "RAW",
    }
    assert report.matched["features"] == ("feature_a", "FEATURE_B")
    assert json.loads(json.dumps(report.summary()))["roles"]["predictionId"] == "ID"


def test_check_columns_lists_every_problem_in_schema_order() -> None:
    schema = ModelSchema.from_value(
        {
            "predictionId": "score",  # FLOAT is not an id
            "predictionLabel": "scores",  # OBJECT is not a label
            "version": "dup",  # ambiguous
            "actualScore": "missing",
            "features": "feature_",  # feature_skip is VARIANT
            "tagsList": ["nope"],
            "changeTimestamp": "score",  # FLOAT is not a change timestamp
        }
    )
    with pytest.raises(ArizePreflightError) as err:
        check_columns("DB.S.T", COLUMNS, schema, bare_timestamp_aware=False)
    error = err.value
    assert isinstance(error, ArizeConfigError)
    assert error.field == "predictionId"
    assert error.table == "DB.S.T"
    assert [(p.column, p.role) for p in error.problems] == [
        ("SCORE", "predictionId"),
        ("SCORES", "predictionLabel"),
        ("missing", "actualScore"),
        ("dup", "version"),
        ("SCORE", "changeTimestamp"),
        ("feature_skip", "features"),
        ("nope", "tagsList"),
    ]
    message = str(error)
    assert message.startswith(
        "preflight of table DB.S.T failed (7 problems):\n- column SCORE (predictionId): "
    )
    assert "matches several columns that differ only in case: DUP, Dup" in message
    assert "type VARIANT is not accepted: features and tags must be numeric, string, boolean" in message


def test_preflight_error_without_table_for_operator_checks() -> None:
    error = ArizePreflightError("counting rows needs schema.changeTimestamp", field="changeTimestamp")
    assert error.table is None and error.problems == () and error.field == "changeTimestamp"


# -- window bounds -------------------------------------------------------------------------------------------
def test_window_bounds_per_column_kind() -> None:
    odd = QueryWindow(
        datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC).astimezone()
    )
    assert odd.start == datetime(2024, 1, 1, tzinfo=UTC)  # windows are whole seconds (floored)
    instant = window_bounds(odd, classify("TIMESTAMP_TZ"))
    assert (instant.kind, instant.lo, instant.hi) == ("instant", odd.start, odd.end)
    wall = window_bounds(odd, classify("TIMESTAMP_NTZ"))
    assert (wall.lo, wall.hi) == (datetime(2024, 1, 1), datetime(2024, 1, 2))
    day = window_bounds(odd, classify("DATE"))
    assert (day.lo, day.hi) == (date(2024, 1, 1), date(2024, 1, 2))
    epoch = window_bounds(odd, classify("INT64"))
    assert (epoch.lo, epoch.hi) == (1704067200, 1704153600)
    with pytest.raises(ValueError):
        window_bounds(odd, classify("TEXT"))


# -- reconcile --------------------------------------------------------------------------------------------------
def test_reconcile_match() -> None:
    result = reconcile(WINDOW, expected=5, processed=5, on_mismatch="fail")
    assert result == ReconcileResult(WINDOW, 5, 5, matched=True)


def test_reconcile_warn_logs_and_returns(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.reconcile")
    with caplog.at_level(logging.WARNING, logger="test.reconcile"):
        result = reconcile(WINDOW, expected=5, processed=3, on_mismatch="warn", log=logger)
    assert result.matched is False and (result.expected, result.processed) == (5, 3)
    assert "warehouse has 5 rows" in caplog.text and "Arize processed 3" in caplog.text
    assert str(WINDOW) in caplog.text


def test_reconcile_fail_raises_with_both_numbers_and_the_window() -> None:
    with pytest.raises(ArizeReconcileError) as err:
        reconcile(WINDOW, expected=5, processed=3, on_mismatch="fail")
    error = err.value
    assert isinstance(error, ArizeError) and not isinstance(error, ArizeConfigError)
    assert (error.window, error.expected, error.processed) == (WINDOW, 5, 3)
    assert "5" in str(error) and "3" in str(error) and "2024-01-01T00:00:00Z" in str(error)


@pytest.mark.parametrize(
    "kwargs",
    [{"on_mismatch": "ignore"}, {"expected": -1}, {"processed": True}, {"processed": 1.0}],
)
def test_reconcile_rejects_bad_arguments(kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"expected": 1, "processed": 1, "on_mismatch": "warn", **kwargs}
    with pytest.raises(ArizeConfigError):
        reconcile(WINDOW, **args)


# -- factory and table_config_from -----------------------------------------------------------------------------
def test_warehouse_hook_does_no_lookup_and_checks_the_store() -> None:
    hook = warehouse_hook("snowflake", "connection_that_does_not_exist")
    assert isinstance(hook, SnowflakeWarehouseHook) and hook.conn_id == "connection_that_does_not_exist"
    assert isinstance(warehouse_hook("DATABRICKS", "x", http_path="/p"), DatabricksWarehouseHook)
    with pytest.raises(ArizeConfigError) as err:
        warehouse_hook("Redshift", "x")
    assert err.value.field == "tableStore"


def test_table_config_from_a_complete_mapping_reads_no_connection() -> None:
    hook = warehouse_hook("Snowflake", "connection_that_does_not_exist")
    config = hook.table_config_from(
        {"accountID": "org-acct", "database": "DB", "schema": "S", "tableName": "T"}
    )
    assert config == SnowflakeTableConfig(account_id="org-acct", database="DB", schema="S", table_name="T")
    assert hook.table_config_from(config) is config
    with pytest.raises(ArizeConfigError) as err:
        hook.table_config_from({"database": "DB"})
    assert err.value.field == "tableName"
    with pytest.raises(ArizeConfigError) as err:
        hook.table_config_from({"tableName": "T", "warehouse": "W"})
    assert err.value.field == "warehouse"


def test_importing_the_warehouse_api_loads_no_provider_or_driver() -> None:
    script = (
        "import sys, json, airflow.sdk; before = set(sys.modules);"
        "import airflow_provider_arize.hooks.warehouses, airflow_provider_arize.local_services;"
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    added = json.loads(out.strip().splitlines()[-1])
    heavy = ("snowflake", "google", "databricks", "fakesnow", "uvicorn", "cryptography", "duckdb", "pyarrow")
    assert [m for m in added if m.split(".")[0] in heavy or m.startswith("airflow.providers")] == []
