"""Every uncertain Arize API name, in one place: enum spellings, validation statuses and limits.

Dependency-free and cheap to import. Why they are uncertain, and who reads them from here:
``docs/api-variants.md``, "Where the names live".
"""

from __future__ import annotations

from typing import Final

#: Default GraphQL host. Self-hosted and regional installations change it in the connection.
DEFAULT_ENDPOINT: Final = "https://app.arize.com"
#: Path of the single GraphQL endpoint under the host.
GRAPHQL_PATH: Final = "/graphql"
#: Header that carries the developer API key.
API_KEY_HEADER: Final = "x-api-key"

#: ``ModelType`` enum values (canonical, as sent by the provider).
MODEL_TYPES: Final = frozenset(
    {"numeric", "score_categorical", "ranking", "object_detection", "generative_llm", "multi_class"}
)
#: Legacy model type seen in file-job examples; the emulator accepts it only behind an option.
LEGACY_MODEL_TYPES: Final = frozenset({"categorical"})
#: ``ModelEnvironmentName`` enum values.
MODEL_ENVIRONMENTS: Final = frozenset({"production", "validation", "training", "tracing"})
#: ``BlobStore`` enum values, for file import jobs.
BLOB_STORES: Final = frozenset({"S3", "GCS", "Azure"})
#: ``TableStore`` enum values, for table import jobs.
TABLE_STORES: Final = frozenset({"BigQuery", "Snowflake", "Databricks"})
#: Table stores that support event-based (triggered) jobs.
TRIGGERED_TABLE_STORES: Final = frozenset({"Snowflake"})

#: Default seconds between a wait's polls. Arize allows 100 queries a minute per key; in poke mode a
#: table-run poll costs two of them (in the triggerer, polls are batched per connection).
DEFAULT_POLL_INTERVAL: Final = 60.0
#: Default consecutive transient errors a wait tolerates before it fails.
DEFAULT_MAX_CONSECUTIVE_ERRORS: Final = 3
#: Pacing ceiling, requests a minute, of each of the triggerer's and the tasks' budgets (Arize: 100 a key).
DEFAULT_QUERIES_PER_MINUTE: Final = 80

#: ``JobStatus`` enum values. ``inactive`` is what Arize calls a paused job.
JOB_STATUS_ACTIVE: Final = "active"
JOB_STATUS_INACTIVE: Final = "inactive"
JOB_STATUS_DELETED: Final = "deleted"
JOB_STATUSES: Final = frozenset({JOB_STATUS_ACTIVE, JOB_STATUS_INACTIVE, JOB_STATUS_DELETED})

#: ``validationResult.validationStatus`` values are unpublished. A dry run passes only when the status
#: is in this set (compared case-insensitively) *and* ``error`` is null; anything else fails, reported
#: with its raw value. The emulator answers with the first value of each set.
VALIDATION_SUCCESS_STATUSES: Final = ("success", "succeeded", "passed", "valid", "ok")
VALIDATION_FAILURE_STATUSES: Final = ("failure", "failed", "invalid", "error")
VALIDATION_STATUS_SUCCESS: Final = VALIDATION_SUCCESS_STATUSES[0]
VALIDATION_STATUS_FAILURE: Final = VALIDATION_FAILURE_STATUSES[0]

#: ``validationResult.error.code`` values the emulator uses (Arize's own codes are unpublished).
VALIDATION_CODE_MISSING_FIELD: Final = "MISSING_REQUIRED_FIELD"
VALIDATION_CODE_INVALID_VALUE: Final = "INVALID_VALUE"
VALIDATION_CODE_TABLE_CONFIG: Final = "TABLE_CONFIG_MISMATCH"
VALIDATION_CODE_ACCESS: Final = "ACCESS_DENIED"
VALIDATION_CODE_SCHEMA: Final = "SCHEMA_MISMATCH"

#: Which table config input field goes with which ``tableStore``. Exactly this one must be sent.
TABLE_CONFIG_FIELD: Final = {
    "BigQuery": "bigQueryTableConfig",
    "Snowflake": "snowflakeTableConfig",
    "Databricks": "databricksTableConfig",
}

#: Prediction columns each model type needs. Each entry is a tuple of alternatives; an alternative is a
#: tuple of schema fields that must all be set. A schema with none of the prediction alternatives is
#: still valid as a delayed-actuals schema when it names ``predictionId`` and one of ACTUAL_FIELDS.
PREDICTION_REQUIREMENTS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "score_categorical": (("predictionLabel",), ("predictionScore",)),
    "numeric": (("predictionLabel",), ("predictionScore",)),
    "ranking": (("predictionGroupId", "rank"),),
    "multi_class": (("predictionScores",),),
    "object_detection": (("predictionObjectDetection",),),
    "generative_llm": (),
}
#: Schema fields that hold actuals: their presence with ``predictionId`` makes a delayed-actuals schema.
ACTUAL_FIELDS: Final = (
    "actualLabel",
    "actualScore",
    "actualScores",
    "relevanceLabel",
    "relevanceScore",
    "actualObjectDetection",
)

#: Arize's published limits ("Resource Limitations"): per minute, per key (assumed shared by all DAGs).
RATE_LIMIT_QUERIES_PER_MINUTE: Final = 100
RATE_LIMIT_MUTATIONS_PER_MINUTE: Final = 300
#: Maximum complexity of one call.
MAX_QUERY_COMPLEXITY: Final = 1000
#: Largest page the provider asks for in any Relay connection.
MAX_PAGE_SIZE: Final = 50
#: Largest file Arize ingests.
MAX_FILE_BYTES: Final = 1_000_000_000


def is_validation_success(status: str | None, error: object | None) -> bool:
    """Return whether a ``validationResult`` means "passed": a known success status and no error."""
    if error:
        return False
    return status is not None and status.strip().lower() in VALIDATION_SUCCESS_STATUSES


#: Bucket access for file import jobs, as Arize's set-up asks. The bucket carries the tag
#: ``INGESTION_TAG_KEY`` with the space's ingestion key (copied from Arize's UI), and a bucket policy lets
#: Arize's importer role (an AWS role ARN ending in ``ARIZE_IMPORTER_ROLE_ARN_SUFFIX``; the account is
#: Arize's) perform ``IMPORTER_ACTIONS`` on the bucket ARN and on ``<bucket ARN>/*``.
ARIZE_IMPORTER_ROLE_ARN_SUFFIX: Final = ":role/arize-importer"
INGESTION_TAG_KEY: Final = "arize-ingestion-key"
IMPORTER_ACTIONS: Final = ("s3:GetBucketTagging", "s3:GetObject", "s3:ListBucket")
