"""Pause, resume and delete import jobs (table or file). Each is idempotent: a job already in the target
state succeeds without a request and the log says so. Pausing or resuming a deleted job fails. Without
``job_type`` the operator finds the job's kind itself (a table job first, then a file job)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.operators.base import ArizeBaseOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.client import StatusChange


class _JobStatusOperator(ArizeBaseOperator):
    """:param job_id: global id or short job id. :param job_type: ``table`` or ``file``; default: the
    kind of the job ``job_id`` names (looked up, table jobs first; name it when a short id could be
    either)."""

    template_fields: Sequence[str] = ("job_id", "job_type")
    action: Literal["pause", "resume", "delete"]

    def __init__(
        self, *, job_id: str, job_type: Literal["table", "file"] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.job_type = job_type

    def _change(self, kind: Literal["table", "file"], ref: str) -> StatusChange:
        raise NotImplementedError

    def _job_type(self, ref: str) -> Literal["table", "file"]:
        """``job_type`` as given, else the kind of job ``ref`` names (looked up, table jobs first)."""
        from airflow_provider_arize.api.errors import ArizeConfigError, ArizeNotFoundError

        if self.job_type is not None:
            if self.job_type not in ("table", "file"):
                raise ArizeConfigError(
                    f"job_type must be 'table' or 'file', got {self.job_type!r}", field="job_type"
                )
            return self.job_type
        for kind in ("table", "file"):
            try:
                self.hook.get_job(kind, ref)
            except ArizeNotFoundError:
                continue
            return kind
        raise ArizeNotFoundError(f"no table or file import job {ref!r} in this space")

    def execute(self, context: Context) -> dict[str, Any]:
        ref = job_ref(self.job_id)
        kind = self._job_type(ref)
        change = self._change(kind, ref)
        job = change.job
        if change.changed:
            self.log.info(
                "%s import job %s (jobId %s): %s done, status is now %s",
                kind,
                job.id,
                job.job_id,
                self.action,
                job.job_status,
            )
        else:
            self.log.info(
                "%s import job %s (jobId %s) was already %s; nothing to do",
                kind,
                job.id,
                job.job_id,
                job.job_status,
            )
        return {**self.publish_job(context, job), "changed": change.changed}


class ArizePauseImportJobOperator(_JobStatusOperator):
    """Pause an import job (status ``inactive``): Arize stops polling until it is resumed."""

    action = "pause"

    def _change(self, kind: Literal["table", "file"], ref: str) -> StatusChange:
        return self.hook.pause_job(kind, ref)


class ArizeResumeImportJobOperator(_JobStatusOperator):
    """Resume (start) a paused import job (status ``active``)."""

    action = "resume"

    def _change(self, kind: Literal["table", "file"], ref: str) -> StatusChange:
        return self.hook.resume_job(kind, ref)


class ArizeDeleteImportJobOperator(_JobStatusOperator):
    """Delete an import job (status ``deleted``; it stays listed). Deleting a deleted job succeeds."""

    action = "delete"

    def _change(self, kind: Literal["table", "file"], ref: str) -> StatusChange:
        return self.hook.delete_job(kind, ref)
