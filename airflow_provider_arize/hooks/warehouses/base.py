"""The warehouse hook contract shared by Snowflake, BigQuery and Databricks.

The guarantees (no I/O at construction, ``table_config`` reads only the connection, read-only queries
that are safe to repeat, bound values, no secrets in messages): ``docs/warehouses.md``, "What every hook
guarantees".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from functools import cached_property
from typing import Any, ClassVar

from airflow.sdk import BaseHook

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models._validate import reject_unknown_keys, require_text
from airflow_provider_arize.api.models.schema import ModelSchema
from airflow_provider_arize.api.models.tables import TABLE_CONFIG_TYPES, TableConfig, table_config_for
from airflow_provider_arize.api.models.windows import QueryWindow
from airflow_provider_arize.hooks.warehouses.bounds import WindowBounds, window_bounds
from airflow_provider_arize.hooks.warehouses.errors import ArizePreflightError, PreflightProblem
from airflow_provider_arize.hooks.warehouses.preflight import ColumnResolver, PreflightReport, check_columns
from airflow_provider_arize.hooks.warehouses.types import classify, rule_for

__all__ = ["TableDescription", "WarehouseHook", "mask", "split_table_name"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TableDescription:
    """A table as the warehouse reports it: ``path`` holds the exact (resolved) names of its container,
    schema and table; ``columns`` maps column name → type, in table order."""

    table: str
    path: tuple[str, str, str]
    columns: dict[str, str]


def mask(secret: object) -> None:
    """Register a connection secret with Airflow's masker (so it cannot reach task logs)."""
    if isinstance(secret, str) and secret:
        from airflow.sdk.log import mask_secret

        mask_secret(secret)


def split_table_name(
    table: str, outer: str | None, schema: str | None, *, outer_field: str, schema_field: str
) -> tuple[str | None, str | None, str]:
    """Split ``a.b.table`` / ``b.table`` into parts; explicit arguments must agree with the dotted parts.

    Names containing quotes or backticks are taken literally (no splitting).
    """
    name = require_text("tableName", table)
    if '"' in name or "`" in name or "." not in name:
        return outer, schema, name
    parts = [p.strip() for p in name.split(".")]
    if len(parts) > 3 or not all(parts):
        raise ArizeConfigError(
            f"tableName {table!r} is not table, schema.table or outer.schema.table", field="tableName"
        )
    dotted_outer = parts[0] if len(parts) == 3 else None
    for label, given, dotted in ((outer_field, outer, dotted_outer), (schema_field, schema, parts[-2])):
        if given is not None and dotted is not None and given != dotted:
            raise ArizeConfigError(
                f"tableName {table!r} names {label} {dotted!r} but {label}={given!r} was also given",
                field=label,
            )
    return dotted_outer or outer, parts[-2], parts[-1]


