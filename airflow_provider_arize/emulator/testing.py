"""Public testing API: run the Arize emulator from tests (your own DAG tests included):
:class:`EmulatorServer` in this process, :class:`EmulatorProcess` as a subprocess, and
:class:`EmulatorAdmin`, a client of the admin API.

Options and examples: ``docs/emulator.md``, "From Python: ``EmulatorServer`` and ``EmulatorProcess``"."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from airflow_provider_arize.local_services.asgi_thread import UVICORN_LOGGING, ThreadedASGIServer

from .admin import ADMIN_TOKEN_HEADER
from .app import create_app
from .clock import Clock
from .config import API_KEY_ENV, DEFAULT_API_KEY, S3_ENV, WAREHOUSES_ENV, EmulatorConfig, create_state
from .faults import FaultConfig
from .file_workers import FileWorker
from .ids import to_global_id
from .profiles import get_profile
from .ratelimit import RateLimitConfig
from .workers import TableWorker

__all__ = ["EmulatorAdmin", "EmulatorProcess", "EmulatorServer"]


class EmulatorAdmin:
    """Client of the admin API at ``url`` (the emulator's base URL)."""

    def __init__(self, url: str, admin_token: str | None = None, timeout: float = 10.0) -> None:
        headers = {ADMIN_TOKEN_HEADER: admin_token} if admin_token else {}
        # plain HTTP only: verify=False skips building an SSL context (about 0.2 s per client)
        self._http = httpx.Client(base_url=f"{url}/_emulator", headers=headers, timeout=timeout, verify=False)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._http.request(method, path, json=body)
        if response.status_code >= 400:
            raise RuntimeError(f"admin {method} {path} failed ({response.status_code}): {response.text}")
        return response.json()

    def health(self) -> dict[str, Any]:
        return dict(self._call("GET", "/health"))

    def create_space(self, name: str) -> str:
        """Create a space; return its global id."""
        return str(self._call("POST", "/spaces", {"name": name})["id"])

    def spaces(self) -> list[dict[str, Any]]:
        """Every space: ``[{"id", "name", "ingestion_key"}]``, oldest first."""
        return list(self._call("GET", "/spaces"))

    def ingestion_key(self, space_id: str) -> str:
        """The ingestion key of a space (its global id): the ``arize-ingestion-key`` bucket tag value."""
        for space in self.spaces():
            if space["id"] == space_id:
                return str(space["ingestion_key"])
        raise KeyError(f"no space {space_id}")

    def set_s3(self, settings: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Set how file jobs reach S3 (``endpoint_url``, ``region``, ``access_key_id``,
        ``secret_access_key``, as a dict and/or keywords); return it with the secret redacted."""
        return dict(self._call("PUT", "/s3", {**(settings or {}), **fields}))

    def s3(self) -> dict[str, Any] | None:
        """The S3 settings (secret redacted), or ``None``."""
        result = self._call("GET", "/s3")
        return dict(result) if result is not None else None

    def clear_s3(self) -> None:
        """Forget the S3 settings: file jobs stop ingesting."""
        self._call("DELETE", "/s3")

    def create_key(self, key: str, space_ids: list[str], can_mutate: bool = True) -> dict[str, Any]:
        """Create (or update) an API key bound to ``space_ids``; ``can_mutate=False`` is read-only."""
        return dict(
            self._call("POST", "/keys", {"key": key, "space_ids": space_ids, "can_mutate": can_mutate})
        )

    def set_faults(self, config: dict[str, Any] | None = None, **settings: Any) -> dict[str, Any]:
        """Replace the fault config, given as a dict and/or keywords: ``rate``, ``seed``, ``kinds``,
        ``script``, ``operations`` (or ``operation_name``), ``latency_ms``, ``retry_after_seconds``,
        ``timeout_seconds`` (``docs/emulator.md``, "Faults")."""
        return dict(self._call("PUT", "/faults", {**(config or {}), **settings}))

    def clear_faults(self) -> dict[str, Any]:
        return dict(self._call("DELETE", "/faults"))

    def set_rate_limits(
        self,
        queries_per_minute: int | None = None,
        mutations_per_minute: int | None = None,
        enabled: bool | None = None,
    ) -> dict[str, Any]:
        """Change the per-key limits (omitted values keep theirs); recorded calls are forgotten."""
        body = {
            k: v
            for k, v in {
                "queries_per_minute": queries_per_minute,
                "mutations_per_minute": mutations_per_minute,
                "enabled": enabled,
            }.items()
            if v is not None
        }
        return dict(self._call("PUT", "/rate-limits", body))

    def set_options(self, **options: bool) -> dict[str, Any]:
        """Set ``strict_state_changes``, ``accept_legacy_model_types`` and/or ``hold_queries``."""
        return dict(self._call("PUT", "/options", options))

    def stats(self) -> dict[str, Any]:
        return dict(self._call("GET", "/stats"))

    def set_rendezvous(
        self, operation: str | None, parties: int = 2, timeout: float = 10.0
    ) -> dict[str, Any]:
        """Hold the first ``parties`` requests of ``operation`` until all have arrived
        (``docs/emulator.md``, "Racers: the rendezvous"); ``None`` clears it."""
        if operation is None:
            return dict(self._call("DELETE", "/rendezvous"))
        return dict(
            self._call("PUT", "/rendezvous", {"operation": operation, "parties": parties, "timeout": timeout})
        )

    def rendezvous(self) -> dict[str, Any]:
        """The meeting point: ``operation``, ``parties``, ``timeout``, how many have ``arrived`` and how many
        ``gave_up`` waiting."""
        return dict(self._call("GET", "/rendezvous"))

    def reset_stats(self) -> dict[str, Any]:
        return dict(self._call("POST", "/stats/reset"))

    def jobs(self) -> list[dict[str, Any]]:
        """Every job of every space (with queries and files), oldest first."""
        return list(self._call("GET", "/jobs")["jobs"])

    def set_warehouses(
        self, warehouses: dict[str, Any] | None = None, *, merge: bool = False, **sections: Any
    ) -> dict[str, Any]:
        """Replace (or with ``merge=True`` add to) the warehouse registry; return it, passwords redacted.

        Give the document (``{"snowflake": {account: params}, "bigquery": {...}, "databricks": {...}}``)
        and/or its sections as keywords (``snowflake={...}``). With ``merge``, a ``None`` entry removes one.
        """
        path = "/warehouses?merge=true" if merge else "/warehouses"
        return dict(self._call("PUT", path, {**(warehouses or {}), **sections}))

    def warehouses(self) -> dict[str, Any]:
        """The warehouse registry, passwords redacted."""
        return dict(self._call("GET", "/warehouses"))

    def close(self) -> None:
        self._http.close()


class _Endpoint:
    url: str
    graphql_url: str
    api_key: str
    space_id: str
    admin: EmulatorAdmin

    def _set_url(self, url: str, admin_token: str | None) -> None:
        self.url = url
        self.graphql_url = f"{url}/graphql"
        self.admin = EmulatorAdmin(url, admin_token)


class EmulatorServer(_Endpoint):
    """The emulator on a free 127.0.0.1 port, served by uvicorn in a background thread.

    ``db_path=None`` keeps state in memory. ``options`` are :class:`~.config.EmulatorConfig` fields
    (``profile``: a name such as ``"pages,no-introspection"`` or a :class:`~.profiles.Profile`;
    ``space_name``, ``admin_token``, ``strict_state_changes``, ``accept_legacy_model_types``,
    ``hold_queries``, ``rate_limits``, ``faults``, ``warehouses``, ``run_workers``,
    ``worker_interval_seconds``, ``s3``, ``file_poll_interval_seconds``, ``max_file_bytes``) plus
    ``clock`` (e.g. a ``TestClock``). Usable as a context manager; :meth:`start` returns once
    ``/_emulator/health`` answers and the table worker (``self.workers``) and file worker
    (``self.file_workers``) have started, unless ``run_workers=False``. ``profile`` is the profile served.
    """

    def __init__(
        self,
        db_path: str | os.PathLike[str] | None = None,
        api_key: str = DEFAULT_API_KEY,
        *,
        clock: Clock | None = None,
        **options: Any,
    ) -> None:
        if isinstance(options.get("rate_limits"), dict):
            options["rate_limits"] = RateLimitConfig(**options["rate_limits"])
        if isinstance(options.get("faults"), dict):
            options["faults"] = FaultConfig.from_json(options["faults"])
        self.config = EmulatorConfig(db_path=str(db_path) if db_path else None, api_key=api_key, **options)
        self.profile = get_profile(self.config.profile)
        self.api_key = api_key
        self._clock = clock
        self._serving: ThreadedASGIServer | None = None
        self.workers: TableWorker | None = None
        self.file_workers: FileWorker | None = None

    def start(self) -> Self:
        self.state = create_state(self.config, self._clock)
        assert self.state.default_space_id is not None
        self.space_id = to_global_id("Space", self.state.default_space_id)
        self._serving = ThreadedASGIServer(
            create_app(self.state), name="arize-emulator", force_exit=False, log_config=UVICORN_LOGGING
        ).start()
        self._set_url(self._serving.url, self.config.admin_token)
        _wait_healthy(self.url, self._serving.alive)
        if self.config.run_workers:
            self.workers = TableWorker(self.state, self.config.worker_interval_seconds)
            self.workers.start()
            self.file_workers = FileWorker(self.state, self.config.file_poll_interval_seconds)
            self.file_workers.start()
        return self

    def stop(self) -> None:
        """Stop the workers, stop serving and close the store."""
        if self._serving is None:
            return
        if self.workers is not None:
            self.workers.stop()
            self.workers = None
        if self.file_workers is not None:
            self.file_workers.stop()
            self.file_workers = None
        self._serving.stop()
        self._serving = None
        self.admin.close()
        self.state.store.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class EmulatorProcess(_Endpoint):
    """The emulator as a subprocess (``python -m airflow_provider_arize.emulator``) on a fixed port.

    The key is passed through ``$ARIZE_EMULATOR_API_KEY``, ``warehouses`` (the registry document)
    through ``$ARIZE_EMULATOR_WAREHOUSES`` and ``s3`` (the S3 settings) through ``$ARIZE_EMULATOR_S3``,
    never on the command line. ``extra_args`` are more CLI flags
    (e.g. ``["--worker-interval", "0.05"]``); ``profile`` becomes ``--profile``. :meth:`kill` sends
    SIGKILL; :meth:`restart` starts again on the same port and database file. ``info`` is the startup
    JSON line (``url``, ``space_id``, ``profile``...).
    """

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        port: int | None = None,
        api_key: str = DEFAULT_API_KEY,
        *,
        extra_args: list[str] | None = None,
        admin_token: str | None = None,
        startup_timeout: float = 20.0,
        warehouses: dict[str, Any] | None = None,
        s3: dict[str, Any] | None = None,
        profile: str | None = None,
    ) -> None:
        self.db_path = str(db_path)
        self.profile = profile
        self.info: dict[str, Any] = {}
        self.port = port or _free_port()
        self.api_key = api_key
        self.extra_args = list(extra_args or [])
        self.admin_token = admin_token
        self.startup_timeout = startup_timeout
        self.warehouses = warehouses
        self.s3 = s3
        self.process: subprocess.Popen[str] | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="arize-emulator-", suffix=".log")[1])

    def start(self) -> Self:
        args = [sys.executable, "-m", "airflow_provider_arize.emulator", "--host", "127.0.0.1"]
        args += ["--port", str(self.port), "--db", self.db_path, *self.extra_args]
        if self.admin_token:
            args += ["--admin-token", self.admin_token]
        if self.profile:
            args += ["--profile", self.profile]
        env = {**os.environ, API_KEY_ENV: self.api_key}
        if self.warehouses is not None:
            env[WAREHOUSES_ENV] = json.dumps(self.warehouses)
        if self.s3 is not None:
            env[S3_ENV] = json.dumps(self.s3)
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=5)
            raise RuntimeError(f"emulator exited before starting: {self.log_path.read_text()[-2000:]}")
        info = self.info = json.loads(line)
        self.space_id = info["space_id"]
        self._set_url(info["url"], self.admin_token)
        _wait_healthy(self.url, lambda: self.process is not None and self.process.poll() is None,
                      self.startup_timeout)  # fmt: skip
        return self

    def kill(self) -> None:
        """SIGKILL the process (no shutdown, no flush beyond what was committed)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the process gracefully (SIGTERM, then SIGKILL after 10 s)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process and self.process.stdout:
            self.process.stdout.close()
        if hasattr(self, "admin"):
            self.admin.close()

    def restart(self) -> Self:
        """Stop (if running) and start again on the same port and database."""
        self.stop()
        return self.start()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, alive: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(verify=False, timeout=1.0) as client:
        while time.monotonic() < deadline:
            if not alive():
                raise RuntimeError("the emulator stopped while starting")
            try:
                if client.get(f"{url}/_emulator/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
    raise TimeoutError(f"the emulator at {url} did not become healthy within {timeout} s")
