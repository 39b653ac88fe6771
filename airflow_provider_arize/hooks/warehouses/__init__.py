"""Warehouse-side helpers for table import jobs, one module per job: column types and role rules
(:mod:`.types`), preflight checks (:mod:`.preflight`), window bounds (:mod:`.bounds`), reconciliation
(:mod:`.reconcile`), errors (:mod:`.errors`), the shared hook contract (:mod:`.base`) and one hook per
warehouse (:mod:`.snowflake`, :mod:`.bigquery`, :mod:`.databricks`).

The public entry point is :mod:`airflow_provider_arize.hooks.warehouse`. No module here imports a
warehouse provider, driver or client library at import time.
"""
