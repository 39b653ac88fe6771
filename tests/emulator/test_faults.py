"""Fault injection over real HTTP: scripted and random faults of every kind."""

from __future__ import annotations

import time

import httpx
import pytest

from .conftest import CREATE_TABLE, Api, bigquery_input, plain_client


def _create(api: Api, timeout: float = 10.0) -> httpx.Response:
    return api.http.post(
        "/graphql",
        json={"query": CREATE_TABLE, "variables": {"input": bigquery_input(api.server.space_id)}},
        timeout=timeout,
    )


@pytest.mark.parametrize("kind", ["http_500", "http_502", "http_503"])
def test_http_errors_execute_nothing(api: Api, kind: str) -> None:
    api.server.admin.set_faults(script=[kind])
    response = _create(api)
    assert response.status_code == int(kind[5:])
    assert "injected fault" in response.json()["errors"][0]["message"]
    assert api.server.admin.jobs() == []
    assert _create(api).status_code == 200  # the script is used up
    stats = api.server.admin.stats()
    assert stats["faults"] == {kind: 1}
    assert stats["requests"]["by_status"] == {kind[5:]: 1, "200": 1}


def test_http_429_fault_has_retry_after(api: Api) -> None:
    api.server.admin.set_faults(script=["http_429"], retry_after_seconds=7)
    response = api.post("{ __typename }")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.json()["errors"][0]["message"].startswith("rate limit exceeded")


def test_latency(api: Api) -> None:
    api.server.admin.set_faults(script=["latency"], latency_ms=300)
    started = time.monotonic()
    assert api.data("{ __typename }") == {"__typename": "Query"}
    assert time.monotonic() - started >= 0.3


def test_reset_aborts_before_execution(api: Api) -> None:
    api.server.admin.set_faults(script=["reset"])
    with pytest.raises(httpx.TransportError):
        _create(api)
    assert api.server.admin.jobs() == []
    stats = api.server.admin.stats()
    assert stats["requests"]["by_status"] == {"aborted": 1}
    assert stats["mutations_committed"] == {}


def test_drop_after_commit_commits_then_drops(api: Api) -> None:
    api.server.admin.set_faults(script=["drop_after_commit"])
    with pytest.raises(httpx.TransportError):
        _create(api)
    jobs = api.server.admin.jobs()
    assert len(jobs) == 1 and jobs[0]["job_status"] == "active"
    stats = api.server.admin.stats()
    assert stats["mutations_committed"] == {"createTableImportJob": 1}
    assert stats["faults"] == {"drop_after_commit": 1}
    assert stats["requests"]["by_status"] == {"aborted": 1}
    assert stats["faults_by_operation"] == {"CreateTable": {"drop_after_commit": 1}}
    assert _create(api).status_code == 200  # the server keeps serving


def test_timeout_after_commit(api: Api) -> None:
    api.server.admin.set_faults(script=["timeout_after_commit"], timeout_seconds=1.0)
    with pytest.raises(httpx.ReadTimeout):
        _create(api, timeout=0.3)
    assert len(api.server.admin.jobs()) == 1
    started = time.monotonic()
    api.server.admin.set_faults(script=["timeout_after_commit"], timeout_seconds=0.3)
    assert _create(api).status_code == 200  # a patient client gets the answer
    assert time.monotonic() - started >= 0.3


def test_script_filters_by_operation_name(api: Api) -> None:
    api.server.admin.set_faults(script=[{"kind": "http_503", "operation": "CreateTable"}, "http_500"])
    assert api.post("query Other { __typename }").status_code == 500  # the unfiltered entry
    assert api.post("query Other { __typename }").status_code == 200
    assert _create(api).status_code == 503
    assert api.server.admin.set_faults()["remaining_script"] == []


def test_random_faults_are_seeded(api: Api) -> None:
    def run() -> list[int]:
        api.server.admin.set_faults(rate=0.5, seed=42, kinds=["http_500", "http_503"])
        return [api.post("{ __typename }").status_code for _ in range(12)]

    first = run()
    assert first == run()
    assert len(set(first)) > 1
    api.server.admin.clear_faults()
    assert all(api.post("{ __typename }").status_code == 200 for _ in range(3))


def test_global_operation_filter(api: Api) -> None:
    api.server.admin.set_faults(rate=1.0, kinds=["http_502"], operation_name="CreateTable")
    assert api.post("{ __typename }").status_code == 200
    assert _create(api).status_code == 502


def test_operations_filter_and_dict_config(api: Api) -> None:
    config = api.server.admin.set_faults({"script": ["http_503"], "operations": ["CreateTable", "Other"]})
    assert config["operations"] == ["CreateTable", "Other"]
    assert api.post("{ __typename }").status_code == 200
    assert api.post("query Other { __typename }").status_code == 503


def test_bad_fault_config_is_rejected(api: Api) -> None:
    response = plain_client().put(f"{api.server.url}/_emulator/faults", json={"script": ["explode"]})
    assert response.status_code == 400
    assert "explode" in response.json()["error"]
