"""A real local Airflow (scheduler, dag-processor, triggerer, API server, LocalExecutor) running the
example DAGs against the emulator and a local Snowflake, shared by the tests of one module."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_arize.dag_testing import arize_connection_uri_env

EXAMPLE_DAGS = Path(__file__).resolve().parents[2] / "example_dags"


@dataclass
class LiveStack:
    airflow: Any
    emulator: Any
    snowflake: Any

    def live_jobs(self) -> list[dict[str, Any]]:
        return [j for j in self.emulator.admin.jobs() if j["job_status"] != "deleted"]

    def timeline(self, dag_id: str, runs: list[dict[str, Any]]) -> str:
        """Every task instance's tries, start and end, for an assertion message."""
        return "\n".join(
            f"{run['dag_run_id']} {ti['task_id']} {ti['state']} try {ti['try_number']} "
            f"{ti['start_date']} -> {ti['end_date']}"
            for run in runs
            for ti in self.airflow.task_instances(dag_id, run["dag_run_id"])
        )

    def failures(self, dag_id: str, runs: list[dict[str, Any]]) -> str:
        """Each failed or retried task's log tails, one per try Airflow kept, for an assertion message."""
        from airflow_provider_arize.local_services.airflow import LiveAirflowError

        out = []
        for run in runs:
            for ti in self.airflow.task_instances(dag_id, run["dag_run_id"]):
                if ti["state"] == "success" and ti["try_number"] <= 1:
                    continue
                for attempt in range(1, ti["try_number"] + 1):
                    try:
                        log = self.airflow.task_log(dag_id, run["dag_run_id"], ti["task_id"], attempt)
                    except LiveAirflowError as exc:  # a try number Airflow skipped (no such try)
                        log = str(exc)
                    out.append(
                        f"{run['dag_run_id']} {ti['task_id']} {ti['state']} try {attempt}:\n{log[-2500:]}"
                    )
        return "\n\n".join(out)


@pytest.fixture(scope="module")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    from airflow_provider_arize.emulator.testing import EmulatorServer
    from airflow_provider_arize.local_services import FakeSnowflakeServer
    from airflow_provider_arize.local_services.airflow import LiveAirflow

    home = tmp_path_factory.mktemp("live-airflow")
    now = datetime.now(UTC)
    if now.minute >= 56:  # the tests reason about "the last complete hour": never let it change mid-module
        time.sleep(3600 - now.minute * 60 - now.second + 5)
    with contextlib.ExitStack() as stack:
        snowflake = stack.enter_context(FakeSnowflakeServer())
        stack.enter_context(snowflake.trusted())  # Airflow's processes inherit the trust
        emulator = stack.enter_context(
            EmulatorServer(
                warehouses={"snowflake": {snowflake.account: snowflake.emulator_warehouse()}},
                worker_interval_seconds=0.2,
            )
        )
        env = {
            **arize_connection_uri_env(
                "arize_default",
                url=emulator.url,
                api_key=emulator.api_key,
                space_id=emulator.space_id,
                extra={"timeout": 300},  # a request may be held at a rendezvous
            ),
            **snowflake.airflow_connection("snowflake_default", database="ANALYTICS", schema="ML"),
        }
        airflow = stack.enter_context(LiveAirflow(home, EXAMPLE_DAGS, env))
        yield LiveStack(airflow, emulator, snowflake)
