"""Deferrable wait for a file job's ingestion: poll the job's counters until Arize has caught up.

The loop, its error budget and its deadline are :class:`.base.ArizeWaitTrigger`'s; each poll reads the
job (one batched read of its status and counters, cost 10) and decides with
:func:`airflow_provider_arize.waits.evaluate_file_ingestion`, the same function the poke path uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_arize.triggers.base import ArizeWaitTrigger
from airflow_provider_arize.waits import evaluate_file_ingestion

if TYPE_CHECKING:
    from airflow_provider_arize.api.async_client import AsyncArizeClient
    from airflow_provider_arize.api.poll_reads import Poller
    from airflow_provider_arize.waits import FileIngestionOutcome


class ArizeFileIngestionTrigger(ArizeWaitTrigger):
    """Wait until a file job has no pending file and has seen ``expected_seen`` files, failing when its
    failed counter rises above ``failed_baseline``.

    The other parameters are :class:`.base.ArizeWaitTrigger`'s.
    """

    def __init__(self, *, expected_seen: int, failed_baseline: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.expected_seen = int(expected_seen)
        self.failed_baseline = int(failed_baseline)
        self._global_id: str | None = None

    @property
    def subject(self) -> str:  # type: ignore[override]
        return f"ingestion by file import job {self.job_id}"

    def wait_kwargs(self) -> dict[str, Any]:
        return {"expected_seen": self.expected_seen, "failed_baseline": self.failed_baseline}

    async def poll(self, client: AsyncArizeClient) -> FileIngestionOutcome:
        job = await client.get_job("file", self.job_id)
        return evaluate_file_ingestion(job, self.expected_seen, self.failed_baseline)

    async def poll_batched(self, poller: Poller) -> FileIngestionOutcome:
        if self._global_id is None:
            self._global_id = await poller.global_id("file", self.job_id)
        job = await poller.job("file", self._global_id, linger=self.linger)
        return evaluate_file_ingestion(job, self.expected_seen, self.failed_baseline)
