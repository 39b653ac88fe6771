"""Deferrable wait for an event-based table run: poll Arize until the query for a window is done.

Operational contract:

* Kwargs are small and JSON-serialisable: the connection id (never the key), the job's global id, the
  window as RFC 3339 strings, the poll interval, an absolute deadline (epoch seconds, so a trigger
  rebuilt after a triggerer restart keeps the original deadline) and the error budget.
* Each poll reads the job and its queries through the async client (one transport: 429 and 5xx are
  retried there). Consecutive transient failures beyond ``max_consecutive_errors`` end the wait with an
  ``error`` event; an auth error or an unknown job ends it at once.
* It always ends with exactly one event (``success``, ``failed``, ``timeout`` or ``error``, see
  :data:`airflow_provider_arize.waits.EVENT_STATUSES`), never sleeps zero seconds, and only reads:
  cancelling it (task killed, timeout) leaves Arize untouched.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_arize.waits import (
    DEFAULT_MAX_CONSECUTIVE_ERRORS,
    DEFAULT_POLL_INTERVAL,
    ErrorBudget,
    evaluate_table_run,
    is_transient,
)


class ArizeTableRunTrigger(BaseTrigger):
    """Wait until Arize reports the query for ``[window_start, window_end)`` of a table job.

    :param arize_conn_id: the ``arize`` connection.
    :param job_id: the table job's global id (or short job id).
    :param window_start: window start, RFC 3339 UTC.
    :param window_end: window end, RFC 3339 UTC.
    :param deadline: epoch seconds after which the wait ends with ``timeout``.
    :param poll_interval: seconds between polls (positive).
    :param max_consecutive_errors: transient errors in a row that are tolerated.
    """

    def __init__(
        self,
        *,
        arize_conn_id: str,
        job_id: str,
        window_start: str,
        window_end: str,
        deadline: float,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_consecutive_errors: int = DEFAULT_MAX_CONSECUTIVE_ERRORS,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.arize_conn_id = arize_conn_id
        self.job_id = job_id
        self.window_start = window_start
        self.window_end = window_end
        self.deadline = float(deadline)
        self.poll_interval = float(poll_interval)
        self.max_consecutive_errors = int(max_consecutive_errors)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "arize_conn_id": self.arize_conn_id,
                "job_id": self.job_id,
                "window_start": self.window_start,
                "window_end": self.window_end,
                "deadline": self.deadline,
                "poll_interval": self.poll_interval,
                "max_consecutive_errors": self.max_consecutive_errors,
            },
        )

    def _event(self, status: str, message: str, query: dict[str, Any] | None = None) -> TriggerEvent:
        return TriggerEvent(  # type: ignore[no-untyped-call]
            {
                "status": status,
                "message": message,
                "job_id": self.job_id,
                "window_start": self.window_start,
                "window_end": self.window_end,
                "query": query,
            }
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from airflow_provider_arize.api.errors import ArizeError
        from airflow_provider_arize.api.models import QueryWindow
        from airflow_provider_arize.hooks.arize import ArizeHook

        window = QueryWindow.of(self.window_start, self.window_end)
        budget = ErrorBudget(self.max_consecutive_errors)
        try:
            client = await ArizeHook(arize_conn_id=self.arize_conn_id).get_async_client()
        except ArizeError as exc:
            yield self._event("error", f"cannot use connection {self.arize_conn_id!r}: {exc}")
            return
        async with client:
            while True:
                try:
                    job = await client.get_job("table", self.job_id)
                    query = await client.find_table_run(job.id, window)
                except ArizeError as exc:
                    if not is_transient(exc) or budget.spend():
                        yield self._event(
                            "error",
                            f"polling window {window} of table import job {self.job_id} failed "
                            f"({budget.consecutive} consecutive errors): {exc}",
                        )
                        return
                    self.log.warning("transient error polling Arize (%s); will poll again", exc)
                else:
                    budget.reset()
                    outcome = evaluate_table_run(job, query, window)
                    if outcome.state != "waiting":
                        yield self._event(outcome.state, outcome.message, outcome.query_summary())
                        return
                    self.log.info("%s", outcome.message)
                remaining = self.deadline - time.time()
                if remaining <= 0:
                    yield self._event(
                        "timeout",
                        f"timed out waiting for Arize to run window {window} of table import job "
                        f"{self.job_id}; the run was not cancelled and may still finish",
                    )
                    return
                await asyncio.sleep(min(self.poll_interval, remaining))
