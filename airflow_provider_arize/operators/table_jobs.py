"""Operators for table import jobs (BigQuery, Snowflake, Databricks): dry-run, create, update.

Every argument naming a model, table, schema or parameter is templated. Specs are validated completely
before the first request; a failing dry run fails the task with Arize's validation message verbatim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_arize.operators.base import ArizeBaseOperator, ArizeModelOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.models import TableImportJobSpec


class _TableJobOperator(ArizeModelOperator):
    """Shared arguments of table-job operators.

    :param table_store: ``BigQuery``, ``Snowflake`` or ``Databricks``.
    :param table_config: the table, as a mapping in Arize's spelling (``projectId``/``dataset``/
        ``tableName``; ``accountID``/``database``/``schema``/``tableName``; ``hostName``/``endpoint``/
        ``catalog``/``databricksSchema``/``tableName``) or a ``TableConfig``.
    :param schema: column mapping (Arize's camelCase keys or snake_case), including ``changeTimestamp``.
    :param ingestion_parameters: optional ``rowLimit`` / ``refreshIntervalMinutes`` /
        ``queryWindowSizeHours``.
    """

    template_fields: Sequence[str] = (
        *ArizeModelOperator.model_fields,
        "table_store",
        "table_config",
        "schema",
        "ingestion_parameters",
    )

    def __init__(
        self,
        *,
        table_store: str,
        table_config: Mapping[str, Any] | Any,
        schema: Mapping[str, Any] | Any,
        ingestion_parameters: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.table_store = table_store
        self.table_config = table_config
        self.schema = schema
        self.ingestion_parameters = ingestion_parameters

    def table_spec(self) -> TableImportJobSpec:
        """The validated job spec (raises ``ArizeConfigError`` before any request)."""
        from airflow_provider_arize.api.models import (
            ModelSchema,
            TableImportJobSpec,
            TableIngestionParameters,
            table_config_for,
        )

        params = (
            TableIngestionParameters.from_value(self.ingestion_parameters)
            if self.ingestion_parameters
            else None
        )
        return TableImportJobSpec(
            target=self.model_target(),
            table_store=self.table_store,
            table=table_config_for(self.table_store, self.table_config),
            schema=ModelSchema.from_value(self.schema),
            ingestion_parameters=params,
        )


class ArizeDryRunTableImportJobOperator(_TableJobOperator):
    """Validate a table import job with Arize (``dryRun: true``): nothing is written.

    Fails with Arize's validation message, verbatim, when the job does not pass. Returns the validation
    status. Safe to retry: a dry run has no side effects.
    """

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_arize.api.errors import ArizeValidationError

        spec = self.table_spec()
        result = self.hook.dry_run_table_job(spec)
        if not result.passed:
            raise ArizeValidationError(
                f"dry run of the table import job failed: {result.describe()}",
                validation_result=result,
                operation_name="DryRunTableImportJob",
            )
        self.log.info(
            "Dry run passed for %s (%s): %s",
            spec.target.model_name,
            spec.table.fully_qualified_name,
            result.status,
        )
        return {"validation_status": result.status, "table": spec.table.fully_qualified_name}


class ArizeCreateTableImportJobOperator(_TableJobOperator):
    """Create a table import job, idempotently.

    If a non-deleted job with the same identity (space, model, environment, store, table) exists, it is
    returned and nothing is created (the log says so). With ``dry_run_first`` (default) the job is
    dry-run first and the task fails with Arize's message if it does not pass. A create whose response is
    lost is looked up, never blindly re-sent, so task retries never create a second job.

    Pushes to XCom: ``arize_job_id`` (global id), ``arize_short_job_id``, ``arize_job_url``; returns the
    job summary (ids, status, table, url, ``created``).
    """

    def __init__(self, *, dry_run_first: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dry_run_first = dry_run_first

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_arize.api.errors import ArizeValidationError

        spec = self.table_spec()
        if self.dry_run_first:
            existing = self.hook.client.find_job("table", spec.identity)
            if existing is None:
                result = self.hook.dry_run_table_job(spec)
                if not result.passed:
                    raise ArizeValidationError(
                        f"dry run of the table import job failed: {result.describe()}",
                        validation_result=result,
                        operation_name="DryRunTableImportJob",
                    )
                self.log.info("Dry run passed (%s)", result.status)
        outcome = self.hook.create_table_job(spec)
        job = outcome.job
        if outcome.created:
            self.log.info(
                "Created table import job %s (jobId %s) for %s",
                job.id,
                job.job_id,
                spec.table.fully_qualified_name,
            )
        else:
            self.log.info(
                "Table import job %s (jobId %s) already exists for model %r, %s, %s; "
                "returning it instead of creating a duplicate",
                job.id,
                job.job_id,
                spec.target.model_name,
                spec.target.environment,
                spec.table.fully_qualified_name,
            )
        return {**self.publish_job(context, job), "created": outcome.created}


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
        job = self.hook.update_ingestion_parameters(str(self.job_id), params)
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

        job = self.hook.update_table_job_schema(str(self.job_id), ModelSchema.from_value(self.schema))
        self.log.info("Table import job %s schema updated", job.id)
        return self.publish_job(context, job)


def _int_or_none(value: object) -> int | None:
    """Template rendering turns ints into strings: read them back; anything else is validated later."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value  # type: ignore[return-value]