class WarehouseHook(BaseHook):
    """Base of the per-warehouse hooks; contract: ``docs/warehouses.md``, "What every hook guarantees".

    :param conn_id: the Airflow connection of the official provider (``snowflake``,
        ``google_cloud_platform``, ``databricks``).
    """

    #: The ``tableStore`` this hook serves.
    store: ClassVar[str]
    #: Whether a plain ``TIMESTAMP`` column holds instants (True) or wall-clock times (False).
    bare_timestamp_aware: ClassVar[bool] = True

    def __init__(self, conn_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.conn_id = conn_id

    @cached_property
    def connection(self) -> Any:
        """The Airflow connection, looked up on first use; its password is masked in logs."""
        conn = self.get_connection(self.conn_id)
        mask(conn.password)
        return conn

    @property
    def extra(self) -> dict[str, Any]:
        """The connection's extra, parsed."""
        return dict(self.connection.extra_dejson or {})

    # -- to be provided by each warehouse ----------------------------------------------------------------
    def table_config(self, table: str, database: str | None = None, schema: str | None = None) -> TableConfig:
        """The table's config for Arize, with defaults from the connection (no query)."""
        raise NotImplementedError

    def _complete(self, data: dict[str, Any]) -> TableConfig:
        """Build the config from ``data`` (snake_case keys, ``table_name`` set), filling gaps from the
        connection."""
        raise NotImplementedError

    def _describe(self, config: Any) -> TableDescription:
        """Query the warehouse's metadata for the table; raise ``ArizePreflightError`` when it is missing."""
        raise NotImplementedError

    def _count(self, config: Any, description: TableDescription, column: str, bounds: WindowBounds) -> int:
        """``COUNT(*)`` of rows with ``bounds.lo <= column < bounds.hi`` (values bound as parameters)."""
        raise NotImplementedError

    # -- shared behaviour --------------------------------------------------------------------------------
    def table_config_from(self, value: TableConfig | Mapping[str, Any]) -> TableConfig:
        """``value`` as this store's validated config, completed from the connection where parts are missing.

        ``value`` is a ``TableConfig`` (checked against the store, returned as is) or a mapping with Arize's
        keys (``tableName``, ``accountID``, ``projectId``, ``hostName``…) or snake_case ones. ``tableName``
        is required; a complete mapping is used without reading the connection, otherwise the missing
        parts default as in :meth:`table_config` and the given ones win.
        """
        if isinstance(value, TableConfig):
            return table_config_for(self.store, value)
        if not isinstance(value, Mapping):
            raise ArizeConfigError(f"table config must be a mapping, got {value!r}", field="tableConfig")
        cls: Any = TABLE_CONFIG_TYPES[self.store]
        reverse = {key: name for name, key in cls._keys.items()}
        data = {reverse.get(str(k), str(k)): v for k, v in value.items() if v is not None and v != ""}
        reject_unknown_keys(f"{self.store} table config", data, cls._keys)
        required = [f.name for f in fields(cls) if f.default is MISSING]
        if all(name in data for name in required):
            return table_config_for(self.store, {cls._keys[k]: v for k, v in data.items()})
        if "table_name" not in data:
            raise ArizeConfigError(f"{self.store} table config needs tableName", field="tableName")
        return self._complete(data)

    def _config(self, config: TableConfig | Mapping[str, Any]) -> Any:
        return table_config_for(self.store, config)

    def describe(self, config: TableConfig | Mapping[str, Any]) -> TableDescription:
        """The table's resolved names and columns (one metadata query)."""
        return self._describe(self._config(config))

    def columns(self, config: TableConfig | Mapping[str, Any]) -> dict[str, str]:
        """``{column name: warehouse type}`` in table order, names spelled as the warehouse reports them.

        :raises ArizePreflightError: the table does not exist (or the connection cannot see it).
        """
        return dict(self.describe(config).columns)

    def preflight(
        self, config: TableConfig | Mapping[str, Any], schema: ModelSchema | Mapping[str, Any]
    ) -> PreflightReport:
        """Check the table against ``schema`` (see :mod:`.preflight`); one metadata query.

        :raises ArizePreflightError: listing every problem (missing table, missing columns, refused types,
            prefixes matching nothing); ``field`` is the role of the first.
        """
        model_schema = ModelSchema.from_value(schema)
        description = self.describe(config)
        report = check_columns(
            description.table,
            description.columns,
            model_schema,
            bare_timestamp_aware=self.bare_timestamp_aware,
        )
        self.log.info(
            "preflight of %s passed: %d exact columns, %d features, %d tags",
            description.table,
            len(report.roles),
            len(report.features),
            len(report.tags),
        )
        return report

    def count_rows(
        self, config: TableConfig | Mapping[str, Any], change_column: str, window: QueryWindow
    ) -> int:
        """Rows whose ``change_column`` lies in ``[window.start, window.end)`` (UTC); two queries (metadata,
        then ``COUNT(*)``). Timestamp-without-time-zone columns are read as UTC, ``DATE`` columns count at
        midnight UTC, integer columns are epoch seconds.

        :raises ArizePreflightError: the table or the column is missing, or the column is not a
            timestamp, date or integer column.
        """
        table_config = self._config(config)
        description = self._describe(table_config)
        found, reason = ColumnResolver(description.columns).resolve(
            require_text("changeTimestamp", change_column)
        )
        if found is None:
            problem = PreflightProblem(change_column, "changeTimestamp", reason or "column does not exist")
            raise ArizePreflightError.from_problems(description.table, [problem])
        column_type = classify(description.columns[found], bare_timestamp_aware=self.bare_timestamp_aware)
        rule = rule_for("changeTimestamp")
        if not rule.accepts(column_type):
            problem = PreflightProblem(
                found, "changeTimestamp", f"type {column_type.raw} is not accepted: {rule.requirement}"
            )
            raise ArizePreflightError.from_problems(description.table, [problem])
        count = self._count(table_config, description, found, window_bounds(window, column_type))
        self.log.info("%s has %d rows with %s in %s", description.table, count, found, window)
        return count
