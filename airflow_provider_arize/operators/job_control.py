"""Pause, resume and delete import jobs (table or file). Each is idempotent: a job already in the target
state succeeds without a request and the log says so. Pausing or resuming a deleted job fails. Without
``job_type`` the operator finds the job's kind itself, reading the job once (see
:meth:`~airflow_provider_arize.api.client.ArizeClient.lookup_job`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.operators.base import ArizeBaseOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.client import StatusAction


class _JobStatusOperator(ArizeBaseOperator):
    """:param job_id: global id or short job id. :param job_type: ``table`` or ``file``; default: the
    kind of the job ``job_id`` names (a global id that names its kind is read as that kind; a short id
    is looked up among table jobs first: name the kind when a short id could be either)."""

    template_fields: Sequence[str] = ("job_id", "job_type")
    action: StatusAction

    def __init__(
        self, *, job_id: str, job_type: Literal["table", "file"] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.job_type = job_type

    def execute(self, context: Context) -> dict[str, Any]:
        ref = job_ref(self.job_id)
        if self.job_type not in (None, "table", "file"):
            raise ArizeConfigError(
                f"job_type must be 'table' or 'file', got {self.job_type!r}", field="job_type"
            )
        change = self.hook.change_job_status(self.hook.lookup_job(ref, self.job_type), self.action)
        job = change.job
        if change.changed:
            self.log.info(
                "%s import job %s (jobId %s): %s done, status is now %s",
                job.job_type,
                job.id,
                job.job_id,
                self.action,
                job.job_status,
            )
        else:
            self.log.info(
                "%s import job %s (jobId %s) was already %s; nothing to do",
                job.job_type,
                job.id,
                job.job_id,
                job.job_status,
            )
        return {**self.publish_job(context, job), "changed": change.changed}


class ArizePauseImportJobOperator(_JobStatusOperator):
    """Pause an import job (status ``inactive``): Arize stops polling until it is resumed."""

    action = "pause"


class ArizeResumeImportJobOperator(_JobStatusOperator):
    """Resume (start) a paused import job (status ``active``)."""

    action = "resume"


class ArizeDeleteImportJobOperator(_JobStatusOperator):
    """Delete an import job (status ``deleted``; it stays listed). Deleting a deleted job succeeds."""

    action = "delete"
