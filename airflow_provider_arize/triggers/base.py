"""The polling loop every Arize wait shares in the triggerer; subclasses say what one poll reads.

The contract (small kwargs with an absolute deadline, batched and paced reads, the error budget, exactly
one event, cancellation): ``docs/internals.md``, "Wait triggers".
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_arize.api.constants import DEFAULT_MAX_CONSECUTIVE_ERRORS, DEFAULT_POLL_INTERVAL
from airflow_provider_arize.api.errors import ArizeError, ArizeWaitTimeoutError
from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.wait_engine import Decision, Wait, wait_async

if TYPE_CHECKING:
    from airflow_provider_arize.api.async_client import AsyncArizeClient
    from airflow_provider_arize.api.poll_reads import Poller


class Outcome(Decision, Protocol):
    """A wait engine's decision that also says what a trigger event carries besides status and message."""

    def details(self) -> dict[str, Any] | None: ...


class ArizeWaitTrigger(BaseTrigger):
    """Poll Arize every ``poll_interval`` seconds until :meth:`poll` decides, or ``deadline`` passes.

    :param arize_conn_id: the ``arize`` connection.
    :param job_id: the job's global id (or short job id).
    :param deadline: epoch seconds after which the wait ends with ``timeout``.
    :param poll_interval: seconds between polls (positive).
    :param max_consecutive_errors: transient errors in a row that are tolerated.
    :param polled_at: epoch seconds of the task's own poll just before it deferred: the first poll here
        comes ``poll_interval`` after it (default: at once).
    """

    #: What the wait is about, for messages ("window [...] of table import job X").
    subject = "the job"

    def __init__(
        self,
        *,
        arize_conn_id: str,
        job_id: str,
        deadline: float,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_consecutive_errors: int = DEFAULT_MAX_CONSECUTIVE_ERRORS,
        polled_at: float | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.arize_conn_id = arize_conn_id
        self.job_id = job_id
        self.deadline = float(deadline)
        self.poll_interval = float(poll_interval)
        self.max_consecutive_errors = int(max_consecutive_errors)
        self.polled_at = None if polled_at is None else float(polled_at)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "arize_conn_id": self.arize_conn_id,
                "job_id": self.job_id,
                "deadline": self.deadline,
                "poll_interval": self.poll_interval,
                "max_consecutive_errors": self.max_consecutive_errors,
                **({} if self.polled_at is None else {"polled_at": self.polled_at}),
                **self.wait_kwargs(),
            },
        )

    def wait_kwargs(self) -> dict[str, Any]:
        """The subclass's own kwargs (JSON-serialisable); they are also copied into every event."""
        return {}

    async def poll(self, client: AsyncArizeClient) -> Outcome:
        """Read what the wait needs through its own client and decide (``waiting``, ``success`` or
        ``failed``): the path used when coalescing is switched off."""
        raise NotImplementedError

    async def poll_batched(self, poller: Poller) -> Outcome:
        """The same decision as :meth:`poll`, reading through the connection's shared batched poller."""
        raise NotImplementedError

    @property
    def linger(self) -> float:
        """How long each batched read of this wait may wait for others to join its request."""
        from airflow_provider_arize.triggers.polling import linger_for

        return linger_for(self.poll_interval)

    def event(self, status: str, message: str, details: dict[str, Any] | None = None) -> TriggerEvent:
        payload = {"status": status, "message": message, "job_id": self.job_id, "details": details}
        return TriggerEvent({**payload, **self.wait_kwargs()})  # type: ignore[no-untyped-call]

    async def run(self) -> AsyncIterator[TriggerEvent]:
        # The wait runs to its end before the single event is yielded, so the shared poller is released
        # as soon as the wait ends, whatever the consumer of the generator does next.
        yield await self._wait()

    async def on_kill(self) -> None:
        """A user acted on the deferred task (mark failed or success, clear): say Arize was left as it was.
        A wait only reads, so there is nothing to cancel."""
        self.log.warning(
            "Deferred wait for %s ended by a user action on its task: Arize was left as it was "
            "(nothing was cancelled or changed)",
            self.subject,
        )

    async def _wait(self) -> TriggerEvent:
        from airflow_provider_arize.triggers.polling import coalescing_enabled, shared_poller

        cannot_use = f"cannot use connection {self.arize_conn_id!r}"
        if coalescing_enabled():
            try:
                async with shared_poller(self.arize_conn_id) as poller:
                    return await self._loop(lambda: self.poll_batched(poller))
            except ArizeError as exc:  # raised only by creating the poller: _loop catches its own
                return self.event("error", f"{cannot_use}: {exc}")
        try:
            client = await ArizeHook(arize_conn_id=self.arize_conn_id).get_async_client()
        except ArizeError as exc:
            return self.event("error", f"{cannot_use}: {exc}")
        async with client:
            return await self._loop(lambda: self.poll(client))

    async def _loop(self, poll_once: Callable[[], Awaitable[Outcome]]) -> TriggerEvent:
        # a task that polled just before deferring says when (polled_at): the first poll here comes one
        # interval after it (a trigger firing within seconds of its deferral meets an Airflow race)
        wait = Wait(
            self.subject,
            self.deadline,
            self.poll_interval,
            self.max_consecutive_errors,
            self.log,
            polled_at=self.polled_at,
        )
        try:
            outcome = await wait_async(wait, poll_once)
        except ArizeWaitTimeoutError as exc:
            return self.event("timeout", str(exc))
        except ArizeError as exc:
            return self.event("error", wait.gave_up(exc))
        return self.event(outcome.state, outcome.message, outcome.details())
