"""Emulator profiles (API variants), the schema dump, and third-party documents against the full schema."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema, lexicographic_sort_schema, parse, print_schema, validate

from airflow_provider_arize import schema_dump
from airflow_provider_arize.api.shape.registry import CERTAIN, OPTIONAL
from airflow_provider_arize.emulator.__main__ import main as emulator_main
from airflow_provider_arize.emulator.graphql_schema import build_schema as executable_schema
from airflow_provider_arize.emulator.profiles import FULL, PROFILES, SDL_PATH, derive_sdl, get_profile
from airflow_provider_arize.emulator.sdl import build_checked
from airflow_provider_arize.emulator.testing import EmulatorProcess, EmulatorServer

from .conftest import CREATE_TABLE, Api, bigquery_input, make_api

#: A create selecting only names every profile serves.
CREATE_TABLE_STATUS = (
    "mutation C($input: CreateTableImportJobInput!) { createTableImportJob(input: $input) {"
    " tableImportJob { jobStatus } validationResult { validationStatus } } }"
)
COMPOSITES = ["pages,no-introspection", "pages,upper-enums,low-complexity", "no-search,no-paging,no-metadata"]


@pytest.fixture
def connect() -> Iterator[Callable[[EmulatorServer], Api]]:
    """``connect(server)``: a GraphQL client of ``server``, closed after the test."""
    apis: list[Api] = []

    def make(server: EmulatorServer) -> Api:
        apis.append(make_api(server))
        return apis[-1]

    yield make
    for api in apis:
        api.http.close()


def _has(schema: GraphQLSchema, key: str) -> bool:
    """Whether ``schema`` serves the registry key ``Type.field`` or ``Type.field(arg)``."""
    match = re.fullmatch(r"(\w+)\.(\w+)(?:\((\w+)\))?", key)
    assert match, key
    type_name, field, arg = match.groups()
    fields = getattr(schema.type_map.get(type_name), "fields", None)
    if not fields or field not in fields:
        return False
    return arg is None or arg in (getattr(fields[field], "args", None) or {})


def _shape(schema: GraphQLSchema) -> str:
    return print_schema(lexicographic_sort_schema(schema))


def _validation_errors(api: Api, query: str, variables: dict[str, Any] | None = None) -> list[str]:
    """The messages of a refused document (HTTP 400), or ``[]`` when the server ran it."""
    response = api.post(query, variables)
    if response.status_code != 400:
        assert response.status_code == 200, response.text
        return []
    return [e["message"] for e in response.json()["errors"]]


# --------------------------------------------------------------------------------------------------
# Deriving the SDL
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*PROFILES, *COMPOSITES])
def test_every_profile_sdl_builds_and_binds(name: str) -> None:
    profile = get_profile(name)
    build_checked(profile.sdl())
    schema = executable_schema(profile)
    assert schema.query_type is not None and schema.mutation_type is not None


def test_full_profile_serves_the_sdl_file_as_written() -> None:
    assert FULL.sdl() == SDL_PATH.read_text(encoding="utf-8")
    assert get_profile(None) is FULL and get_profile("") is FULL


def test_every_optional_name_exists_in_the_full_schema() -> None:
    full = executable_schema(FULL)
    assert sorted(k for k in OPTIONAL if not _has(full, k)) == []


@pytest.mark.parametrize("name", list(PROFILES))
def test_profile_removes_its_names_and_keeps_every_certain_one(name: str) -> None:
    profile = PROFILES[name]
    full, schema = executable_schema(FULL), executable_schema(profile)
    still_there = {k for k in profile.removed if _has(schema, k)}
    # GraphQL forbids an empty type: a payload whose every field is removed keeps its first one
    for key in still_there:
        type_name, field = key.split(".")
        assert field == "clientMutationId" and list(schema.type_map[type_name].fields) == [field], key  # type: ignore[attr-defined]
    lost = sorted(k for k in CERTAIN if _has(full, k) and not _has(schema, k))
    assert lost == []


def test_pages_keeps_one_field_where_a_payload_would_be_empty() -> None:
    schema = executable_schema(PROFILES["pages"])
    assert list(schema.type_map["PauseFileImportJobPayload"].fields) == ["clientMutationId"]  # type: ignore[attr-defined]
    assert not _has(schema, "TableImportJob.schema") and _has(schema, "TableImportSchema.predictionId")


def test_derive_sdl_keeps_a_needed_type_and_cascades_missing_types() -> None:
    sdl = "type Query { a: A b: Int c: C } type A { x: B } type B { y: Int z: Int } type C { w: Int }"
    pruned = build_checked(derive_sdl(frozenset({"B.y", "B.z", "Query.b", "Query.c", "C.w"}), base=sdl))
    assert _has(pruned, "B.y") and not _has(pruned, "B.z") and not _has(pruned, "Query.b")  # A.x needs B
    assert "C" not in pruned.type_map  # nothing needs it any more
    broken = "type Query { a: A b(f: Gone): Int c(g: Gone!): Int d: Int } type A { x: Gone }"
    pruned = build_checked(derive_sdl(frozenset(), base=broken))
    assert "A" not in pruned.type_map
    assert pruned.query_type is not None and list(pruned.query_type.fields) == ["b", "d"]
    assert pruned.query_type.fields["b"].args == {}


def test_upper_enums_changes_only_job_status_in_the_sdl() -> None:
    schema = executable_schema(PROFILES["upper-enums"])
    assert list(schema.type_map["JobStatus"].values) == ["ACTIVE", "INACTIVE", "DELETED"]  # type: ignore[attr-defined]
    assert "score_categorical" in schema.type_map["ModelType"].values  # type: ignore[attr-defined]
    assert "BigQuery" in schema.type_map["TableStore"].values  # type: ignore[attr-defined]


def test_file_profile_composes_with_removals(tmp_path: Path) -> None:
    dump = tmp_path / "arize.graphql"
    dump.write_text(FULL.sdl(), encoding="utf-8")
    profile = get_profile(f"file:{dump},no-search")
    assert profile.sdl_path == dump.resolve()
    schema = executable_schema(profile)
    assert not _has(schema, "Space.tableJobs(search)") and _has(schema, "Space.tableJobs(after)")


# --------------------------------------------------------------------------------------------------
# Names a profile lacks, over HTTP
# --------------------------------------------------------------------------------------------------

SPACE = "query Probe($id: ID!) { node(id: $id) { ... on Space { %s } } }"
TABLE_JOB = SPACE % "tableJobs(first: 1) { edges { node { %s } } }"
REFUSED = [
    ("pages", SPACE % 'tableJobs(first: 1, search: "x") { edges { node { id } } }',
     "Unknown argument 'search' on field 'Space.tableJobs'."),
    ("pages", TABLE_JOB % "createdAt", "Cannot query field 'createdAt' on type 'TableImportJob'."),
    ("pages", 'mutation { pauseFileImportJob(input: {jobId: "999"}) { fileImportJob { id } } }',
     "Cannot query field 'fileImportJob' on type 'PauseFileImportJobPayload'."),
    ("ingestion-minutes", TABLE_JOB % "tableIngestionParameters { refreshIntervalSeconds }",
     "Cannot query field 'refreshIntervalSeconds' on type 'TableIngestionParameters'."),
    ("ingestion-seconds", TABLE_JOB % "tableIngestionParameters { rowLimit }",
     "Cannot query field 'rowLimit' on type 'TableIngestionParameters'."),
    ("no-ingestion", TABLE_JOB % "tableIngestionParameters { rowLimit }",
     "Cannot query field 'tableIngestionParameters' on type 'TableImportJob'."),
    ("no-metadata", TABLE_JOB % "schema { predictionId }", "Cannot query field 'schema' on type 'TableImportJob'."),
    ("no-metadata", TABLE_JOB % "totalQueriesPendingCount",
     "Cannot query field 'totalQueriesPendingCount' on type 'TableImportJob'."),
    ("no-search", SPACE % 'importJobs(first: 1, search: "x") { edges { node { id } } }',
     "Unknown argument 'search' on field 'Space.importJobs'."),
    ("no-paging", SPACE % "tableJobs(first: 1, after: null) { edges { node { id } } }",
     "Unknown argument 'after' on field 'Space.tableJobs'."),
    ("no-paging", SPACE % "tableJobs(first: 1) { pageInfo { hasNextPage } }",
     "Cannot query field 'pageInfo' on type 'TableImportJobConnection'."),
    ("no-mutation-id", 'mutation { pauseTableImportJob(input: {jobId: "999"}) { clientMutationId } }',
     "Cannot query field 'clientMutationId' on type 'PauseTableImportJobPayload'."),
    ("no-file-payloads", 'mutation { deleteFileImportJob(input: {jobId: "999"}) { fileImportJob { id } } }',
     "Cannot query field 'fileImportJob' on type 'DeleteFileImportJobPayload'."),
]  # fmt: skip


@pytest.mark.parametrize(("profile", "query", "message"), REFUSED)
def test_removed_name_is_refused_on_its_profile_and_accepted_on_full(
    profile: str,
    query: str,
    message: str,
    arize_emulator: EmulatorServer,
    arize_emulator_factory: Callable[..., EmulatorServer],
    connect: Callable[[EmulatorServer], Api],
) -> None:
    variant = connect(arize_emulator_factory(profile, run_workers=False))
    refused = _validation_errors(variant, query, {"id": variant.server.space_id} if "$id" in query else None)
    assert any(m.startswith(message) for m in refused), refused
    full = connect(arize_emulator)
    assert full.server.profile is FULL
    assert _validation_errors(full, query, {"id": full.server.space_id} if "$id" in query else None) == []


@pytest.mark.arize_profile("pages")
def test_pages_keeps_client_mutation_id_where_a_payload_needs_a_field(
    arize_emulator: EmulatorServer, connect: Callable[[EmulatorServer], Api]
) -> None:
    api = connect(arize_emulator)
    assert arize_emulator.profile.name == "pages"
    job = api.data(
        "mutation C($input: CreateFileImportJobInput!) { createFileImportJob(input: $input) {"
        " validationResult { validationStatus } } }",
        {"input": {"spaceId": arize_emulator.space_id, "modelName": "m", "modelType": "score_categorical",
                   "modelEnvironmentName": "production", "blobStore": "S3", "bucketName": "b", "prefix": "p/",
                   "schema": {"predictionId": "id", "timestamp": "ts", "predictionLabel": "l"}}},
    )  # fmt: skip
    assert job["createFileImportJob"]["validationResult"]["validationStatus"] == "success"
    listing = api.data(
        SPACE % "importJobs(first: 1) { edges { node { jobId } } }", {"id": arize_emulator.space_id}
    )
    job_id = listing["node"]["importJobs"]["edges"][0]["node"]["jobId"]
    paused = api.data('mutation { pauseFileImportJob(input: {jobId: "%s"}) { clientMutationId } }' % job_id)
    assert paused == {"pauseFileImportJob": {"clientMutationId": None}}


# --------------------------------------------------------------------------------------------------
# Behaviour switches: introspection, enum casing, complexity
# --------------------------------------------------------------------------------------------------


@pytest.mark.arize_profile("no-introspection")
def test_no_introspection_refuses_schema_and_type_but_not_typename(
    arize_emulator: EmulatorServer, connect: Callable[[EmulatorServer], Api]
) -> None:
    api = connect(arize_emulator)
    for query in ("{ __schema { types { name } } }", '{ __type(name: "Space") { name } }'):
        response = api.post(query)
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert "introspection is not allowed" in error["message"]
    assert api.data("{ __typename }") == {"__typename": "Query"}
    assert api.data(SPACE % "id name", {"id": arize_emulator.space_id})["node"]["name"] == "default"


def test_introspection_is_answered_on_full(
    arize_emulator: EmulatorServer, connect: Callable[..., Api]
) -> None:
    data = connect(arize_emulator).data('{ __type(name: "JobStatus") { enumValues { name } } }')
    assert [v["name"] for v in data["__type"]["enumValues"]] == ["active", "inactive", "deleted"]


UPDATE_FILE_STATUS = (
    "mutation U($id: ID!, $s: JobStatus) { updateFileImportJob(input: {jobId: $id, jobStatus: $s}) {"
    " fileImportJob { jobStatus } } }"
)


@pytest.mark.arize_profile("upper-enums")
def test_upper_enums_serves_and_accepts_upper_case_job_status(
    arize_emulator: EmulatorServer, connect: Callable[[EmulatorServer], Api]
) -> None:
    api = connect(arize_emulator)
    created = api.data(CREATE_TABLE, {"input": bigquery_input(arize_emulator.space_id)})[
        "createTableImportJob"
    ]
    assert created["tableImportJob"]["jobStatus"] == "ACTIVE"
    assert created["validationResult"]["validationStatus"] == "SUCCESS"
    bad = bigquery_input(arize_emulator.space_id, schema={"predictionId": "id"})
    failed = api.data(CREATE_TABLE, {"input": bad})["createTableImportJob"]
    assert failed["validationResult"]["validationStatus"] == "FAILURE"

    file_job = api.create_file_job()
    assert file_job["jobStatus"] == "ACTIVE" and file_job["modelType"] == "score_categorical"
    paused = api.data(UPDATE_FILE_STATUS, {"id": file_job["jobId"], "s": "INACTIVE"})
    assert paused["updateFileImportJob"]["fileImportJob"]["jobStatus"] == "INACTIVE"
    literal = 'mutation { updateFileImportJob(input: {jobId: "%s", jobStatus: ACTIVE}) { fileImportJob { jobStatus } } }'
    started = api.data(literal % file_job["jobId"])
    assert started["updateFileImportJob"]["fileImportJob"]["jobStatus"] == "ACTIVE"
    assert [job["job_status"] for job in arize_emulator.admin.jobs()] == [
        "active",
        "active",
    ]  # stored as ever

    refused = _validation_errors(api, literal.replace("ACTIVE", "active") % file_job["jobId"])
    assert any("'active'" in m and "JobStatus" in m for m in refused), refused
    assert api.post(UPDATE_FILE_STATUS, {"id": file_job["jobId"], "s": "inactive"}).json().get("errors")
    listed = api.data(TABLE_JOB % "jobStatus", {"id": arize_emulator.space_id})
    assert listed["node"]["tableJobs"]["edges"][0]["node"]["jobStatus"] == "ACTIVE"


#: Cost 400: viewer 1 + spaces (1 + 99 x (edges 1 + node 1 + 2 leaves)) + rateLimit 1 + cost 1.
COST_400 = "{ viewer { spaces(first: 99) { edges { node { id name } } } } rateLimit { cost } }"


@pytest.mark.parametrize("arize_emulator", ["low-complexity", "full"], indirect=True)
def test_complexity_limit_follows_the_profile(
    arize_emulator: EmulatorServer, connect: Callable[[EmulatorServer], Api]
) -> None:
    api = connect(arize_emulator)
    body = api.post(COST_400).json()
    if arize_emulator.profile.name == "full":
        assert body["data"]["rateLimit"]["cost"] == 400
        return
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "MAX_COMPLEXITY_EXCEEDED", "cost": 400}
    assert "exceeds the maximum of 300" in error["message"]


def test_profiles_compose(
    arize_emulator_factory: Callable[..., EmulatorServer], connect: Callable[[EmulatorServer], Api]
) -> None:
    server = arize_emulator_factory("pages, no-introspection,upper-enums,low-complexity", run_workers=False)
    profile = server.profile
    assert profile.name == "pages,no-introspection,upper-enums,low-complexity"
    assert profile.removed == PROFILES["pages"].removed
    assert (profile.introspection, profile.upper_enums, profile.complexity_limit) == (False, True, 300)
    api = connect(server)
    assert "introspection" in _validation_errors(api, "{ __schema { queryType { name } } }")[0]
    search = SPACE % 'tableJobs(first: 1, search: "x") { edges { node { id } } }'
    assert _validation_errors(api, search, {"id": server.space_id})[0].startswith("Unknown argument 'search'")
    created = api.data(CREATE_TABLE_STATUS, {"input": bigquery_input(server.space_id)})[
        "createTableImportJob"
    ]
    assert created == {
        "tableImportJob": {"jobStatus": "ACTIVE"},
        "validationResult": {"validationStatus": "SUCCESS"},
    }
    assert api.post(COST_400).json()["errors"][0]["extensions"]["code"] == "MAX_COMPLEXITY_EXCEEDED"


def test_unknown_profile_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=r"unknown emulator profile 'nope'; known profiles: full, pages, .*file:<PATH>"
    ):
        get_profile("pages,nope")
    with pytest.raises(ValueError, match="unknown emulator profile 'nope'"):
        EmulatorServer(profile="nope")
    assert emulator_main(["--profile", "full,nope", "--no-workers"]) == 2
    err = capsys.readouterr().err
    assert "unknown emulator profile 'nope'" in err and "no-introspection" in err
    with pytest.raises(ValueError, match="cannot read the schema dump"):
        get_profile("file:/no/such/dump.json")
    (tmp_path / "x.graphql").write_text(FULL.sdl(), encoding="utf-8")
    with pytest.raises(ValueError, match="only one schema dump"):
        get_profile(f"file:{SDL_PATH},file:{(tmp_path / 'x.graphql').resolve()}")


# --------------------------------------------------------------------------------------------------
# Schema dump and file:<PATH>
# --------------------------------------------------------------------------------------------------


def _run_dump(server: EmulatorServer, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "airflow_provider_arize.schema_dump",
            "--endpoint",
            server.url,
            "--out",
            str(out),
        ],
        env={**os.environ, schema_dump.API_KEY_ENV: server.api_key},
        capture_output=True,
        text=True,
        timeout=60,
    )


#: (document valid on the source, document invalid on it) per source profile
PROBES = {
    "full": (SPACE % 'tableJobs(first: 1, search: "x") { edges { node { createdAt } } }',
             TABLE_JOB % "noSuchField"),
    "pages": (TABLE_JOB % "jobId jobStatus modelName", TABLE_JOB % "createdAt"),
    "upper-enums": ('mutation { updateFileImportJob(input: {jobId: "999", jobStatus: DELETED}) { clientMutationId } }',
                    'mutation { updateFileImportJob(input: {jobId: "999", jobStatus: deleted}) { clientMutationId } }'),
}  # fmt: skip


@pytest.mark.parametrize("source_profile", list(PROBES))
def test_schema_dump_round_trip(
    source_profile: str,
    tmp_path: Path,
    arize_emulator_factory: Callable[..., EmulatorServer],
    connect: Callable[[EmulatorServer], Api],
) -> None:
    source = arize_emulator_factory(source_profile, run_workers=False)
    requests_before = source.admin.stats()["requests"]["total"]
    out = tmp_path / "my-arize-schema.json"
    proc = _run_dump(source, out)
    assert proc.returncode == 0, proc.stderr
    assert source.api_key not in proc.stdout + proc.stderr
    assert re.fullmatch(
        rf"wrote {re.escape(str(out))}: \d+ types; TableImportJob yes, FileImportJob yes, Space yes\n",
        proc.stdout,
    )
    assert source.admin.stats()["requests"]["total"] == requests_before + 1

    served = arize_emulator_factory(f"file:{out}", run_workers=False)
    assert served.profile.name == f"file:{out.resolve()}"
    assert _shape(served.state.schema) == _shape(source.state.schema)
    assert served.profile.upper_enums is (source_profile == "upper-enums")  # read from JobStatus
    valid, invalid = PROBES[source_profile]
    variables = {"id": source.space_id}
    for server in (source, served):
        api = connect(server)
        assert _validation_errors(api, valid, variables) == []
        assert _validation_errors(api, invalid, variables), server.profile.name
    assert _validation_errors(connect(served), invalid, variables) == _validation_errors(
        connect(source), invalid, variables
    )
    created = connect(served).data(CREATE_TABLE_STATUS, {"input": bigquery_input(served.space_id)})
    created = created["createTableImportJob"]
    upper = source_profile == "upper-enums"
    assert created["tableImportJob"]["jobStatus"] == ("ACTIVE" if upper else "active")
    assert created["validationResult"]["validationStatus"] == ("SUCCESS" if upper else "success")


def test_cli_serves_a_dump_and_prints_the_profile(
    tmp_path: Path, arize_emulator_factory: Callable[..., EmulatorServer]
) -> None:
    source = arize_emulator_factory("no-search", run_workers=False)
    out = tmp_path / "dump.json"
    assert _run_dump(source, out).returncode == 0
    with EmulatorProcess(tmp_path / "db.sqlite3", profile=f"file:{out}", extra_args=["--no-workers"]) as proc:
        assert proc.info["profile"] == f"file:{out.resolve()}"
        api = make_api(proc)  # type: ignore[arg-type]
        try:
            ok = api.post(SPACE % "tableJobs(first: 1) { edges { node { id } } }", {"id": proc.space_id})
            assert ok.status_code == 200 and "errors" not in ok.json()
            search = SPACE % 'tableJobs(first: 1, search: "x") { edges { node { id } } }'
            refused = api.post(search, {"id": proc.space_id})
            assert refused.status_code == 400
            assert (
                refused.json()["errors"][0]["message"]
                == "Unknown argument 'search' on field 'Space.tableJobs'."
            )
        finally:
            api.http.close()


def test_dump_reports_refused_introspection_without_the_key(
    arize_emulator_factory: Callable[..., EmulatorServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = arize_emulator_factory("no-introspection", run_workers=False)
    out = tmp_path / "dump.json"
    monkeypatch.delenv(schema_dump.API_KEY_ENV, raising=False)
    assert schema_dump.main(["--endpoint", server.url, "--out", str(out)]) == 2
    assert "ARIZE_API_KEY" in capsys.readouterr().err
    monkeypatch.setenv(schema_dump.API_KEY_ENV, server.api_key)
    assert schema_dump.main(["--endpoint", server.url, "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "introspection is not allowed" in captured.err
    assert server.api_key not in captured.out + captured.err
    assert not out.exists()


def test_dump_files_that_are_not_schemas_are_refused(tmp_path: Path) -> None:
    for text, problem in (("{", "not valid JSON"), ('{"data": {}}', "no introspection result"),
                          ("type Query { x: Nope }", "invalid SDL")):  # fmt: skip
        path = tmp_path / "bad.json"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=problem):
            get_profile(f"file:{path}")


# --------------------------------------------------------------------------------------------------
# arize_toolkit's import-job documents against the full profile
# --------------------------------------------------------------------------------------------------
# Copied from the public community client arize_toolkit 1.0.20 (PyPI), module
# arize_toolkit/queries/data_import_queries.py, whose documents embed the field selections its pydantic
# models render (arize_toolkit/models/data_import_models.py, ``to_graphql_fields()``); rendered here.

AT_SCHEMA_FIELDS = (
    "schema { predictionId timestamp tags tagsList features featuresList embeddingFeatures { featureName "
    "vectorCol rawDataCol linkToDataCol } version exclude batchId shapValues changeTimestamp "
    "predictionObjectDetection { boundingBoxesCoordinatesColumnName boundingBoxesCategoriesColumnName "
    "boundingBoxesScoresColumnName } actualObjectDetection { boundingBoxesCoordinatesColumnName "
    "boundingBoxesCategoriesColumnName boundingBoxesScoresColumnName } predictionScores actualScores "
    "thresholdScores predictionGroupId rank relevanceScore relevanceLabel predictionScore actualScore "
    "predictionLabel actualLabel }"
)
AT_FILE_JOB_CHECK = "id jobId jobStatus totalFilesPendingCount totalFilesSuccessCount totalFilesFailedCount"
AT_FILE_JOB = (
    f"{AT_FILE_JOB_CHECK} createdAt modelName modelId modelVersion modelType modelEnvironmentName "
    f"{AT_SCHEMA_FIELDS} batchId blobStore bucketName prefix"
)
AT_TABLE_JOB_CHECK = (
    "id jobId jobStatus totalQueriesSuccessCount totalQueriesFailedCount totalQueriesPendingCount"
)
AT_TABLE_JOB = (
    "id jobStatus jobId createdAt modelName modelId modelVersion modelType modelEnvironmentName "
    f"{AT_SCHEMA_FIELDS} batchId table tableStore projectId dataset totalQueriesSuccessCount "
    "totalQueriesFailedCount totalQueriesPendingCount tableIngestionParameters { refreshIntervalSeconds "
    "queryWindowSizeSeconds }"
)
ARIZE_TOOLKIT_DOCUMENTS = {
    "GetFileImportJobStatus": """
    query GetFileImportJobStatus($spaceId: ID!, $jobId: String!) {
        node(id: $spaceId) { ... on Space { importJobs(search: $jobId, first: 1) {
            edges { node { %s } } } } }
    }"""
    % AT_FILE_JOB,
    "GetAllFileImportJobs": """
    query GetAllFileImportJobs($spaceId: ID!, $endCursor: String) {
        node(id: $spaceId) { ... on Space { importJobs(first: 10, after: $endCursor) {
            pageInfo { hasNextPage endCursor } edges { node { %s } } } } }
    }"""
    % AT_FILE_JOB_CHECK,
    "CreateFileImportJob": """
    mutation CreateFileImportJob($input: CreateFileImportJobInput!) {
        createFileImportJob(input: $input) { fileImportJob { %s } }
    }"""
    % AT_FILE_JOB_CHECK,
    "GetTableImportJobStatus": """
    query GetTableImportJobStatus($spaceId: ID!, $jobId: String!) {
        node(id: $spaceId) { ... on Space { tableJobs(search: $jobId, first: 1) {
            edges { node { %s } } } } }
    }"""
    % AT_TABLE_JOB,
    "GetAllTableImportJobs": """
    query GetAllTableImportJobs($spaceId: ID!, $endCursor: String) {
        node(id: $spaceId) { ... on Space { tableJobs(first: 10, after: $endCursor) {
            pageInfo { hasNextPage endCursor } edges { node { %s } } } } }
    }"""
    % AT_TABLE_JOB,
    "CreateTableImportJob": """
    mutation CreateTableImportJob($input: CreateTableImportJobInput!) {
        createTableImportJob(input: $input) { tableImportJob { %s } }
    }"""
    % AT_TABLE_JOB_CHECK,
    "UpdateFileImportJob": """
    mutation UpdateFileImportJob($jobId: ID!, $jobStatus: JobStatus, $modelSchema: FileImportSchemaInputType!) {
        updateFileImportJob(input: { jobId: $jobId jobStatus: $jobStatus, schema: $modelSchema }) {
            fileImportJob { %s }
        }
    }"""
    % AT_FILE_JOB_CHECK,
    "UpdateTableImportJob": """
    mutation UpdateTableImportJob($jobId: ID!, $jobStatus: JobStatus, $modelVersion: String,
        $modelSchema: TableImportSchemaInputType!, $refreshInterval: Int, $queryWindowSize: Int) {
        updateTableImportJob(input: { jobId: $jobId jobStatus: $jobStatus, modelVersion: $modelVersion,
            schema: $modelSchema, tableIngestionParameters: { refreshIntervalMinutes: $refreshInterval,
            queryWindowSizeHours: $queryWindowSize } }) {
            tableImportJob { %s }
        }
    }"""
    % AT_TABLE_JOB_CHECK,
    "DeleteFileImportJob": """
    mutation DeleteFileImportJob($id: ID!) {
        deleteFileImportJob(input: { jobId: $id }) { fileImportJob { jobStatus } }
    }""",
    "DeleteTableImportJob": """
    mutation DeleteTableImportJob($id: ID!) {
        deleteTableImportJob(input: { jobId: $id }) { tableImportJob { jobStatus jobId } }
    }""",
}


@pytest.mark.parametrize("name", list(ARIZE_TOOLKIT_DOCUMENTS))
def test_arize_toolkit_document_is_valid_on_the_full_profile(name: str) -> None:
    errors = validate(executable_schema(FULL), parse(ARIZE_TOOLKIT_DOCUMENTS[name]))
    assert [e.message for e in errors] == []


EMBEDDING = {
    "featureName": "image",
    "vectorCol": "image_vector",
    "rawDataCol": "image_text",
    "linkToDataCol": "url",
}
BOXES = {
    "boundingBoxesCoordinatesColumnName": "coords",
    "boundingBoxesCategoriesColumnName": "cats",
    "boundingBoxesScoresColumnName": None,
}


def test_arize_toolkit_reads_embedding_and_object_detection_columns(
    arize_emulator: EmulatorServer, connect: Callable[[EmulatorServer], Api]
) -> None:
    api = connect(arize_emulator)
    schema = {"predictionId": "id", "timestamp": "ts", "predictionObjectDetection": BOXES,
              "actualObjectDetection": BOXES, "embeddingFeatures": [EMBEDDING], "thresholdScores": "thr"}  # fmt: skip
    file_job = api.create_file_job(modelType="object_detection", schema=schema)
    variables = {"spaceId": arize_emulator.space_id, "jobId": file_job["jobId"]}
    got = api.data(ARIZE_TOOLKIT_DOCUMENTS["GetFileImportJobStatus"], variables)
    file_schema = got["node"]["importJobs"]["edges"][0]["node"]["schema"]
    assert file_schema["embeddingFeatures"] == [EMBEDDING]
    assert file_schema["predictionObjectDetection"] == file_schema["actualObjectDetection"] == BOXES
    assert file_schema["thresholdScores"] == "thr" and file_schema["changeTimestamp"] is None

    table_input = bigquery_input(arize_emulator.space_id)
    table_input["schema"] = {
        **table_input["schema"],
        "embeddingFeatures": [EMBEDDING],
        "predictionScores": "s",
    }
    table_job = api.data(CREATE_TABLE, {"input": table_input})["createTableImportJob"]["tableImportJob"]
    variables = {"spaceId": arize_emulator.space_id, "jobId": table_job["jobId"]}
    got = api.data(ARIZE_TOOLKIT_DOCUMENTS["GetTableImportJobStatus"], variables)
    table_schema = got["node"]["tableJobs"]["edges"][0]["node"]["schema"]
    assert table_schema["embeddingFeatures"] == [EMBEDDING] and table_schema["predictionScores"] == "s"
    assert table_schema["predictionObjectDetection"] is None and table_schema["thresholdScores"] is None
