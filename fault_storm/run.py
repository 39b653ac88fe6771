"""Run a fault storm against a running emulator and local Snowflake, and take its census.

:func:`run_storm`, in order:

1. writes the plan's rows into the Snowflake table (``CREATE OR REPLACE``; ``rows`` rows per window,
   change timestamps inside the window), through the Snowflake connector;
2. registers that Snowflake with the emulator (its worker really queries it for each triggered window)
   and, unless ``plan.rate_limited``, turns the emulator's own rate limit off;
3. writes the storm's DAG file into ``workdir/dags`` and points Airflow at it as a DAG bundle, with the
   ``arize`` and ``snowflake`` connections of the plan (environment variables, restored afterwards);
4. resets the emulator's stats, turns the plan's faults on, runs the DAG once with
   :func:`~airflow_provider_arize.dag_testing.run_dag`, and turns the faults off, even on error;
5. counts (:func:`~.census.take_census`).

The caller provides a migrated Airflow metadata DB (:func:`~airflow_provider_arize.dag_testing.
migrate_metadata_db`), a running emulator (``EmulatorServer`` or ``EmulatorProcess``) and a running,
trusted ``FakeSnowflakeServer``. No secret is logged or returned: the Snowflake password and the API key
only travel in environment variables and the emulator's registry.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from airflow_provider_arize.dag_testing import DagRunReport, arize_connection_uri_env, load_dag, run_dag
from fault_storm.census import StormCensus, take_census
from fault_storm.dag import write_dag_file
from fault_storm.plan import StormPlan

if TYPE_CHECKING:
    from airflow_provider_arize.emulator.testing import EmulatorAdmin
    from airflow_provider_arize.local_services.snowflake import FakeSnowflakeServer

BUNDLE_NAME = "arize-fault-storm"
_BUNDLE_ENV = "AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"


class Emulator(Protocol):
    """What a storm needs of a running emulator (``EmulatorServer`` and ``EmulatorProcess`` both are)."""

    url: str
    api_key: str
    space_id: str
    admin: EmulatorAdmin


@dataclass(frozen=True)
class StormResult:
    """A storm's plan, the DAG run's report, the counts and the wall time of the DAG run (seconds)."""

    plan: StormPlan
    report: DagRunReport
    census: StormCensus
    wall_seconds: float


def run_storm(
    plan: StormPlan, emulator: Emulator, snowflake: FakeSnowflakeServer, workdir: Path
) -> StormResult:
    """Run ``plan`` (see the module docstring) and return what happened."""
    prepare_services(plan, emulator, snowflake)
    admin = emulator.admin
    dag_file = write_dag_file(plan, workdir / "dags")
    bundle = {
        "name": BUNDLE_NAME,
        "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
        "kwargs": {"path": str(dag_file.parent), "refresh_interval": 0},
    }
    env = {_BUNDLE_ENV: json.dumps([bundle]), **connection_env(plan, emulator, snowflake)}
    with _environ(env):
        dag = load_dag(dag_file, plan.dag_id)
        admin.reset_stats()
        admin.set_faults(plan.fault_config())
        started = time.monotonic()
        try:
            report = run_dag(dag)
        finally:
            admin.clear_faults()
        wall = time.monotonic() - started
    census = take_census(plan, report.instances, admin.jobs(), admin.stats())
    return StormResult(plan, report, census, wall)


def prepare_services(plan: StormPlan, emulator: Emulator, snowflake: FakeSnowflakeServer) -> None:
    """Steps 1 and 2 of :func:`run_storm`: the window rows in Snowflake, that Snowflake registered with
    the emulator, and the emulator's own rate limit off unless ``plan.rate_limited``."""
    write_window_rows(plan, snowflake)
    emulator.admin.set_warehouses(snowflake={snowflake.account: snowflake.emulator_warehouse()}, merge=True)
    if not plan.rate_limited:
        emulator.admin.set_rate_limits(enabled=False)


def connection_env(
    plan: StormPlan,
    emulator: Emulator,
    snowflake: FakeSnowflakeServer,
    arize_extra: dict[str, Any] | None = None,
) -> dict[str, str]:
    """The ``AIRFLOW_CONN_*`` entries of the plan's Arize (the emulator) and Snowflake connections. With
    the emulator's rate limit off, the tasks' pacing is lifted too (a storm of faults, not of 429s)."""
    if not plan.rate_limited:
        arize_extra = {"task_queries_per_minute": 1_000_000, **(arize_extra or {})}
    return {
        **arize_connection_uri_env(
            plan.arize_conn_id,
            url=emulator.url,
            api_key=emulator.api_key,
            space_id=emulator.space_id,
            extra=arize_extra,
        ),
        **snowflake.airflow_connection(plan.snowflake_conn_id, database=plan.database, schema=plan.schema),
    }


def write_window_rows(plan: StormPlan, snowflake: FakeSnowflakeServer) -> int:
    """Replace the plan's Snowflake table with ``window.rows`` rows per window; return the row count."""
    from snowflake import connector  # the parameter is called snowflake

    rows: list[tuple[Any, ...]] = []
    for w in plan.window_list():
        start = w.start.replace(tzinfo=None)
        step = (w.end - w.start) / w.rows
        for i in range(w.rows):
            at = (start + step * i).isoformat(sep=" ")
            score = round((7 * i + w.index) % 10 / 10, 1)
            rows.append((f"w{w.index:05d}-{i}", at, "yes" if score > 0.5 else "no", score, i, at))
    table = f"{plan.database}.{plan.schema}.{plan.table}"
    with connector.connect(**snowflake.connector_kwargs(plan.database, plan.schema)) as conn:
        cursor = conn.cursor()
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS {plan.database}")
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {plan.database}.{plan.schema}")
        cursor.execute(
            f"CREATE OR REPLACE TABLE {table} (PREDICTION_ID VARCHAR, PREDICTION_TS TIMESTAMP_NTZ, "
            "PREDICTION_LABEL VARCHAR, PREDICTION_SCORE FLOAT, FEATURE_INDEX INTEGER, "
            "CHANGE_TS TIMESTAMP_NTZ)"
        )
        if rows:
            cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s)", rows)
    return len(rows)


@contextlib.contextmanager
def _environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block; restore the previous values (or absence) after it."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
