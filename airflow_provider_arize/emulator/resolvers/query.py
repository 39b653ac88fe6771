"""Root query fields: ``node``, ``viewer { spaces }`` and ``rateLimit``."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType, QueryType, SchemaBindable

from airflow_provider_arize.emulator.ids import decode_cursor, parse_node_id
from airflow_provider_arize.emulator.records import JOB_KIND_FILE, JOB_KIND_TABLE
from airflow_provider_arize.emulator.state import Info, request_context

from .common import MAX_FIRST, can_see_space, connection
from .objects import job_object, space_object

query = QueryType()
viewer_type = ObjectType("Viewer")

_JOB_KINDS = {"TableImportJob": JOB_KIND_TABLE, "FileImportJob": JOB_KIND_FILE}


@query.field("node")
def _node(_: Any, info: Info, id: str) -> dict[str, Any] | None:
    """Any object by global id; ``None`` when unknown or outside the key's spaces.

    A value that is not a global id, or names an unknown type, is an error naming the id.
    """
    ctx = request_context(info)
    type_name, number = parse_node_id(id)
    if type_name == "Space":
        space = ctx.store.get_space(number)
        return space_object(space) if space and can_see_space(ctx, space.id) else None
    if type_name in _JOB_KINDS:
        job = ctx.store.get_job(number)
        if job and job.kind == _JOB_KINDS[type_name] and can_see_space(ctx, job.space_id):
            return job_object(job)
    return None


@query.field("viewer")
def _viewer(*_: Any) -> dict[str, Any]:
    return {}


@viewer_type.field("spaces")
def _spaces(_: Any, info: Info, first: int | None = None, after: str | None = None) -> Any:
    """The key's spaces, oldest first; ``first`` defaults to (and is capped at) 100."""
    ctx = request_context(info)
    limit = MAX_FIRST if first is None else max(0, min(first, MAX_FIRST))
    start = decode_cursor(after) if after else None
    spaces = [s for s in ctx.store.list_spaces(ctx.key.space_ids) if start is None or s.id > start]
    return connection(spaces[:limit], len(spaces) > limit, start is not None, lambda s: s.id, space_object)


@query.field("rateLimit")
def _rate_limit(_: Any, info: Info) -> dict[str, int]:
    """The key's per-minute limit for this kind of call, and this call's cost."""
    ctx = request_context(info)
    return {"limit": ctx.state.limiter.config.limit_for(ctx.is_mutation), "cost": ctx.cost}


def bindables() -> list[SchemaBindable]:
    return [query, viewer_type]
