"""A real local Airflow (``airflow standalone``) in a private home, driven through its REST API, for demos
and tests of whole DAG runs.

Example and contract (environment, login, binding, stopping): ``docs/local-services.md``,
"``LiveAirflow``"."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Self

import httpx

__all__ = ["LiveAirflow", "LiveAirflowError"]

#: Run states after which a run no longer changes.
FINISHED = frozenset({"success", "failed"})
#: Task instance states after which a try no longer changes (a retry is ``up_for_retry`` first).
TASK_FINISHED = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})


class LiveAirflowError(RuntimeError):
    """Airflow did not start, or a call to its API failed; the message says which and where its log is."""


class LiveAirflow:
    """``airflow standalone`` on a free ``127.0.0.1`` port (``docs/local-services.md``, "``LiveAirflow``").

    ``home`` holds the metadata DB (SQLite) and ``standalone.log``; ``parallelism`` caps running tasks.
    """

    def __init__(
        self,
        home: Path,
        dags_folder: Path,
        env: Mapping[str, str] | None = None,
        *,
        port: int = 0,
        parallelism: int = 4,
        deferrable: bool = True,
        start_timeout: float = 180.0,
    ) -> None:
        self.home, self.dags_folder = home, dags_folder
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = home / "standalone.log"
        self._env = dict(env or {})
        self._parallelism, self._deferrable, self._start_timeout = parallelism, deferrable, start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._triggerers: list[subprocess.Popen[bytes]] = []
        self._http: httpx.Client | None = None

    # -- life cycle -----------------------------------------------------------------------------------
    def environment(self) -> dict[str, str]:
        """The environment every Airflow process starts with."""
        bin_dir = str(Path(sys.executable).parent)
        return {
            **os.environ,
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),  # standalone spawns `airflow`
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": str(self._parallelism),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": self.url,
            "AIRFLOW__API__MAXIMUM_PAGE_LIMIT": "1000",  # runs() and task_instances() ask for up to 1000
            "AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE": str(self._deferrable),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",  # DAG files written after the start
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
            **self._env,
        }

    def start(self) -> Self:
        """Start Airflow and return once its API answers and every component reports healthy."""
        if self._process is not None:
            return self
        self.home.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [str(Path(sys.executable).with_name("airflow")), "standalone"],
            cwd=self.home,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one process group: stop() ends every child too
        )
        log.close()
        self._http = httpx.Client(base_url=self.url, timeout=30.0)
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise LiveAirflowError(
                    f"airflow standalone exited ({self._process.returncode}); see {self.log_path}"
                )
            if self._healthy():
                token = self._http.get("/auth/token").json()["access_token"]
                self._http.headers["Authorization"] = f"Bearer {token}"
                return self
            time.sleep(1.0)
        self.stop()
        raise LiveAirflowError(
            f"Airflow was not healthy within {self._start_timeout:.0f} s; see {self.log_path}"
        )

    def _healthy(self) -> bool:
        assert self._http is not None
        try:
            health = self._http.get("/api/v2/monitor/health").json()
        except (httpx.HTTPError, ValueError):
            return False
        parts = ("metadatabase", "scheduler", "triggerer", "dag_processor")
        return all((health.get(part) or {}).get("status") == "healthy" for part in parts)

    def stop(self) -> None:
        """End every Airflow process, extra triggerers first (SIGTERM to each group, SIGKILL after
        20 s). Idempotent."""
        self.stop_triggerers()
        process, self._process = self._process, None
        if self._http is not None:
            self._http.close()
            self._http = None
        if process is not None:
            _end_group(process)

    # -- more triggerers --------------------------------------------------------------------------------
    def start_triggerers(self, count: int) -> list[int]:
        """Start ``count`` more ``airflow triggerer`` processes (same environment and metadata DB as the
        standalone's own), each in a process group of its own; return their PIDs. They share the
        deferred tasks with the standalone's triggerer; :meth:`stop` ends them too. Their output is
        appended to ``triggerer-<n>.log`` in ``home``."""
        if self._process is None:
            raise LiveAirflowError("Airflow is not running")
        started = []
        for _ in range(count):
            log = (self.home / f"triggerer-{len(self._triggerers) + 1}.log").open("ab")
            process = subprocess.Popen(
                [str(Path(sys.executable).with_name("airflow")), "triggerer"],
                cwd=self.home,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log.close()
            self._triggerers.append(process)
            started.append(process.pid)
        return started

    def stop_triggerers(self) -> None:
        """End the triggerers :meth:`start_triggerers` started (not the standalone's own). Idempotent."""
        processes, self._triggerers = self._triggerers, []
        for process in processes:
            _end_group(process)

    def triggerer_pids(self) -> list[int]:
        """The PID of every triggerer process running: the standalone's own first, then the extra ones in
        the order they were started. (A triggerer runs its triggers in a child process: sum over each
        one's descendants for its CPU and memory.)"""
        import psutil

        if self._process is None:
            return []
        own = []
        try:
            for child in psutil.Process(self._process.pid).children(recursive=True):
                try:
                    parent = child.parent()
                    if _is_triggerer(child) and (parent is None or not _is_triggerer(parent)):
                        own.append(child.pid)
                except psutil.Error:
                    continue
        except psutil.NoSuchProcess:
            return []
        return own + [p.pid for p in self._triggerers if p.poll() is None]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the REST API ---------------------------------------------------------------------------------
    def api(self, method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> Any:
        """Call ``/api/v2{path}``; a non-2xx answer raises :class:`LiveAirflowError` with its detail."""
        if self._http is None:
            raise LiveAirflowError("Airflow is not running")
        response = self._http.request(method, f"/api/v2{path}", json=body, params=params or None)
        if response.status_code >= 400:
            raise LiveAirflowError(f"{method} {path}: HTTP {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    def wait_dag(self, dag_id: str, timeout: float = 90.0) -> dict[str, Any]:
        """Wait until the dag-processor has parsed ``dag_id``; fail naming its import error if it has one."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return dict(self.api("GET", f"/dags/{dag_id}"))
            except LiveAirflowError:
                errors = self.api("GET", "/importErrors").get("import_errors", [])
                if errors:
                    raise LiveAirflowError(f"DAG import errors: {errors}") from None
                if time.monotonic() > deadline:
                    raise
            time.sleep(1.0)

    def unpause(self, dag_id: str) -> None:
        self.wait_dag(dag_id)
        self.api("PATCH", f"/dags/{dag_id}", {"is_paused": False})

    def trigger(
        self,
        dag_id: str,
        *,
        logical_date: datetime | None = None,
        run_id: str | None = None,
        conf: dict[str, Any] | None = None,
    ) -> str:
        """Trigger a run as a person would from the UI (``logical_date=None``: a run without one);
        return its run id."""
        self.wait_dag(dag_id)
        body: dict[str, Any] = {"logical_date": logical_date.isoformat() if logical_date else None}
        if run_id:
            body["dag_run_id"] = run_id
        if conf:
            body["conf"] = conf
        return str(self.api("POST", f"/dags/{dag_id}/dagRuns", body)["dag_run_id"])

    def backfill(self, dag_id: str, start: datetime, end: datetime, *, max_active_runs: int) -> int:
        """Start Airflow's own backfill of ``[start, end]`` with ``max_active_runs`` runs at once; return
        its id."""
        self.wait_dag(dag_id)
        body = {
            "dag_id": dag_id,
            "from_date": start.isoformat(),
            "to_date": end.isoformat(),
            "max_active_runs": max_active_runs,
            "reprocess_behavior": "completed",
        }
        for attempt in range(10):  # on SQLite Airflow refuses it (503) while another process writes
            try:
                return int(self.api("POST", "/backfills", body)["id"])
            except LiveAirflowError as exc:
                if "HTTP 503" not in str(exc) or attempt == 9:
                    raise
                time.sleep(1.0 + attempt)
        raise AssertionError("unreachable")

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        """Every run of ``dag_id``, oldest first."""
        answer = self.api("GET", f"/dags/{dag_id}/dagRuns", limit=1000, order_by="run_after")
        return list(answer["dag_runs"])

    def wait_scheduled_run(self, dag_id: str, timeout: float = 120.0) -> dict[str, Any]:
        """Wait until the scheduler has created a run of ``dag_id`` (not one triggered by hand); return the
        first such run."""
        deadline = time.monotonic() + timeout
        while not (runs := [r for r in self.runs(dag_id) if r.get("run_type") == "scheduled"]):
            if time.monotonic() > deadline:
                raise LiveAirflowError(f"{dag_id} has no scheduled run after {timeout:.0f} s (unpaused?)")
            time.sleep(0.5)
        return runs[0]

    def wait_run(self, dag_id: str, run_id: str, timeout: float = 300.0) -> dict[str, Any]:
        """Wait until a run finishes; return it (``state``, ``data_interval_start``, ...)."""
        deadline = time.monotonic() + timeout
        while True:
            run = dict(self.api("GET", f"/dags/{dag_id}/dagRuns/{run_id}"))
            if run["state"] in FINISHED:
                return run
            if time.monotonic() > deadline:
                raise LiveAirflowError(f"{dag_id} run {run_id} still {run['state']} after {timeout:.0f} s")
            time.sleep(1.0)

    def wait_runs(self, dag_id: str, count: int, timeout: float = 600.0) -> list[dict[str, Any]]:
        """Wait until ``dag_id`` has at least ``count`` runs and all of them have finished; return them."""
        deadline = time.monotonic() + timeout
        while True:
            runs = self.runs(dag_id)
            if len(runs) >= count and all(r["state"] in FINISHED for r in runs):
                return runs
            if time.monotonic() > deadline:
                states = [r["state"] for r in runs]
                raise LiveAirflowError(f"{dag_id}: runs {states} after {timeout:.0f} s (wanted {count})")
            time.sleep(1.0)

    def wait_task(
        self, dag_id: str, run_id: str, task_id: str, timeout: float = 300.0, map_index: int = -1
    ) -> dict[str, Any]:
        """Wait until one task instance of a run has finished (success, failed, skipped, upstream_failed
        or removed), whatever the rest of the run does; return it (``state``, ``try_number``, ...)."""
        deadline = time.monotonic() + timeout
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}"
        while True:
            ti = dict(self.api("GET", path if map_index < 0 else f"{path}/{map_index}"))
            if ti["state"] in TASK_FINISHED:
                return ti
            if time.monotonic() > deadline:
                raise LiveAirflowError(
                    f"{dag_id} run {run_id} task {task_id} still {ti['state']} after {timeout:.0f} s"
                )
            time.sleep(1.0)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        """A run's task instances (``task_id``, ``state``, ``try_number``, ``map_index``, ...)."""
        answer = self.api("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", limit=1000)
        return list(answer["task_instances"])

    def task_log(
        self, dag_id: str, run_id: str, task_id: str, try_number: int = 1, map_index: int = -1
    ) -> str:
        """One try's log as text."""
        return "\n".join(
            _log_line(line) for line in self.task_log_records(dag_id, run_id, task_id, try_number, map_index)
        )

    def task_log_records(
        self, dag_id: str, run_id: str, task_id: str, try_number: int = 1, map_index: int = -1
    ) -> list[Any]:
        """One try's log as Airflow serves it: structured lines (``event``, ``level``, ``logger``, ...)."""
        answer = self.api(
            "GET",
            f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try_number}",
            map_index=map_index,
        )
        content = answer.get("content") if isinstance(answer, dict) else answer
        return list(content) if isinstance(content, list) else [str(content)]


def _log_line(line: Any) -> str:
    """One structured log line as text: its event and its other fields (an error's detail included)."""
    if not isinstance(line, dict):
        return str(line)
    fields = {k: v for k, v in line.items() if k not in {"event", "timestamp", "level", "logger", "loc"}}
    return " ".join([str(line.get("event", "")), *(f"{k}={v}" for k, v in fields.items())]).strip()


def _is_triggerer(process: Any) -> bool:
    """Whether a ``psutil.Process`` runs ``airflow triggerer`` (whatever its process title)."""
    return "triggerer" in " ".join(process.cmdline()).split()


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group of ``process``, SIGKILL after 20 s; wait until it is gone."""
    for sig, grace in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            continue
        _wait_group_gone(process.pid, grace)
        if not _group_alive(process.pid):
            break


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_group_gone(pgid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.2)
