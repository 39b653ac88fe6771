"""The one wait loop of every Arize wait: poll until a decision, ride out a few transient errors in a row,
stop at the deadline. The operator's poke path (:func:`wait_sync`), the triggers (:func:`wait_async`) and
the sensors (one :meth:`Wait.poked` per poke, Airflow's sensor loop doing the rest) drive the same
:class:`Wait`; sync and async differ only in how they sleep and poll. Contract: ``docs/event-jobs.md``,
"Waiting"."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from airflow_provider_arize.api.errors import ArizeError, ArizeWaitTimeoutError
from airflow_provider_arize.waits import ErrorBudget, is_transient

__all__ = ["Decision", "Wait", "defer_timeout", "wait_async", "wait_sync"]


class Decision(Protocol):
    """What one poll decided (:class:`~airflow_provider_arize.waits.TableRunOutcome` and friends)."""

    @property
    def state(self) -> str: ...

    @property
    def message(self) -> str: ...


D = TypeVar("D", bound=Decision)


@dataclass
class Wait:
    """One wait's progress. ``subject`` names what is awaited in messages; ``deadline`` is epoch seconds
    (a rebuilt trigger keeps the original); ``polled_at`` (epoch seconds) is when the task last polled
    before this wait began: the first poll comes ``poll_interval`` after it, not at once."""

    subject: str
    deadline: float
    poll_interval: float
    max_consecutive_errors: int
    log: Any  #: the task's or trigger's logger
    polled_at: float | None = None
    #: The message of the last poll that answered (what a kill reports).
    last_seen: str | None = None
    budget: ErrorBudget = field(init=False)

    def __post_init__(self) -> None:
        self.budget = ErrorBudget(self.max_consecutive_errors)

    def pause(self) -> float:
        """Seconds to sleep before the next poll (never zero); ``ArizeWaitTimeoutError`` once the deadline
        has passed."""
        remaining = self.deadline - time.time()
        if remaining <= 0:
            raise ArizeWaitTimeoutError(
                f"timed out waiting for {self.subject}; nothing was cancelled in Arize, the work may still "
                "finish"
            )
        return min(self.poll_interval, remaining)

    def first_pause(self) -> float:
        """Seconds to sleep before the first poll: none, or what is left of the interval since
        ``polled_at`` (``ArizeWaitTimeoutError`` if the deadline has passed meanwhile)."""
        if self.polled_at is None:
            return 0.0
        return min(max(self.polled_at + self.poll_interval - time.time(), 0.0), self.pause())

    def decided(self, decision: D) -> D | None:
        """A poll answered: the decision when the wait is over, ``None`` while it goes on."""
        self.budget.reset()
        self.last_seen = decision.message
        if decision.state != "waiting":
            return decision
        self.log.info("%s", decision.message)
        return None

    def failed(self, exc: ArizeError) -> None:
        """A poll raised: re-raise it unless it is transient and within the budget of errors in a row."""
        if not is_transient(exc) or self.budget.spend():
            raise exc
        self.log.warning("Transient error polling Arize (%s); will poll again", exc)

    def poked(self, poll: Callable[[], D]) -> D | None:
        """One poll of a sensor's poke: its decision when the wait is over, ``None`` to poke again."""
        try:
            return self.decided(poll())
        except ArizeError as exc:
            self.failed(exc)
            return None

    def gave_up(self, exc: ArizeError) -> str:
        """The message of a wait ended by ``exc`` (out of budget, or not transient)."""
        return f"polling {self.subject} failed ({self.budget.consecutive} consecutive errors): {exc}"


def wait_sync(wait: Wait, poll: Callable[[], D], sleep: Callable[[float], object] | None = None) -> D:
    """Poll (sleeping ``poll_interval`` between polls) until a decision; raises ``ArizeWaitTimeoutError``
    at the deadline and the poll's error once the budget is spent."""
    sleep = sleep or time.sleep
    if first := wait.first_pause():
        sleep(first)
    while (decision := wait.poked(poll)) is None:
        sleep(wait.pause())
    return decision


async def wait_async(
    wait: Wait,
    poll: Callable[[], Awaitable[D]],
    sleep: Callable[[float], Awaitable[object]] | None = None,
) -> D:
    """:func:`wait_sync` on the event loop."""
    sleep = sleep or asyncio.sleep
    if first := wait.first_pause():
        await sleep(first)
    while True:
        try:
            if (decision := wait.decided(await poll())) is not None:
                return decision
        except ArizeError as exc:
            wait.failed(exc)
        await sleep(wait.pause())


def defer_timeout(deadline: float, poll_interval: float) -> timedelta:
    """The ``timeout`` of a deferral: a backstop only, since the trigger ends itself at ``deadline`` with a
    clear message; two polls and a minute of slack let it do so first."""
    return timedelta(seconds=max(deadline - time.time(), 0) + 2 * poll_interval + 60)
