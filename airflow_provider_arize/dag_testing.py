"""Run DAGs locally against the Arize emulator: used by ``make demo``, the end-to-end tests, and users
testing their own DAGs.

Call :func:`configure_local_airflow` *before* Airflow is imported (it sets environment variables Airflow
reads at import), then :func:`migrate_metadata_db` once, then :func:`run_dag` per DAG file.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airflow_provider_arize.compat import dagbag_class, store_parsed_dags
from airflow_provider_arize.local_services.example_tables import BIGQUERY_PROJECT, DATABRICKS_HOST


def configure_local_airflow(home: Path, dags_folder: Path) -> None:
    """Point Airflow at a private home (SQLite metadata DB) and a DAGs folder, without example DAGs."""
    home.mkdir(parents=True, exist_ok=True)
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(dags_folder)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO")


@contextlib.contextmanager
def output_to(path: Path) -> Iterator[None]:
    """Send this process's stdout and stderr (file descriptors, so Airflow's loggers too) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with path.open("w") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def migrate_metadata_db() -> None:
    """Create or upgrade the metadata DB of the configured ``AIRFLOW_HOME`` (a few seconds on SQLite)."""
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run(
        [str(airflow), "db", "migrate"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )


def arize_connection_uri_env(
    conn_id: str, *, url: str, api_key: str, space_id: str, extra: dict[str, Any] | None = None
) -> dict[str, str]:
    """The ``AIRFLOW_CONN_<ID>`` environment entry (JSON form) for an ``arize`` connection."""
    body = {
        "conn_type": "arize",
        "host": url,
        "password": api_key,
        "extra": {"space_id": space_id, **(extra or {})},
    }
    return {f"AIRFLOW_CONN_{conn_id.upper()}": json.dumps(body)}


def warehouse_connections_env(databricks_token: str = "dapi-local-example-token") -> dict[str, str]:
    """``AIRFLOW_CONN_*`` entries for the example DAGs' BigQuery and Databricks connections.

    Only what a table config reads is set (the project; the host, HTTP path and token): nothing here can
    reach Google or Databricks, and the example DAGs never try. The Snowflake connection comes from
    :meth:`airflow_provider_arize.local_services.FakeSnowflakeServer.airflow_connection`.
    """
    return {
        "AIRFLOW_CONN_GOOGLE_CLOUD_DEFAULT": json.dumps(
            {"conn_type": "google_cloud_platform", "extra": {"project": BIGQUERY_PROJECT}}
        ),
        "AIRFLOW_CONN_DATABRICKS_DEFAULT": json.dumps(
            {
                "conn_type": "databricks",
                "host": DATABRICKS_HOST,
                "password": databricks_token,
                "extra": {"http_path": "/sql/1.0/warehouses/demo"},
            }
        ),
    }


@dataclass(frozen=True)
class TaskInstanceOutcome:
    """One task instance of a run: ``map_index`` is -1 for an unmapped task; ``tries`` is its last try
    number (1 when the first try settled it); ``result`` its XCom ``return_value`` (``None`` if none)."""

    task_id: str
    map_index: int
    state: str
    tries: int
    result: Any = None


@dataclass(frozen=True)
class DagRunReport:
    """What happened in one DAG run: its state and each task's state.

    ``task_states``, ``task_tries`` and ``results`` are keyed by task id, so a mapped task shows one of
    its instances there; ``instances`` has every task instance, mapped ones included.
    """

    dag_id: str
    state: str
    task_states: dict[str, str]
    task_tries: dict[str, int] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    instances: tuple[TaskInstanceOutcome, ...] = ()

    @property
    def succeeded(self) -> bool:
        return self.state == "success"

    def render(self) -> str:
        tasks = ", ".join(f"{t}={s}" for t, s in self.task_states.items())
        return f"{self.dag_id}: {self.state} ({tasks})"


def load_dag(dag_file: Path, dag_id: str | None = None) -> Any:
    """Parse ``dag_file`` and return its DAG (the only one, or ``dag_id``)."""
    bag = dagbag_class()(dag_folder=str(dag_file))
    if bag.import_errors:
        raise RuntimeError(f"{dag_file} failed to import: {bag.import_errors}")
    store_parsed_dags(bag, dag_file)
    if dag_id is None:
        if len(bag.dags) != 1:
            raise RuntimeError(f"{dag_file} defines {len(bag.dags)} DAGs; pass dag_id")
        return next(iter(bag.dags.values()))
    return bag.dags[dag_id]


def run_dag(dag: Any, **test_kwargs: Any) -> DagRunReport:
    """Run a DAG once with ``dag.test()`` (deferrable tasks run their triggers inline)."""
    dag_run = dag.test(**test_kwargs)
    tis = dag_run.get_task_instances()
    states = {ti.task_id: str(ti.state) for ti in tis}
    tries = {ti.task_id: int(ti.try_number or 0) for ti in tis}
    values = _results(dag.dag_id, dag_run.run_id)
    instances = tuple(
        TaskInstanceOutcome(
            ti.task_id,
            int(ti.map_index),
            str(ti.state),
            int(ti.try_number or 0),
            values.get((ti.task_id, ti.map_index)),
        )
        for ti in sorted(tis, key=lambda ti: (ti.task_id, ti.map_index))
    )
    results = {task_id: value for (task_id, _), value in values.items()}
    return DagRunReport(dag.dag_id, str(dag_run.state), states, tries, results, instances)


def _results(dag_id: str, run_id: str) -> dict[tuple[str, int], Any]:
    """Each task instance's return value (XCom ``return_value``) of one run, by ``(task_id, map_index)``,
    read from the metadata DB."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.scalars(XComModel.get_many(run_id=run_id, dag_ids=dag_id, key="return_value")).all()
        return {(row.task_id, int(row.map_index)): XComModel.deserialize_value(row) for row in rows}
