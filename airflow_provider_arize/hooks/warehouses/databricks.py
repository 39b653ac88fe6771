"""Databricks: table configs from a ``databricks`` connection, metadata and counts via
``DatabricksSqlHook`` (the ``databricks-sql-connector`` underneath; imported inside the methods).

Where each part of the config comes from, the token, how columns are read and counts bound, the
provider's retries: ``docs/warehouses.md``, "Databricks".
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlparse

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models.tables import DatabricksTableConfig
from airflow_provider_arize.hooks.warehouses.base import (
    TableDescription,
    WarehouseHook,
    mask,
    split_table_name,
)
from airflow_provider_arize.hooks.warehouses.bounds import WindowBounds
from airflow_provider_arize.hooks.warehouses.errors import ArizePreflightError

__all__ = ["DatabricksWarehouseHook", "quote_identifier"]

_NOT_FOUND_MARKERS = (
    "TABLE_OR_VIEW_NOT_FOUND",
    "SCHEMA_NOT_FOUND",
    "CATALOG_NOT_FOUND",
    "NO_SUCH_CATALOG_EXCEPTION",
    "Table or view not found",
)


def quote_identifier(name: str) -> str:
    """```name``` with embedded backticks doubled."""
    return "`" + name.replace("`", "``") + "`"


def _host_name(value: str) -> str:
    """``dbc-1.cloud.databricks.com`` from ``https://dbc-1.cloud.databricks.com/`` (or a bare host)."""
    text = value.strip()
    parsed = urlparse(text if "://" in text else f"https://{text}")
    return parsed.hostname or text


def _not_found(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if any(marker in str(seen) for marker in _NOT_FOUND_MARKERS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class DatabricksWarehouseHook(WarehouseHook):
    """Databricks SQL through the official ``DatabricksSqlHook``; see ``docs/warehouses.md``, "Databricks".

    :param http_path: the SQL warehouse HTTP path (default: the connection extra ``http_path``).
    """

    store = "Databricks"
    bare_timestamp_aware = True  # Databricks TIMESTAMP is an instant (TIMESTAMP_LTZ)

    def __init__(self, conn_id: str, *, http_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(conn_id, **kwargs)
        self.http_path = http_path

    def table_config(
        self,
        table: str,
        database: str | None = None,
        schema: str | None = None,
        *,
        catalog: str | None = None,
        http_path: str | None = None,
        host_name: str | None = None,
        include_token: bool = False,
    ) -> DatabricksTableConfig:
        """``DatabricksTableConfig`` for ``table`` (or ``catalog.schema.table``). ``database`` is an alias of
        ``catalog``."""
        if catalog and database and catalog != database:
            raise ArizeConfigError(f"catalog={catalog!r} and database={database!r} disagree", field="catalog")
        catalog, schema, name = split_table_name(
            table, catalog or database, schema, outer_field="catalog", schema_field="databricksSchema"
        )
        conn, extra = self.connection, self.extra
        host = host_name or extra.get("host") or conn.host
        if not host:
            raise ArizeConfigError(f"Databricks connection {self.conn_id!r} has no host", field="hostName")
        endpoint = http_path or self.http_path or extra.get("http_path")
        if not endpoint:
            raise ArizeConfigError(
                "no SQL warehouse HTTP path: pass http_path= or set http_path in the extra of "
                f"connection {self.conn_id!r}",
                field="endpoint",
            )
        catalog = catalog or extra.get("catalog")
        if not catalog:
            raise ArizeConfigError("no catalog: pass catalog= or use catalog.schema.table", field="catalog")
        schema = schema or extra.get("schema") or conn.schema
        if not schema:
            raise ArizeConfigError(
                f"no schema: pass schema= or set the schema of connection {self.conn_id!r}",
                field="databricksSchema",
            )
        token = None
        if include_token:
            token = extra.get("token") or conn.password
            if not token:
                raise ArizeConfigError(f"connection {self.conn_id!r} has no token", field="token")
            mask(token)
        return DatabricksTableConfig(
            host_name=_host_name(str(host)),
            endpoint=str(endpoint),
            catalog=str(catalog),
            databricks_schema=str(schema),
            table_name=name,
            port=str(conn.port) if conn.port else None,
            token=token,
            azure_resource_id=extra.get("azure_resource_id") or None,
            azure_tenant_id=extra.get("azure_tenant_id") or None,
        )

    def _complete(self, data: dict[str, Any]) -> DatabricksTableConfig:
        config = self.table_config(
            data["table_name"],
            schema=data.get("databricks_schema"),
            catalog=data.get("catalog"),
            http_path=data.get("endpoint"),
            host_name=data.get("host_name"),
        )
        overrides = {
            k: data[k] for k in ("port", "token", "azure_resource_id", "azure_tenant_id") if k in data
        }
        if "token" in overrides:
            mask(overrides["token"])
        return dataclasses.replace(config, **overrides) if overrides else config

    def _sql_hook(self, endpoint: str) -> Any:
        from airflow.providers.databricks.hooks.databricks_sql import DatabricksSqlHook

        mask(self.extra.get("token"))
        return DatabricksSqlHook(databricks_conn_id=self.conn_id, http_path=endpoint)

    def _describe(self, config: DatabricksTableConfig) -> TableDescription:
        path = (config.catalog, config.databricks_schema, config.table_name)
        sql = f"DESCRIBE TABLE {'.'.join(quote_identifier(part) for part in path)}"
        try:
            rows = self._sql_hook(config.endpoint).get_records(sql)
        except Exception as exc:
            if _not_found(exc):
                raise ArizePreflightError.table_missing(config.fully_qualified_name) from exc
            raise
        columns: dict[str, str] = {}
        for row in rows or ():
            name = str(row[0] or "").strip()
            if not name or name.startswith("#"):
                break
            columns[name] = str(row[1])
        if not columns:
            raise ArizePreflightError.table_missing(
                config.fully_qualified_name, "DESCRIBE TABLE returned no columns"
            )
        return TableDescription(table=config.fully_qualified_name, path=path, columns=columns)

    def _count(self, config: Any, description: TableDescription, column: str, bounds: WindowBounds) -> int:
        table = ".".join(quote_identifier(part) for part in description.path)
        col = quote_identifier(column)
        sql = f"SELECT COUNT(*) FROM {table} WHERE {col} >= :window_start AND {col} < :window_end"
        hook = self._sql_hook(config.endpoint)
        row = hook.get_first(sql, parameters={"window_start": bounds.lo, "window_end": bounds.hi})
        return int(row[0]) if row else 0
