"""The warehouse side of table import jobs: table configs, preflight checks, row counts, reconciliation.

Example::

    from airflow_provider_arize.hooks.warehouses import reconcile, warehouse_hook

    wh = warehouse_hook("Snowflake", "snowflake_default")        # no I/O here
    config = wh.table_config(table="PREDICTIONS")                # reads the connection only
    report = wh.preflight(config, schema)                        # one metadata query
    n = wh.count_rows(config, "CHANGED_AT", window)              # metadata + COUNT(*)
    reconcile(window, expected=n, processed=arize_count, on_mismatch="fail")

Operational contract (details in :mod:`.base`):

* :func:`warehouse_hook` and the hook constructors do no I/O and import no provider: the Airflow
  connection is looked up on first use, the official provider hook (``SnowflakeHook``, ``BigQueryHook``,
  ``DatabricksSqlHook``) is imported inside the method that uses it. Safe at DAG-parse time.
* ``table_config`` reads the connection, never the warehouse. ``columns``, ``preflight`` and
  ``count_rows`` only read (metadata and ``COUNT(*)``): idempotent, safe to retry. Nothing is retried
  here beyond what the official hooks do; errors propagate to the task.
* :class:`ArizePreflightError` (a config error; the table or schema must change, not retried) lists
  every problem with table, column, role and reason. :class:`ArizeReconcileError` reports both counts and
  the window.
* Values are bound as query parameters; identifiers are quoted per warehouse. Connection passwords and
  tokens are masked and never appear in messages.

Accepted column types per role are tabled in :mod:`.types`.

Layout, one module per job: column types and role rules (:mod:`.types`), preflight checks
(:mod:`.preflight`), window bounds (:mod:`.bounds`), reconciliation (:mod:`.reconcile`), errors
(:mod:`.errors`), the shared hook contract (:mod:`.base`) and one hook per warehouse (:mod:`.snowflake`,
:mod:`.bigquery`, :mod:`.databricks`). No module here imports a warehouse provider, driver or client
library at import time.
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
