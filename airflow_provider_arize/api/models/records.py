"""What the API returns: jobs, table-run queries and validation results, parsed leniently.

Arize's output types are partly unknown, so parsing coerces ``jobId`` to ``str``, accepts ISO or epoch
timestamps, and keeps the raw payload for anything this version does not model. A response missing the
fields a record cannot do without raises :class:`ArizeResponseError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeResponseError
from airflow_provider_arize.api.models.schema import ModelSchema
from airflow_provider_arize.api.models.tables import TableIngestionParameters
from airflow_provider_arize.api.models.windows import parse_api_timestamp

JobType = Literal["table", "file"]


def _int(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return 0


def _lower(value: object) -> str | None:
    """An enum value as the provider spells it (Arize may upper-case its enums' values)."""
    return str(value).lower() if value is not None else None


@dataclass(frozen=True)
class ValidationResult:
    """A dry run's or create's ``validationResult``. ``passed`` follows :func:`is_validation_success`."""

    status: str | None
    error_code: str | None = None
    error_message: str | None = None
    file_path: str | None = None
    row: int | None = None

    @property
    def passed(self) -> bool:
        """A known success status and no error."""
        return constants.is_validation_success(self.status, self.error_code or self.error_message)

    def describe(self) -> str:
        """Arize's message verbatim, with the status and code, e.g. ``failure [CODE]: message``."""
        parts = [self.status or "no status"]
        if self.error_code:
            parts.append(f"[{self.error_code}]")
        text = " ".join(parts)
        if self.error_message:
            text += f": {self.error_message}"
        if self.file_path:
            text += f" (file {self.file_path}" + (f", row {self.row})" if self.row is not None else ")")
        return text

    @classmethod
    def from_output(cls, data: Mapping[str, Any] | None) -> ValidationResult | None:
        """Parse a ``validationResult`` object; ``None`` when the response carries none."""
        if not data:
            return None
        error = data.get("error") or {}
        if isinstance(error, str):
            error = {"message": error}
        row = error.get("row") if isinstance(error, Mapping) else None
        return cls(
            status=str(data["validationStatus"]) if data.get("validationStatus") is not None else None,
            error_code=str(error["code"]) if isinstance(error, Mapping) and error.get("code") else None,
            error_message=str(error["message"])
            if isinstance(error, Mapping) and error.get("message")
            else None,
            file_path=data.get("filePath") or None,
            row=row if isinstance(row, int) else None,
        )


@dataclass(frozen=True)
class ImportJob:
    """A table or file import job as Arize reports it. ``id`` is the global id, ``job_id`` the short one."""

    job_type: JobType
    id: str
    job_id: str | None
    job_status: str | None
    model_name: str | None = None
    model_type: str | None = None
    environment: str | None = None
    model_version: str | None = None
    created_at: datetime | None = None
    schema: ModelSchema | None = None
    # table jobs
    table_store: str | None = None
    table: str | None = None
    ingestion_parameters: TableIngestionParameters | None = None
    queries_success: int = 0
    queries_failed: int = 0
    #: ``None`` when the host does not serve ``totalQueriesPendingCount``.
    queries_pending: int | None = None
    # file jobs
    blob_store: str | None = None
    bucket_name: str | None = None
    prefix: str | None = None
    files_pending: int = 0
    files_success: int = 0
    files_failed: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_active(self) -> bool:
        return self.job_status == constants.JOB_STATUS_ACTIVE

    @property
    def is_paused(self) -> bool:
        return self.job_status == constants.JOB_STATUS_INACTIVE

    @property
    def is_deleted(self) -> bool:
        return self.job_status == constants.JOB_STATUS_DELETED

    def summary(self) -> dict[str, Any]:
        """A small JSON-serialisable view (for XCom and logs): ids, status, model, location."""
        out: dict[str, Any] = {
            "id": self.id,
            "job_id": self.job_id,
            "job_type": self.job_type,
            "job_status": self.job_status,
            "model_name": self.model_name,
            "environment": self.environment,
        }
        if self.job_type == "table":
            out.update(table_store=self.table_store, table=self.table)
        else:
            out.update(blob_store=self.blob_store, bucket_name=self.bucket_name, prefix=self.prefix)
        return out

    @classmethod
    def from_output(cls, job_type: JobType, data: Mapping[str, Any] | None) -> ImportJob:
        """Parse a ``TableImportJob`` / ``FileImportJob`` object; it must carry at least ``id``."""
        if not isinstance(data, Mapping) or not data.get("id"):
            raise ArizeResponseError(
                f"the API returned a {job_type} import job without an id: {data!r}"[:500]
            )
        job_id = data.get("jobId")
        params = data.get("tableIngestionParameters")
        schema = data.get("schema")
        return cls(
            job_type=job_type,
            id=str(data["id"]),
            job_id=str(job_id) if job_id is not None else None,
            job_status=str(data["jobStatus"]).lower() if data.get("jobStatus") is not None else None,
            model_name=data.get("modelName"),
            model_type=_lower(data.get("modelType")),
            environment=_lower(data.get("modelEnvironmentName")),
            model_version=data.get("modelVersion"),
            created_at=parse_api_timestamp(data.get("createdAt")),
            schema=ModelSchema.from_output(schema) if isinstance(schema, Mapping) else None,
            table_store=data.get("tableStore"),
            table=data.get("table"),
            ingestion_parameters=TableIngestionParameters.from_output(params)
            if isinstance(params, Mapping)
            else None,
            queries_success=_int(data.get("totalQueriesSuccessCount")),
            queries_failed=_int(data.get("totalQueriesFailedCount")),
            queries_pending=_int(data["totalQueriesPendingCount"])
            if "totalQueriesPendingCount" in data
            else None,
            blob_store=data.get("blobStore"),
            bucket_name=data.get("bucketName"),
            prefix=data.get("prefix"),
            files_pending=_int(data.get("totalFilesPendingCount")),
            files_success=_int(data.get("totalFilesSuccessCount")),
            files_failed=_int(data.get("totalFilesFailedCount")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class TableRunQuery:
    """One query a table job ran (or will run) for a window."""

    query_id: str | None
    created_at: datetime | None
    records_processed_count: int | None
    window_start: datetime | None
    window_end: datetime | None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_output(cls, data: Mapping[str, Any]) -> TableRunQuery:
        """Parse a ``TableImportJobQuery`` node."""
        if not isinstance(data, Mapping):
            raise ArizeResponseError(f"the API returned a malformed table query: {data!r}"[:500])
        count = data.get("recordsProcessedCount")
        return cls(
            query_id=str(data["queryId"]) if data.get("queryId") is not None else None,
            created_at=parse_api_timestamp(data.get("createdAt")),
            records_processed_count=_int(count) if count is not None else None,
            window_start=parse_api_timestamp(data.get("windowStartTimestamp")),
            window_end=parse_api_timestamp(data.get("windowEndTimestamp")),
            raw=dict(data),
        )
