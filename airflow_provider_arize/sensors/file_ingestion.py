"""Wait until Arize has ingested the files under a file import job's prefix, from the job's counters
(:func:`airflow_provider_arize.waits.evaluate_file_ingestion`, shared with the deferrable trigger).

When it is done or failed, and the baselines in ``reschedule`` mode: ``docs/file-jobs.md``, "What each
task guarantees", and ``docs/internals.md``, "Wait sensors".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.lineage import JobLineageMixin
from airflow_provider_arize.sensors.base import ArizeWaitSensor
from airflow_provider_arize.waits import KILLED_FILE_INGESTION, evaluate_file_ingestion, non_negative_int

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.models import ImportJob
    from airflow_provider_arize.triggers.base import ArizeWaitTrigger, Outcome
    from airflow_provider_arize.waits import FileIngestionOutcome


class ArizeFileIngestionSensor(JobLineageMixin, ArizeWaitSensor):
    """Wait until Arize has ingested every file under a file job's prefix (``docs/internals.md``, "Wait
    sensors").

    :param job_id: global id or short job id of the file job.
    :param aws_conn_id: connection used to count the objects under the job's S3 prefix.
    :param expected_total: how many files Arize should have seen (default: count the S3 prefix).
    :param failed_baseline: the failed counter that is not this wait's concern (default: its value when
        the wait begins).

    The other parameters are :class:`~airflow_provider_arize.sensors.base.ArizeWaitSensor`'s.

    Returns (XCom) the job's counters: ``{"job_id", "success", "failed", "pending", "expected"}``.
    """

    template_fields: Sequence[str] = ("job_id", "expected_total", "failed_baseline")
    lineage_job_type = "file"
    kill_leaves = KILLED_FILE_INGESTION

    def __init__(
        self,
        *,
        job_id: str,
        aws_conn_id: str | None = "aws_default",
        expected_total: int | str | None = None,
        failed_baseline: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.aws_conn_id = aws_conn_id
        self.expected_total = expected_total
        self.failed_baseline = failed_baseline
        self._targets: tuple[int, int] | None = None

    def waiting_for(self) -> str:
        return f"ingestion by file import job {self.job_id}"

    def _count_objects(self, job: ImportJob) -> int:
        if job.blob_store not in (None, "S3") or not self.aws_conn_id:
            raise ArizeConfigError(
                f"file import job {job.id} reads {job.blob_store}: pass expected_total (objects are counted "
                "only on S3, with aws_conn_id)",
                field="expected_total",
            )
        from airflow.providers.amazon.aws.hooks.s3 import S3Hook

        keys = S3Hook(aws_conn_id=self.aws_conn_id).list_keys(job.bucket_name, prefix=job.prefix or "")
        return sum(1 for key in keys if not key.endswith("/"))

    def _wait_targets(self, context: Context) -> tuple[int, int]:
        """``(expected_seen, failed_baseline)``, fixed once per try."""
        if self._targets is None:
            job = self.hook.get_job("file", job_ref(self.job_id))
            self.link_job(context, job)
            expected = (
                non_negative_int("expected_total", self.expected_total)
                if self.expected_total not in (None, "")
                else self._count_objects(job)
            )
            baseline = (
                non_negative_int("failed_baseline", self.failed_baseline)
                if self.failed_baseline not in (None, "")
                else job.files_failed
            )
            self.log.info(
                "Waiting for Arize to ingest the %d files under %s/%s (failed files so far: %d)",
                expected,
                job.bucket_name,
                job.prefix,
                baseline,
            )
            self._targets = (expected, baseline)
        return self._targets

    def check(self, context: Context) -> FileIngestionOutcome:
        expected, baseline = self._wait_targets(context)
        self._lineage_job = job = self.hook.get_job("file", job_ref(self.job_id))
        return evaluate_file_ingestion(job, expected, baseline)

    def result(self, context: Context, outcome: Outcome) -> dict[str, Any]:
        return {"job_id": job_ref(self.job_id), **(outcome.details() or {})}

    def make_trigger(self, context: Context, deadline: float, poll_interval: float) -> ArizeWaitTrigger:
        from airflow_provider_arize.triggers.file_ingestion import ArizeFileIngestionTrigger

        expected, baseline = self._wait_targets(context)
        return ArizeFileIngestionTrigger(
            arize_conn_id=self.arize_conn_id,
            job_id=job_ref(self.job_id),
            expected_seen=expected,
            failed_baseline=baseline,
            deadline=deadline,
            poll_interval=poll_interval,
            max_consecutive_errors=int(self.max_consecutive_errors),
        )

    def result_from_event(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"job_id": data["job_id"], **(data.get("details") or {})}
