"""Operators for file import jobs (S3, GCS, Azure): dry-run, create, update the schema.

Pause, resume and delete are :mod:`.job_control`'s operators with ``job_type="file"``. What each task
guarantees: ``docs/file-jobs.md``, "What each task guarantees".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.lineage import CreateLineageMixin
from airflow_provider_arize.operators.base import ArizeBaseOperator, ArizeModelOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.models import FileImportJobSpec


class _FileJobOperator(ArizeModelOperator):
    """Shared arguments of file-job operators. Every argument is templated; the spec is validated
    completely before the first request.

    Arize polls the job's bucket and prefix recursively and ingests every CSV, Parquet, Avro or Arrow file
    whose columns match the schema.

    :param location: ``s3://bucket/prefix/`` (or ``gs://``, ``az://``); or give ``bucket_name`` and
        ``prefix``.
    :param bucket_name: the bucket (with ``blob_store``, default ``S3``).
    :param prefix: the folder Arize reads recursively (``""``: the whole bucket).
    :param blob_store: ``S3``, ``GCS`` or ``Azure``.
    :param schema: column mapping (Arize's camelCase keys or snake_case); ``features``/``tags`` are
        column-name prefixes.
    :param azure_storage_identifier: ``{"tenantId", "storageAccountName"}`` for Azure.
    """

    template_fields: Sequence[str] = (
        *ArizeModelOperator.model_fields,
        "location",
        "bucket_name",
        "prefix",
        "blob_store",
        "schema",
    )

    def __init__(
        self,
        *,
        schema: Mapping[str, Any] | Any,
        location: str | None = None,
        bucket_name: str | None = None,
        prefix: str = "",
        blob_store: str = "S3",
        azure_storage_identifier: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.schema = schema
        self.location = location
        self.bucket_name = bucket_name
        self.prefix = prefix
        self.blob_store = blob_store
        self.azure_storage_identifier = azure_storage_identifier

    def file_spec(self) -> FileImportJobSpec:
        """The validated job spec (raises ``ArizeConfigError`` naming the field, before any request)."""
        from airflow_provider_arize.api.models import (
            AzureStorageIdentifier,
            FileImportJobSpec,
            FileLocation,
            ModelSchema,
        )

        azure = (
            AzureStorageIdentifier(
                tenant_id=self.azure_storage_identifier.get("tenantId", ""),
                storage_account_name=self.azure_storage_identifier.get("storageAccountName", ""),
            )
            if self.azure_storage_identifier
            else None
        )
        if self.location and self.bucket_name:
            raise ArizeConfigError("give either location or bucket_name/prefix, not both", field="location")
        if self.location:
            where = FileLocation.from_uri(self.location, azure_storage_identifier=azure)
        elif self.bucket_name:
            where = FileLocation(self.blob_store, self.bucket_name, self.prefix or "", azure)
        else:
            raise ArizeConfigError("give location (s3://bucket/prefix/) or bucket_name", field="location")
        return FileImportJobSpec(
            target=self.model_target(), location=where, schema=ModelSchema.from_value(self.schema)
        )


class ArizeDryRunFileImportJobOperator(_FileJobOperator):
    """Validate a file import job with Arize (``dryRun: true``): access to the bucket, the schema against
    a file's columns, record-level values. Nothing is written; safe to retry. A failing dry run fails the
    task with Arize's message verbatim (file, row).

    :param file_name: the file to check (default: Arize picks the first file under the prefix).
    """

    template_fields: Sequence[str] = (*_FileJobOperator.template_fields, "file_name")
    operator_extra_links = ()  # no job, no link

    def __init__(self, *, file_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.file_name = file_name

    def execute(self, context: Context) -> dict[str, Any]:
        spec = self.file_spec()
        result = self.hook.dry_run_file_job(spec, file_name=self.file_name or None)
        self.require_passed(result, "file", spec.location.uri, "DryRunFileImportJob")
        return {"validation_status": result.status, "location": spec.location.uri, "file": result.file_path}


class ArizeCreateFileImportJobOperator(CreateLineageMixin, _FileJobOperator):
    """Create a file import job, idempotently on (space, model, environment, bucket, prefix): an existing
    job is returned and the log says so; a lost create response is looked up, never blindly re-sent.
    With delayed actuals, predictions and actuals live under two prefixes and are two jobs sharing the
    prediction-id column, model and space.

    With ``dry_run_first`` (default) a job that does not exist yet is dry-run first, and the task fails
    with Arize's message if it does not pass.

    Pushes ``arize_job_id``, ``arize_short_job_id``, ``arize_job_url`` and ``arize_lineage`` (its
    OpenLineage datasets, ``docs/lineage.md``) to XCom; returns the job summary (ids, status, bucket,
    prefix, url, ``created``).
    """

    def __init__(self, *, dry_run_first: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dry_run_first = dry_run_first

    def execute(self, context: Context) -> dict[str, Any]:
        spec = self.file_spec()
        if self.dry_run_first and self.hook.client.find_job("file", spec.identity) is None:
            result = self.hook.dry_run_file_job(spec)
            self.require_passed(result, "file", spec.location.uri, "DryRunFileImportJob")
        outcome = self.hook.create_file_job(spec)
        self.remember_lineage(context, outcome.job.id, spec)
        return self.report_create(context, outcome, "file", spec.location.uri)


class ArizeUpdateFileImportJobSchemaOperator(ArizeBaseOperator):
    """Replace a file job's schema (validated against the job's model type first), e.g. after a column was
    added or renamed. Idempotent.

    :param job_id: global id or short job id of the file job.
    :param schema: the complete new schema.
    """

    template_fields: Sequence[str] = ("job_id", "schema")

    def __init__(self, *, job_id: str, schema: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.schema = schema

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_arize.api.models import ModelSchema

        job = self.hook.update_file_job_schema(job_ref(self.job_id), ModelSchema.from_value(self.schema))
        self.log.info("File import job %s schema updated", job.id)
        return self.publish_job(context, job)
