"""Relay pagination: walk a connection page by page and yield its nodes.

``fetch_page(first, after)`` returns the connection object itself (``edges`` and ``pageInfo``). The
contract (page size clamped to 50, when the walk stops, runaway servers, hosts without ``pageInfo``,
pages too complex): ``docs/internals.md``, "Listings: Relay pagination".
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import (
    ArizeAPIError,
    ArizeConfigError,
    ArizeResponseError,
    is_complexity_error,
)

log = logging.getLogger(__name__)

__all__ = ["MAX_EMPTY_PAGES", "aiter_nodes", "clamp_page_size", "iter_nodes"]

#: Consecutive empty pages that claim ``hasNextPage`` tolerated before giving up.
MAX_EMPTY_PAGES = 3

FetchPage = Callable[[int, str | None], Mapping[str, Any]]
AsyncFetchPage = Callable[[int, str | None], Awaitable[Mapping[str, Any]]]


def clamp_page_size(page_size: int) -> int:
    """Clamp a requested page size into ``1..constants.MAX_PAGE_SIZE``."""
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise ArizeConfigError("page_size must be an integer", field="page_size")
    return max(1, min(constants.MAX_PAGE_SIZE, page_size))


class _Pager:
    """Sans-I/O state of one walk, shared by :func:`iter_nodes` and :func:`aiter_nodes`."""

    def __init__(self, page_size: int, limit: int | None, what: str) -> None:
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ArizeConfigError("limit must be an integer >= 0 or None", field="limit")
        self.page_size = clamp_page_size(page_size)
        self.limit = limit
        self.what = what
        self.after: str | None = None
        self.seen_cursors: set[str] = set()
        self.yielded = 0
        self.empty_pages = 0
        self.finished = limit == 0

    def next_first(self) -> int:
        if self.limit is None:
            return self.page_size
        return max(1, min(self.page_size, self.limit - self.yielded))

    def _error(self, problem: str) -> ArizeResponseError:
        return ArizeResponseError(f"Malformed {self.what} page: {problem}", operation_name=self.what)

    def accept(self, connection: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        """Validate one page, advance the cursor, and return the nodes to yield."""
        if not isinstance(connection, Mapping):
            raise self._error(f"expected a connection object, got {type(connection).__name__}")
        edges = connection.get("edges")
        if edges is None:
            edges = []
        if not isinstance(edges, list):
            raise self._error("'edges' is not a list")
        if "pageInfo" not in connection:
            self.finished = True
            only = [
                dict(e["node"])
                for e in edges
                if isinstance(e, Mapping) and isinstance(e.get("node"), Mapping)
            ]
            if len(edges) >= self.next_first():
                log.warning(
                    "%s: the host serves no pageInfo, so only its first %d entries were read",
                    self.what,
                    len(edges),
                )
            if self.limit is not None:
                only = only[: self.limit - self.yielded]
            self.yielded += len(only)
            return only
        page_info = connection.get("pageInfo")
        if not isinstance(page_info, Mapping):
            raise self._error("'pageInfo' is missing")
        has_next = page_info.get("hasNextPage")
        if not isinstance(has_next, bool):
            raise self._error("'pageInfo.hasNextPage' is not a boolean")

        nodes: list[dict[str, Any]] = []
        last_cursor: str | None = None
        for edge in edges:
            if edge is None:
                continue
            if not isinstance(edge, Mapping):
                raise self._error("an edge is not an object")
            cursor = edge.get("cursor")
            if isinstance(cursor, str) and cursor:
                last_cursor = cursor
            node = edge.get("node")
            if node is None:
                continue
            if not isinstance(node, Mapping):
                raise self._error("an edge's node is not an object")
            nodes.append(dict(node))

        if self.limit is not None:
            nodes = nodes[: self.limit - self.yielded]
        self.yielded += len(nodes)
        if not has_next or (self.limit is not None and self.yielded >= self.limit):
            self.finished = True
            return nodes

        end_cursor = page_info.get("endCursor")
        cursor = end_cursor if isinstance(end_cursor, str) and end_cursor else last_cursor
        if cursor is None:
            raise self._error("'hasNextPage' is true but the page has no 'endCursor'")
        if cursor in self.seen_cursors or cursor == self.after:
            raise self._error(f"the server repeated cursor {cursor!r}; stopping instead of looping forever")
        self.empty_pages = self.empty_pages + 1 if not edges else 0
        if self.empty_pages > MAX_EMPTY_PAGES:
            raise self._error(f"{self.empty_pages} empty pages in a row while 'hasNextPage' is true")
        self.seen_cursors.add(cursor)
        self.after = cursor
        return nodes

    def smaller(self, exc: ArizeAPIError) -> bool:
        """Halve the page size after ``exc``, if it says the page cost too much; whether to ask again."""
        if not is_complexity_error(exc.errors) or self.page_size == 1:
            return False
        self.page_size = max(1, self.page_size // 2)
        log.warning(
            "%s: the host found a page too complex; asking for %d at a time", self.what, self.page_size
        )
        return True


def iter_nodes(
    fetch_page: FetchPage,
    *,
    page_size: int = constants.MAX_PAGE_SIZE,
    limit: int | None = None,
    what: str = "connection",
) -> Iterator[dict[str, Any]]:
    """Yield every node of a Relay connection, fetching pages lazily.

    Contract: ``docs/internals.md``, "Listings: Relay pagination".

    ``what`` names the listing in error messages (e.g. ``"ListTableImportJobs"``).
    """
    pager = _Pager(page_size, limit, what)  # validates the arguments now, not on first next()
    return _walk(pager, fetch_page)


def _walk(pager: _Pager, fetch_page: FetchPage) -> Iterator[dict[str, Any]]:
    while not pager.finished:
        try:
            page = fetch_page(pager.next_first(), pager.after)
        except ArizeAPIError as exc:
            if pager.smaller(exc):
                continue
            raise
        yield from pager.accept(page)


def aiter_nodes(
    fetch_page: AsyncFetchPage,
    *,
    page_size: int = constants.MAX_PAGE_SIZE,
    limit: int | None = None,
    what: str = "connection",
) -> AsyncIterator[dict[str, Any]]:
    """Async twin of :func:`iter_nodes`: ``fetch_page`` is awaited; same clamping, guards and limit."""
    pager = _Pager(page_size, limit, what)  # validates the arguments now, not on first iteration
    return _awalk(pager, fetch_page)


async def _awalk(pager: _Pager, fetch_page: AsyncFetchPage) -> AsyncIterator[dict[str, Any]]:
    while not pager.finished:
        try:
            page = await fetch_page(pager.next_first(), pager.after)
        except ArizeAPIError as exc:
            if pager.smaller(exc):
                continue
            raise
        for node in pager.accept(page):
            yield node
