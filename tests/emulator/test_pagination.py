"""Connections: newest-first pages with opaque cursors, `first` rules, search, query cost."""

from __future__ import annotations

from .conftest import Api

PAGE = """query($space: ID!, $first: Int, $after: String, $search: String) { node(id: $space) { ... on Space {
  tableJobs(first: $first, after: $after, search: $search) {
    edges { cursor node { jobId modelName } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }"""


def _page(api: Api, **variables: object) -> dict[str, object]:
    data = api.data(PAGE, {"space": api.server.space_id, **variables})
    return dict(data["node"]["tableJobs"])


def test_pages_newest_first_without_gaps(api: Api) -> None:
    for i in range(7):
        api.create_table_job(modelName=f"model-{i}")
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = _page(api, first=3, after=after)
        seen += [e["node"]["jobId"] for e in page["edges"]]  # type: ignore[index]
        info = page["pageInfo"]
        pages += 1
        assert info["hasPreviousPage"] is (after is not None)  # type: ignore[index]
        if not info["hasNextPage"]:  # type: ignore[index]
            break
        after = info["endCursor"]  # type: ignore[index]
        assert not after.isdigit()  # type: ignore[union-attr]
    assert pages == 3
    assert seen == ["7", "6", "5", "4", "3", "2", "1"]


def test_first_is_required_and_capped(api: Api) -> None:
    assert "requires the 'first' argument" in api.errors(PAGE, {"space": api.server.space_id})[0]
    slim = "query($s: ID!) { node(id: $s) { ... on Space { tableJobs(first: 101) { pageInfo { hasNextPage } } } } }"
    assert "first=101 is out of range" in api.errors(slim, {"s": api.server.space_id})[0]
    ok = api.data(slim.replace("101", "100"), {"s": api.server.space_id})
    assert ok["node"]["tableJobs"]["pageInfo"] == {"hasNextPage": False}
    assert (
        "Invalid cursor 'nope'"
        in api.errors(PAGE, {"space": api.server.space_id, "first": 1, "after": "nope"})[0]
    )


def test_search_by_model_name_and_job_id(api: Api) -> None:
    api.create_table_job(modelName="fraud-detector")
    api.create_table_job(modelName="churn")
    assert [e["node"]["modelName"] for e in _page(api, first=10, search="FRAUD")["edges"]] == [
        "fraud-detector"
    ]  # type: ignore[index]
    assert [e["node"]["jobId"] for e in _page(api, first=10, search="2")["edges"]] == ["2"]  # type: ignore[index]


def test_queries_connection_pages(api: Api) -> None:
    snow = {"accountID": "a", "database": "d", "schema": "s", "tableName": "t"}
    query = """mutation($input: CreateTriggeredOngoingTableImportJobInput!) {
      createTriggeredOngoingTableImportJob(input: $input) { tableImportJob { id } } }"""
    inp = {"spaceId": api.server.space_id, "modelName": "m", "modelType": "numeric",
           "modelEnvironmentName": "production", "tableStore": "Snowflake", "snowflakeTableConfig": snow,
           "schema": {"predictionId": "p", "predictionScore": "s", "changeTimestamp": "c"}}  # fmt: skip
    job_id = api.data(query, {"input": inp})["createTriggeredOngoingTableImportJob"]["tableImportJob"]["id"]
    run = 'mutation { createTriggeredOngoingTableRun(input: {jobId: "%s", queryStart: "2024-08-%02dT00:00:00Z", queryEnd: "2024-08-%02dT01:00:00Z"}) { clientMutationId } }'
    for day in range(1, 6):
        api.data(run % (job_id, day, day))
    queries = """query($id: ID!, $after: String) { node(id: $id) { ... on TableImportJob {
      queries(first: 2, after: $after) { totalCount edges { node { queryId windowStartTimestamp } }
      pageInfo { hasNextPage endCursor } } } } }"""
    first = api.data(queries, {"id": job_id})["node"]["queries"]
    assert first["totalCount"] == 5
    assert [e["node"]["windowStartTimestamp"] for e in first["edges"]] == [
        "2024-08-05T00:00:00Z",
        "2024-08-04T00:00:00Z",
    ]
    second = api.data(queries, {"id": job_id, "after": first["pageInfo"]["endCursor"]})["node"]["queries"]
    assert [e["node"]["queryId"] for e in second["edges"]] == ["3", "2"]
    assert second["pageInfo"]["hasNextPage"] is True


def test_rate_limit_field_reports_cost(api: Api) -> None:
    data = api.data("{ rateLimit { limit cost } }")
    assert data == {"rateLimit": {"limit": 100, "cost": 3}}
    listing = """query($space: ID!) { rateLimit { limit cost } node(id: $space) { ... on Space {
      tableJobs(first: 50) { edges { node { id modelName jobStatus totalQueriesFailedCount totalQueriesSuccessCount } } } } } }"""
    # rateLimit 3 + node 1 + tableJobs 1 + 50 x (edges 1 + node 1 + 5 fields)
    assert api.data(listing, {"space": api.server.space_id})["rateLimit"]["cost"] == 3 + 2 + 50 * 7
    mutation = 'mutation { pauseTableImportJob(input: {jobId: "1"}) { clientMutationId } }'
    assert "No TableImportJob" in api.errors(mutation)[0]


def test_too_expensive_query_is_refused(api: Api) -> None:
    fields = " ".join(
        ["id", "jobId", "jobStatus", "modelName", "modelId", "modelVersion", "batchId", "table"]
    )
    query = "query($space: ID!) { node(id: $space) { ... on Space { tableJobs(first: 100) { edges { node { %s } } } } } }"
    response = api.post(query % fields, {"space": api.server.space_id})
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "MAX_COMPLEXITY_EXCEEDED"
    assert "exceeds the maximum of 1000" in error["message"]
