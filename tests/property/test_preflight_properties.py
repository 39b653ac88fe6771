"""Property: ``ArizeTablePreflightOperator`` given hostile arguments either checks the table (and counts
the window's rows) or fails with ``ArizeConfigError`` naming the argument (``ArizePreflightError`` for a
table that does not suit the schema); never another exception. Hostile identifiers (quotes, semicolons,
``DROP TABLE``) are names, never SQL: after every example the table is still there with all its rows.

The warehouse is fakesnow served over HTTPS (``FakeSnowflakeServer``), reached through Airflow's stock
``SnowflakeHook``. The connection id is not made hostile: an unknown one is Airflow's own error
(``AirflowNotFoundException``), the same for every provider.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.hooks.warehouses import ArizePreflightError
from airflow_provider_arize.operators.warehouse import ArizeTablePreflightOperator

from .strategies import json_values, odd_text, schemas, spoil, timestamps

CONN_ID = "props_snowflake"
DATABASE, TABLE, ROWS = "PROPS_WH", "PREDICTIONS", 6
SCHEMA = {
    "predictionId": "PREDICTION_ID",
    "timestamp": "PREDICTION_TS",
    "predictionLabel": "PREDICTION_LABEL",
    "changeTimestamp": "CHANGED_AT",
}
#: Names that would do harm if they reached SQL as text.
INJECTIONS = [
    f"{TABLE}; DROP TABLE {DATABASE}.PUBLIC.{TABLE}",
    f'{TABLE}"; DROP TABLE {DATABASE}.PUBLIC.{TABLE}; --',
    f"{TABLE}` OR 1=1 --",
    f"PUBLIC.{TABLE}",
    "INFORMATION_SCHEMA.TABLES",
    "'; DELETE FROM PREDICTIONS; --",
]


class Warehouse:
    """The table every example checks, and a count of its rows read with a separate connection."""

    def __init__(self) -> None:
        from airflow.providers.snowflake.hooks.snowflake import SnowflakeHook

        self.sql = SnowflakeHook(snowflake_conn_id=CONN_ID)
        self.sql.run(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
        self.sql.run(
            f"CREATE OR REPLACE TABLE {DATABASE}.PUBLIC.{TABLE} (PREDICTION_ID VARCHAR, "
            "PREDICTION_TS TIMESTAMP_NTZ, PREDICTION_LABEL VARCHAR, CHANGED_AT TIMESTAMP_NTZ)"
        )
        for i in range(ROWS):
            self.sql.run(
                f"INSERT INTO {DATABASE}.PUBLIC.{TABLE} VALUES "
                f"('p{i}', '2026-01-01 0{i}:10:00', 'yes', '2026-01-01 0{i}:20:00')"
            )

    def rows(self) -> int:
        return int(self.sql.get_first(f"SELECT COUNT(*) FROM {DATABASE}.PUBLIC.{TABLE}")[0])


@pytest.fixture(scope="module")
def warehouse(fake_snowflake: Any) -> Iterator[Warehouse]:
    with pytest.MonkeyPatch.context() as mp:
        for key, value in fake_snowflake.airflow_connection(CONN_ID, DATABASE, "PUBLIC").items():
            mp.setenv(key, value)
        yield Warehouse()


#: Table configs that reach the warehouse: the table, names of other tables, harmful names.
table_configs = st.fixed_dictionaries(
    {"tableName": st.sampled_from([TABLE, TABLE.lower(), "NO_SUCH_TABLE", *INJECTIONS])},
    optional={"database": st.sampled_from([DATABASE, "NO_SUCH_DB", *INJECTIONS])},
)
WINDOWS = st.one_of(
    st.just({"window_start": "2026-01-01T00:00:00Z", "window_end": "2026-01-01T06:00:00Z"}),
    st.just({"window_start": "2026-01-01T03:00:00+00:00", "window_end": "2026-01-02T03:00:00+00:00"}),
    st.just({}),  # no window: the DAG run's data interval, which this context does not have
    st.fixed_dictionaries({"window_start": timestamps, "window_end": timestamps}),
)


@st.composite
def arguments(draw: st.DrawFn) -> dict[str, Any]:
    """Arguments that reach the warehouse (with harmful table names among them), or one or two of them
    replaced by hostile values."""
    kwargs: dict[str, Any] = {
        "table_store": "Snowflake",
        "table_config": draw(table_configs),
        "schema": SCHEMA,
        "count_rows_in_window": draw(st.booleans()),
    }
    hostile = {
        "table_store": st.one_of(odd_text, json_values),
        "table_config": st.one_of(
            json_values,
            st.fixed_dictionaries({"tableName": odd_text}, optional={"schema": odd_text | json_values}),
        ),
        "schema": schemas,
        "count_rows_in_window": st.just(True),
    }
    spoil(draw, kwargs, hostile)
    return {**kwargs, **draw(WINDOWS)}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kwargs=arguments())
def test_preflight(warehouse: Warehouse, kwargs: dict[str, Any]) -> None:
    op = ArizeTablePreflightOperator(task_id="preflight", warehouse_conn_id=CONN_ID, **kwargs)
    try:
        result = op.execute({})  # type: ignore[arg-type]
    except ArizePreflightError as exc:
        assert exc.field, f"no field on: {exc}"
        event("table does not suit the schema")
    except ArizeConfigError as exc:
        assert exc.field, f"no field on: {exc}"
        event("refused")
    else:
        assert result["table"].upper() == f"{DATABASE}.PUBLIC.{TABLE}"  # unquoted names fold to upper case
        if kwargs["count_rows_in_window"]:
            assert 0 < result["rows_in_window"] <= ROWS
        event("checked")
    assert warehouse.rows() == ROWS, "a hostile argument changed the table"
