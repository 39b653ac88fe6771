"""Snowflake warehouse hook for real: Airflow's stock ``SnowflakeHook`` talks HTTPS to fakesnow served by
``FakeSnowflakeServer`` (a local CA trusted through ``REQUESTS_CA_BUNDLE``), so config reading,
``INFORMATION_SCHEMA`` lookups, preflight and bound-parameter counts run the real code path on the wire.

The fixtures ``fake_snowflake`` and ``fake_snowflake_connection`` come from the package's pytest plugin
(``airflow_provider_arize.local_services.pytest_plugin``, registered as a ``pytest11`` entry point).
"""

from __future__ import annotations

import json
import os
import socket
import ssl
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models import ModelSchema, QueryWindow, SnowflakeTableConfig
from airflow_provider_arize.hooks.warehouses import (
    ArizePreflightError,
    SnowflakeWarehouseHook,
    warehouse_hook,
)
from airflow_provider_arize.local_services.snowflake import FakeSnowflakeServer

DATABASE = "ARIZE_WH_TEST"
CONN_ID = "arize_snowflake_test"

CREATE_PREDICTIONS = """
CREATE OR REPLACE TABLE ARIZE_WH_TEST.PUBLIC.PREDICTIONS (
    PREDICTION_ID VARCHAR,
    PREDICTION_TS TIMESTAMP_NTZ,
    PREDICTION_LABEL VARCHAR,
    PREDICTION_SCORE FLOAT,
    ACTUAL_LABEL VARCHAR,
    MODEL_VERSION VARCHAR,
    FEATURE_AGE NUMBER(38,0),
    FEATURE_CITY VARCHAR,
    FEATURE_ACTIVE BOOLEAN,
    TAG_REGION VARCHAR,
    BAD_LABEL OBJECT,
    LIST_LABEL ARRAY,
    SCORE_TEXT VARCHAR,
    "lower_quoted" VARCHAR,
    CHANGED_AT TIMESTAMP_NTZ,
    CHANGED_AT_TZ TIMESTAMP_TZ,
    CHANGED_EPOCH NUMBER(38,0),
    CHANGED_DAY DATE
)
"""

GOOD_SCHEMA = {
    "predictionId": "prediction_id",  # lower case: Snowflake folded the unquoted names to upper case
    "timestamp": "PREDICTION_TS",
    "predictionLabel": "PREDICTION_LABEL",
    "predictionScore": "PREDICTION_SCORE",
    "actualLabel": "ACTUAL_LABEL",
    "version": "MODEL_VERSION",
    "features": "feature_",
    "tags": "TAG_",
    "changeTimestamp": "CHANGED_AT",
}


@pytest.fixture
def conn_id(fake_snowflake_connection: Any) -> str:
    return str(fake_snowflake_connection(CONN_ID, DATABASE, "PUBLIC"))


@pytest.fixture
def sql(conn_id: str) -> Any:
    from airflow.providers.snowflake.hooks.snowflake import SnowflakeHook

    return SnowflakeHook(snowflake_conn_id=conn_id)


@pytest.fixture
def predictions(sql: Any) -> str:
    sql.run(CREATE_PREDICTIONS)
    return "PREDICTIONS"


@pytest.fixture
def wh(conn_id: str) -> SnowflakeWarehouseHook:
    hook = warehouse_hook("Snowflake", conn_id)
    assert isinstance(hook, SnowflakeWarehouseHook)
    return hook


