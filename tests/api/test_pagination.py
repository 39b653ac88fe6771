"""Relay pagination helper: paging, clamping, the repeated-cursor guard and limits."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeConfigError, ArizeResponseError
from airflow_provider_arize.api.pagination import MAX_EMPTY_PAGES, aiter_nodes, clamp_page_size, iter_nodes


class FakeConnection:
    """A well-behaved server over ``total`` nodes; records every (first, after) it is asked for."""

    def __init__(self, total: int) -> None:
        self.nodes = [{"id": f"n{i}", "jobId": str(i)} for i in range(total)]
        self.calls: list[tuple[int, str | None]] = []

    def __call__(self, first: int, after: str | None) -> dict[str, Any]:
        self.calls.append((first, after))
        start = 0 if after is None else int(after.removeprefix("c")) + 1
        page = self.nodes[start : start + first]
        edges = [{"cursor": f"c{start + i}", "node": node} for i, node in enumerate(page)]
        end = start + len(page)
        return {
            "edges": edges,
            "pageInfo": {
                "hasNextPage": end < len(self.nodes),
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
        }


def test_multi_page_iteration_yields_every_node_in_order() -> None:
    server = FakeConnection(23)
    nodes = list(iter_nodes(server, page_size=10))
    assert [n["id"] for n in nodes] == [f"n{i}" for i in range(23)]
    assert server.calls == [(10, None), (10, "c9"), (10, "c19")]


def test_single_page_stops_on_has_next_page_false() -> None:
    server = FakeConnection(3)
    assert len(list(iter_nodes(server))) == 3
    assert server.calls == [(constants.MAX_PAGE_SIZE, None)]


def test_empty_connection() -> None:
    server = FakeConnection(0)
    assert list(iter_nodes(server)) == []
    assert len(server.calls) == 1


@pytest.mark.parametrize(
    ("requested", "sent"),
    [(500, constants.MAX_PAGE_SIZE), (51, 50), (50, 50), (7, 7), (1, 1), (0, 1), (-5, 1)],
)
def test_page_size_is_clamped(requested: int, sent: int) -> None:
    server = FakeConnection(2)
    list(iter_nodes(server, page_size=requested))
    assert server.calls[0][0] == sent
    assert clamp_page_size(requested) == sent


def test_page_size_must_be_an_integer() -> None:
    with pytest.raises(ArizeConfigError) as info:
        iter_nodes(FakeConnection(1), page_size=2.5)  # type: ignore[arg-type]
    assert info.value.field == "page_size"


def test_limit_stops_early_and_asks_only_for_what_is_needed() -> None:
    server = FakeConnection(100)
    nodes = list(iter_nodes(server, page_size=10, limit=25))
    assert len(nodes) == 25
    assert server.calls == [(10, None), (10, "c9"), (5, "c19")]


def test_limit_zero_fetches_nothing_and_negative_limit_is_a_config_error() -> None:
    server = FakeConnection(5)
    assert list(iter_nodes(server, limit=0)) == []
    assert server.calls == []
    with pytest.raises(ArizeConfigError) as info:
        iter_nodes(server, limit=-1)  # raised eagerly, before iteration
    assert info.value.field == "limit"


def test_limit_larger_than_total() -> None:
    assert len(list(iter_nodes(FakeConnection(7), page_size=5, limit=1000))) == 7


def test_repeated_cursor_raises_instead_of_looping() -> None:
    calls = 0

    def stuck(first: int, after: str | None) -> Mapping[str, Any]:
        nonlocal calls
        calls += 1
        assert calls < 10, "looped"
        return {
            "edges": [{"cursor": "same", "node": {"id": "x"}}],
            "pageInfo": {"hasNextPage": True, "endCursor": "same"},
        }

    with pytest.raises(ArizeResponseError, match="repeated cursor"):
        list(iter_nodes(stuck, what="ListTableImportJobs"))
    assert calls == 2


def test_cycling_cursors_are_caught_too() -> None:
    cursors = ["a", "b", "a"]

    def cycling(first: int, after: str | None) -> Mapping[str, Any]:
        cursor = cursors.pop(0)
        return {
            "edges": [{"cursor": cursor, "node": {"id": cursor}}],
            "pageInfo": {"hasNextPage": True, "endCursor": cursor},
        }

    with pytest.raises(ArizeResponseError, match="repeated cursor 'a'"):
        list(iter_nodes(cycling))


def test_has_next_page_without_any_cursor_raises() -> None:
    def no_cursor(first: int, after: str | None) -> Mapping[str, Any]:
        return {"edges": [{"node": {"id": "x"}}], "pageInfo": {"hasNextPage": True, "endCursor": None}}

    with pytest.raises(ArizeResponseError, match="endCursor"):
        list(iter_nodes(no_cursor))


def test_falls_back_to_last_edge_cursor_when_end_cursor_is_missing() -> None:
    pages = [
        {"edges": [{"cursor": "e1", "node": {"id": 1}}], "pageInfo": {"hasNextPage": True}},
        {"edges": [{"cursor": "e2", "node": {"id": 2}}], "pageInfo": {"hasNextPage": False}},
    ]
    seen: list[str | None] = []

    def fetch(first: int, after: str | None) -> Mapping[str, Any]:
        seen.append(after)
        return pages.pop(0)

    assert [n["id"] for n in iter_nodes(fetch)] == [1, 2]
    assert seen == [None, "e1"]


def test_endless_empty_pages_raise() -> None:
    counter = 0

    def empty(first: int, after: str | None) -> Mapping[str, Any]:
        nonlocal counter
        counter += 1
        return {"edges": [], "pageInfo": {"hasNextPage": True, "endCursor": f"c{counter}"}}

    with pytest.raises(ArizeResponseError, match="empty pages"):
        list(iter_nodes(empty))
    assert counter == MAX_EMPTY_PAGES + 1


def test_null_nodes_and_edges_are_skipped() -> None:
    def fetch(first: int, after: str | None) -> Mapping[str, Any]:
        return {
            "edges": [None, {"cursor": "a", "node": None}, {"cursor": "b", "node": {"id": "b"}}],
            "pageInfo": {"hasNextPage": False, "endCursor": "b"},
        }

    assert list(iter_nodes(fetch)) == [{"id": "b"}]


def test_a_host_without_page_info_gives_one_page_and_says_when_it_was_full(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []

    def fetch(first: int, after: str | None) -> Mapping[str, Any]:
        calls.append(first)
        return {"edges": [{"node": {"id": str(i)}} for i in range(first)]}

    assert len(list(iter_nodes(fetch, page_size=3, what="ListTableImportJobs"))) == 3
    assert calls == [3]
    assert "serves no pageInfo, so only its first 3 entries were read" in caplog.text


def test_a_page_refused_as_too_complex_is_asked_again_at_half_the_size() -> None:
    from airflow_provider_arize.api.errors import ArizeAPIError

    calls: list[int] = []

    def fetch(first: int, after: str | None) -> Mapping[str, Any]:
        calls.append(first)
        if first > 12:
            raise ArizeAPIError(
                "too costly", errors=[{"message": "query cost 1200 exceeds the maximum of 300"}]
            )
        return {"edges": [{"node": {"id": "a"}}], "pageInfo": {"hasNextPage": False}}

    assert list(iter_nodes(fetch)) == [{"id": "a"}]
    assert calls == [50, 25, 12]


@pytest.mark.parametrize(
    "page",
    [
        None,
        [],
        {"edges": "nope", "pageInfo": {"hasNextPage": False}},
        {"edges": [], "pageInfo": None},
        {"edges": [], "pageInfo": {"hasNextPage": "yes"}},
        {"edges": [42], "pageInfo": {"hasNextPage": False}},
        {"edges": [{"cursor": "a", "node": "str"}], "pageInfo": {"hasNextPage": False}},
    ],
)
def test_malformed_pages_raise_response_error(page: Any) -> None:
    with pytest.raises(ArizeResponseError):
        list(iter_nodes(lambda first, after: page))


def test_async_twin_pages_and_limits() -> None:
    server = FakeConnection(12)

    async def fetch(first: int, after: str | None) -> Mapping[str, Any]:
        await asyncio.sleep(0)
        return server(first, after)

    async def collect() -> list[dict[str, Any]]:
        return [node async for node in aiter_nodes(fetch, page_size=5, limit=11)]

    nodes = asyncio.run(collect())
    assert [n["id"] for n in nodes] == [f"n{i}" for i in range(11)]
    assert server.calls == [(5, None), (5, "c4"), (1, "c9")]


def test_async_twin_repeated_cursor_guard() -> None:
    async def stuck(first: int, after: str | None) -> Mapping[str, Any]:
        return {
            "edges": [{"cursor": "x", "node": {"id": 1}}],
            "pageInfo": {"hasNextPage": True, "endCursor": "x"},
        }

    async def collect() -> None:
        async for _ in aiter_nodes(stuck):
            pass

    with pytest.raises(ArizeResponseError, match="repeated cursor"):
        asyncio.run(collect())


@given(total=st.integers(0, 130), page_size=st.integers(-3, 80), limit=st.none() | st.integers(0, 150))
def test_property_yields_exactly_the_expected_prefix(total: int, page_size: int, limit: int | None) -> None:
    server = FakeConnection(total)
    nodes = list(iter_nodes(server, page_size=page_size, limit=limit))
    expected = total if limit is None else min(total, limit)
    assert [n["id"] for n in nodes] == [f"n{i}" for i in range(expected)]
    assert all(1 <= first <= constants.MAX_PAGE_SIZE for first, _ in server.calls)
