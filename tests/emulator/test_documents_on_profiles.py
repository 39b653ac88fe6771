"""Every document the client sends, as built for a host, validates on every API variant the emulator can
serve: the host's shape is learnt the way the client learns it (its discovery document, answered by that
profile's schema), then each shipped operation and batched read is built and validated against the same
schema. No HTTP: graphql-core plays the host."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema, graphql_sync, parse, validate

from airflow_provider_arize.api import documents, operations
from airflow_provider_arize.api.batch_document import FILE_JOB, TABLE_JOB, TABLE_QUERIES_PAGE
from airflow_provider_arize.api.operations import SEED_FORM
from airflow_provider_arize.api.shape.discovery import DISCOVERY_DOCUMENT, present_keys
from airflow_provider_arize.api.shape.registry import CERTAIN, OPTIONAL
from airflow_provider_arize.emulator.profiles import get_profile, profile_names

PROFILES = [p for p in profile_names() if not p.startswith("file:")]
DOCUMENTS = [*operations.names(), TABLE_JOB, FILE_JOB, TABLE_QUERIES_PAGE]
VALUES: dict[str, Any] = {
    "id": "VGFibGVJbXBvcnRKb2I6MQ==",
    "spaceId": "U3BhY2U6MQ==",
    "first": 50,
    "after": "YXJyYXk6MQ==",
    "search": "1",
    "jobId": "1",
    "schema": {"predictionId": "p", "timestamp": "t", "predictionLabel": "l", "changeTimestamp": "c"},
    "tableIngestionParameters": {"rowLimit": 10},
}
FILE_SCHEMA = {"predictionId": "p", "timestamp": "t", "predictionLabel": "l"}
#: Each mutation's input as the client sends it (the seed-form ones are written inline).
INPUTS: dict[str, dict[str, Any]] = {
    "CreateTriggeredOngoingTableImportJob": {
        "spaceId": "U3BhY2U6MQ==",
        "modelName": "m",
        "modelType": "score_categorical",
        "modelEnvironmentName": "production",
        "tableStore": "Snowflake",
        "snowflakeTableConfig": {"accountID": "a", "database": "D", "schema": "S", "tableName": "T"},
        "schema": {**FILE_SCHEMA, "featuresList": [], "changeTimestamp": "c"},
    },
    "CreateTriggeredOngoingTableRun": {
        "jobId": "1",
        "queryStart": "2026-03-01T09:00:00Z",
        "queryEnd": "2026-03-01T10:00:00Z",
    },
    "UpdateTableIngestionParameters": {"jobId": "1", "tableIngestionParameters": {"rowLimit": 10}},
    "UpdateFileImportJob": {"jobId": "1", "schema": FILE_SCHEMA},
    "CreateTableImportJob": {"spaceId": "s", "modelEnvironmentName": "production", "dryRun": True},
    "DryRunTableImportJob": {"spaceId": "s", "modelEnvironmentName": "production", "dryRun": True},
    "CreateFileImportJob": {"spaceId": "s", "modelEnvironmentName": "production", "bucketName": "b"},
    "DryRunFileImportJob": {"spaceId": "s", "modelEnvironmentName": "production", "dryRun": True},
}


@pytest.mark.parametrize("profile", PROFILES)
def test_every_document_built_for_a_host_validates_on_it(profile: str) -> None:
    schema = build_schema(get_profile(profile).sdl())
    answer = graphql_sync(schema, DISCOVERY_DOCUMENT)
    present = present_keys(answer.data or {}) if not answer.errors else frozenset(OPTIONAL)

    def has(key: str) -> bool:
        return key in CERTAIN or key not in OPTIONAL or key in present

    for name in DOCUMENTS:
        values = {**VALUES, "input": INPUTS.get(name, {"jobId": "1"})}
        if name == "ListSpaces" and not has("Query.viewer"):
            continue  # no viewer: spaces cannot be listed (the client says so, tested elsewhere)
        built = documents.build(name, values, has, inline=name in SEED_FORM)
        errors = validate(schema, parse(built.text))
        assert errors == [], (profile, name, [e.message for e in errors])
