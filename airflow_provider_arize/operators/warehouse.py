"""Warehouse-side checks around table import jobs: preflight before a job or a run, reconciliation after.

Both only read and are safe to retry; what each checks: ``docs/event-jobs.md``, "The operators"; the
warehouse hooks they read through: ``docs/warehouses.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from airflow_provider_arize.api.errors import ArizeConfigError, ArizeRunFailedError
from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.compat import set_default_retry_policy
from airflow_provider_arize.operators.base import ArizeBaseOperator, fail_fast_retry_policy, resolve_window

if TYPE_CHECKING:
    from airflow.sdk import Context

ON_MISMATCH = ("warn", "fail")


class ArizeTablePreflightOperator(BaseOperator):
    """Check a warehouse table against an Arize schema before creating a job or triggering a run.

    :param table_store: ``Snowflake``, ``BigQuery`` or ``Databricks``.
    :param warehouse_conn_id: the warehouse's Airflow connection.
    :param table_config: the table in Arize's spelling; what it leaves out (account, database, schema;
        project; host, HTTP path) comes from the connection.
    :param schema: the Arize column mapping to check.
    :param count_rows_in_window: also count the rows of the data interval (or ``window_start`` /
        ``window_end``) by the change-timestamp column, and fail when there are none.

    Returns ``{"table", "columns", "rows_in_window"}`` (the last only when counted).
    """

    template_fields: Sequence[str] = (
        "table_store",
        "warehouse_conn_id",
        "table_config",
        "schema",
        "window_start",
        "window_end",
    )
    ui_color = "#dff5e6"

    def __init__(
        self,
        *,
        table_store: str,
        warehouse_conn_id: str,
        table_config: Mapping[str, Any],
        schema: Mapping[str, Any],
        count_rows_in_window: bool = False,
        window_start: Any = None,
        window_end: Any = None,
        **kwargs: Any,
    ) -> None:
        set_default_retry_policy(kwargs, fail_fast_retry_policy)
        super().__init__(**kwargs)
        self.table_store = table_store
        self.warehouse_conn_id = warehouse_conn_id
        self.table_config = table_config
        self.schema = schema
        self.count_rows_in_window = count_rows_in_window
        self.window_start = window_start
        self.window_end = window_end

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_arize.api.models import ModelSchema
        from airflow_provider_arize.hooks.warehouses import ArizePreflightError, warehouse_hook

        schema = ModelSchema.from_value(self.schema)
        window = (
            resolve_window(context, self.window_start, self.window_end) if self.count_rows_in_window else None
        )
        warehouse = warehouse_hook(self.table_store, self.warehouse_conn_id)
        config = warehouse.table_config_from(self.table_config)
        report = warehouse.preflight(config, schema)
        self.log.info("Preflight passed for %s: %s", config.fully_qualified_name, report)
        result: dict[str, Any] = {"table": config.fully_qualified_name, "columns": report.summary()}
        if window is not None:
            if not schema.change_timestamp:
                raise ArizePreflightError(
                    "counting rows needs schema.changeTimestamp", field="changeTimestamp"
                )
            rows = warehouse.count_rows(config, schema.change_timestamp, window)
            self.log.info("%s has %d rows in window %s", config.fully_qualified_name, rows, window)
            if rows == 0:
                raise ArizePreflightError(
                    f"{config.fully_qualified_name} has no rows with {schema.change_timestamp} in window "
                    f"{window}: nothing to ingest",
                    field="changeTimestamp",
                )
            result["rows_in_window"] = rows
        return result


class ArizeReconcileTableRunOperator(ArizeBaseOperator):
    """After a run, compare the warehouse's row count for the window with Arize's processed count.

    :param job_id: global id or short job id of the table job.
    :param table_store: ``Snowflake``, ``BigQuery`` or ``Databricks``.
    :param warehouse_conn_id: the warehouse's Airflow connection.
    :param table_config: the table, as for the job (missing parts come from the connection).
    :param change_timestamp_column: default: the job's ``changeTimestamp``.
    :param window_start: default: the data interval start. :param window_end: default: its end.
    :param on_mismatch: ``fail`` (default) or ``warn``.

    Pushes ``arize_job_id``, ``arize_short_job_id`` and ``arize_job_url`` to XCom (and links to the job);
    returns ``{"window_start", "window_end", "expected", "processed", "matched"}``.
    """

    template_fields: Sequence[str] = (
        "job_id",
        "table_store",
        "warehouse_conn_id",
        "table_config",
        "change_timestamp_column",
        "window_start",
        "window_end",
        "on_mismatch",
    )

    def __init__(
        self,
        *,
        job_id: str,
        table_store: str,
        warehouse_conn_id: str,
        table_config: Mapping[str, Any],
        change_timestamp_column: str | None = None,
        window_start: Any = None,
        window_end: Any = None,
        on_mismatch: str = "fail",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.table_store = table_store
        self.warehouse_conn_id = warehouse_conn_id
        self.table_config = table_config
        self.change_timestamp_column = change_timestamp_column
        self.window_start = window_start
        self.window_end = window_end
        self.on_mismatch = on_mismatch

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_arize.hooks.warehouses import reconcile, warehouse_hook

        if self.on_mismatch not in ON_MISMATCH:
            raise ArizeConfigError(
                f"on_mismatch must be 'warn' or 'fail', got {self.on_mismatch!r}", field="on_mismatch"
            )
        window = resolve_window(context, self.window_start, self.window_end)
        warehouse = warehouse_hook(self.table_store, self.warehouse_conn_id)
        config = warehouse.table_config_from(self.table_config)

        job = self.hook.get_job("table", job_ref(self.job_id))
        self.publish_job(context, job)
        column = self.change_timestamp_column or (job.schema.change_timestamp if job.schema else None)
        if not column:
            raise ArizeConfigError(
                f"table import job {job.id} reports no changeTimestamp column (this Arize may not report a "
                "job's schema); pass change_timestamp_column",
                field="change_timestamp_column",
            )
        query = self.hook.client.find_table_run(job.id, window)
        if query is None or query.records_processed_count is None:
            raise ArizeRunFailedError(
                f"Arize reports no finished query for window {window} of table import job {job.id}: "
                "run and wait for the window first"
            )
        expected = warehouse.count_rows(config, column, window)
        row_limit = job.ingestion_parameters.row_limit if job.ingestion_parameters else None
        if expected != query.records_processed_count and query.records_processed_count == row_limit:
            self.log.warning(
                "Arize processed exactly the job's rowLimit (%d rows per query): raise it to ingest all rows",
                row_limit,
            )
        result = reconcile(
            window,
            expected=expected,
            processed=query.records_processed_count,
            on_mismatch=self.on_mismatch,
            log=self.log,
        )
        bounds = window.to_input()
        return {
            "window_start": bounds["queryStart"],
            "window_end": bounds["queryEnd"],
            "expected": expected,
            "processed": query.records_processed_count,
            "matched": result.matched,
        }
