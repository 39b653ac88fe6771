"""Store records as GraphQL objects, and the field resolvers of Space, TableImportJob and Node.

Objects are plain dicts keyed by GraphQL field name (ariadne's default resolver reads them), plus
``__typename`` for the ``Node`` interface and ``pk`` (the row number) for nested connections.
"""

from __future__ import annotations

from typing import Any

from ariadne import InterfaceType, ObjectType, SchemaBindable
from graphql import GraphQLEnumType, get_named_type

from airflow_provider_arize.emulator.clock import to_rfc3339
from airflow_provider_arize.emulator.ids import to_global_id
from airflow_provider_arize.emulator.records import (
    JOB_KIND_FILE,
    JOB_KIND_TABLE,
    QUERY_SUCCEEDED,
    JobRecord,
    QueryRecord,
    SpaceRecord,
)
from airflow_provider_arize.emulator.state import Info, request_context
from airflow_provider_arize.emulator.validation import table_name

from .common import JOB_TYPE_NAMES, after_number, check_first, connection

space_type = ObjectType("Space")
table_job_type = ObjectType("TableImportJob")
node_interface = InterfaceType("Node")


def space_object(space: SpaceRecord) -> dict[str, Any]:
    return {"__typename": "Space", "id": to_global_id("Space", space.id), "name": space.name, "pk": space.id}


def _ingestion(params: dict[str, Any]) -> dict[str, Any]:
    minutes = params.get("refreshIntervalMinutes")
    hours = params.get("queryWindowSizeHours", 0)
    return {
        "rowLimit": params.get("rowLimit"),
        "refreshIntervalMinutes": minutes,
        "queryWindowSizeHours": hours,
        "refreshIntervalSeconds": minutes * 60 if minutes is not None else None,
        "queryWindowSizeSeconds": hours * 3600 if hours is not None else None,
    }


def job_object(job: JobRecord) -> dict[str, Any]:
    """The GraphQL view of a table or file job."""
    obj: dict[str, Any] = {
        "__typename": JOB_TYPE_NAMES[job.kind],
        "pk": job.id,
        "id": to_global_id(JOB_TYPE_NAMES[job.kind], job.id),
        "jobId": str(job.id),
        "jobStatus": job.status,
        "createdAt": to_rfc3339(job.created_at),
        "modelName": job.model_name,
        "modelId": to_global_id("Model", job.model_id) if job.model_id else None,
        "modelVersion": job.model_version,
        "batchId": job.batch_id,
        "modelType": job.model_type,
        "modelEnvironmentName": job.model_environment,
        "schema": job.schema,
    }
    if job.kind == JOB_KIND_TABLE:
        is_bigquery = job.store == "BigQuery"
        obj.update(
            tableStore=job.store,
            table=table_name(job.store, job.location),
            projectId=job.location.get("projectId") if is_bigquery else None,
            dataset=job.location.get("dataset") if is_bigquery else None,
            tableIngestionParameters=_ingestion(job.ingestion),
            totalQueriesPendingCount=job.counts.get("queries_pending", 0),
            totalQueriesSuccessCount=job.counts.get("queries_succeeded", 0),
            totalQueriesFailedCount=job.counts.get("queries_failed", 0),
        )
    elif job.kind == JOB_KIND_FILE:
        obj.update(
            blobStore=job.store,
            bucketName=job.location.get("bucketName"),
            prefix=job.location.get("prefix"),
            totalFilesPendingCount=job.counts.get("files_pending", 0),
            totalFilesSuccessCount=job.counts.get("files_succeeded", 0),
            totalFilesFailedCount=job.counts.get("files_failed", 0),
        )
    return obj


def query_object(query: QueryRecord) -> dict[str, Any]:
    """A query node. ``recordsProcessedCount`` is null until the query succeeds (and stays null if it
    fails): Arize's query nodes carry no status, so that is how a caller tells a finished query."""
    succeeded = query.status == QUERY_SUCCEEDED
    return {
        "queryId": str(query.id),
        "createdAt": to_rfc3339(query.created_at),
        "recordsProcessedCount": query.records_processed_count if succeeded else None,
        "windowStartTimestamp": query.window_start,
        "windowEndTimestamp": query.window_end,
    }


@node_interface.type_resolver
def _resolve_node_type(obj: dict[str, Any], *_: Any) -> str:
    return str(obj["__typename"])


def _jobs(kind: str, field: str, space: dict[str, Any], info: Info, **kwargs: Any) -> dict[str, Any]:
    ctx = request_context(info)
    first = check_first(kwargs.get("first"), field)
    after = after_number(kwargs.get("after"))
    jobs, has_next = ctx.store.list_jobs(space["pk"], kind, first, after, kwargs.get("search"))
    return connection(jobs, has_next, after is not None, lambda j: j.id, job_object)


@space_type.field("tableJobs")
def _table_jobs(space: dict[str, Any], info: Info, **kwargs: Any) -> dict[str, Any]:
    return _jobs(JOB_KIND_TABLE, "tableJobs", space, info, **kwargs)


@space_type.field("importJobs")
def _import_jobs(space: dict[str, Any], info: Info, **kwargs: Any) -> dict[str, Any]:
    return _jobs(JOB_KIND_FILE, "importJobs", space, info, **kwargs)


@table_job_type.field("queries")
def _queries(job: dict[str, Any], info: Info, **kwargs: Any) -> dict[str, Any]:
    ctx = request_context(info)
    first = check_first(kwargs.get("first"), "queries")
    after = after_number(kwargs.get("after"))
    queries, has_next = ctx.store.runs.list_queries(job["pk"], first, after)
    result = connection(queries, has_next, after is not None, lambda q: q.id, query_object)
    result["totalCount"] = ctx.store.runs.count_queries(job["pk"])
    return result


def _upper_status(result: dict[str, Any], info: Info) -> Any:
    """``validationStatus`` upper-cased, unless the schema serves it as an enum (that maps it itself)."""
    value = result.get("validationStatus")
    if isinstance(get_named_type(info.return_type), GraphQLEnumType) or not isinstance(value, str):
        return value
    return value.upper()


def upper_case_bindables() -> list[SchemaBindable]:
    """Resolvers of an ``upper_enums`` profile: ``validationStatus`` as ``SUCCESS`` / ``FAILURE``."""
    types = [ObjectType("TableValidationResult"), ObjectType("FileValidationResult")]
    for t in types:
        t.set_field("validationStatus", _upper_status)
    return list(types)


def bindables() -> list[SchemaBindable]:
    return [space_type, table_job_type, node_interface]
