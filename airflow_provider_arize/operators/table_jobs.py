"""Operators for table import jobs (BigQuery, Snowflake, Databricks): dry-run, create, update.

Every argument naming a model, table, schema or parameter is templated. Specs are validated completely
before the first request; a failing dry run fails the task with Arize's validation message verbatim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.lineage import CreateLineageMixin
from airflow_provider_arize.operators.base import ArizeBaseOperator, ArizeModelOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.client import CreateResult
    from airflow_provider_arize.api.models import TableConfig, TableImportJobSpec


def build_table_config(store: str, table_config: Any, warehouse_conn_id: str | None = None) -> TableConfig:
    """The validated table config of ``store``: ``table_config`` as given (Arize's keys or a
    ``TableConfig``), or, with ``warehouse_conn_id``, completed from that Airflow connection (Snowflake
    account/database/schema, BigQuery project, Databricks host/HTTP path). No request is sent."""
    from airflow_provider_arize.api.models import table_config_for

    if not warehouse_conn_id:
        return table_config_for(store, table_config)
    from airflow_provider_arize.hooks.warehouses import warehouse_hook

    return warehouse_hook(store, warehouse_conn_id).table_config_from(table_config or {})


class _TableJobOperator(ArizeModelOperator):
    """Shared arguments of table-job operators.

    :param table_store: ``BigQuery``, ``Snowflake`` or ``Databricks``.
    :param table_config: the table, as a mapping in Arize's spelling (``projectId``/``dataset``/
        ``tableName``; ``accountID``/``database``/``schema``/``tableName``; ``hostName``/``endpoint``/
        ``catalog``/``databricksSchema``/``tableName``) or a ``TableConfig``.
    :param schema: column mapping (Arize's camelCase keys or snake_case), including ``changeTimestamp``.
    :param ingestion_parameters: optional ``rowLimit`` / ``refreshIntervalMinutes`` /
        ``queryWindowSizeHours``.
    :param warehouse_conn_id: optional Airflow connection of the warehouse (``snowflake``,
        ``google_cloud_platform`` or ``databricks``) that fills in what ``table_config`` leaves out
        (account, database and schema; project; host and HTTP path).
    """

    template_fields: Sequence[str] = (
        *ArizeModelOperator.model_fields,
        "table_store",
        "table_config",
        "schema",
        "ingestion_parameters",
        "warehouse_conn_id",
    )

    def __init__(
        self,
        *,
        table_store: str,
        table_config: Mapping[str, Any] | Any,
        schema: Mapping[str, Any] | Any,
        ingestion_parameters: Mapping[str, Any] | None = None,
        warehouse_conn_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.table_store = table_store
        self.table_config = table_config
        self.schema = schema
        self.ingestion_parameters = ingestion_parameters
        self.warehouse_conn_id = warehouse_conn_id

    def table_spec(self) -> TableImportJobSpec:
        """The validated job spec (raises ``ArizeConfigError`` before any request)."""
        from airflow_provider_arize.api.models import (
            ModelSchema,
            TableImportJobSpec,
            TableIngestionParameters,
        )

        params = (
            TableIngestionParameters.from_value(self.ingestion_parameters)
            if self.ingestion_parameters
            else None
        )
        return TableImportJobSpec(
            target=self.model_target(),
            table_store=self.table_store,
            table=build_table_config(self.table_store, self.table_config, self.warehouse_conn_id),
            schema=ModelSchema.from_value(self.schema),
            ingestion_parameters=params,
        )


class ArizeDryRunTableImportJobOperator(_TableJobOperator):
    """Validate a table import job with Arize (``dryRun: true``): nothing is written.

    Fails with Arize's validation message, verbatim, when the job does not pass. Returns the validation
    status. Safe to retry: a dry run has no side effects.
    """

    operator_extra_links = ()  # no job, no link

    def execute(self, context: Context) -> dict[str, Any]:
        spec = self.table_spec()
        result = self.dry_run_table(spec)
        return {"validation_status": result.status, "table": spec.table.fully_qualified_name}


class ArizeCreateTableImportJobOperator(CreateLineageMixin, _TableJobOperator):
    """Create a table import job, idempotently.

    If a non-deleted job with the same identity (space, model, environment, store, table) exists, it is
    returned and nothing is created (the log says so). With ``dry_run_first`` (default) the job is
    dry-run first and the task fails with Arize's message if it does not pass. A create whose response is
    lost is looked up, never blindly re-sent, so task retries never create a second job.

    ``ingestion_parameters`` are applied right after the create, by a second request. If a try fails
    after its create committed (the parameters may then be missing), a retry that finds the job created
    since this DAG run started applies them; a job found otherwise keeps the parameters it has (a later
    task may have tuned them).

    Pushes to XCom: ``arize_job_id`` (global id), ``arize_short_job_id``, ``arize_job_url`` and
    ``arize_lineage`` (its OpenLineage datasets, ``docs/lineage.md``); returns the job summary (ids,
    status, table, url, ``created``).
    """

    def __init__(self, *, dry_run_first: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dry_run_first = dry_run_first

    def execute(self, context: Context) -> dict[str, Any]:
        spec = self.table_spec()
        if self.dry_run_first and self.hook.client.find_job("table", spec.identity) is None:
            self.dry_run_table(spec)
        outcome = self.hook.create_table_job(spec)
        params = spec.ingestion_parameters
        if params is not None and not params.is_empty() and _created_by_earlier_try(context, outcome):
            self.log.info(
                "Table import job %s was created by an earlier try of this task, which may have failed "
                "before applying the ingestion parameters; applying them",
                outcome.job.id,
            )
            outcome = replace(outcome, job=self.hook.update_ingestion_parameters(outcome.job.id, params))
        self.remember_lineage(context, outcome.job.id, spec)
        return self.report_create(context, outcome, "table", spec.table.fully_qualified_name)


class ArizeUpdateTableIngestionParametersOperator(ArizeBaseOperator):
    """Update a table job's ingestion parameters; unset ones keep their current values. Idempotent.

    :param job_id: global id or short job id of the table job.
    """

    template_fields: Sequence[str] = (
        "job_id",
        "row_limit",
        "refresh_interval_minutes",
        "query_window_size_hours",
    )

    def __init__(
        self,
        *,
        job_id: str,
        row_limit: int | None = None,
        refresh_interval_minutes: int | None = None,
        query_window_size_hours: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.row_limit = row_limit
        self.refresh_interval_minutes = refresh_interval_minutes
        self.query_window_size_hours = query_window_size_hours

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_arize.api.models import TableIngestionParameters

        params = TableIngestionParameters(
            row_limit=_int_or_none(self.row_limit),
            refresh_interval_minutes=_int_or_none(self.refresh_interval_minutes),
            query_window_size_hours=_int_or_none(self.query_window_size_hours),
        )
        job = self.hook.update_ingestion_parameters(job_ref(self.job_id), params)
        self.log.info("Table import job %s ingestion parameters are now %s", job.id, job.ingestion_parameters)
        return self.publish_job(context, job)


class ArizeUpdateTableImportJobSchemaOperator(ArizeBaseOperator):
    """Replace a table job's schema (validated against the job's model type first). Idempotent.

    :param job_id: global id or short job id of the table job.
    :param schema: the complete new schema (Arize sends and stores the whole schema).
    """

    template_fields: Sequence[str] = ("job_id", "schema")

    def __init__(self, *, job_id: str, schema: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.schema = schema

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_arize.api.models import ModelSchema

        job = self.hook.update_table_job_schema(job_ref(self.job_id), ModelSchema.from_value(self.schema))
        self.log.info("Table import job %s schema updated", job.id)
        return self.publish_job(context, job)


def _created_by_earlier_try(context: Context, outcome: CreateResult) -> bool:
    """Whether this try found (not created) a job that an earlier try of this task created: it is a retry,
    and the job was created after the DAG run started (no other task creates a job of the same identity).
    """
    if outcome.created:
        return False
    try_number = getattr(context.get("ti"), "try_number", None) or 1
    started = getattr(context.get("dag_run"), "start_date", None)
    created = outcome.job.created_at
    return int(try_number) > 1 and started is not None and created is not None and created >= started


def _int_or_none(value: object) -> int | None:
    """Template rendering turns ints into strings: read them back; anything else is validated later."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value  # type: ignore[return-value]
