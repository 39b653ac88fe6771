"""Warehouse table configs (BigQuery, Snowflake, Databricks) and table ingestion parameters.

Each config knows its ``tableStore`` and the input field it is sent as, so a job always sends exactly
the config matching its store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models._validate import (
    GRAPHQL_INT_MAX,
    optional_positive_int,
    optional_text,
    reject_unknown_keys,
    require_text,
)


class TableConfig:
    """Base of the three warehouse table configs."""

    store: ClassVar[str]
    #: Input keys in Arize's spelling, by dataclass field name.
    _keys: ClassVar[dict[str, str]]

    @property
    def input_field(self) -> str:
        """The ``CreateTableImportJobInput`` field this config is sent as."""
        return constants.TABLE_CONFIG_FIELD[self.store]

    #: The fields ``fully_qualified_name`` joins, outermost first.
    _path: ClassVar[tuple[str, str, str]]

    def __post_init__(self) -> None:
        """Every field is required text (a config with optional fields overrides this)."""
        for f in fields(self):  # type: ignore[arg-type]
            object.__setattr__(self, f.name, require_text(self._keys[f.name], getattr(self, f.name)))

    @property
    def fully_qualified_name(self) -> str:
        """``a.b.table``: project/database/catalog, dataset/schema, table."""
        return ".".join(getattr(self, name) for name in self._path)

    def to_input(self) -> dict[str, Any]:
        """The config's input value, in Arize's field spelling, without unset fields."""
        return {
            key: getattr(self, name) for name, key in self._keys.items() if getattr(self, name) is not None
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> TableConfig:
        """Build from a mapping with Arize's keys (``accountID``, ``tableName``…) or snake_case."""
        reverse = {key: name for name, key in cls._keys.items()}
        normalised = {reverse.get(k, k): v for k, v in data.items()}
        reject_unknown_keys(f"{cls.store} table config", normalised, cls._keys)
        try:
            return cls(**normalised)
        except TypeError as exc:
            missing = [n for n in cls._keys if n not in normalised]
            raise ArizeConfigError(
                f"{cls.store} table config is missing {', '.join(cls._keys[m] for m in missing)}",
                field=cls._keys[missing[0]] if missing else None,
            ) from exc


@dataclass(frozen=True)
class BigQueryTableConfig(TableConfig):
    """A BigQuery table or view: ``project_id.dataset.table_name``."""

    project_id: str
    dataset: str
    table_name: str

    store: ClassVar[str] = "BigQuery"
    _keys: ClassVar[dict[str, str]] = {
        "project_id": "projectId",
        "dataset": "dataset",
        "table_name": "tableName",
    }

    _path: ClassVar[tuple[str, str, str]] = ("project_id", "dataset", "table_name")


@dataclass(frozen=True)
class SnowflakeTableConfig(TableConfig):
    """A Snowflake table: account id (``<org>-<account>``), database, schema and table name."""

    account_id: str
    database: str
    schema: str
    table_name: str

    store: ClassVar[str] = "Snowflake"
    _keys: ClassVar[dict[str, str]] = {
        "account_id": "accountID",
        "database": "database",
        "schema": "schema",
        "table_name": "tableName",
    }

    _path: ClassVar[tuple[str, str, str]] = ("database", "schema", "table_name")


