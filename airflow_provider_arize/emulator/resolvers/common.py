"""Shared resolver helpers: API errors, authorized lookups, Relay connection paging.

Authorization rule: a key sees only the spaces it is bound to and the jobs in them. An object the key
cannot see is reported exactly like an unknown one, so ids of other spaces leak nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from graphql import GraphQLError

from airflow_provider_arize.emulator.ids import decode_cursor, encode_cursor, from_global_id, parse_typed_id
from airflow_provider_arize.emulator.records import JOB_KIND_FILE, JOB_KIND_TABLE, JobRecord
from airflow_provider_arize.emulator.state import RequestContext

#: Largest ``first`` any connection accepts.
MAX_FIRST = 100
JOB_TYPE_NAMES = {JOB_KIND_TABLE: "TableImportJob", JOB_KIND_FILE: "FileImportJob"}

T = TypeVar("T")


class ApiError(GraphQLError):
    """A business error reported in the GraphQL ``errors`` list with ``extensions.code``."""

    def __init__(self, message: str, code: str = "BAD_REQUEST") -> None:
        super().__init__(message, extensions={"code": code})


def check_first(first: int | None, field: str) -> int:
    """Validate a connection's ``first``: required, 0..MAX_FIRST."""
    if first is None:
        raise ApiError(f"'{field}' requires the 'first' argument (at most {MAX_FIRST})")
    if first < 0 or first > MAX_FIRST:
        raise ApiError(f"'{field}' first={first} is out of range: use 0 to {MAX_FIRST}")
    return first


def after_number(after: str | None) -> int | None:
    """Decode an ``after`` cursor into the row number it points at."""
    return decode_cursor(after) if after else None


def connection(
    items: Sequence[T],
    has_next: bool,
    has_previous: bool,
    number: Callable[[T], int],
    to_node: Callable[[T], Any],
) -> dict[str, Any]:
    """Build ``{edges, pageInfo}`` for a page of ``items`` (ids from ``number``)."""
    edges = [{"cursor": encode_cursor(number(item)), "node": to_node(item)} for item in items]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def can_see_space(ctx: RequestContext, space_id: int) -> bool:
    return space_id in ctx.key.space_ids


def visible_space_id(ctx: RequestContext, value: str) -> int | None:
    """Return the space number of a ``spaceId`` input the key may use, else ``None``."""
    decoded = from_global_id(value)
    if decoded is None or decoded[0] != "Space":
        return None
    space = ctx.store.get_space(decoded[1])
    if space is None or not can_see_space(ctx, space.id):
        return None
    return space.id


def load_job(ctx: RequestContext, job_id: str, kind: str) -> JobRecord:
    """Return the job of a ``jobId`` input (global id or short number) of the given kind.

    Raises an error naming the id if it is malformed, of another type, unknown, or in a space the key
    cannot see.
    """
    type_name = JOB_TYPE_NAMES[kind]
    form = ctx.state.profile.job_id_form
    if form is not None and str(job_id).strip().isdigit() != (form == "short"):
        raise ApiError(f"No {type_name} found for jobId '{job_id}'", code="NOT_FOUND")
    number = parse_typed_id(job_id, type_name)
    job = ctx.store.get_job(number)
    if job is None or job.kind != kind or not can_see_space(ctx, job.space_id):
        raise ApiError(f"No {type_name} found for jobId '{job_id}'", code="NOT_FOUND")
    return job
