"""Running the app under uvicorn on a pre-bound socket (so the real port is known before serving)."""

from __future__ import annotations

import socket

import uvicorn

from airflow_provider_arize.local_services.asgi_thread import UVICORN_LOGGING, uvicorn_server

from .app import EmulatorApp


def make_server(app: EmulatorApp, log_level: str = "warning", access_log: bool = False) -> uvicorn.Server:
    """A uvicorn server for ``app`` with uvicorn's own logging; run it with ``server.run(sockets=[sock])``
    (a socket from :func:`~airflow_provider_arize.local_services.asgi_thread.bind_socket`).

    uvicorn's access log shows method, path and status only, never headers, so the key is not logged.
    """
    return uvicorn_server(app, log_level=log_level, access_log=access_log, log_config=UVICORN_LOGGING)


def base_url(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