@dataclass(frozen=True)
class DatabricksTableConfig(TableConfig):
    """A Databricks (Unity Catalog) table reached through a SQL warehouse endpoint.

    ``token`` is a secret: it is excluded from ``repr`` and must come from an Airflow connection.
    """

    host_name: str
    endpoint: str
    catalog: str
    databricks_schema: str
    table_name: str
    port: str | None = None
    token: str | None = field(default=None, repr=False)
    azure_resource_id: str | None = None
    azure_tenant_id: str | None = None

    store: ClassVar[str] = "Databricks"
    _keys: ClassVar[dict[str, str]] = {
        "host_name": "hostName",
        "endpoint": "endpoint",
        "catalog": "catalog",
        "databricks_schema": "databricksSchema",
        "table_name": "tableName",
        "port": "port",
        "token": "token",
        "azure_resource_id": "azureResourceId",
        "azure_tenant_id": "azureTenantId",
    }
    _path: ClassVar[tuple[str, str, str]] = ("catalog", "databricks_schema", "table_name")
    _required: ClassVar[tuple[str, ...]] = (
        "host_name",
        "endpoint",
        "catalog",
        "databricks_schema",
        "table_name",
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "port" and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            checked = (
                require_text(self._keys[f.name], value)
                if f.name in self._required
                else optional_text(self._keys[f.name], value)
            )
            object.__setattr__(self, f.name, checked)
        if self.port is not None and not self.port.isdigit():
            raise ArizeConfigError(f"port must be a number, got {self.port!r}", field="port")


TABLE_CONFIG_TYPES: dict[str, type[TableConfig]] = {
    cls.store: cls for cls in (BigQueryTableConfig, SnowflakeTableConfig, DatabricksTableConfig)
}


def table_config_for(table_store: str, config: TableConfig | Mapping[str, Any]) -> TableConfig:
    """Return ``config`` as the config class of ``table_store``; raise when they do not match."""
    if not isinstance(table_store, str) or table_store not in TABLE_CONFIG_TYPES:
        raise ArizeConfigError(
            f"tableStore must be one of {', '.join(sorted(TABLE_CONFIG_TYPES))}; got {table_store!r}",
            field="tableStore",
        )
    cls = TABLE_CONFIG_TYPES[table_store]
    if isinstance(config, TableConfig):
        if not isinstance(config, cls):
            raise ArizeConfigError(
                f"tableStore {table_store} needs {constants.TABLE_CONFIG_FIELD[table_store]}, "
                f"but a {config.store} table config was given",
                field="tableStore",
            )
        return config
    if not isinstance(config, Mapping):
        raise ArizeConfigError(
            f"tableConfig must be a mapping, got {type(config).__name__}", field="tableConfig"
        )
    return cls.from_mapping(config)


@dataclass(frozen=True)
class TableIngestionParameters:
    """How often a table job queries and how much: ``refresh_interval_minutes`` between queries,
    ``query_window_size_hours`` of change timestamps per query (0 = up to now), ``row_limit`` per query.

    Each is a GraphQL ``Int`` (32-bit). Arize may report the interval and the window in seconds
    (``refreshIntervalSeconds``, ``queryWindowSizeSeconds``: ``docs/api-variants.md``), so they are bounded
    so that their seconds fit an ``Int`` too: at most 35,791,394 minutes and 596,523 hours (68 years).
    """

    row_limit: int | None = None
    refresh_interval_minutes: int | None = None
    query_window_size_hours: int | None = None

    def __post_init__(self) -> None:
        optional_positive_int("rowLimit", self.row_limit)
        optional_positive_int(
            "refreshIntervalMinutes", self.refresh_interval_minutes, most=GRAPHQL_INT_MAX // 60
        )
        hours = self.query_window_size_hours
        optional_positive_int("queryWindowSizeHours", hours, allow_zero=True, most=GRAPHQL_INT_MAX // 3600)

    @classmethod
    def from_value(cls, value: TableIngestionParameters | Mapping[str, Any]) -> TableIngestionParameters:
        """Build from an instance or a mapping with camelCase or snake_case keys."""
        if isinstance(value, TableIngestionParameters):
            return value
        if not isinstance(value, Mapping):
            raise ArizeConfigError(
                "tableIngestionParameters must be a mapping", field="tableIngestionParameters"
            )
        aliases = {
            "rowLimit": "row_limit",
            "refreshIntervalMinutes": "refresh_interval_minutes",
            "queryWindowSizeHours": "query_window_size_hours",
        }
        data = {aliases.get(k, k): v for k, v in value.items()}
        reject_unknown_keys("tableIngestionParameters", data, aliases.values())
        return cls(**data)

    @classmethod
    def from_output(cls, data: Mapping[str, Any] | None) -> TableIngestionParameters | None:
        """Read parameters from a response: the minutes/hours names, or the seconds names, converted."""
        if not data:
            return None

        def pick(direct: str, seconds: str, per: int) -> int | None:
            value = data.get(direct)
            if value is None and data.get(seconds) is not None:
                value = int(data[seconds]) // per
            return int(value) if value is not None else None

        return cls(
            row_limit=int(data["rowLimit"]) if data.get("rowLimit") is not None else None,
            refresh_interval_minutes=pick("refreshIntervalMinutes", "refreshIntervalSeconds", 60) or None,
            query_window_size_hours=pick("queryWindowSizeHours", "queryWindowSizeSeconds", 3600),
        )

    def merged_over(self, base: TableIngestionParameters | None) -> TableIngestionParameters:
        """These parameters, with unset fields taken from ``base``."""
        if base is None:
            return self
        return TableIngestionParameters(
            row_limit=self.row_limit if self.row_limit is not None else base.row_limit,
            refresh_interval_minutes=(
                self.refresh_interval_minutes
                if self.refresh_interval_minutes is not None
                else base.refresh_interval_minutes
            ),
            query_window_size_hours=(
                self.query_window_size_hours
                if self.query_window_size_hours is not None
                else base.query_window_size_hours
            ),
        )

    def is_empty(self) -> bool:
        """Whether no parameter is set."""
        return (
            self.row_limit is None
            and self.refresh_interval_minutes is None
            and self.query_window_size_hours is None
        )

    def to_input(self) -> dict[str, int]:
        """The ``TableIngestionParametersInputType`` value, without unset fields."""
        out = {
            "rowLimit": self.row_limit,
            "refreshIntervalMinutes": self.refresh_interval_minutes,
            "queryWindowSizeHours": self.query_window_size_hours,
        }
        return {k: v for k, v in out.items() if v is not None}
