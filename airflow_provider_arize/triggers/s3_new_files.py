"""Deferrable wait for new files under an S3 prefix: list asynchronously until a file is new.

The contract (kwargs, requests per poll, errors, exactly one event, no state saved):
``docs/internals.md``, "The new-files trigger"; what counts as new: ``docs/file-jobs.md``, "New-file
detection in detail".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_arize.api.constants import DEFAULT_MAX_CONSECUTIVE_ERRORS
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.arrival import ArrivalState, detect_arrivals, find_disorder
from airflow_provider_arize.s3.detection import DetectionState, detect
from airflow_provider_arize.s3.events import end_event, success_event
from airflow_provider_arize.s3.filters import KeyFilter
from airflow_provider_arize.s3.listing import error_code, is_transient_error, scan_async, use_fast_timestamps
from airflow_provider_arize.s3.state_store import parse_state
from airflow_provider_arize.waits import ErrorBudget

if TYPE_CHECKING:
    from airflow_provider_arize.s3.detection import Detection

    State = DetectionState | ArrivalState

#: Shortest poll interval a trigger accepts (seconds).
MIN_POLL_INTERVAL: Final = 1.0


class ArizeS3NewFilesTrigger(BaseTrigger):
    """Wait until a file under ``s3://bucket/prefix`` is new for ``state``, or ``deadline`` passes.

    :param aws_conn_id: the AWS connection.
    :param bucket: the bucket.
    :param prefix: the literal key prefix (listed recursively).
    :param patterns: fnmatch globs on the key relative to the prefix.
    :param suffixes: file suffixes (case-insensitive).
    :param state: the detection state (JSON dict) to compare against; ``None``: nothing detected yet.
    :param settle_seconds: the settle window (see :mod:`airflow_provider_arize.s3.detection`).
    :param max_file_size: files above this many bytes are flagged ``oversized``.
    :param max_files: most files reported at once.
    :param deadline: epoch seconds after which the wait ends with ``timeout``.
    :param poll_interval: seconds between listings (at least 1).
    :param max_consecutive_errors: transient errors in a row that are tolerated.
    :param keys_sort_by_arrival: arrival-order mode (``state`` is then an arrival-order state; see
        :mod:`airflow_provider_arize.s3.arrival`).
    """

    def __init__(
        self,
        *,
        aws_conn_id: str | None,
        bucket: str,
        prefix: str,
        patterns: list[str] | None = None,
        suffixes: list[str] | None = None,
        state: dict[str, Any] | None = None,
        settle_seconds: float,
        max_file_size: int,
        max_files: int | None,
        deadline: float,
        poll_interval: float,
        max_consecutive_errors: int = DEFAULT_MAX_CONSECUTIVE_ERRORS,
        keys_sort_by_arrival: bool = False,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.aws_conn_id = aws_conn_id
        self.bucket = bucket
        self.prefix = prefix
        self.patterns = list(patterns or [])
        self.suffixes = list(suffixes or [])
        self.state = state
        self.settle_seconds = float(settle_seconds)
        self.max_file_size = int(max_file_size)
        self.max_files = None if max_files is None else int(max_files)
        self.deadline = float(deadline)
        self.poll_interval = max(float(poll_interval), MIN_POLL_INTERVAL)
        self.max_consecutive_errors = int(max_consecutive_errors)
        self.keys_sort_by_arrival = bool(keys_sort_by_arrival)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "aws_conn_id": self.aws_conn_id,
                "bucket": self.bucket,
                "prefix": self.prefix,
                "patterns": self.patterns,
                "suffixes": self.suffixes,
                "state": self.state,
                "settle_seconds": self.settle_seconds,
                "max_file_size": self.max_file_size,
                "max_files": self.max_files,
                "deadline": self.deadline,
                "poll_interval": self.poll_interval,
                "max_consecutive_errors": self.max_consecutive_errors,
                "keys_sort_by_arrival": self.keys_sort_by_arrival,
            },
        )

    async def on_kill(self) -> None:
        """A user acted on the deferred task: say that nothing was written and what a retry reports."""
        self.log.warning(
            "Deferred look for new files under s3://%s/%s ended by a user action on its task: nothing was "
            "written to S3 and the detection state was not advanced, so the files it had not reported yet "
            "are reported again by the next try",
            self.bucket,
            self.prefix,
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        # One event, always: every path below yields exactly once and returns; cancellation
        # (a BaseException) is not caught, so a cancelled trigger yields nothing more.
        try:
            payload = await self._wait()
        except Exception as exc:  # a bug or an unexpected library error must still end the wait
            payload = end_event(
                "error", f"waiting for new files in s3://{self.bucket}/{self.prefix} failed: {exc!r}"
            )
        yield TriggerEvent(payload)  # type: ignore[no-untyped-call]

    async def _detect(self, client: Any, key_filter: KeyFilter, base: State | None) -> tuple[Detection, int]:
        """One listing and decision in this trigger's mode: ``(detection, matching keys listed)``."""
        if self.keys_sort_by_arrival:
            assert base is None or isinstance(base, ArrivalState)  # parse_state checked the layout
            listing = await scan_async(client, key_filter, start_after=base.start_after if base else None)
            disorder = find_disorder(o for o in listing.objects if base is None or base.is_new(o))
            if disorder is not None:
                self.log.warning(
                    "keys_sort_by_arrival=True, but the keys listed in %s did not arrive in key order: %s",
                    key_filter.describe(),
                    disorder.describe(),
                )
            detection = await asyncio.to_thread(
                detect_arrivals,
                listing,
                base,
                bucket=self.bucket,
                prefix=self.prefix,
                max_files=self.max_files,
            )
            return detection, len(listing.objects)
        assert base is None or isinstance(base, DetectionState)  # likewise
        listing = await scan_async(client, key_filter)
        detection = await asyncio.to_thread(
            detect,
            listing.objects,
            base,
            bucket=self.bucket,
            prefix=self.prefix,
            settle_seconds=self.settle_seconds,
            max_files=self.max_files,
        )
        return detection, len(listing.objects)

    async def _wait(self) -> dict[str, Any]:
        try:
            key_filter = KeyFilter.of(self.bucket, self.prefix, self.patterns, self.suffixes)
            base = (
                None
                if self.state is None
                else parse_state(
                    self.state,
                    bucket=self.bucket,
                    prefix=self.prefix,
                    where="the trigger's state",
                    keys_sort_by_arrival=self.keys_sort_by_arrival,
                )
            )
            budget = ErrorBudget(self.max_consecutive_errors)
        except ArizeConfigError as exc:
            return end_event("error", str(exc))
        where = key_filter.describe()
        try:
            from airflow.providers.amazon.aws.hooks.s3 import S3Hook

            client_context = await S3Hook(aws_conn_id=self.aws_conn_id).get_async_conn()  # type: ignore[no-untyped-call]
        except Exception as exc:
            return end_event("error", f"cannot use AWS connection {self.aws_conn_id!r}: {exc}")
        async with client_context as client:
            use_fast_timestamps(client)
            while True:
                try:
                    detection, listed = await self._detect(client, key_filter, base)
                except Exception as exc:
                    if not is_transient_error(exc) or budget.spend():
                        return end_event(
                            "error",
                            f"listing {where} failed ({error_code(exc) or type(exc).__name__}, "
                            f"{budget.consecutive} consecutive errors): {exc}",
                        )
                    self.log.warning("Transient error listing %s (%s); will list again", where, exc)
                else:
                    budget.reset()
                    if detection.files:
                        return success_event(
                            detection,
                            base,
                            max_file_size=self.max_file_size,
                            deadline=self.deadline,
                            message=f"{len(detection.files)} new files in {where}",
                        )
                    self.log.info("No new files among %d listed in %s", listed, where)
                remaining = self.deadline - time.time()
                if remaining <= 0:
                    return end_event("timeout", f"no new files in {where} before the deadline")
                await asyncio.sleep(min(self.poll_interval, remaining))
