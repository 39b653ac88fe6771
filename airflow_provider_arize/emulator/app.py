"""ASGI wiring: ``/graphql`` (POST executes, GET shows GraphiQL) and the admin API ``/_emulator/``.

:class:`EmulatorApp` is the outermost ASGI callable. For ``POST /graphql`` it keeps the server's own
``send`` in the scope (so a fault can abort the real transport) and counts each response status in
the stats (``aborted`` when no response was started).
"""

from __future__ import annotations

import logging

from ariadne.explorer import ExplorerGraphiQL
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.types import Message, Receive, Scope, Send

from . import admin
from .http_graphql import RAW_SEND_KEY, graphql_post
from .state import EmulatorState

log = logging.getLogger("airflow_provider_arize.emulator")


async def _graphql(request: Request) -> Response:
    if request.method == "GET":
        html = ExplorerGraphiQL(title="Arize GraphQL emulator").html(None) or ""
        return HTMLResponse(html)
    return await graphql_post(request)


class EmulatorApp:
    """The emulator's ASGI application."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.starlette = Starlette(
            routes=[
                Route("/graphql", _graphql, methods=["GET", "POST"]),
                Mount("/_emulator", routes=admin.routes),
            ]
        )
        self.starlette.state.emulator = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != "/graphql" or scope.get("method") != "POST":
            await self.starlette(scope, receive, send)
            return
        scope[RAW_SEND_KEY] = send
        status: int | None = None

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.starlette(scope, receive, tracking_send)
        finally:
            self.state.stats.status(status if status is not None else "aborted")
            log.debug("POST /graphql -> %s", status if status is not None else "aborted")


def create_app(state: EmulatorState) -> EmulatorApp:
    """Return the ASGI app serving ``state``."""
    return EmulatorApp(state)
