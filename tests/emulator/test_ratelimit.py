"""Per-key sliding-window rate limits: 429 with Retry-After, separate budgets, runtime config."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from airflow_provider_arize.emulator.clock import TestClock
from airflow_provider_arize.emulator.testing import EmulatorServer

from .conftest import Api, make_api


@pytest.fixture
def clocked() -> Iterator[tuple[Api, TestClock]]:
    clock = TestClock(start=1_700_000_000)
    with EmulatorServer(
        clock=clock, rate_limits={"queries_per_minute": 3, "mutations_per_minute": 2}
    ) as server:
        client = make_api(server)
        yield client, clock
        client.http.close()


def test_query_limit_returns_429_with_retry_after(clocked: tuple[Api, TestClock]) -> None:
    api, clock = clocked
    for _ in range(3):
        api.data("{ __typename }")
        clock.advance(10)
    response = api.post("{ __typename }")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"  # now t=30; the first call (t=0) leaves at t=60
    assert response.json()["errors"][0]["message"].startswith("rate limit exceeded: ")
    # mutations have their own budget
    assert (
        api.post('mutation { pauseTableImportJob(input: {jobId: "1"}) { clientMutationId } }').status_code
        == 200
    )
    clock.advance(30)
    assert api.post("{ __typename }").status_code == 200
    assert api.post("{ __typename }").status_code == 429
    assert api.server.admin.stats()["rate_limited"] == 2


def test_mutation_documents_count_as_mutations(clocked: tuple[Api, TestClock]) -> None:
    api, _ = clocked
    doc = 'mutation { deleteTableImportJob(input: {jobId: "9"}) { clientMutationId } }'
    assert api.post(doc).status_code == 200
    assert api.post(doc).status_code == 200
    response = api.post(doc)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert api.post("{ __typename }").status_code == 200


def test_limits_change_at_runtime_and_can_be_disabled(api: Api) -> None:
    admin = api.server.admin
    assert admin.set_rate_limits(queries_per_minute=1) == {
        "queries_per_minute": 1,
        "mutations_per_minute": 300,
        "enabled": True,
    }
    assert api.post("{ __typename }").status_code == 200
    assert api.post("{ __typename }").status_code == 429
    admin.set_rate_limits(enabled=False)
    assert all(api.post("{ __typename }").status_code == 200 for _ in range(5))


def test_limits_are_per_key(api: Api) -> None:
    api.server.admin.set_rate_limits(queries_per_minute=1)
    api.server.admin.create_key("second-key", [api.server.space_id])
    assert api.post("{ __typename }").status_code == 200
    assert api.post("{ __typename }").status_code == 429
    assert api.post("{ __typename }", key="second-key").status_code == 200
