"""Model validation: bad configuration is refused on construction, with a message naming the problem."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models import (
    BigQueryTableConfig,
    FileImportJobSpec,
    FileLocation,
    ImportJob,
    ModelSchema,
    ModelTarget,
    QueryWindow,
    SnowflakeTableConfig,
    TableImportJobSpec,
    TableIngestionParameters,
    TriggeredTableImportJobSpec,
    ValidationResult,
)

SCHEMA = {"predictionId": "id", "predictionLabel": "pred", "timestamp": "ts", "changeTimestamp": "updated"}
BQ = {"projectId": "p", "dataset": "d", "tableName": "t"}


def target(**overrides: object) -> ModelTarget:
    kwargs: dict[str, object] = {
        "space_id": "U3BhY2U6MQ==",
        "model_name": "m",
        "model_type": "score_categorical",
        "environment": "production",
    }
    kwargs.update(overrides)
    return ModelTarget(**kwargs)  # type: ignore[arg-type]


def test_unknown_model_type_is_named() -> None:
    with pytest.raises(ArizeConfigError, match=r"modelType must be one of .*got 'regression'") as info:
        target(model_type="regression")
    assert info.value.field == "modelType"


def test_empty_space_id_is_refused() -> None:
    with pytest.raises(ArizeConfigError, match="spaceId must not be empty"):
        target(space_id="  ")


def test_validation_environment_needs_batch_id() -> None:
    with pytest.raises(ArizeConfigError, match="validation environment needs a batchId"):
        target(environment="validation")
    assert target(environment="validation", batch_id="b1").batch_id == "b1"


@pytest.mark.parametrize(
    ("model_type", "needed"),
    [
        ("score_categorical", "predictionLabel or predictionScore"),
        ("ranking", "predictionGroupId \\+ rank"),
        ("multi_class", "predictionScores"),
    ],
)
def test_schema_lacking_prediction_column_names_it(model_type: str, needed: str) -> None:
    schema = {"timestamp": "ts", "changeTimestamp": "u", "features": "f_"}
    with pytest.raises(ArizeConfigError, match=f"model type {model_type} needs {needed}"):
        TableImportJobSpec(
            target(model_type=model_type),
            "BigQuery",
            BigQueryTableConfig(**_bq()),
            ModelSchema.from_value(schema),
        )


def test_delayed_actuals_schema_is_accepted_without_prediction_columns() -> None:
    schema = ModelSchema.from_value({"predictionId": "id", "actualLabel": "label", "timestamp": "ts"})
    spec = FileImportJobSpec(target(), FileLocation.from_uri("s3://bucket/actuals/"), schema)
    assert spec.to_input(dry_run=True)["schema"] == {
        "predictionId": "id",
        "actualLabel": "label",
        "timestamp": "ts",
    }


def test_table_config_not_matching_store_is_refused() -> None:
    snowflake = SnowflakeTableConfig(account_id="org-acct", database="db", schema="s", table_name="t")
    with pytest.raises(
        ArizeConfigError, match="tableStore BigQuery needs bigQueryTableConfig, but a Snowflake"
    ):
        TableImportJobSpec(target(), "BigQuery", snowflake, ModelSchema.from_value(SCHEMA))


def test_table_config_mapping_missing_field_is_named() -> None:
    from airflow_provider_arize.api.models import table_config_for

    with pytest.raises(ArizeConfigError, match="Snowflake table config is missing accountID"):
        table_config_for("Snowflake", {"database": "d", "schema": "s", "tableName": "t"})
    with pytest.raises(ArizeConfigError, match="unknown BigQuery table config field 'project'"):
        table_config_for("BigQuery", {"project": "p", "dataset": "d", "tableName": "t"})


def test_table_job_needs_change_timestamp() -> None:
    with pytest.raises(ArizeConfigError, match="changeTimestamp"):
        TableImportJobSpec(
            target(),
            "BigQuery",
            BigQueryTableConfig(**_bq()),
            ModelSchema.from_value({"predictionLabel": "p"}),
        )


def test_unknown_schema_key_is_named() -> None:
    with pytest.raises(ArizeConfigError, match="unknown schema field 'predictionLable'"):
        ModelSchema.from_value({"predictionLable": "p"})


def test_create_input_has_exactly_the_matching_config() -> None:
    spec = TableImportJobSpec(
        target(), "BigQuery", BigQueryTableConfig(**_bq()), ModelSchema.from_value(SCHEMA)
    )
    payload = spec.to_input(dry_run=True)
    assert payload["bigQueryTableConfig"] == BQ
    assert "snowflakeTableConfig" not in payload and "databricksTableConfig" not in payload
    assert payload["schema"]["changeTimestamp"] == "updated"
    assert payload["dryRun"] is True


def test_triggered_job_is_snowflake_only_and_mismatch_is_refused() -> None:
    with pytest.raises(ArizeConfigError, match="tableStore Snowflake needs snowflakeTableConfig"):
        TriggeredTableImportJobSpec(target(), BigQueryTableConfig(**_bq()), ModelSchema.from_value(SCHEMA))


def test_ingestion_parameters_validated_and_merged() -> None:
    with pytest.raises(ArizeConfigError, match="rowLimit must be > 0"):
        TableIngestionParameters(row_limit=0)
    with pytest.raises(ArizeConfigError, match="refreshIntervalMinutes must be an integer"):
        TableIngestionParameters(refresh_interval_minutes=1.5)  # type: ignore[arg-type]
    base = TableIngestionParameters(row_limit=10, refresh_interval_minutes=60, query_window_size_hours=24)
    assert TableIngestionParameters(row_limit=5).merged_over(base).to_input() == {
        "rowLimit": 5,
        "refreshIntervalMinutes": 60,
        "queryWindowSizeHours": 24,
    }
    # the output may use seconds names instead (API reference 5.4)
    read = TableIngestionParameters.from_output(
        {"refreshIntervalSeconds": 3600, "queryWindowSizeSeconds": 7200}
    )
    assert read == TableIngestionParameters(refresh_interval_minutes=60, query_window_size_hours=2)


def test_query_window_rejects_naive_and_reversed() -> None:
    start = datetime(2024, 8, 20, 1, tzinfo=UTC)
    with pytest.raises(ArizeConfigError, match="queryStart must carry a timezone"):
        QueryWindow(start.replace(tzinfo=None), start + timedelta(hours=1))
    with pytest.raises(ArizeConfigError, match="reversed or empty window"):
        QueryWindow(start, start - timedelta(hours=1))
    window = QueryWindow(start.astimezone(timezone(timedelta(hours=2))), "2024-08-20T23:00:00Z")  # type: ignore[arg-type]
    assert window.to_input() == {"queryStart": "2024-08-20T01:00:00Z", "queryEnd": "2024-08-20T23:00:00Z"}


def test_s3_uri_split_like_the_arize_ui() -> None:
    loc = FileLocation.from_uri("s3://example-demo-bucket/click-thru-rate/production/v1/")
    assert (loc.blob_store, loc.bucket_name, loc.prefix) == (
        "S3",
        "example-demo-bucket",
        "click-thru-rate/production/v1/",
    )
    with pytest.raises(ArizeConfigError, match="uri must start with one of"):
        FileLocation.from_uri("ftp://bucket/x")


def test_validation_result_unknown_status_fails() -> None:
    assert ValidationResult.from_output({"validationStatus": "Success", "error": None}).passed  # type: ignore[union-attr]
    unknown = ValidationResult.from_output({"validationStatus": "weird"})
    assert unknown is not None and not unknown.passed
    failed = ValidationResult.from_output({"validationStatus": "success", "error": {"message": "bad column"}})
    assert failed is not None and not failed.passed and "bad column" in failed.describe()


def test_job_record_coerces_ids_and_timestamps() -> None:
    job = ImportJob.from_output(
        "table",
        {
            "id": "VGFibGVJbXBvcnRKb2I6Nw==",
            "jobId": 7,
            "jobStatus": "inactive",
            "createdAt": 1_724_115_600,
            "totalQueriesSuccessCount": "3",
        },
    )
    assert job.job_id == "7" and job.is_paused and job.queries_success == 3
    assert job.created_at == datetime(2024, 8, 20, 1, tzinfo=UTC)


def _bq() -> dict[str, str]:
    return {"project_id": "p", "dataset": "d", "table_name": "t"}


def test_windows_are_sent_in_whole_seconds_and_matched_to_the_second() -> None:
    from airflow_provider_arize.api.models import QueryWindow
    from airflow_provider_arize.api.models.windows import parse_api_timestamp

    window = QueryWindow.of("2026-03-01T09:00:00.750000+00:00", "2026-03-01T10:00:00.250000Z")
    assert window.to_input() == {"queryStart": "2026-03-01T09:00:00Z", "queryEnd": "2026-03-01T10:00:00Z"}
    reported = [parse_api_timestamp(v) for v in ("2026-03-01 09:00:00.000", "1772359200000")]
    assert window.matches(*reported)  # another format, epoch milliseconds: the same window
    assert not window.matches(reported[0], parse_api_timestamp("2026-03-01T10:00:01Z"))
    assert not window.matches(None, reported[1])


def test_enum_values_are_read_whatever_their_case() -> None:
    from airflow_provider_arize.api.models import ImportJob

    job = ImportJob.from_output(
        "table",
        {
            "id": "x",
            "jobStatus": "INACTIVE",
            "modelType": "SCORE_CATEGORICAL",
            "modelEnvironmentName": "Production",
        },
    )
    assert job.is_paused and job.model_type == "score_categorical" and job.environment == "production"
    assert job.queries_pending is None  # not served: unknown, not zero
