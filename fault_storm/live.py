"""Run a fault storm as several overlapping DAG runs on a real local Airflow, and take its census.

:func:`run_concurrent_storm`, in order:

1. prepares the services as :func:`~.run.run_storm` does (the window rows in Snowflake, that Snowflake
   registered with the emulator, the emulator's own rate limit off) and writes the storm's DAG file into
   ``workdir/dags``;
2. starts ``airflow standalone`` (:class:`~airflow_provider_arize.local_services.airflow.LiveAirflow`:
   scheduler, triggerer, LocalExecutor) in ``workdir/airflow`` with the plan's connections;
3. resets the emulator's stats, turns the plan's faults on, triggers ``runs`` runs of the (still paused)
   DAG without a logical date, then unpauses it: the scheduler starts them all in one loop. The storm's
   jobs and windows come from the plan, not the data interval, so every run creates the same job
   identities and triggers the same windows. Without a logical date the scheduler queues equal task
   instances of all runs next to each other (it orders by priority, logical date, map index), so the
   runs' creates of one identity start close together. Closeness is not a race (a lookup and a create
   take milliseconds, a task's start seconds), so with ``hold_lookups`` (the default) the emulator
   holds job lookups (``ListTableImportJobs``) in groups of ``runs`` until all of the group have asked
   (``admin.set_rendezvous``, re-armed as soon as a group is released; one waits at most
   ``hold_seconds``): the racers of a group all see "no job yet" and create;
4. waits for every run to finish, stops holding lookups, turns the faults off (even on error), stops
   Airflow;
5. counts over every run's task instances (their XCom return values read through the REST API) with
   :func:`~.census.take_census`. Which duplicate a lost create answer explains is told by the task logs:
   a task that got its create's answer logs ``created table import job <id> (jobId <n>)``.

The caller keeps the emulator and a ``FakeSnowflakeServer`` running and has entered
``snowflake.trusted()`` before this starts Airflow (its processes inherit the trust).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow_provider_arize.dag_testing import TaskInstanceOutcome
from fault_storm.census import StormCensus, take_census
from fault_storm.dag import write_dag_file
from fault_storm.run import Emulator, connection_env, prepare_services

if TYPE_CHECKING:
    from airflow_provider_arize.emulator.testing import EmulatorAdmin
    from airflow_provider_arize.local_services.airflow import LiveAirflow
    from airflow_provider_arize.local_services.snowflake import FakeSnowflakeServer
    from fault_storm.plan import StormPlan

#: The lookup held so that racers create together.
LOOKUP_OPERATION = "ListTableImportJobs"
#: What a task logs when it got its create's answer (not "another task created ..." of a lost race).
CREATED_LOG = re.compile(r"(?<!task )created (?:table|file) import job (\S+) \(jobId (\d+)\)")
#: What a create logs when it finds several live jobs with its identity (the documented report).
DUPLICATE_LOG = re.compile(r"live (?:table|file) import jobs have this identity")


@dataclass(frozen=True)
class ConcurrentStormResult:
    """The plan, the run ids with their final states, the counts, the wall time from the trigger to the
    last run's end and Airflow's start-up (seconds), how many groups of lookups were held to race, and
    how many task log lines report several live jobs with one identity."""

    plan: StormPlan
    run_states: dict[str, str]
    census: StormCensus
    wall_seconds: float
    startup_seconds: float
    held_groups: int
    duplicate_reports: int

    @property
    def succeeded(self) -> bool:
        return all(state == "success" for state in self.run_states.values())


def run_concurrent_storm(
    plan: StormPlan,
    runs: int,
    emulator: Emulator,
    snowflake: FakeSnowflakeServer,
    workdir: Path,
    *,
    parallelism: int = 6,
    hold_lookups: bool = True,
    hold_seconds: float = 3.0,
    timeout: float = 900.0,
) -> ConcurrentStormResult:
    """Run ``plan`` as ``runs`` overlapping runs (see the module docstring) and return what happened.

    ``parallelism``: task instances Airflow runs at once (each is a process: keep it near the cores).
    """
    from airflow_provider_arize.local_services.airflow import LiveAirflow

    if runs < 1:
        raise ValueError("runs must be >= 1")
    prepare_services(plan, emulator, snowflake)
    dags = write_dag_file(plan, workdir / "dags").parent
    env = connection_env(plan, emulator, snowflake)
    admin = emulator.admin
    started = time.monotonic()
    with LiveAirflow(workdir / "airflow", dags, env, parallelism=parallelism) as airflow:
        airflow.wait_dag(plan.dag_id)
        startup = time.monotonic() - started
        admin.reset_stats()
        admin.set_faults(plan.fault_config())
        held = [0]
        try:
            stamp = time.strftime("%Y%m%dT%H%M%S")
            run_ids = [airflow.trigger(plan.dag_id, run_id=f"storm_{stamp}_{i}") for i in range(runs)]
            with _held_lookups(admin, runs if hold_lookups and runs > 1 else 0, hold_seconds, held):
                triggered = time.monotonic()
                airflow.unpause(plan.dag_id)
                finished = airflow.wait_runs(plan.dag_id, runs, timeout=timeout)
                wall = time.monotonic() - triggered
        finally:
            admin.clear_faults()
        states = {str(r["dag_run_id"]): str(r["state"]) for r in finished if r["dag_run_id"] in run_ids}
        instances = [ti for run_id in run_ids for ti in task_outcomes(airflow, plan.dag_id, run_id)]
    lines = list(_log_lines(workdir / "airflow" / "logs", plan.dag_id))
    census = take_census(
        plan, instances, admin.jobs(), admin.stats(), runs=runs, answered=answered_creates(lines)
    )
    reports = sum(1 for line in lines if DUPLICATE_LOG.search(line))
    return ConcurrentStormResult(plan, states, census, wall, startup, held[0], reports)


@contextlib.contextmanager
def _held_lookups(admin: EmulatorAdmin, parties: int, timeout: float, groups: list[int]) -> Iterator[None]:
    """Hold :data:`LOOKUP_OPERATION` requests in groups of ``parties`` while the block runs (nothing if
    ``parties < 2``); ``groups[0]`` counts the groups released."""
    if parties < 2:
        yield
        return
    stop = threading.Event()

    def rearm() -> None:
        while not stop.wait(0.05):
            if admin.rendezvous()["arrived"] >= parties:  # released: hold the next group
                admin.set_rendezvous(LOOKUP_OPERATION, parties, timeout)
                groups[0] += 1

    admin.set_rendezvous(LOOKUP_OPERATION, parties, timeout)
    thread = threading.Thread(target=rearm, name="storm-rendezvous", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        admin.set_rendezvous(None)


def task_outcomes(airflow: LiveAirflow, dag_id: str, run_id: str) -> list[TaskInstanceOutcome]:
    """One run's task instances, each with its XCom ``return_value`` when it succeeded."""
    out = []
    for ti in airflow.task_instances(dag_id, run_id):
        task_id, map_index, state = str(ti["task_id"]), int(ti["map_index"]), str(ti["state"])
        result = _return_value(airflow, dag_id, run_id, task_id, map_index) if state == "success" else None
        out.append(TaskInstanceOutcome(task_id, map_index, state, int(ti["try_number"]), result))
    return out


def answered_creates(lines: Iterable[str]) -> set[str]:
    """Ids of the jobs whose create answer a task received, from its log lines (:data:`CREATED_LOG`)."""
    return {match.group(1) for line in lines for match in CREATED_LOG.finditer(line)}


def _return_value(airflow: LiveAirflow, dag_id: str, run_id: str, task_id: str, map_index: int) -> Any:
    path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/return_value"
    value = airflow.api("GET", path, map_index=map_index).get("value")
    if isinstance(value, str):  # the stored JSON, as the native format returns it
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _log_lines(logs: Path, dag_id: str) -> Iterable[str]:
    """Every line of every task log of ``dag_id`` under Airflow's log folder."""
    for path in sorted(logs.glob(f"dag_id={dag_id}/**/*.log")):
        yield from path.read_text(errors="replace").splitlines()
