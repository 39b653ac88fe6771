"""A fake Snowflake (fakesnow) served over TLS on ``127.0.0.1``, for the stock ``SnowflakeHook`` (which
cannot talk plain HTTP to fakesnow) and the Arize emulator.

Example and contract (start-up time, shared data, process-wide trust, logging):
``docs/local-services.md``, "``FakeSnowflakeServer``"."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

from airflow_provider_arize.local_services.asgi_thread import HOST, LocalService, ThreadedASGIServer
from airflow_provider_arize.local_services.tls import LocalTLS, make_local_tls, trusting

__all__ = ["FakeSnowflakeServer"]


class FakeSnowflakeServer(LocalService):
    """fakesnow over HTTPS on a free ``127.0.0.1`` port, in a background thread of this process.

    Attributes (valid after :meth:`start`): ``host``, ``port``, ``ca_bundle`` (the local CA's PEM, the
    only certificate a client needs to trust), ``trust_bundle`` (previously trusted CAs plus the local
    CA), ``account``, ``user``, ``password``.
    """

    account = "fake-org-fake"
    user = "fake_user"
    password = "fake-password"  # a fixed fake: fakesnow accepts any credentials
    host = HOST

    def __init__(
        self, *, startup_timeout: float = 10.0, log_level: str = "warning", password: str | None = None
    ) -> None:
        if password is not None:
            self.password = password  # e.g. a recognisable one, to prove it reaches no log
        self.startup_timeout = startup_timeout
        self.log_level = log_level
        self.port = 0
        self._dir: Path | None = None
        self._tls: LocalTLS | None = None
        self._serving: ThreadedASGIServer | None = None
        self._fakesnow_log_level: int | None = None

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> Self:
        """Generate the certificate, start serving and wait until uvicorn is listening."""
        if self._serving is not None:
            return self
        import importlib

        # import_module: ``fakesnow.server`` is also the name of a function in fakesnow's __init__
        fakesnow_app = importlib.import_module("fakesnow.server").app

        self._dir = Path(tempfile.mkdtemp(prefix="fake-snowflake-tls-"))
        try:
            self._tls = make_local_tls(self._dir, common_name="fakesnow")
            fs_logger = logging.getLogger("fakesnow.server")
            self._fakesnow_log_level = fs_logger.level
            fs_logger.setLevel(logging.WARNING)
            serving = ThreadedASGIServer(
                fakesnow_app,
                tls=self._tls,
                name="fake Snowflake server",
                log_level=self.log_level,
                startup_timeout=self.startup_timeout,
            )
            self._serving = serving.start()
            self.port = serving.port
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop serving, join the thread and delete the certificate directory. Idempotent."""
        if self._serving is not None:
            self._serving.stop()
            self._serving = None
        if self._fakesnow_log_level is not None:
            logging.getLogger("fakesnow.server").setLevel(self._fakesnow_log_level)
            self._fakesnow_log_level = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = self._tls = None

    # -- trust -----------------------------------------------------------------------------------------
    @property
    def ca_bundle(self) -> str:
        """Path of the local CA certificate (PEM). Trusting it trusts this server only."""
        return str(self._require_tls().ca_cert)

    @property
    def trust_bundle(self) -> str:
        """Path of a PEM bundle: what ``requests`` trusted at start-up plus the local CA."""
        return str(self._require_tls().trust_bundle)

    @contextlib.contextmanager
    def trusted(self) -> Iterator[Self]:
        """Trust this server in the process while the block is open (sets ``REQUESTS_CA_BUNDLE``).

        Process-wide: every ``requests``-based client in every thread sees the bundle while the block is
        open. The bundle keeps all previously trusted CAs, so other HTTPS clients keep working.
        """
        with trusting(Path(self.trust_bundle)):
            yield self

    def _require_tls(self) -> LocalTLS:
        if self._tls is None:
            raise RuntimeError("the fake Snowflake server is not running; use it as a context manager")
        return self._tls

    # -- connection helpers ----------------------------------------------------------------------------
    def connection_extra(self, database: str | None = None) -> dict[str, Any]:
        """The ``snowflake`` connection extra that points the stock ``SnowflakeHook`` here."""
        extra: dict[str, Any] = {
            "account": self.account,
            "host": self.host,
            "port": self.port,
            "insecure_mode": True,  # skips OCSP, which a local CA cannot answer
            "session_parameters": {"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False},
        }
        if database:
            extra["database"] = database
        return extra

    def airflow_connection(
        self, conn_id: str, database: str | None = None, schema: str | None = None
    ) -> dict[str, str]:
        """The ``AIRFLOW_CONN_<ID>`` environment entry (JSON form) of a ``snowflake`` connection here.

        ``schema`` goes in the connection's schema field (where ``SnowflakeHook`` reads it) and in the
        extra; ``database`` in the extra. The hook still needs :meth:`trusted` (or an equivalent trust
        set-up) to connect.
        """
        self._require_tls()
        extra = self.connection_extra(database)
        if schema:
            extra["schema"] = schema
        body: dict[str, Any] = {
            "conn_type": "snowflake",
            "login": self.user,
            "password": self.password,
            "extra": extra,
        }
        if schema:
            body["schema"] = schema
        return {f"AIRFLOW_CONN_{conn_id.upper()}": json.dumps(body)}

    def emulator_warehouse(self) -> dict[str, Any]:
        """The warehouse entry for the Arize emulator's registry: how to reach this server."""
        return {
            "host": self.host,
            "port": self.port,
            "protocol": "https",
            "account": self.account,
            "user": self.user,
            "password": self.password,
            "insecure_mode": True,
            "ca_bundle": self.ca_bundle,
        }

    def connector_kwargs(self, database: str | None = None, schema: str | None = None) -> dict[str, Any]:
        """Keyword arguments for ``snowflake.connector.connect`` (needs :meth:`trusted` too)."""
        kwargs: dict[str, Any] = {
            "account": self.account,
            "user": self.user,
            "password": self.password,
            "host": self.host,
            "port": self.port,
            "protocol": "https",
            "insecure_mode": True,
            "session_parameters": {"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False},
        }
        if database:
            kwargs["database"] = database
        if schema:
            kwargs["schema"] = schema
        return kwargs

    def __repr__(self) -> str:
        state = f"https://{self.host}:{self.port}" if self._serving is not None else "stopped"
        return f"FakeSnowflakeServer({state})"
