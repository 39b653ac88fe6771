"""Serve an ASGI app over HTTPS on a free ``127.0.0.1`` port, with uvicorn in a daemon thread.

What the local Snowflake (:mod:`.snowflake`) and the TLS tests of the Arize hook share. Contract:

* :meth:`ThreadedTLSServer.start` binds a free port first (so :attr:`~ThreadedTLSServer.port` is known),
  serves ``app`` with the certificate of a :class:`~.tls.LocalTLS` and returns once uvicorn reports it is
  serving; a server that dies or does not start within ``startup_timeout`` raises ``RuntimeError``.
  Nothing is retried.
* :meth:`~ThreadedTLSServer.stop` asks uvicorn to exit at once (``force_exit``: clients pool idle
  keep-alive TLS connections that never answer a graceful close) and joins the thread. Idempotent.
* uvicorn leaves the process's logging configuration alone (``log_config=None``); no access log.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Self

from airflow_provider_arize.local_services.tls import LocalTLS

HOST = "127.0.0.1"


class ThreadedTLSServer:
    """``app`` over HTTPS at :attr:`url` while started (a context manager too)."""

    def __init__(
        self,
        app: Any,
        tls: LocalTLS,
        *,
        name: str,
        log_level: str = "warning",
        startup_timeout: float = 10.0,
    ) -> None:
        self.app = app
        self.tls = tls
        self.name = name
        self.log_level = log_level
        self.startup_timeout = startup_timeout
        self.port = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> Self:
        """Bind, serve and wait until uvicorn is listening."""
        if self._thread is not None:
            return self
        import uvicorn

        sock = bind_free_port()
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level=self.log_level,
            log_config=None,  # leave the process's logging configuration alone
            access_log=False,
            lifespan="off",
            ssl_certfile=str(self.tls.server_cert),
            ssl_keyfile=str(self.tls.server_key),
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=self.name, daemon=True
        )
        self._thread.start()  # uvicorn owns (and closes) the socket from here on
        try:
            self._wait_started()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_started(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while not self._server.started:
            if self._thread is None or not self._thread.is_alive():
                raise RuntimeError(f"{self.name} exited during start-up (see the uvicorn log)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start within {self.startup_timeout} s")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def bind_free_port() -> socket.socket:
    """A listening, non-blocking socket on a free ``127.0.0.1`` port (so the port is known up front)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    sock.listen(128)
    sock.setblocking(False)
    return sock
