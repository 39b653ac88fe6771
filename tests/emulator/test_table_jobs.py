"""Table import jobs: Arize's example documents verbatim, lifecycle, updates, both jobId forms."""

from __future__ import annotations

import base64
import re

from .conftest import Api

PAUSE = 'mutation { pauseTableImportJob(input: { jobId : "%s" }) { tableImportJob { jobStatus } } }'
START = 'mutation { startTableImportJob(input: { jobId : "%s" }) { tableImportJob { jobStatus } } }'
DELETE = 'mutation { deleteTableImportJob(input: { jobId : "%s" }) { tableImportJob { jobStatus } } }'
JOB_FIELDS = """query($id: ID!) { node(id: $id) { ... on TableImportJob {
  id jobId jobStatus modelName modelId table tableStore schema { predictionLabel changeTimestamp featuresList }
  tableIngestionParameters { rowLimit refreshIntervalMinutes queryWindowSizeHours
                             refreshIntervalSeconds queryWindowSizeSeconds }
  totalQueriesPendingCount totalQueriesSuccessCount totalQueriesFailedCount } } }"""

# --- Seed 003 documents, verbatim (placeholders substituted by the tests) ---------------------------
SEED_DRY_RUN_LITERAL = """mutation {
createTableImportJob(input: {
spaceId : "space_id" ,
modelName : "My Test Model" ,
modelType : score_categorical,
modelEnvironmentName : production,
tableStore : BigQuery,
bigQueryTableConfig : {
projectId : "test-project-id" ,
dataset : "test-dataset" ,
tableName : "test-table"
},
schema : {
predictionId : "prediction_id" ,
predictionLabel : "prediction" ,
timestamp : "prediction_ts" ,
features : "feature_" ,
actualLabel : "actual" ,
version : "model_version" ,
tags : "tag_" ,
changeTimestamp : "partition_timestamp"
},
dryRun : true
}){
validationResult {
validationStatus
error {
message
}
}
}
}"""
SEED_CREATE_VARIABLES = """mutation createTableImportJob ($input: CreateTableImportJobInput ! ) {
createTableImportJob(input: $input) {
tableImportJob {
id
}
}
}"""
SEED_LIST = """query {
node(id: "space_id" ) {
... on Space {
tableJobs(first: 50 ) {
edges {
node {
id
modelName
jobStatus
totalQueriesFailedCount
totalQueriesSuccessCount
}
}
}
}
}
}"""
SEED_TRIGGERED_CREATE = """mutation CreateTableJob {
createTriggeredOngoingTableImportJob(input: {
spaceId : "space_id" ,
modelName : "model-name" ,
modelType : score_categorical,
modelEnvironmentName : production,
tableStore : Snowflake,
snowflakeTableConfig : {
accountID : "snowflake-account-id" ,
schema : "snowflake-schema" ,
database : "database-name" ,
tableName : "table-name"
},
schema : {
predictionId : "PRED_ID" ,
predictionLabel : "PRED_LABEL"
timestamp : "TIMESTAMP" ,
featuresList : [],
tagsList : [],
changeTimestamp : "CHANGE_TIMESTAMP" ,
}
}) {
tableImportJob{
jobId
jobStatus
}
space{
id
}
validationResult{
error {
code
message
}
validationStatus
}
}
}"""
SEED_QUERY_JOB_ID = """query queryTableJobId {
node(id: "spaceId" ) {
... on Space {
tableJobs(first: 1 ){
edges{
node{
id
jobId
}
}
}
}
}
}"""
SEED_TRIGGER = """mutation TriggerTableRun {
createTriggeredOngoingTableRun(input: {
jobId : "<ID from above query>" ,
queryStart : "2024-08-20T01:00:00Z" , #desired start time for query
queryEnd : "2024-08-20T23:00:00Z" , #desired end time for query
}) {
clientMutationId
}
}"""
SEED_QUERIES = """query {
node(id: "ID" ) {
... on TableImportJob {
queries(first: 10 ) {
totalCount
edges{
node {
queryId
createdAt
recordsProcessedCount
windowStartTimestamp
windowEndTimestamp
}
}
}
}
}
}"""
SEED_UPDATE_PARAMS = """mutation {
updateTableIngestionParameters(input: {
jobId : "job_id" ,
tableIngestionParameters : {
rowLimit : 50000 ,
refreshIntervalMinutes : 60 ,
queryWindowSizeHours : 24
}
}) {
tableImportJob {
id
}
}
}"""
SEED_UPDATE_JOB = """mutation updateTableImportJob (
$jobId: ID ! ,
$schema: TableImportSchemaInputType ! ,
$tableIngestionParameters: TableIngestionParametersInputType !
) {
updateTableImportJob(input: {
jobId : $jobId,
schema : $schema,
tableIngestionParameters : $tableIngestionParameters
}) {
tableImportJob {
id
}
}
}"""


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_seed_documents_are_copied_verbatim() -> None:
    """These are the page's documents (``test_seed_documents.SEED_DOCUMENTS`` holds all of them verbatim)."""
    from .test_seed_documents import SEED_DOCUMENTS

    seed = " ".join(_normalise(d) for d in SEED_DOCUMENTS)
    for doc in (SEED_DRY_RUN_LITERAL, SEED_CREATE_VARIABLES, SEED_LIST, SEED_TRIGGERED_CREATE,
                SEED_QUERY_JOB_ID, SEED_TRIGGER, SEED_QUERIES, SEED_UPDATE_PARAMS, SEED_UPDATE_JOB):  # fmt: skip
        assert _normalise(doc) in seed, doc[:60]


