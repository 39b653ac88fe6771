"""Authentication, read-only keys, space visibility, the explorer and the admin token."""

from __future__ import annotations

import pytest

from airflow_provider_arize.emulator.testing import EmulatorServer

from .conftest import CREATE_TABLE, Api, bigquery_input, plain_client


def test_typename_works(api: Api) -> None:
    assert api.data("{ __typename }") == {"__typename": "Query"}


@pytest.mark.parametrize("headers", [{}, {"x-api-key": "not-a-key"}])
def test_missing_or_unknown_key_is_401(api: Api, headers: dict[str, str]) -> None:
    response = plain_client().post(api.server.graphql_url, json={"query": "{ __typename }"}, headers=headers)
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert "x-api-key" in error["message"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_read_only_key_queries_but_cannot_mutate(api: Api) -> None:
    admin = api.server.admin
    admin.create_key("read-only-key", [api.server.space_id], can_mutate=False)
    assert api.data("{ __typename }", key="read-only-key") == {"__typename": "Query"}
    response = api.post(CREATE_TABLE, {"input": bigquery_input(api.server.space_id)}, key="read-only-key")
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert "mutations require an enterprise developer key" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert admin.jobs() == []


def test_keys_see_only_their_spaces(api: Api) -> None:
    admin = api.server.admin
    other_space = admin.create_space("other")
    admin.create_key("other-key", [other_space])
    admin.create_key("both-key", [other_space, api.server.space_id])
    job = api.create_table_job()

    spaces = "{ viewer { spaces(first: 10) { edges { node { id name } } } } }"
    names = [e["node"]["name"] for e in api.data(spaces, key="both-key")["viewer"]["spaces"]["edges"]]
    assert names == ["default", "other"]
    only = api.data(spaces, key="other-key")["viewer"]["spaces"]["edges"]
    assert [e["node"]["id"] for e in only] == [other_space]

    node = 'query { node(id: "%s") { id } }'
    assert api.data(node % api.server.space_id, key="other-key") == {"node": None}
    assert api.data(node % job["id"], key="other-key") == {"node": None}
    assert api.data(node % job["id"])["node"]["id"] == job["id"]
    messages = api.errors('mutation { pauseTableImportJob(input: {jobId: "%s"}) { clientMutationId } }'
                          % job["jobId"], key="other-key")  # fmt: skip
    assert job["jobId"] in messages[0]
    created = api.data(CREATE_TABLE, {"input": bigquery_input(api.server.space_id)}, key="other-key")
    result = created["createTableImportJob"]
    assert result["tableImportJob"] is None
    assert result["validationResult"]["error"]["code"] == "ACCESS_DENIED"


def test_graphiql_explorer_on_get(api: Api) -> None:
    response = plain_client().get(api.server.graphql_url)
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_admin_token_is_required_when_configured() -> None:
    with EmulatorServer(admin_token="s3cret") as server:
        assert server.admin.stats()["requests"]["total"] == 0
        response = plain_client().get(f"{server.url}/_emulator/stats")
        assert response.status_code == 401
        assert plain_client().get(f"{server.url}/_emulator/health").status_code == 200


def test_stats_shape(api: Api) -> None:
    api.create_table_job()
    api.post("{ __typename }", key="wrong")
    api.data("query Named { __typename }")
    stats = api.server.admin.stats()
    assert stats == {
        "requests": {
            "total": 3,
            "by_operation": {"CreateTable": 1, "<anonymous>": 1, "Named": 1},
            "by_status": {"200": 2, "401": 1},
        },
        "faults": {},
        "faults_by_operation": {},
        "rate_limited": 0,
        "mutations_committed": {"createTableImportJob": 1},
        "max_cost_by_operation": stats["max_cost_by_operation"],  # pinned in the cost tests
    }
    api.server.admin.reset_stats()
    assert api.server.admin.stats()["requests"]["total"] == 0
