"""BigQuery: table configs from a ``google_cloud_platform`` connection, metadata and counts via the
google provider's ``BigQueryHook`` (imported inside the methods).

Where each part of the config comes from, how columns are read and counts bound: ``docs/warehouses.md``,
"BigQuery".
"""

from __future__ import annotations

import json
from typing import Any

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models.tables import BigQueryTableConfig
from airflow_provider_arize.hooks.warehouses.base import TableDescription, WarehouseHook, split_table_name
from airflow_provider_arize.hooks.warehouses.bounds import WindowBounds
from airflow_provider_arize.hooks.warehouses.errors import ArizePreflightError

__all__ = ["BigQueryWarehouseHook", "quote_identifier"]

_PARAM_TYPES = {"instant": "TIMESTAMP", "wallclock": "DATETIME", "date": "DATE", "epoch": "INT64"}


def quote_identifier(name: str) -> str:
    """```name``` with backslashes and backticks escaped."""
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _field_type(field: Any) -> str:
    field_type = str(field.field_type)
    return f"ARRAY<{field_type}>" if str(field.mode or "").upper() == "REPEATED" else field_type


class BigQueryWarehouseHook(WarehouseHook):
    """BigQuery through the official ``BigQueryHook``; see ``docs/warehouses.md``, "BigQuery".

    :param location: BigQuery location for query jobs (default: inferred from the table's dataset).
    """

    store = "BigQuery"
    bare_timestamp_aware = True

    def __init__(self, conn_id: str, *, location: str | None = None, **kwargs: Any) -> None:
        super().__init__(conn_id, **kwargs)
        self.location = location

    def _connection_project(self) -> str | None:
        extra = self.extra
        for key in ("project", "project_id", "extra__google_cloud_platform__project"):
            if extra.get(key):
                return str(extra[key])
        keyfile = extra.get("keyfile_dict") or extra.get("extra__google_cloud_platform__keyfile_dict")
        if isinstance(keyfile, str):
            try:
                keyfile = json.loads(keyfile)
            except ValueError:
                keyfile = None
        if isinstance(keyfile, dict) and keyfile.get("project_id"):
            return str(keyfile["project_id"])
        return None

    def table_config(
        self,
        table: str,
        database: str | None = None,
        schema: str | None = None,
        *,
        dataset: str | None = None,
        project: str | None = None,
    ) -> BigQueryTableConfig:
        """``BigQueryTableConfig`` for ``table`` (or ``project.dataset.table``). ``database`` is an alias of
        ``project`` and ``schema`` of ``dataset``."""
        if project and database and project != database:
            raise ArizeConfigError(
                f"project={project!r} and database={database!r} disagree", field="projectId"
            )
        if dataset and schema and dataset != schema:
            raise ArizeConfigError(f"dataset={dataset!r} and schema={schema!r} disagree", field="dataset")
        project, dataset, name = split_table_name(
            table, project or database, dataset or schema, outer_field="projectId", schema_field="dataset"
        )
        project = project or self._connection_project()
        if not project:
            raise ArizeConfigError(
                f"no project: pass project= or set project in the extra of connection {self.conn_id!r}",
                field="projectId",
            )
        if not dataset:
            raise ArizeConfigError(
                "no dataset: pass dataset= (or schema=) or use project.dataset.table", field="dataset"
            )
        return BigQueryTableConfig(project_id=project, dataset=dataset, table_name=name)

    def _complete(self, data: dict[str, Any]) -> BigQueryTableConfig:
        return self.table_config(
            data["table_name"], dataset=data.get("dataset"), project=data.get("project_id")
        )

    def _client(self, project: str) -> Any:
        from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

        options: dict[str, Any] = {"location": self.location} if self.location else {}
        hook = BigQueryHook(gcp_conn_id=self.conn_id, use_legacy_sql=False, **options)
        return hook.get_client(project_id=self._connection_project() or project, location=self.location)

    def _describe(self, config: BigQueryTableConfig) -> TableDescription:
        from google.api_core.exceptions import NotFound

        try:
            table = self._client(config.project_id).get_table(config.fully_qualified_name)
        except NotFound as exc:
            raise ArizePreflightError.table_missing(config.fully_qualified_name) from exc
        path = (config.project_id, config.dataset, config.table_name)
        columns = {str(field.name): _field_type(field) for field in table.schema}
        return TableDescription(table=config.fully_qualified_name, path=path, columns=columns)

    def _count(self, config: Any, description: TableDescription, column: str, bounds: WindowBounds) -> int:
        from google.cloud import bigquery

        table = ".".join(quote_identifier(part) for part in description.path)
        col = quote_identifier(column)
        sql = (
            f"SELECT COUNT(*) AS row_count FROM {table} WHERE {col} >= @window_start AND {col} < @window_end"
        )
        param_type = _PARAM_TYPES[bounds.kind]
        job_config = bigquery.QueryJobConfig(
            query_parameters=[
                bigquery.ScalarQueryParameter("window_start", param_type, bounds.lo),
                bigquery.ScalarQueryParameter("window_end", param_type, bounds.hi),
            ],
            use_legacy_sql=False,
        )
        job = self._client(description.path[0]).query(sql, job_config=job_config, location=self.location)
        rows = list(job.result())
        return int(rows[0][0]) if rows else 0
