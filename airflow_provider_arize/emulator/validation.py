"""Create-time (and dry-run) validation of import-job inputs.

Each check returns the *first* problem as a :class:`Failure` (code from ``constants.VALIDATION_CODE_*``
and a message that names the offending field and value), or ``None`` when the input passes. GraphQL
already rejects unknown enum literals, so this module checks what the lenient SDL cannot: required
fields, the legacy ``categorical`` model type, the table config that goes with ``tableStore``, ``batchId``
for the validation environment, schema columns per model type, and ingestion-parameter ranges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_arize.api import constants as c

#: Required fields of each table config, and the three fields that make the fully-qualified name.
TABLE_CONFIG_REQUIRED: dict[str, tuple[str, ...]] = {
    "BigQuery": ("projectId", "dataset", "tableName"),
    "Snowflake": ("accountID", "database", "schema", "tableName"),
    "Databricks": ("hostName", "endpoint", "catalog", "databricksSchema", "tableName"),
}
TABLE_NAME_PARTS: dict[str, tuple[str, str, str]] = {
    "BigQuery": ("projectId", "dataset", "tableName"),
    "Snowflake": ("database", "schema", "tableName"),
    "Databricks": ("catalog", "databricksSchema", "tableName"),
}


@dataclass(frozen=True)
class Failure:
    """Why a create input is invalid."""

    code: str
    message: str


def _is_set(value: object) -> bool:
    if isinstance(value, Mapping):
        return any(_is_set(v) for v in value.values())
    return value not in (None, "", [])


def _missing(field: str, why: str = "") -> Failure:
    return Failure(c.VALIDATION_CODE_MISSING_FIELD, f"missing required field '{field}'{why}")


def table_name(store: str | None, config: Mapping[str, Any]) -> str | None:
    """Return the fully-qualified table name (``project.dataset.table`` etc.) of a table config."""
    parts = TABLE_NAME_PARTS.get(store or "")
    if not parts:
        return None
    return ".".join(str(config.get(p) or "") for p in parts)


def check_common(inp: Mapping[str, Any], accept_legacy_model_types: bool) -> Failure | None:
    """Fields every create shares: model name, type and environment, and ``batchId`` for validation."""
    for field in ("modelName", "modelType", "modelEnvironmentName"):
        if not _is_set(inp.get(field)):
            return _missing(field)
    model_type = inp["modelType"]
    if model_type in c.LEGACY_MODEL_TYPES and not accept_legacy_model_types:
        return Failure(
            c.VALIDATION_CODE_INVALID_VALUE,
            f"modelType '{model_type}' is a legacy value and is not accepted; use one of "
            f"{', '.join(sorted(c.MODEL_TYPES))}",
        )
    if model_type not in c.MODEL_TYPES | c.LEGACY_MODEL_TYPES:
        return Failure(c.VALIDATION_CODE_INVALID_VALUE, f"unknown modelType '{model_type}'")
    if inp["modelEnvironmentName"] not in c.MODEL_ENVIRONMENTS:
        return Failure(
            c.VALIDATION_CODE_INVALID_VALUE, f"unknown modelEnvironmentName '{inp['modelEnvironmentName']}'"
        )
    if inp["modelEnvironmentName"] == "validation" and not _is_set(inp.get("batchId")):
        return _missing("batchId", " (required when modelEnvironmentName is 'validation')")
    return None


def check_schema(schema: Mapping[str, Any] | None, model_type: str, *, table: bool) -> Failure | None:
    """The schema names the prediction columns its model type needs, or is a delayed-actuals schema.

    Table schemas must also name ``changeTimestamp``.
    """
    if not schema or not _is_set(schema):
        return _missing("schema")
    if table and not _is_set(schema.get("changeTimestamp")):
        return _missing("schema.changeTimestamp", " (table import jobs ingest incrementally on it)")
    kind = "score_categorical" if model_type in c.LEGACY_MODEL_TYPES else model_type
    alternatives = c.PREDICTION_REQUIREMENTS.get(kind, ())
    if not alternatives:
        return None
    if any(all(_is_set(schema.get(f)) for f in alt) for alt in alternatives):
        return None
    if _is_set(schema.get("predictionId")) and any(_is_set(schema.get(f)) for f in c.ACTUAL_FIELDS):
        return None
    wanted = " or ".join("+".join(alt) for alt in alternatives)
    return Failure(
        c.VALIDATION_CODE_SCHEMA,
        f"schema has no prediction columns for modelType '{model_type}': set {wanted}, or set predictionId "
        f"and an actual column ({', '.join(c.ACTUAL_FIELDS)}) for a delayed-actuals schema",
    )


def check_ingestion_parameters(params: Mapping[str, Any] | None) -> Failure | None:
    """``rowLimit`` and ``refreshIntervalMinutes`` are positive, ``queryWindowSizeHours`` is >= 0, and the
    interval and the window in seconds (the ``*Seconds`` output fields) fit a GraphQL ``Int``."""
    if not params:
        return None
    rules = (("rowLimit", 1, 1), ("refreshIntervalMinutes", 1, 60), ("queryWindowSizeHours", 0, 3600))
    for field, minimum, seconds in rules:
        value = params.get(field)
        most = _INT_MAX // seconds
        if value is not None and (not isinstance(value, int) or not minimum <= value <= most):
            rule = "a positive integer" if minimum else "an integer >= 0"
            return Failure(
                c.VALIDATION_CODE_INVALID_VALUE,
                f"tableIngestionParameters.{field} must be {rule} of at most {most}, got {value}",
            )
    return None


#: The largest GraphQL ``Int``.
_INT_MAX = 2**31 - 1


def check_table_config(inp: Mapping[str, Any], *, triggered: bool) -> Failure | None:
    """``tableStore`` is set, and exactly its config is present with every required field."""
    store = inp.get("tableStore")
    if not store:
        return _missing("tableStore")
    if store not in c.TABLE_STORES:
        return Failure(c.VALIDATION_CODE_INVALID_VALUE, f"unknown tableStore '{store}'")
    if triggered and store not in c.TRIGGERED_TABLE_STORES:
        return Failure(
            c.VALIDATION_CODE_INVALID_VALUE,
            f"event-based (triggered) table jobs are available for "
            f"{', '.join(sorted(c.TRIGGERED_TABLE_STORES))} only, not tableStore '{store}'",
        )
    expected = c.TABLE_CONFIG_FIELD[store]
    others = [f for f in c.TABLE_CONFIG_FIELD.values() if f != expected and inp.get(f) is not None]
    if others:
        return Failure(
            c.VALIDATION_CODE_TABLE_CONFIG,
            f"tableStore '{store}' takes only {expected}, but {', '.join(others)} was also sent",
        )
    config = inp.get(expected)
    if config is None:
        return _missing(expected, f" (tableStore is '{store}')")
    for field in TABLE_CONFIG_REQUIRED[store]:
        if not _is_set(config.get(field)):
            return _missing(f"{expected}.{field}")
    return None


def validate_table_create(
    inp: Mapping[str, Any], *, triggered: bool, accept_legacy_model_types: bool
) -> Failure | None:
    """All checks of ``createTableImportJob`` / ``createTriggeredOngoingTableImportJob``."""
    return (
        check_common(inp, accept_legacy_model_types)
        or check_table_config(inp, triggered=triggered)
        or check_schema(inp.get("schema"), inp["modelType"], table=True)
        or check_ingestion_parameters(inp.get("tableIngestionParameters"))
    )


def validate_file_create(inp: Mapping[str, Any], *, accept_legacy_model_types: bool) -> Failure | None:
    """All checks of ``createFileImportJob``: common fields, blob store, bucket, schema."""
    failure = check_common(inp, accept_legacy_model_types)
    if failure:
        return failure
    if not inp.get("blobStore"):
        return _missing("blobStore")
    if inp["blobStore"] not in c.BLOB_STORES:
        return Failure(c.VALIDATION_CODE_INVALID_VALUE, f"unknown blobStore '{inp['blobStore']}'")
    if not _is_set(inp.get("bucketName")):
        return _missing("bucketName")
    return check_schema(inp.get("schema"), inp["modelType"], table=False)
