"""The warehouse side of table import jobs: table configs, preflight checks, row counts, reconciliation.

:func:`warehouse_hook` gives the hook of a ``tableStore`` (no I/O). What every hook guarantees (no I/O
at construction, read-only queries, bound values, masked secrets), each warehouse's rules and the
accepted column types: ``docs/warehouses.md``.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.hooks.warehouses.base import TableDescription, WarehouseHook
from airflow_provider_arize.hooks.warehouses.bigquery import BigQueryWarehouseHook
from airflow_provider_arize.hooks.warehouses.databricks import DatabricksWarehouseHook
from airflow_provider_arize.hooks.warehouses.errors import (
    ArizePreflightError,
    ArizeReconcileError,
    PreflightProblem,
)
from airflow_provider_arize.hooks.warehouses.preflight import PreflightReport
from airflow_provider_arize.hooks.warehouses.reconcile import OnMismatch, ReconcileResult, reconcile
from airflow_provider_arize.hooks.warehouses.snowflake import SnowflakeWarehouseHook

__all__ = [
    "WAREHOUSE_HOOKS",
    "ArizePreflightError",
    "ArizeReconcileError",
    "BigQueryWarehouseHook",
    "DatabricksWarehouseHook",
    "OnMismatch",
    "PreflightProblem",
    "PreflightReport",
    "ReconcileResult",
    "SnowflakeWarehouseHook",
    "TableDescription",
    "WarehouseHook",
    "reconcile",
    "warehouse_hook",
]

#: Hook class by ``tableStore``.
WAREHOUSE_HOOKS: dict[str, type[WarehouseHook]] = {
    cls.store: cls for cls in (SnowflakeWarehouseHook, BigQueryWarehouseHook, DatabricksWarehouseHook)
}


def warehouse_hook(table_store: str, conn_id: str, **kwargs: Any) -> WarehouseHook:
    """The hook for ``table_store`` (``Snowflake``, ``BigQuery`` or ``Databricks``; case-insensitive) on
    Airflow connection ``conn_id``. No I/O. ``kwargs`` go to the hook: ``location=`` (BigQuery),
    ``http_path=`` (Databricks).

    :raises ArizeConfigError: for an unknown table store (``field="tableStore"``).
    """
    by_folded = {name.casefold(): cls for name, cls in WAREHOUSE_HOOKS.items()}
    cls = by_folded.get(table_store.casefold()) if isinstance(table_store, str) else None
    if cls is None:
        raise ArizeConfigError(
            f"tableStore must be one of {', '.join(sorted(WAREHOUSE_HOOKS))}; got {table_store!r}",
            field="tableStore",
        )
    return cls(conn_id, **kwargs)
