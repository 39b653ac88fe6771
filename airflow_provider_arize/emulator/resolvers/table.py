"""Table import-job mutations (as Arize's table-import page shows them), including event-based Snowflake
jobs and runs."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType

from airflow_provider_arize.api import constants as c
from airflow_provider_arize.emulator.records import JOB_KIND_TABLE, NewJob
from airflow_provider_arize.emulator.state import Info, request_context
from airflow_provider_arize.emulator.validation import (
    Failure,
    check_ingestion_parameters,
    check_schema,
    validate_table_create,
)

from .common import ApiError, load_job, visible_space_id
from .lifecycle import change_status, ensure_not_deleted, target_changes
from .objects import job_object, space_object

mutation = MutationType()


def validation_result(failure: Failure | None) -> dict[str, Any]:
    """The ``validationResult`` object for a create."""
    if failure is None:
        return {"validationStatus": c.VALIDATION_STATUS_SUCCESS, "error": None}
    return {
        "validationStatus": c.VALIDATION_STATUS_FAILURE,
        "error": {"code": failure.code, "message": failure.message, "row": None},
    }


def space_failure(value: str) -> Failure:
    return Failure(c.VALIDATION_CODE_ACCESS, f"spaceId '{value}' is not a space this API key can access")


def _create(info: Info, inp: dict[str, Any], *, triggered: bool, name: str) -> dict[str, Any]:
    ctx = request_context(info)
    space_id = visible_space_id(ctx, inp["spaceId"])
    failure = space_failure(inp["spaceId"]) if space_id is None else None
    failure = failure or validate_table_create(
        inp, triggered=triggered, accept_legacy_model_types=ctx.state.options.accept_legacy_model_types
    )
    payload: dict[str, Any] = {
        "clientMutationId": inp.get("clientMutationId"),
        "tableImportJob": None,
        "validationResult": validation_result(failure),
        "space": None,
    }
    if space_id is not None:
        space = ctx.store.get_space(space_id)
        payload["space"] = space_object(space) if space else None
    if failure or inp.get("dryRun") or space_id is None:
        return payload
    store = inp["tableStore"]
    params = {k: v for k, v in (inp.get("tableIngestionParameters") or {}).items() if v is not None}
    job = ctx.store.insert_job(
        NewJob(
            kind=JOB_KIND_TABLE,
            space_id=space_id,
            status=c.JOB_STATUS_ACTIVE,
            model_name=inp.get("modelName"),
            model_type=inp.get("modelType"),
            model_environment=inp.get("modelEnvironmentName"),
            model_version=inp.get("modelVersion"),
            batch_id=inp.get("batchId"),
            store=store,
            triggered=triggered,
            location=dict(inp[c.TABLE_CONFIG_FIELD[store]]),
            schema=dict(inp["schema"]),
            ingestion=params,
        )
    )
    ctx.state.stats.committed(name)
    payload["tableImportJob"] = job_object(job)
    return payload


@mutation.field("createTableImportJob")
def _create_table_job(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    """Validate, and unless ``dryRun`` or invalid, create a polling table job (status active)."""
    return _create(info, input, triggered=False, name="createTableImportJob")


@mutation.field("createTriggeredOngoingTableImportJob")
def _create_triggered(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    """Create an event-based Snowflake table job that ingests only when a run is triggered."""
    return _create(info, input, triggered=True, name="createTriggeredOngoingTableImportJob")


@mutation.field("createTriggeredOngoingTableRun")
def _trigger_run(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    """Record a pending query for ``[queryStart, queryEnd]`` on an active triggered job."""
    ctx = request_context(info)
    job = load_job(ctx, input["jobId"], JOB_KIND_TABLE)
    if not job.triggered:
        raise ApiError(f"TableImportJob {job.id} is not an event-based (triggered) job", code="INVALID_STATE")
    ensure_not_deleted(job, "triggered")
    if job.status != c.JOB_STATUS_ACTIVE:
        raise ApiError(
            f"TableImportJob {job.id} is {job.status} (paused); start it first", code="INVALID_STATE"
        )
    start, end = input["queryStart"], input["queryEnd"]
    if not start < end:
        raise ApiError("queryStart must be before queryEnd", code="INVALID_VALUE")
    ctx.store.runs.add_query(job.id, start, end)
    ctx.state.stats.committed("createTriggeredOngoingTableRun")
    return {"clientMutationId": input.get("clientMutationId")}


def _status_mutation(info: Info, input: dict[str, Any], target: str, name: str) -> Any:
    ctx = request_context(info)
    job = load_job(ctx, input["jobId"], JOB_KIND_TABLE)
    job = change_status(ctx, job, target, name)
    return {"clientMutationId": input.get("clientMutationId"), "tableImportJob": job_object(job)}


@mutation.field("pauseTableImportJob")
def _pause(_: Any, info: Info, input: dict[str, Any]) -> Any:
    return _status_mutation(info, input, c.JOB_STATUS_INACTIVE, "pauseTableImportJob")


@mutation.field("startTableImportJob")
def _start(_: Any, info: Info, input: dict[str, Any]) -> Any:
    return _status_mutation(info, input, c.JOB_STATUS_ACTIVE, "startTableImportJob")


@mutation.field("deleteTableImportJob")
def _delete(_: Any, info: Info, input: dict[str, Any]) -> Any:
    return _status_mutation(info, input, c.JOB_STATUS_DELETED, "deleteTableImportJob")


def _merged_ingestion(current: dict[str, Any], params: dict[str, Any] | None) -> dict[str, Any]:
    failure = check_ingestion_parameters(params)
    if failure:
        raise ApiError(failure.message, code=failure.code)
    return {**current, **{k: v for k, v in (params or {}).items() if v is not None}}


@mutation.field("updateTableIngestionParameters")
def _update_params(_: Any, info: Info, input: dict[str, Any]) -> Any:
    """Merge ``rowLimit`` / ``refreshIntervalMinutes`` / ``queryWindowSizeHours`` into the job's."""
    ctx = request_context(info)
    job = load_job(ctx, input["jobId"], JOB_KIND_TABLE)
    ensure_not_deleted(job, "updated")
    ingestion = _merged_ingestion(job.ingestion, input.get("tableIngestionParameters"))
    job = ctx.store.update_job(job.id, ingestion=ingestion)
    ctx.state.stats.committed("updateTableIngestionParameters")
    return {"clientMutationId": input.get("clientMutationId"), "tableImportJob": job_object(job)}


@mutation.field("updateTableImportJob")
def _update_job(_: Any, info: Info, input: dict[str, Any]) -> Any:
    """Replace the schema and/or merge ingestion parameters, model version and status given."""
    ctx = request_context(info)
    job = load_job(ctx, input["jobId"], JOB_KIND_TABLE)
    ensure_not_deleted(job, "updated")
    changes: dict[str, Any] = {}
    if input.get("schema") is not None:
        failure = check_schema(input["schema"], job.model_type or "", table=True)
        if failure:
            raise ApiError(failure.message, code=failure.code)
        changes["schema"] = dict(input["schema"])
    if input.get("tableIngestionParameters") is not None:
        changes["ingestion"] = _merged_ingestion(job.ingestion, input["tableIngestionParameters"])
    if input.get("modelVersion") is not None:
        changes["model_version"] = input["modelVersion"]
    if input.get("jobStatus") is not None:
        changes.update(target_changes(ctx, job, input["jobStatus"]))
    if changes:
        job = ctx.store.update_job(job.id, **changes)
        ctx.state.stats.committed("updateTableImportJob")
    return {"clientMutationId": input.get("clientMutationId"), "tableImportJob": job_object(job)}
