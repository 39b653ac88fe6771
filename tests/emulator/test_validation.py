"""Create-time validation: every failure names its problem; failing creates write nothing."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_arize.api import constants as c

from .conftest import CREATE_FILE, CREATE_TABLE, Api, bigquery_input, file_input

SNOWFLAKE = {"accountID": "a", "database": "d", "schema": "s", "tableName": "t"}
DATABRICKS = {"hostName": "h", "endpoint": "e", "catalog": "c", "databricksSchema": "s", "tableName": "t"}

TABLE_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("no model name", {"modelName": None}, c.VALIDATION_CODE_MISSING_FIELD, "modelName"),
    ("empty model name", {"modelName": ""}, c.VALIDATION_CODE_MISSING_FIELD, "modelName"),
    ("no model type", {"modelType": None}, c.VALIDATION_CODE_MISSING_FIELD, "modelType"),
    ("no table store", {"tableStore": None}, c.VALIDATION_CODE_MISSING_FIELD, "tableStore"),
    ("no schema", {"schema": None}, c.VALIDATION_CODE_MISSING_FIELD, "schema"),
    ("legacy model type", {"modelType": "categorical"}, c.VALIDATION_CODE_INVALID_VALUE, "categorical"),
    ("no batch id for validation", {"modelEnvironmentName": "validation"}, c.VALIDATION_CODE_MISSING_FIELD,
     "batchId"),
    ("config of another store", {"tableStore": "Snowflake"}, c.VALIDATION_CODE_TABLE_CONFIG, "bigQueryTableConfig"),
    ("two configs", {"snowflakeTableConfig": SNOWFLAKE}, c.VALIDATION_CODE_TABLE_CONFIG, "snowflakeTableConfig"),
    ("missing config", {"bigQueryTableConfig": None}, c.VALIDATION_CODE_MISSING_FIELD, "bigQueryTableConfig"),
    ("bigquery table name", {"bigQueryTableConfig": {"projectId": "p", "dataset": "d"}},
     c.VALIDATION_CODE_MISSING_FIELD, "bigQueryTableConfig.tableName"),
    ("snowflake account", {"tableStore": "Snowflake", "bigQueryTableConfig": None,
                           "snowflakeTableConfig": {**SNOWFLAKE, "accountID": None}},
     c.VALIDATION_CODE_MISSING_FIELD, "snowflakeTableConfig.accountID"),
    ("databricks catalog", {"tableStore": "Databricks", "bigQueryTableConfig": None,
                            "databricksTableConfig": {**DATABRICKS, "catalog": ""}},
     c.VALIDATION_CODE_MISSING_FIELD, "databricksTableConfig.catalog"),
    ("no change timestamp", {"schema": {"predictionId": "p", "predictionLabel": "l"}},
     c.VALIDATION_CODE_MISSING_FIELD, "changeTimestamp"),
    ("no prediction columns", {"schema": {"predictionId": "p", "changeTimestamp": "ts"}},
     c.VALIDATION_CODE_SCHEMA, "predictionLabel"),
    ("ranking needs group and rank",
     {"modelType": "ranking", "schema": {"predictionId": "p", "rank": "r", "changeTimestamp": "ts"}},
     c.VALIDATION_CODE_SCHEMA, "predictionGroupId+rank"),
    ("bad row limit", {"tableIngestionParameters": {"rowLimit": 0}}, c.VALIDATION_CODE_INVALID_VALUE, "rowLimit"),
    ("unknown space", {"spaceId": "U3BhY2U6OTk5"}, c.VALIDATION_CODE_ACCESS, "U3BhY2U6OTk5"),
    ("placeholder space", {"spaceId": "space_id"}, c.VALIDATION_CODE_ACCESS, "space_id"),
]  # fmt: skip


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize(("overrides", "code", "named"), [case[1:] for case in TABLE_CASES],
                         ids=[case[0] for case in TABLE_CASES])  # fmt: skip
def test_table_validation_failures(
    api: Api, overrides: dict[str, Any], code: str, named: str, dry_run: bool
) -> None:
    inp = bigquery_input(api.server.space_id, **overrides, dryRun=dry_run)
    result = api.data(CREATE_TABLE, {"input": inp})["createTableImportJob"]
    assert result["tableImportJob"] is None
    assert result["validationResult"]["validationStatus"] == c.VALIDATION_STATUS_FAILURE
    assert result["validationResult"]["error"]["code"] == code
    assert named in result["validationResult"]["error"]["message"]
    assert api.server.admin.jobs() == []


def test_passing_dry_run_writes_nothing(api: Api) -> None:
    result = api.data(CREATE_TABLE, {"input": bigquery_input(api.server.space_id, dryRun=True)})
    assert result["createTableImportJob"] == {
        "clientMutationId": None,
        "tableImportJob": None,
        "validationResult": {"validationStatus": c.VALIDATION_STATUS_SUCCESS, "error": None},
    }
    assert api.server.admin.jobs() == []
    assert api.server.admin.stats()["mutations_committed"] == {}


@pytest.mark.parametrize(
    "schema",
    [
        {"predictionId": "p", "actualLabel": "a", "changeTimestamp": "ts"},  # delayed actuals
        {
            "predictionId": "p",
            "predictionScore": "s",
            "changeTimestamp": "ts",
            "featuresList": [],
            "tagsList": [],
        },
    ],
)
def test_valid_schemas(api: Api, schema: dict[str, Any]) -> None:
    job = api.create_table_job(schema=schema, clientMutationId="abc")
    assert job["jobStatus"] == "active"


def test_generative_llm_and_validation_env_with_batch(api: Api) -> None:
    api.create_table_job(modelType="generative_llm", schema={"predictionId": "p", "changeTimestamp": "ts"})
    api.create_table_job(modelEnvironmentName="validation", batchId="b1")


def test_bad_enum_literal_is_a_graphql_error(api: Api) -> None:
    query = 'mutation { createTableImportJob(input: {spaceId: "x", modelEnvironmentName: staging}) { clientMutationId } }'
    response = api.post(query)
    assert response.status_code == 400
    assert "staging" in response.json()["errors"][0]["message"]


def test_legacy_model_type_behind_option(api: Api) -> None:
    inp = file_input(api.server.space_id, modelType="categorical")
    failed = api.data(CREATE_FILE, {"input": inp})["createFileImportJob"]
    assert "legacy" in failed["validationResult"]["error"]["message"]
    api.server.admin.set_options(accept_legacy_model_types=True)
    created = api.data(CREATE_FILE, {"input": inp})["createFileImportJob"]
    assert created["fileImportJob"]["modelType"] == "categorical"


def test_triggered_jobs_are_snowflake_only(api: Api) -> None:
    query = """mutation($input: CreateTriggeredOngoingTableImportJobInput!) {
      createTriggeredOngoingTableImportJob(input: $input) {
        tableImportJob { id } validationResult { validationStatus error { code message } } } }"""
    inp = bigquery_input(api.server.space_id)
    del inp["bigQueryTableConfig"]
    result = api.data(query, {"input": inp})["createTriggeredOngoingTableImportJob"]
    assert result["tableImportJob"] is None
    assert "Snowflake only" in result["validationResult"]["error"]["message"]


FILE_CASES: list[tuple[dict[str, Any], str, str]] = [
    ({"bucketName": None}, c.VALIDATION_CODE_MISSING_FIELD, "bucketName"),
    ({"bucketName": ""}, c.VALIDATION_CODE_MISSING_FIELD, "bucketName"),
    ({"blobStore": None}, c.VALIDATION_CODE_MISSING_FIELD, "blobStore"),
    ({"schema": {"predictionId": "p"}}, c.VALIDATION_CODE_SCHEMA, "predictionScore"),
    ({"modelType": "multi_class"}, c.VALIDATION_CODE_SCHEMA, "predictionScores"),
    ({"modelEnvironmentName": "validation"}, c.VALIDATION_CODE_MISSING_FIELD, "batchId"),
]


@pytest.mark.parametrize(("overrides", "code", "named"), FILE_CASES)
def test_file_validation_failures(api: Api, overrides: dict[str, Any], code: str, named: str) -> None:
    result = api.data(CREATE_FILE, {"input": file_input(api.server.space_id, **overrides)})[
        "createFileImportJob"
    ]
    assert result["fileImportJob"] is None
    assert result["validationResult"]["error"]["code"] == code
    assert named in result["validationResult"]["error"]["message"]
    assert api.server.admin.jobs() == []