# -- the local service itself --------------------------------------------------------------------------
def test_server_serves_tls_for_127_0_0_1_with_its_own_ca(fake_snowflake: FakeSnowflakeServer) -> None:
    context = ssl.create_default_context(cafile=fake_snowflake.ca_bundle)
    with (
        socket.create_connection((fake_snowflake.host, fake_snowflake.port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.version() is not None
    assert os.environ["REQUESTS_CA_BUNDLE"] == fake_snowflake.trust_bundle
    bundle = Path(fake_snowflake.trust_bundle).read_text()
    assert Path(fake_snowflake.ca_bundle).read_text().strip() in bundle
    assert bundle.count("BEGIN CERTIFICATE") > 1  # the previously trusted CAs are kept


def test_server_is_not_trusted_without_its_ca(fake_snowflake: FakeSnowflakeServer) -> None:
    context = ssl.create_default_context(cafile=None)
    context.load_default_certs()
    with (
        socket.create_connection((fake_snowflake.host, fake_snowflake.port), timeout=5) as raw,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        context.wrap_socket(raw, server_hostname="127.0.0.1")


def test_connection_and_emulator_entries(fake_snowflake: FakeSnowflakeServer) -> None:
    env = fake_snowflake.airflow_connection("My_Snow", database="DB", schema="SCH")
    assert list(env) == ["AIRFLOW_CONN_MY_SNOW"]
    body = json.loads(env["AIRFLOW_CONN_MY_SNOW"])
    assert body["conn_type"] == "snowflake" and body["schema"] == "SCH"
    assert body["extra"]["account"] == fake_snowflake.account
    assert body["extra"]["database"] == "DB"
    assert body["extra"]["host"] == "127.0.0.1" and body["extra"]["port"] == fake_snowflake.port
    assert body["extra"]["insecure_mode"] is True
    assert fake_snowflake.emulator_warehouse() == {
        "host": "127.0.0.1",
        "port": fake_snowflake.port,
        "protocol": "https",
        "account": fake_snowflake.account,
        "user": fake_snowflake.user,
        "password": fake_snowflake.password,
        "insecure_mode": True,
        "ca_bundle": fake_snowflake.ca_bundle,
    }


def test_trusted_restores_the_previous_bundle(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/previous/bundle.pem")
    with FakeSnowflakeServer() as server:
        with server.trusted():
            assert os.environ["REQUESTS_CA_BUNDLE"] == server.trust_bundle
        assert os.environ["REQUESTS_CA_BUNDLE"] == "/previous/bundle.pem"
        directory = os.path.dirname(server.ca_bundle)
    assert not os.path.exists(directory)  # certificates and key deleted on stop


def test_stock_hook_sees_tables_written_by_another_connection(
    sql: Any, fake_snowflake: FakeSnowflakeServer
) -> None:
    import snowflake.connector

    sql.run("CREATE OR REPLACE TABLE ARIZE_WH_TEST.PUBLIC.SHARED (X INT)")
    sql.run("INSERT INTO ARIZE_WH_TEST.PUBLIC.SHARED VALUES (1), (2)")
    with snowflake.connector.connect(**fake_snowflake.connector_kwargs(DATABASE, "PUBLIC")) as conn:
        assert conn.cursor().execute("SELECT COUNT(*) FROM SHARED").fetchone() == (2,)


# -- table_config ----------------------------------------------------------------------------------------
def test_table_config_reads_account_database_and_schema_from_the_connection(
    wh: SnowflakeWarehouseHook, fake_snowflake: FakeSnowflakeServer
) -> None:
    config = wh.table_config(table="PREDICTIONS")
    assert config == SnowflakeTableConfig(
        account_id=fake_snowflake.account, database=DATABASE, schema="PUBLIC", table_name="PREDICTIONS"
    )
    assert wh.table_config("T", database="OTHER", schema="S").fully_qualified_name == "OTHER.S.T"
    assert wh.table_config("D.S.T").fully_qualified_name == "D.S.T"
    assert wh.table_config_from({"tableName": "T", "schema": "S2"}).fully_qualified_name == f"{DATABASE}.S2.T"
    with pytest.raises(ArizeConfigError) as err:
        wh.table_config("D.S.T", schema="OTHER")
    assert err.value.field == "schema"


def test_table_config_names_the_missing_field(monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"conn_type": "snowflake", "login": "u", "password": "s3cret-pw", "extra": {"database": "DB"}}
    monkeypatch.setenv("AIRFLOW_CONN_SNOW_NO_ACCOUNT", json.dumps(body))
    with pytest.raises(ArizeConfigError) as err:
        warehouse_hook("snowflake", "snow_no_account").table_config("T", schema="S")
    assert err.value.field == "accountID"
    assert "s3cret-pw" not in str(err.value)

    body["extra"] = {"account": "org-acct"}
    monkeypatch.setenv("AIRFLOW_CONN_SNOW_NO_ACCOUNT", json.dumps(body))
    with pytest.raises(ArizeConfigError) as err:
        warehouse_hook("Snowflake", "snow_no_account").table_config("T", schema="S")
    assert err.value.field == "database"


# -- columns and preflight -------------------------------------------------------------------------------
def test_columns_report_names_and_types_as_snowflake_does(
    wh: SnowflakeWarehouseHook, predictions: str
) -> None:
    columns = wh.columns(wh.table_config(predictions))
    assert list(columns)[:3] == ["PREDICTION_ID", "PREDICTION_TS", "PREDICTION_LABEL"]
    assert columns["lower_quoted"] == "TEXT"
    assert columns["CHANGED_AT"] == "TIMESTAMP_NTZ"
    assert columns["FEATURE_AGE"] == "NUMBER(38,0)"
    # the unquoted table name in lower case resolves like Snowflake would (to PREDICTIONS)
    assert wh.columns(wh.table_config("predictions", schema="public")) == columns


def test_preflight_passes_and_reports_matched_columns(wh: SnowflakeWarehouseHook, predictions: str) -> None:
    report = wh.preflight(wh.table_config(predictions), ModelSchema.from_value(GOOD_SCHEMA))
    assert report.table == f"{DATABASE}.PUBLIC.PREDICTIONS"
    assert report.roles["predictionId"] == "PREDICTION_ID"
    assert report.roles["changeTimestamp"] == "CHANGED_AT"
    assert report.features == ("FEATURE_AGE", "FEATURE_CITY", "FEATURE_ACTIVE")
    assert report.tags == ("TAG_REGION",)
    json.dumps(report.summary())


def test_preflight_lists_every_problem_with_column_role_and_reason(
    wh: SnowflakeWarehouseHook, predictions: str, fake_snowflake: FakeSnowflakeServer
) -> None:
    schema = {
        **GOOD_SCHEMA,
        "predictionLabel": "BAD_LABEL",  # OBJECT (fakesnow reports it as VARIANT)
        "actualLabel": "LIST_LABEL",  # ARRAY (fakesnow: VARIANT)
        "predictionScore": "SCORE_TEXT",  # VARCHAR
        "version": "NO_SUCH_COLUMN",
        "tags": "nomatch_",
    }
    with pytest.raises(ArizePreflightError) as err:
        wh.preflight(wh.table_config(predictions), ModelSchema.from_value(schema))
    error = err.value
    message = str(error)
    assert f"{DATABASE}.PUBLIC.PREDICTIONS" in message
    assert error.field == "predictionLabel"
    problems = {(p.column, p.role) for p in error.problems}
    assert problems == {
        ("BAD_LABEL", "predictionLabel"),
        ("LIST_LABEL", "actualLabel"),
        ("SCORE_TEXT", "predictionScore"),
        ("NO_SUCH_COLUMN", "version"),
        ("nomatch_*", "tags"),
    }
    assert (
        "column BAD_LABEL (predictionLabel): type VARIANT is not accepted: labels must be scalar" in message
    )
    assert "column SCORE_TEXT (predictionScore): type TEXT is not accepted: scores must be numeric" in message
    assert "column NO_SUCH_COLUMN (version): column does not exist" in message
    assert "no column starts with the prefix 'nomatch_'" in message
    assert fake_snowflake.password not in message


def test_missing_table_and_database_name_the_table(wh: SnowflakeWarehouseHook, predictions: str) -> None:
    with pytest.raises(ArizePreflightError) as err:
        wh.preflight(wh.table_config("NO_SUCH_TABLE"), ModelSchema.from_value(GOOD_SCHEMA))
    assert f"table {DATABASE}.PUBLIC.NO_SUCH_TABLE does not exist" in str(err.value)
    assert err.value.field == "tableName"
    assert err.value.table == f"{DATABASE}.PUBLIC.NO_SUCH_TABLE"
    with pytest.raises(ArizePreflightError) as err:
        wh.columns(wh.table_config("T", database="NO_SUCH_DB"))
    assert "table NO_SUCH_DB.PUBLIC.T does not exist" in str(err.value)


# -- count_rows --------------------------------------------------------------------------------------------
WINDOW = QueryWindow(datetime(2024, 1, 1, 0, tzinfo=UTC), datetime(2024, 1, 1, 1, tzinfo=UTC))


def _insert(sql: Any, rows: list[tuple[str, str, str, int, str]]) -> None:
    for row_id, ntz, tz, epoch, day in rows:
        sql.run(
            "INSERT INTO ARIZE_WH_TEST.PUBLIC.PREDICTIONS "
            "(PREDICTION_ID, CHANGED_AT, CHANGED_AT_TZ, CHANGED_EPOCH, CHANGED_DAY) "
            "VALUES (%(id)s, %(ntz)s, %(tz)s, %(epoch)s, %(day)s)",
            parameters={"id": row_id, "ntz": ntz, "tz": tz, "epoch": epoch, "day": day},
        )


def test_count_rows_counts_the_half_open_window_exactly(
    wh: SnowflakeWarehouseHook, sql: Any, predictions: str
) -> None:
    start = int(WINDOW.start.timestamp())
    _insert(
        sql,
        [
            (
                "before",
                "2023-12-31 23:59:59.999999",
                "2024-01-01 00:59:59.999+01:00",
                start - 1,
                "2023-12-31",
            ),
            ("at-start", "2024-01-01 00:00:00", "2024-01-01 00:00:00+00:00", start, "2024-01-01"),
            ("inside", "2024-01-01 00:30:00", "2024-01-01 01:30:00+01:00", start + 1800, "2024-01-01"),
            (
                "last",
                "2024-01-01 00:59:59.999999",
                "2024-01-01 00:59:59.999+00:00",
                start + 3599,
                "2024-01-02",
            ),
            ("at-end", "2024-01-01 01:00:00", "2024-01-01 01:00:00+00:00", start + 3600, "2024-01-02"),
        ],
    )
    config = wh.table_config(predictions)
    assert wh.count_rows(config, "CHANGED_AT", WINDOW) == 3
    assert wh.count_rows(config, "changed_at_tz", WINDOW) == 3
    assert wh.count_rows(config, "CHANGED_EPOCH", WINDOW) == 3
    # a DATE counts at midnight UTC: only 2024-01-01 falls in [00:00, 01:00)
    assert wh.count_rows(config, "CHANGED_DAY", WINDOW) == 2
    wide = QueryWindow(datetime(2023, 12, 31, tzinfo=UTC), datetime(2024, 1, 3, tzinfo=UTC))
    assert wh.count_rows(config, "CHANGED_DAY", wide) == 5


def test_count_rows_refuses_a_column_that_is_not_a_change_timestamp(
    wh: SnowflakeWarehouseHook, predictions: str
) -> None:
    config = wh.table_config(predictions)
    with pytest.raises(ArizePreflightError) as err:
        wh.count_rows(config, "FEATURE_CITY", WINDOW)
    assert "column FEATURE_CITY (changeTimestamp): type TEXT is not accepted" in str(err.value)
    with pytest.raises(ArizePreflightError) as err:
        wh.count_rows(config, "NOPE", WINDOW)
    assert "column NOPE (changeTimestamp): column does not exist" in str(err.value)
