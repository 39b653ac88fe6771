"""What every Arize wait sensor shares: the poke loop's error budget, the deferrable path, the defaults.

A subclass says what one poke reads and decides (:meth:`ArizeWaitSensor.check`), what a success returns,
and which trigger waits in its place. The contract (failures, transient errors, deferral, kills):
``docs/internals.md``, "Wait sensors".
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue

from airflow_provider_arize.api.constants import DEFAULT_MAX_CONSECUTIVE_ERRORS, DEFAULT_POLL_INTERVAL
from airflow_provider_arize.api.errors import ArizeRunFailedError
from airflow_provider_arize.compat import set_default_retry_policy
from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.task_helpers import (
    ArizeJobTaskMixin,
    default_deferrable,
    fail_fast_retry_policy,
)
from airflow_provider_arize.wait_engine import Wait, defer_timeout
from airflow_provider_arize.waits import (
    ErrorBudget,
    check_poll_interval,
    check_wait_timeout,
    event_data,
    killed_wait_note,
)

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.models import ImportJob
    from airflow_provider_arize.triggers.base import ArizeWaitTrigger, Outcome


class ArizeWaitSensor(ArizeJobTaskMixin, BaseSensorOperator):
    """Base of the Arize sensors. The task links to the job it waits on ("Arize import job") and pushes
    ``arize_job_id``, ``arize_short_job_id`` and ``arize_job_url`` once it has read the job.

    :param arize_conn_id: the ``arize`` connection.
    :param max_consecutive_errors: transient errors in a row tolerated (default 3).
    :param deferrable: wait in the triggerer; default ``[operators] default_deferrable``.
    :param poke_interval: seconds between polls (default 60: Arize allows 100 queries a minute per key;
        at most a day). It and ``timeout`` (at most a year) are checked when the DAG is parsed.
    """

    ui_color = "#dff5e6"
    #: What goes on in Arize after a kill, for the ``on_kill`` warning.
    kill_leaves = "the job goes on as before"

    def __init__(
        self,
        *,
        arize_conn_id: str = ArizeHook.default_conn_name,
        max_consecutive_errors: int = DEFAULT_MAX_CONSECUTIVE_ERRORS,
        deferrable: bool | None = None,
        poke_interval: float = DEFAULT_POLL_INTERVAL,
        **kwargs: Any,
    ) -> None:
        set_default_retry_policy(kwargs, fail_fast_retry_policy)
        interval = checked_wait_arguments(poke_interval, max_consecutive_errors, kwargs)
        super().__init__(poke_interval=interval, **kwargs)
        self.arize_conn_id = arize_conn_id
        self.max_consecutive_errors = max_consecutive_errors
        self.deferrable = default_deferrable(deferrable)
        self._wait: Wait | None = None  # this process's pokes: their error budget and last state

    def waiting_for(self) -> str:
        """What the sensor waits for, in words (rendered fields only: ``on_kill`` has no context)."""
        return "Arize"

    # -- what a subclass says ----------------------------------------------------------------------
    def check(self, context: Context) -> Outcome:
        """Read once and decide."""
        raise NotImplementedError

    def result(self, context: Context, outcome: Outcome) -> dict[str, Any]:
        """The task's return value after a successful poke."""
        raise NotImplementedError

    def make_trigger(self, context: Context, deadline: float, poll_interval: float) -> ArizeWaitTrigger:
        """The trigger that waits in the sensor's place."""
        raise NotImplementedError

    def result_from_event(self, data: dict[str, Any]) -> dict[str, Any]:
        """The task's return value from the trigger's ``success`` event."""
        raise NotImplementedError

    # -- the shared paths --------------------------------------------------------------------------
    def link_job(self, context: Context, job: ImportJob) -> None:
        """Publish the job waited on (XCom and the link) the first time this try reads it."""
        if self.job_url_of(context["ti"]) is None:
            self.publish_job(context, job)

    def poke(self, context: Context) -> bool | PokeReturnValue:
        if self._wait is None:  # Airflow's sensor loop keeps the time; the wait keeps the error budget
            interval, errors = float(self.poke_interval), int(self.max_consecutive_errors)
            self._wait = Wait(self.waiting_for(), math.inf, interval, errors, self.log)
        outcome = self._wait.poked(lambda: self.check(context))
        if outcome is None:
            return False
        if outcome.state == "failed":
            raise ArizeRunFailedError(outcome.message)
        self.log.info("%s", outcome.message)
        return PokeReturnValue(True, self.update_model_assets(context, self.result(context, outcome)))

    def execute(self, context: Context) -> Any:
        if not self.deferrable:
            return super().execute(context)
        first = self.poke(context)
        if isinstance(first, PokeReturnValue):
            return first.xcom_value
        interval = float(self.poke_interval)
        deadline = time.time() + float(self.timeout)  # both checked at parse time
        trigger = self.make_trigger(context, deadline, interval)
        trigger.polled_at = time.time()  # the first poke has just polled: the trigger polls next
        self.defer(
            trigger=trigger,
            method_name="execute_complete",
            kwargs={"job_url": self.job_url_of(context["ti"])},
            # a backstop only: the trigger ends itself at the deadline with a clear message
            timeout=defer_timeout(deadline, interval),
        )

    def execute_complete(
        self, context: Context, event: Mapping[str, Any] | None = None, job_url: str | None = None
    ) -> dict[str, Any]:
        """Resume after the trigger: succeed with its result, or fail with its message."""
        self.remember_job_url(context["ti"], job_url)
        data = event_data(event)
        self.log.info("%s", data["message"])
        return self.update_model_assets(context, self.result_from_event(data))

    def on_kill(self) -> None:
        """Say in the log that the kill left Arize as it was, and what a retry does."""
        retry = "a retry of this task waits again, from what Arize reports then"
        last_seen = self._wait.last_seen if self._wait else None
        self.log.warning("%s", killed_wait_note(self.waiting_for(), self.kill_leaves, last_seen, retry))


def checked_wait_arguments(
    poke_interval: object, max_consecutive_errors: object, kwargs: dict[str, Any]
) -> float:
    """A sensor's ``poke_interval``, ``max_consecutive_errors`` and its ``timeout`` (in ``kwargs``, when
    given) checked when the DAG is parsed, before Airflow's sensor base sees them (``ArizeConfigError``
    naming the argument, where the base would raise ``ValueError`` or ``OverflowError``); a numeric string
    ``timeout`` becomes a number. Returns the poke interval in seconds."""
    ErrorBudget(max_consecutive_errors)  # type: ignore[arg-type]  # checks it
    if kwargs.get("timeout") is not None:
        kwargs["timeout"] = check_wait_timeout(kwargs["timeout"])
    return check_poll_interval(poke_interval, "poke_interval")
