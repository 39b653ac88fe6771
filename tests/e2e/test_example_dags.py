"""The example DAGs, run end to end with ``dag.test()`` against the local emulator over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from airflow_provider_arize.dag_testing import load_dag, run_dag

DAGS = Path(__file__).resolve().parents[2] / "example_dags"


def test_table_job_lifecycle_dag(airflow_db: Path, arize_conn_env: str, arize_emulator: Any) -> None:
    report = run_dag(load_dag(DAGS / "example_arize_table_job_lifecycle.py"))
    assert report.succeeded, report.render()
    assert set(report.task_states.values()) == {"success"}

    jobs = arize_emulator.admin.jobs()
    assert len(jobs) == 1, jobs  # created once; the DAG deleted it at the end
    assert jobs[0]["job_status"] == "deleted"
    mutations = arize_emulator.admin.stats()["mutations_committed"]
    for name in (
        "createTableImportJob",
        "pauseTableImportJob",
        "startTableImportJob",
        "deleteTableImportJob",
        "updateTableIngestionParameters",
    ):
        assert mutations.get(name) == 1, (name, mutations)

    # a second run reuses nothing deleted: it creates a fresh job and deletes it again
    assert run_dag(load_dag(DAGS / "example_arize_table_job_lifecycle.py")).succeeded
    assert [j["job_status"] for j in arize_emulator.admin.jobs()] == ["deleted", "deleted"]
