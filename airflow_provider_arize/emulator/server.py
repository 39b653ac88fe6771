"""Running the app under uvicorn on a pre-bound socket (so the real port is known before serving)."""

from __future__ import annotations

import socket

import uvicorn

from .app import EmulatorApp


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind and listen on ``host:port`` (``port=0`` picks a free one), with ``SO_REUSEADDR``."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def make_server(app: EmulatorApp, log_level: str = "warning", access_log: bool = False) -> uvicorn.Server:
    """A uvicorn server for ``app``; run it with ``server.run(sockets=[sock])``.

    uvicorn's access log shows method, path and status only, never headers, so the key is not logged.
    """
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


def base_url(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
