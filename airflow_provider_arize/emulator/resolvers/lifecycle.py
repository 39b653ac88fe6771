"""Job status transitions, shared by table and file mutations.

``active`` on create; pause -> ``inactive``; start -> ``active``; delete -> ``deleted``. A deleted job
stays listed but cannot be paused, started or updated (an error). Asking for the status a job already
has is a no-op success, or an error with the ``strict_state_changes`` option.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_arize.api.constants import JOB_STATUS_DELETED
from airflow_provider_arize.emulator.records import JobRecord
from airflow_provider_arize.emulator.state import RequestContext

from .common import JOB_TYPE_NAMES, ApiError


def ensure_not_deleted(job: JobRecord, action: str) -> None:
    """Refuse ``action`` on a deleted job."""
    if job.status == JOB_STATUS_DELETED:
        raise ApiError(
            f"{JOB_TYPE_NAMES[job.kind]} {job.id} is deleted and cannot be {action}", code="INVALID_STATE"
        )


def target_changes(ctx: RequestContext, job: JobRecord, target: str) -> dict[str, Any]:
    """Return the column changes that move ``job`` to ``target`` (empty for a permitted no-op)."""
    if target != JOB_STATUS_DELETED:
        ensure_not_deleted(job, "set to " + target)
    if job.status == target:
        if ctx.state.options.strict_state_changes:
            raise ApiError(f"{JOB_TYPE_NAMES[job.kind]} {job.id} is already {target}", code="INVALID_STATE")
        return {}
    return {"status": target}


def change_status(ctx: RequestContext, job: JobRecord, target: str, mutation: str) -> JobRecord:
    """Move ``job`` to ``target``, committing and counting the mutation when anything changed."""
    changes = target_changes(ctx, job, target)
    if not changes:
        return job
    updated = ctx.store.update_job(job.id, **changes)
    ctx.state.stats.committed(mutation)
    return updated
