"""Request builders and response parsers shared by the sync and async clients (sans I/O).

Each ``*_request`` returns ``(operation_name, variables)``; each ``parse_*`` turns the ``data`` object
of the response into models, raising :class:`ArizeResponseError` on a malformed shape and
:class:`ArizeNotFoundError` when a looked-up object does not exist.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from airflow_provider_arize.api.errors import ArizeNotFoundError, ArizeResponseError
from airflow_provider_arize.api.models import ImportJob, QueryWindow, TableRunQuery
from airflow_provider_arize.api.models.records import JobType

Request = tuple[str, dict[str, Any]]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: Operation names per job type, so table and file jobs share one code path.
GET_JOB = {"table": "GetTableImportJob", "file": "GetFileImportJob"}
LIST_JOBS = {"table": "ListTableImportJobs", "file": "ListFileImportJobs"}
LIST_FIELD = {"table": "tableJobs", "file": "importJobs"}
PAYLOAD_FIELD = {"table": "tableImportJob", "file": "fileImportJob"}
TYPENAME = {"table": "TableImportJob", "file": "FileImportJob"}
STATUS_MUTATION = {
    ("table", "pause"): "PauseTableImportJob",
    ("table", "resume"): "StartTableImportJob",
    ("table", "delete"): "DeleteTableImportJob",
    ("file", "pause"): "PauseFileImportJob",
    ("file", "resume"): "StartFileImportJob",
    ("file", "delete"): "DeleteFileImportJob",
}
MUTATION_FIELD = {
    "PauseTableImportJob": "pauseTableImportJob",
    "StartTableImportJob": "startTableImportJob",
    "DeleteTableImportJob": "deleteTableImportJob",
    "PauseFileImportJob": "pauseFileImportJob",
    "StartFileImportJob": "startFileImportJob",
    "DeleteFileImportJob": "deleteFileImportJob",
}


def is_short_job_id(ref: str) -> bool:
    """A short job id is the decimal number the UI shows; anything else is taken as a global id."""
    return ref.strip().isdigit()


def job_type_of_global_id(ref: str) -> JobType | None:
    """The kind a global id names when it is base64 of ``"TableImportJob:<n>"`` or ``"FileImportJob:<n>"``
    (as the emulator mints them; Arize's encoding is unpublished), else ``None``: the caller then looks
    the job up."""
    try:
        text = base64.b64decode(ref.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, _, number = text.partition(":")
    if not number.isascii() or not number.isdigit():
        return None
    for kind in ("table", "file"):
        if TYPENAME[kind] == type_name:
            return kind
    return None


def field_of(data: Mapping[str, Any] | None, *path: str) -> Any:
    """``data[path0][path1]…``, raising :class:`ArizeResponseError` naming the missing step."""
    current: Any = data
    for i, key in enumerate(path):
        if not isinstance(current, Mapping):
            raise ArizeResponseError(
                f"malformed response: expected an object at {'.'.join(path[:i]) or 'data'}"
            )
        current = current.get(key)
    return current


def get_job_request(job_type: JobType, global_id: str) -> Request:
    return GET_JOB[job_type], {"id": global_id}


def parse_get_job(job_type: JobType, global_id: str, data: Mapping[str, Any]) -> ImportJob:
    node = field_of(data, "node")
    if node is None:
        raise ArizeNotFoundError(f"no {job_type} import job with id {global_id!r}")
    typename = node.get("__typename") if isinstance(node, Mapping) else None
    if not isinstance(node, Mapping) or not node.get("id") or typename not in (None, TYPENAME[job_type]):
        raise ArizeNotFoundError(f"id {global_id!r} is not a {job_type} import job (it is a {typename})")
    return ImportJob.from_output(job_type, node)


def list_jobs_request(
    job_type: JobType, space_id: str, first: int, after: str | None, search: str | None = None
) -> Request:
    variables: dict[str, Any] = {"spaceId": space_id, "first": first, "after": after}
    if search:
        variables["search"] = search
    return LIST_JOBS[job_type], variables


def parse_connection(data: Mapping[str, Any], *path: str) -> Mapping[str, Any]:
    """The Relay connection object at ``path``; a null parent means the space was not found."""
    parent = field_of(data, *path[:-1])
    if parent is None:
        raise ArizeNotFoundError(f"not found: {'.'.join(path[:-1])} (unknown space or job id?)")
    connection = field_of(data, *path)
    if not isinstance(connection, Mapping):
        raise ArizeResponseError(f"malformed response: {'.'.join(path)} is not a connection")
    return connection


def list_queries_request(global_id: str, first: int, after: str | None) -> Request:
    return "ListTableImportJobQueries", {"id": global_id, "first": first, "after": after}


def window_queries(queries: list[TableRunQuery], window: QueryWindow) -> list[TableRunQuery]:
    """The queries whose window is ``window``, oldest first."""
    return sort_queries([q for q in queries if window.matches(q.window_start, q.window_end)])


def window_query(queries: list[TableRunQuery], window: QueryWindow) -> TableRunQuery | None:
    """The newest query whose window is exactly ``window``."""
    matching = window_queries(queries, window)
    return matching[-1] if matching else None


def sort_queries(queries: list[TableRunQuery]) -> list[TableRunQuery]:
    """Oldest first by ``createdAt`` (the API's order is undocumented); undated ones first."""
    return sorted(queries, key=lambda q: q.created_at or _EPOCH)


def parse_query_nodes(connection: Mapping[str, Any]) -> list[TableRunQuery]:
    edges = connection.get("edges") or []
    if not isinstance(edges, list):
        raise ArizeResponseError("malformed response: queries.edges is not a list")
    return [TableRunQuery.from_output(e["node"]) for e in edges if isinstance(e, Mapping) and e.get("node")]
