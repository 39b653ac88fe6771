"""File import-job mutations (S3, GCS, Azure)."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType

from airflow_provider_arize.api import constants as c
from airflow_provider_arize.emulator.file_workers import BLOB_STORE_S3, dry_run_file_job
from airflow_provider_arize.emulator.records import JOB_KIND_FILE, NewJob
from airflow_provider_arize.emulator.state import Info, request_context
from airflow_provider_arize.emulator.validation import check_schema, validate_file_create

from .common import ApiError, load_job, visible_space_id
from .lifecycle import change_status, ensure_not_deleted, target_changes
from .objects import job_object
from .table import space_failure, validation_result

mutation = MutationType()


@mutation.field("createFileImportJob")
def _create(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    """Validate, and unless ``dryRun`` or invalid, create a file job (status active).

    A dry run of a valid ``S3`` input also checks bucket access and validates ``fileName`` (or the first
    file under the prefix) against the schema, reading S3 (:func:`.file_workers.dry_run_file_job`);
    ``validationResult.filePath`` is the object key validated (``fileName`` as given when none was). For
    GCS and Azure a dry run checks only the inputs and echoes ``fileName``. A real create never touches
    S3: the file worker checks access on every poll.
    """
    ctx = request_context(info)
    space_id = visible_space_id(ctx, input["spaceId"])
    failure = space_failure(input["spaceId"]) if space_id is None else None
    failure = failure or validate_file_create(
        input, accept_legacy_model_types=ctx.state.options.accept_legacy_model_types
    )
    file_path = input.get("fileName") if input.get("dryRun") else None
    if not failure and input.get("dryRun") and space_id is not None and input["blobStore"] == BLOB_STORE_S3:
        failure, file_path = dry_run_file_job(ctx.state, space_id, input)
    result = validation_result(failure)
    result["filePath"] = file_path
    payload: dict[str, Any] = {
        "clientMutationId": input.get("clientMutationId"),
        "fileImportJob": None,
        "validationResult": result,
    }
    if failure or input.get("dryRun") or space_id is None:
        return payload
    location = {"bucketName": input["bucketName"], "prefix": input.get("prefix") or ""}
    if input.get("azureStorageIdentifier"):
        location["azureStorageIdentifier"] = dict(input["azureStorageIdentifier"])
    job = ctx.store.insert_job(
        NewJob(
            kind=JOB_KIND_FILE,
            space_id=space_id,
            status=c.JOB_STATUS_ACTIVE,
            model_name=input.get("modelName"),
            model_type=input.get("modelType"),
            model_environment=input.get("modelEnvironmentName"),
            model_version=input.get("modelVersion"),
            batch_id=input.get("batchId"),
            store=input["blobStore"],
            triggered=False,
            location=location,
            schema=dict(input["schema"]),
            ingestion={},
        )
    )
    ctx.state.stats.committed("createFileImportJob")
    payload["fileImportJob"] = job_object(job)
    return payload


@mutation.field("updateFileImportJob")
def _update(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    """Replace the schema and/or change the status of a file job."""
    ctx = request_context(info)
    job = load_job(ctx, input["jobId"], JOB_KIND_FILE)
    ensure_not_deleted(job, "updated")
    changes: dict[str, Any] = {}
    if input.get("schema") is not None:
        failure = check_schema(input["schema"], job.model_type or "", table=False)
        if failure:
            raise ApiError(failure.message, code=failure.code)
        changes["schema"] = dict(input["schema"])
    if input.get("jobStatus") is not None:
        changes.update(target_changes(ctx, job, input["jobStatus"]))
    if changes:
        job = ctx.store.update_job(job.id, **changes)
        ctx.state.stats.committed("updateFileImportJob")
    return {"clientMutationId": input.get("clientMutationId"), "fileImportJob": job_object(job)}


def _status_mutation(info: Info, input: dict[str, Any], target: str, name: str) -> Any:
    ctx = request_context(info)
    job = load_job(ctx, input["jobId"], JOB_KIND_FILE)
    job = change_status(ctx, job, target, name)
    return {"clientMutationId": input.get("clientMutationId"), "fileImportJob": job_object(job)}


@mutation.field("pauseFileImportJob")
def _pause(_: Any, info: Info, input: dict[str, Any]) -> Any:
    return _status_mutation(info, input, c.JOB_STATUS_INACTIVE, "pauseFileImportJob")


@mutation.field("startFileImportJob")
def _start(_: Any, info: Info, input: dict[str, Any]) -> Any:
    return _status_mutation(info, input, c.JOB_STATUS_ACTIVE, "startFileImportJob")


@mutation.field("deleteFileImportJob")
def _delete(_: Any, info: Info, input: dict[str, Any]) -> Any:
    return _status_mutation(info, input, c.JOB_STATUS_DELETED, "deleteFileImportJob")