def test_seed_dry_run_and_create(api: Api) -> None:
    space = api.server.space_id
    dry = api.data(SEED_DRY_RUN_LITERAL.replace('"space_id"', f'"{space}"'))
    assert dry == {
        "createTableImportJob": {"validationResult": {"validationStatus": "success", "error": None}}
    }
    assert api.server.admin.jobs() == []

    from .conftest import bigquery_input

    created = api.data(SEED_CREATE_VARIABLES, {"input": bigquery_input(space)})
    job_id = created["createTableImportJob"]["tableImportJob"]["id"]
    assert base64.b64decode(job_id).decode() == "TableImportJob:1"
    listed = api.data(SEED_LIST.replace('"space_id"', f'"{space}"'))
    assert listed["node"]["tableJobs"]["edges"] == [
        {
            "node": {
                "id": job_id,
                "modelName": "My Test Model",
                "jobStatus": "active",
                "totalQueriesFailedCount": 0,
                "totalQueriesSuccessCount": 0,
            }
        }
    ]
    job = api.data(JOB_FIELDS, {"id": job_id})["node"]
    assert job["table"] == "test-project-id.test-dataset.test-table"
    assert job["tableStore"] == "BigQuery"
    assert base64.b64decode(job["modelId"]).decode().startswith("Model:")


def test_seed_event_based_flow(api_without_workers: Api) -> None:
    api = api_without_workers
    space = api.server.space_id
    created = api.data(SEED_TRIGGERED_CREATE.replace('"space_id"', f'"{space}"'))[
        "createTriggeredOngoingTableImportJob"
    ]
    assert created["tableImportJob"] == {"jobId": "1", "jobStatus": "active"}
    assert created["space"] == {"id": space}
    assert created["validationResult"] == {"error": None, "validationStatus": "success"}

    node = api.data(SEED_QUERY_JOB_ID.replace('"spaceId"', f'"{space}"'))["node"]["tableJobs"]["edges"][0][
        "node"
    ]
    assert node["jobId"] == "1"
    trigger = SEED_TRIGGER.replace("<ID from above query>", node["id"])
    assert api.data(trigger) == {"createTriggeredOngoingTableRun": {"clientMutationId": None}}

    queries = api.data(SEED_QUERIES.replace('"ID"', f'"{node["id"]}"'))["node"]["queries"]
    assert queries["totalCount"] == 1
    query = queries["edges"][0]["node"]
    assert query["windowStartTimestamp"] == "2024-08-20T01:00:00Z"
    assert query["windowEndTimestamp"] == "2024-08-20T23:00:00Z"
    assert query["recordsProcessedCount"] is None
    assert query["queryId"] and query["createdAt"].endswith("Z")
    job = api.data(JOB_FIELDS, {"id": node["id"]})["node"]
    assert job["table"] == "database-name.snowflake-schema.table-name"
    assert job["schema"]["featuresList"] == []
    assert job["totalQueriesPendingCount"] == 1
    dump = api.server.admin.jobs()[0]
    assert dump["triggered"] is True
    assert dump["queries"][0]["status"] == "pending"
    assert dump["location"]["accountID"] == "snowflake-account-id"


def test_triggered_run_rules(api: Api) -> None:
    polling = api.create_table_job()
    space = api.server.space_id
    api.data(SEED_TRIGGERED_CREATE.replace('"space_id"', f'"{space}"'))
    run = (
        "mutation($id: ID!, $s: DateTime!, $e: DateTime!) "
        "{ createTriggeredOngoingTableRun(input: {jobId: $id, queryStart: $s, queryEnd: $e}) { clientMutationId } }"
    )
    ok = {"s": "2024-08-20T01:00:00Z", "e": "2024-08-20T02:00:00+00:00"}
    assert "not an event-based" in api.errors(run, {"id": polling["jobId"], **ok})[0]
    assert "before queryEnd" in api.errors(run, {"id": "2", "s": ok["e"], "e": ok["s"]})[0]
    assert "timezone" in api.errors(run, {"id": "2", "s": "2024-08-20T01:00:00", "e": ok["e"]})[0]
    api.data(PAUSE % "2")
    assert "paused" in api.errors(run, {"id": "2", **ok})[0]
    api.data(DELETE % "2")
    assert "deleted" in api.errors(run, {"id": "2", **ok})[0]


def test_lifecycle_and_both_id_forms(api: Api) -> None:
    job = api.create_table_job()
    assert job["jobStatus"] == "active"
    assert api.data(PAUSE % job["id"])["pauseTableImportJob"]["tableImportJob"]["jobStatus"] == "inactive"
    assert api.data(PAUSE % job["jobId"])["pauseTableImportJob"]["tableImportJob"]["jobStatus"] == "inactive"
    assert api.data(START % job["jobId"])["startTableImportJob"]["tableImportJob"]["jobStatus"] == "active"
    assert api.data(DELETE % job["id"])["deleteTableImportJob"]["tableImportJob"]["jobStatus"] == "deleted"
    assert api.data(DELETE % job["id"])["deleteTableImportJob"]["tableImportJob"]["jobStatus"] == "deleted"
    for doc in (PAUSE, START):
        assert "deleted" in api.errors(doc % job["jobId"])[0]
    listed = api.data(SEED_LIST.replace('"space_id"', f'"{api.server.space_id}"'))
    assert listed["node"]["tableJobs"]["edges"][0]["node"]["jobStatus"] == "deleted"
    committed = api.server.admin.stats()["mutations_committed"]
    assert committed == {"createTableImportJob": 1, "pauseTableImportJob": 1, "startTableImportJob": 1,
                         "deleteTableImportJob": 1}  # fmt: skip


def test_strict_state_changes(api: Api) -> None:
    api.server.admin.set_options(strict_state_changes=True)
    job = api.create_table_job()
    assert "already active" in api.errors(START % job["jobId"])[0]
    api.data(PAUSE % job["jobId"])
    assert "already inactive" in api.errors(PAUSE % job["jobId"])[0]
    api.data(DELETE % job["jobId"])
    assert "already deleted" in api.errors(DELETE % job["jobId"])[0]


def test_bad_job_ids_are_named(api: Api) -> None:
    job = api.create_table_job()
    file_job = api.create_file_job()
    space_id = api.server.space_id
    for bad, expected in [
        (space_id, "it is a Space id"),
        ("999", "No TableImportJob"),
        ("not-an-id", "expected a TableImportJob global id"),
        (file_job["jobId"], "No TableImportJob"),
        (file_job["id"], "it is a FileImportJob id"),
    ]:
        message = api.errors(PAUSE % bad)[0]
        assert bad in message and expected in message
    # node() takes global ids only
    message = api.errors('{ node(id: "%s") { id } }' % job["jobId"])[0]
    assert job["jobId"] in message
    assert api.data('{ node(id: "%s") { id } }' % base64.b64encode(b"TableImportJob:77").decode()) == {
        "node": None
    }


def test_updates_merge(api: Api) -> None:
    job = api.create_table_job()
    api.data(SEED_UPDATE_PARAMS.replace('"job_id"', f'"{job["jobId"]}"'))
    params = api.data(JOB_FIELDS, {"id": job["id"]})["node"]["tableIngestionParameters"]
    assert params == {
        "rowLimit": 50000,
        "refreshIntervalMinutes": 60,
        "queryWindowSizeHours": 24,
        "refreshIntervalSeconds": 3600,
        "queryWindowSizeSeconds": 86400,
    }
    new_schema = {"predictionId": "pid", "predictionScore": "score", "changeTimestamp": "ts2"}
    api.data(
        SEED_UPDATE_JOB,
        {"jobId": job["id"], "schema": new_schema, "tableIngestionParameters": {"rowLimit": 10}},
    )
    after = api.data(JOB_FIELDS, {"id": job["id"]})["node"]
    assert after["schema"]["changeTimestamp"] == "ts2"
    assert after["schema"]["predictionLabel"] is None
    assert after["tableIngestionParameters"]["rowLimit"] == 10
    assert after["tableIngestionParameters"]["refreshIntervalMinutes"] == 60

    bad = SEED_UPDATE_PARAMS.replace('"job_id"', f'"{job["jobId"]}"').replace(
        "rowLimit : 50000", "rowLimit : 0"
    )
    assert "rowLimit must be a positive integer" in api.errors(bad)[0]
    negative = bad.replace("rowLimit : 0", "rowLimit : 5").replace(
        "queryWindowSizeHours : 24", "queryWindowSizeHours : -1"
    )
    assert "queryWindowSizeHours" in api.errors(negative)[0]
    no_ts = {"predictionId": "pid", "predictionScore": "score"}
    message = api.errors(
        SEED_UPDATE_JOB, {"jobId": job["id"], "schema": no_ts, "tableIngestionParameters": {}}
    )[0]
    assert "changeTimestamp" in message


def test_databricks_and_snowflake_table_names(api: Api) -> None:
    dbx = {"hostName": "h", "endpoint": "/sql/1", "catalog": "cat", "databricksSchema": "sch", "tableName": "t",
           "token": "dapi-secret"}  # fmt: skip
    job = api.create_table_job(tableStore="Databricks", bigQueryTableConfig=None, databricksTableConfig=dbx)
    assert job["table"] == "cat.sch.t" and job["projectId"] is None
    dump = api.server.admin.jobs()[0]
    assert dump["location"]["token"] == "***"
    snow = {"accountID": "org-acc", "database": "DB", "schema": "S", "tableName": "T"}
    job = api.create_table_job(tableStore="Snowflake", bigQueryTableConfig=None, snowflakeTableConfig=snow)
    assert job["table"] == "DB.S.T"
