"""Serve an ASGI app on ``127.0.0.1`` with uvicorn in a daemon thread, over HTTP or (given a
:class:`~.tls.LocalTLS`) HTTPS: the helper behind the in-process emulator, the local Snowflake and the
tests' own servers.

Start, stop and logging contract: ``docs/local-services.md``, "Serving an ASGI app in a thread"."""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import uvicorn

    from airflow_provider_arize.local_services.tls import LocalTLS

HOST = "127.0.0.1"
#: ``log_config`` value for uvicorn's own logging configuration (handlers on its loggers).
UVICORN_LOGGING = "uvicorn"


def uvicorn_server(
    app: Any,
    *,
    log_level: str = "warning",
    access_log: bool = False,
    log_config: dict[str, Any] | str | None = None,
    tls: LocalTLS | None = None,
    http: str = "auto",
    graceful_shutdown: int | None = 2,
) -> uvicorn.Server:
    """A uvicorn server for ``app``, not yet running; run it with ``server.run(sockets=[sock])``.

    uvicorn's access log shows method, path and status only, never headers, so no key is logged.
    """
    import uvicorn

    options: dict[str, Any] = {}
    if log_config != UVICORN_LOGGING:
        options["log_config"] = log_config
    if tls is not None:
        options.update(ssl_certfile=str(tls.server_cert), ssl_keyfile=str(tls.server_key))
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        lifespan="off",
        http=http,
        timeout_graceful_shutdown=graceful_shutdown,
        **options,
    )
    return uvicorn.Server(config)


class LocalService:
    """A local server used as a context manager: ``with Server() as s`` starts it and stops it."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ThreadedASGIServer(LocalService):
    """``app`` at :attr:`url` while started (a context manager too). Keyword arguments beyond the contract
    above go to :func:`uvicorn_server`."""

    def __init__(
        self,
        app: Any,
        *,
        name: str,
        port: int = 0,
        tls: LocalTLS | None = None,
        force_exit: bool = True,
        startup_timeout: float = 10.0,
        **server_options: Any,
    ) -> None:
        self.app = app
        self.name = name
        self.port = port
        self.tls = tls
        self.force_exit = force_exit
        self.startup_timeout = startup_timeout
        self.server_options = server_options
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls is not None else 'http'}://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None

    def alive(self) -> bool:
        """Whether the serving thread is still running."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Self:
        """Bind, serve and wait until uvicorn is listening."""
        if self._thread is not None:
            return self
        self._server = uvicorn_server(self.app, tls=self.tls, **self.server_options)
        sock = bind_socket(HOST, self.port)
        self.port = sock.getsockname()[1]
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
            if not self.alive():
                raise RuntimeError(f"{self.name} exited during start-up (see the uvicorn log)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start within {self.startup_timeout} s")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = self.force_exit
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None


def bind_socket(host: str = HOST, port: int = 0) -> socket.socket:
    """A listening, non-blocking socket on ``host:port`` (``port=0`` picks a free one, so the port is known
    up front), with ``SO_REUSEADDR``."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock
