"""Arize's own example documents (the "Table Importer API" page, copied verbatim, odd commas and all)
validate on every emulator profile: no variant of the API the emulator serves may refuse what Arize's page
shows working."""

from __future__ import annotations

import pytest
from graphql import build_schema, parse, validate

from airflow_provider_arize.emulator.profiles import get_profile, profile_names

#: Every document of the page, in its order (dry run and create, each with variables and inline; the
#: listings; pause, start; the event-based create, lookup and trigger; delete; both updates).
SEED_DOCUMENTS = [
    "mutation dryRunTableImportJob ($input: CreateTableImportJobInput ! ) {\ncreateTableImportJob(input: $input) {\nvalidationResult {\nvalidationStatus\nerror {\nmessage\n}\n}\n}\n}",
    'mutation {\ncreateTableImportJob(input: {\nspaceId : "space_id" ,\nmodelName : "My Test Model" ,\nmodelType : score_categorical,\nmodelEnvironmentName : production,\ntableStore : BigQuery,\nbigQueryTableConfig : {\nprojectId : "test-project-id" ,\ndataset : "test-dataset" ,\ntableName : "test-table"\n},\nschema : {\npredictionId : "prediction_id" ,\npredictionLabel : "prediction" ,\ntimestamp : "prediction_ts" ,\nfeatures : "feature_" ,\nactualLabel : "actual" ,\nversion : "model_version" ,\ntags : "tag_" ,\nchangeTimestamp : "partition_timestamp"\n},\ndryRun : true\n}){\nvalidationResult {\nvalidationStatus\nerror {\nmessage\n}\n}\n}\n}',
    "mutation createTableImportJob ($input: CreateTableImportJobInput ! ) {\ncreateTableImportJob(input: $input) {\ntableImportJob {\nid\n}\n}\n}",
    'mutation {\ncreateTableImportJob(input: {\nspaceId : "space_id" ,\nmodelName : "My Test Model" ,\nmodelType : score_categorical,\nmodelEnvironmentName : production,\ntableStore : BigQuery,\nbigQueryTableConfig : {\nprojectId : "test-project-id" ,\ndataset : "test-dataset" ,\ntableName : "test-table"\n},\nschema : {\npredictionId : "prediction_id" ,\npredictionLabel : "prediction" ,\ntimestamp : "prediction_ts" ,\nfeatures : "feature_" ,\nactualLabel : "actual" ,\nversion : "model_version" ,\ntags : "tag_" ,\nchangeTimestamp : "partition_timestamp"\n}\n}){\ntableImportJob {\nid\n}\n}\n}',
    'query {\nnode(id: "space_id" ) {\n... on Space {\ntableJobs(first: 50 ) {\nedges {\nnode {\nid\nmodelName\njobStatus\ntotalQueriesFailedCount\ntotalQueriesSuccessCount\n}\n}\n}\n}\n}\n}',
    'query {\nnode(id: "ID" ) {\n... on TableImportJob {\nqueries(first: 10 ) {\ntotalCount\nedges{\nnode {\nqueryId\ncreatedAt\nrecordsProcessedCount\nwindowStartTimestamp\nwindowEndTimestamp\n}\n}\n}\n}\n}\n}',
    'mutation {\npauseTableImportJob(input: { jobId : "ID" }) {\ntableImportJob {\njobStatus\n}\n}\n}',
    'mutation {\nstartTableImportJob(input: { jobId : "ID" }) {\ntableImportJob {\njobStatus\n}\n}\n}',
    'mutation CreateTableJob {\ncreateTriggeredOngoingTableImportJob(input: {\nspaceId : "space_id" ,\nmodelName : "model-name" ,\nmodelType : score_categorical,\nmodelEnvironmentName : production,\ntableStore : Snowflake,\nsnowflakeTableConfig : {\naccountID : "snowflake-account-id" ,\nschema : "snowflake-schema" ,\ndatabase : "database-name" ,\ntableName : "table-name"\n},\nschema : {\npredictionId : "PRED_ID" ,\npredictionLabel : "PRED_LABEL"\ntimestamp : "TIMESTAMP" ,\nfeaturesList : [],\ntagsList : [],\nchangeTimestamp : "CHANGE_TIMESTAMP" ,\n}\n}) {\ntableImportJob{\njobId\njobStatus\n}\nspace{\nid\n}\nvalidationResult{\nerror {\ncode\nmessage\n}\nvalidationStatus\n}\n}\n}',
    'query queryTableJobId {\nnode(id: "spaceId" ) {\n... on Space {\ntableJobs(first: 1 ){\nedges{\nnode{\nid\njobId\n}\n}\n}\n}\n}\n}',
    'mutation TriggerTableRun {\ncreateTriggeredOngoingTableRun(input: {\njobId : "<ID from above query>" ,\nqueryStart : "2024-08-20T01:00:00Z" , #desired start time for query\nqueryEnd : "2024-08-20T23:00:00Z" , #desired end time for query\n}) {\nclientMutationId\n}\n}',
    'mutation {\ndeleteTableImportJob(input: { jobId : "ID" }) {\ntableImportJob {\njobStatus\n}\n}\n}',
    'mutation {\nupdateTableIngestionParameters(input: {\njobId : "job_id" ,\ntableIngestionParameters : {\nrowLimit : 50000 ,\nrefreshIntervalMinutes : 60 ,\nqueryWindowSizeHours : 24\n}\n}) {\ntableImportJob {\nid\n}\n}\n}',
    "mutation updateTableImportJob (\n$jobId: ID ! ,\n$schema: TableImportSchemaInputType ! ,\n$tableIngestionParameters: TableIngestionParametersInputType !\n) {\nupdateTableImportJob(input: {\njobId : $jobId,\nschema : $schema,\ntableIngestionParameters : $tableIngestionParameters\n}) {\ntableImportJob {\nid\n}\n}\n}",
]


@pytest.mark.parametrize("profile", [p for p in profile_names() if not p.startswith("file:")])
def test_the_seed_documents_validate_on_every_profile(profile: str) -> None:
    schema = build_schema(get_profile(profile).sdl())
    for document in SEED_DOCUMENTS:
        assert validate(schema, parse(document)) == [], document


def test_all_fourteen_documents_were_copied() -> None:
    assert len(SEED_DOCUMENTS) == 14
