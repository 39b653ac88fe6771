"""Wait for files that are new under an S3 prefix since this sensor's last successful detection, across
runs, retries and restarts; with ``deferrable``, the wait runs in the triggerer.

Contract: ``docs/file-jobs.md``, "New-file detection in detail"."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from airflow.sdk import BaseSensorOperator, PokeReturnValue

from airflow_provider_arize.api.constants import DEFAULT_MAX_CONSECUTIVE_ERRORS
from airflow_provider_arize.api.errors import ArizeConfigError, ArizeError
from airflow_provider_arize.compat import set_default_retry_policy
from airflow_provider_arize.sensors.base import checked_wait_arguments
from airflow_provider_arize.task_helpers import default_deferrable, fail_fast_retry_policy
from airflow_provider_arize.wait_engine import defer_timeout

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.s3.arrival import ArrivalState
    from airflow_provider_arize.s3.detection import Detection, DetectionState, FirstRun
    from airflow_provider_arize.s3.filters import KeyFilter
    from airflow_provider_arize.s3.listing import Listing
    from airflow_provider_arize.s3.objects import S3Object
    from airflow_provider_arize.s3.state_store import StateStore

    State = DetectionState | ArrivalState

#: Default of ``max_file_size``: Arize's per-file limit (1 GB).
DEFAULT_MAX_FILE_SIZE = 1_000_000_000
#: Default of ``max_files``: at most this many files per result (about 200 KB of XCom).
DEFAULT_MAX_FILES = 1000


class ArizeS3NewFilesSensor(BaseSensorOperator):
    """Wait for files that are new under ``s3://bucket/prefix``; return them (``docs/file-jobs.md``,
    "New-file detection in detail").

    :param bucket: the bucket name (templated).
    :param prefix: literal key prefix, read recursively (templated); ``""`` for the whole bucket.
    :param aws_conn_id: the AWS connection (Airflow's ``S3Hook``).
    :param patterns: fnmatch globs on the key relative to the prefix, any of which must match, e.g.
        ``["*.parquet", "2026/*/*.csv"]`` (templated; ``*`` also matches ``/``).
    :param suffixes: suffixes one of which the key must end with, case-insensitive, e.g.
        ``[".parquet", ".csv"]`` (templated).
    :param state_id: names the detection state (templated); default ``"<dag_id>.<task_id>"`` (plus
        ``.<map_index>`` for a mapped task). Sensors sharing a ``state_id`` share what they have seen.
    :param max_file_size: files larger than this many bytes are flagged ``oversized``.
    :param settle_seconds: how long after its ``LastModified`` an object may still appear and be
        reported (cover your longest multipart upload; at most a year); not used with
        ``keys_sort_by_arrival``.
    :param first_run: with no stored state: ``"all"`` reports every existing file; ``"none"`` records
        what exists (saved at once) and reports only files that appear afterwards.
    :param max_files: most files per result; the others are reported by the next run.
    :param max_consecutive_errors: transient S3 errors in a row tolerated.
    :param keys_sort_by_arrival: the watched keys sort in the order they arrive (date-partitioned
        paths): list only after the last seen key, one request per poke instead of one per 1,000 keys.
        A key that sorts before the last seen key when it appears is then never reported (see
        ``docs/file-jobs.md``). Default ``False``: list the whole prefix and miss no late key.
    :param deferrable: wait in the triggerer; default ``[operators] default_deferrable``.
    :param poke_interval: seconds between listings (at least 1 when deferrable, at most a day). It and
        ``timeout`` (at most a year) are checked when the DAG is parsed.
    """

    template_fields: Sequence[str] = ("bucket", "prefix", "patterns", "suffixes", "state_id")
    # the cached S3 client is shared, never deep-copied
    shallow_copy_attrs: Sequence[str] = ("_s3_client",)
    ui_color = "#dff5e6"

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str,
        aws_conn_id: str | None = "aws_default",
        patterns: Sequence[str] | None = None,
        suffixes: Sequence[str] | None = None,
        state_id: str | None = None,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        settle_seconds: float = 3600,
        first_run: str = "all",
        max_files: int | None = DEFAULT_MAX_FILES,
        max_consecutive_errors: int = DEFAULT_MAX_CONSECUTIVE_ERRORS,
        keys_sort_by_arrival: bool = False,
        deferrable: bool | None = None,
        poke_interval: float = 60,
        **kwargs: Any,
    ) -> None:
        from airflow_provider_arize.s3.detection import check_settings

        set_default_retry_policy(kwargs, fail_fast_retry_policy)
        kwargs.setdefault("max_active_tis_per_dag", 1)
        interval = checked_wait_arguments(poke_interval, max_consecutive_errors, kwargs)
        super().__init__(poke_interval=interval, **kwargs)
        check_settings(settle_seconds, first_run, max_files)
        if isinstance(max_file_size, bool) or not isinstance(max_file_size, int) or max_file_size <= 0:
            raise ArizeConfigError(
                f"max_file_size must be a positive number of bytes, got {max_file_size!r}",
                field="max_file_size",
            )
        if not isinstance(keys_sort_by_arrival, bool):
            raise ArizeConfigError(
                f"keys_sort_by_arrival must be True or False, got {keys_sort_by_arrival!r}",
                field="keys_sort_by_arrival",
            )
        self.bucket = bucket
        self.prefix = prefix
        self.aws_conn_id = aws_conn_id
        self.patterns = patterns
        self.suffixes = suffixes
        self.state_id = state_id
        self.max_file_size = max_file_size
        self.settle_seconds = settle_seconds
        self.first_run = first_run
        self.max_files = max_files
        self.max_consecutive_errors = max_consecutive_errors
        self.keys_sort_by_arrival = keys_sort_by_arrival
        self.deferrable = default_deferrable(deferrable)
        self._errors = 0
        self._s3_client: Any = None

    # -- the pieces ------------------------------------------------------------------------------------

    def _key_filter(self) -> KeyFilter:
        from airflow_provider_arize.s3.filters import KeyFilter

        return KeyFilter.of(self.bucket, self.prefix, self.patterns, self.suffixes)

    def _state_key(self, context: Context) -> str:
        from airflow_provider_arize.s3.state_store import variable_key

        state_id = self.state_id
        if not state_id:
            state_id = f"{self.dag_id}.{self.task_id}"
            map_index = getattr(context.get("ti"), "map_index", -1)
            if isinstance(map_index, int) and map_index >= 0:
                state_id += f".{map_index}"
        return variable_key(state_id)

    def _store(self) -> StateStore:
        """Where states live (an Airflow Variable); a method so tests and subclasses can swap it."""
        from airflow_provider_arize.s3.state_store import VariableStateStore

        return VariableStateStore()

    def _client(self) -> Any:
        """The boto3 S3 client of ``aws_conn_id``, created on first use and kept for this instance's
        later pokes (in ``poke`` mode one process pokes many times), parsing timestamps the fast way
        (:func:`~airflow_provider_arize.s3.listing.use_fast_timestamps`)."""
        if self._s3_client is None:
            from airflow.providers.amazon.aws.hooks.s3 import S3Hook

            from airflow_provider_arize.s3.listing import use_fast_timestamps

            self._s3_client = S3Hook(aws_conn_id=self.aws_conn_id).get_conn()
            use_fast_timestamps(self._s3_client)
        return self._s3_client

    def _list(self, key_filter: KeyFilter, start_after: str | None) -> Listing | None:
        """One listing (after ``start_after`` when given), or ``None`` after a tolerated transient
        error."""
        from airflow_provider_arize.s3.listing import is_transient_error, scan

        try:
            listing = scan(self._client(), key_filter, start_after=start_after)
        except Exception as exc:
            self._errors += 1
            if not is_transient_error(exc) or self._errors > int(self.max_consecutive_errors):
                raise
            self.log.warning("Transient error listing %s (%s); will list again", key_filter.describe(), exc)
            return None
        self._errors = 0
        return listing

    def _load(self, context: Context, key_filter: KeyFilter) -> State | None:
        from airflow_provider_arize.s3.state_store import load_state

        return load_state(
            self._store(),
            self._state_key(context),
            bucket=key_filter.bucket,
            prefix=key_filter.prefix,
            keys_sort_by_arrival=bool(self.keys_sort_by_arrival),
        )

    def _detect(self, key_filter: KeyFilter, state: State | None) -> tuple[Detection, Listing] | None:
        """List and decide in this sensor's mode; ``None`` after a tolerated transient error."""
        from airflow_provider_arize.s3.arrival import ArrivalState, detect_arrivals, find_disorder
        from airflow_provider_arize.s3.detection import DetectionState, detect

        first_run = cast("FirstRun", self.first_run)  # validated in __init__
        if self.keys_sort_by_arrival:
            assert state is None or isinstance(state, ArrivalState)  # load_state checked the layout
            listing = self._list(key_filter, state.start_after if state else None)
            if listing is None:
                return None
            detection = detect_arrivals(
                listing,
                state,
                bucket=key_filter.bucket,
                prefix=key_filter.prefix,
                first_run=first_run,
                max_files=self.max_files,
            )
            disorder = find_disorder(o for o in listing.objects if state is None or state.is_new(o))
            if disorder is not None:
                self.log.warning(
                    "keys_sort_by_arrival=True, but the keys listed in %s did not arrive in key order: %s. "
                    "A key that appears after a key sorting after it was seen is never reported; if keys "
                    "here do not sort by arrival, use keys_sort_by_arrival=False",
                    key_filter.describe(),
                    disorder.describe(),
                )
            return detection, listing
        assert state is None or isinstance(state, DetectionState)
        listing = self._list(key_filter, None)
        if listing is None:
            return None
        detection = detect(
            listing.objects,
            state,
            bucket=key_filter.bucket,
            prefix=key_filter.prefix,
            settle_seconds=self.settle_seconds,
            first_run=first_run,
            max_files=self.max_files,
        )
        return detection, listing

    def _check(self, context: Context) -> tuple[Detection | None, State | None]:
        """One detection against the stored state: ``(detection, the state it started from)``. A
        ``first_run="none"`` baseline is saved here (it reports nothing, so saving it early loses
        nothing) and becomes the starting state."""
        from airflow_provider_arize.s3.state_store import save_state

        key_filter = self._key_filter()
        state = self._load(context, key_filter)
        outcome = self._detect(key_filter, state)
        if outcome is None:
            return None, state
        detection, listing = outcome
        where = key_filter.describe()
        if detection.baseline:
            key = self._state_key(context)
            save_state(self._store(), key, detection.state)
            self.log.info(
                "First run with first_run='none': recorded the %d files in %s as seen (Variable %r); only "
                "files that appear from now on are reported",
                len(listing.objects),
                where,
                key,
            )
            return detection, detection.state
        if not detection.files and self.keys_sort_by_arrival:
            self.log.info(
                "No new files after the last seen key in %s (%d listing requests)", where, listing.pages
            )
        elif not detection.files:
            self.log.info(
                "No new files among %d in %s (%d listing requests)",
                len(listing.objects),
                where,
                listing.pages,
            )
        return detection, state

    def _commit(
        self, context: Context, files: Sequence[S3Object], state: State, pending: int, capped: bool
    ) -> list[dict[str, Any]]:
        """Deliver ``files`` (XCom ``return_value``), then save ``state`` (last), and return the files."""
        from airflow_provider_arize.s3.objects import ARIZE_MAX_FILE_BYTES
        from airflow_provider_arize.s3.state_store import save_state

        key = self._state_key(context)
        result = [f.describe(self.max_file_size) for f in files]
        where = self._key_filter().describe()
        self.log.info("%d new files in %s: %s", len(result), where, [f["key"] for f in result][:20])
        for item in result:
            if item["oversized"]:
                self.log.warning(
                    "%s is %d bytes, over max_file_size (%d bytes): %s",
                    item["key"],
                    item["size"],
                    self.max_file_size,
                    "it exceeds Arize's 1 GB file limit and Arize will not import it"
                    if item["size"] > ARIZE_MAX_FILE_BYTES
                    else "flagged oversized (Arize's own file limit is 1 GB)",
                )
        if pending:
            self.log.info(
                "%d more new files remain (max_files=%s); the next run reports them", pending, self.max_files
            )
        if capped:
            self.log.warning(
                "More than 4,000 files fall inside settle_seconds=%s: the settle window was shortened to "
                "keep the state small; a file whose upload started before %s and appears later is missed",
                self.settle_seconds,
                getattr(state, "horizon", None),
            )
        if self.do_xcom_push:
            context["ti"].xcom_push(key="return_value", value=result)
        save_state(self._store(), key, state)
        return result

    def _deliver(self, context: Context, detection: Detection) -> list[dict[str, Any]]:
        return self._commit(context, detection.files, detection.state, detection.pending, detection.capped)

    # -- Airflow entry points --------------------------------------------------------------------------

    def poke(self, context: Context) -> bool | PokeReturnValue:
        detection, _ = self._check(context)
        if detection is None or not detection.files:
            return False
        return PokeReturnValue(True, self._deliver(context, detection))

    def execute(self, context: Context) -> Any:
        from airflow_provider_arize.triggers.s3_new_files import MIN_POLL_INTERVAL

        interval, timeout = float(self.poke_interval), float(self.timeout)  # checked at parse time
        if not self.deferrable:
            return super().execute(context)
        if interval < MIN_POLL_INTERVAL:
            raise ArizeConfigError(
                f"poke_interval must be at least {MIN_POLL_INTERVAL:g} s when deferrable, got {interval!r}",
                field="poke_interval",
            )
        detection, base = self._check(context)
        if detection is not None and detection.files:
            return self._commit(
                context, detection.files, detection.state, detection.pending, detection.capped
            )
        self._defer(base, time.time() + timeout, interval)

    def on_kill(self) -> None:
        """Say in the log what a kill leaves: S3 untouched, and files not yet recorded are reported again."""
        self.log.warning(
            "Task killed while looking for new files under s3://%s/%s: nothing was written to S3, and the "
            "detection state is saved only at the end of a successful detection, so any file this try "
            "found but had not recorded is reported again by the next try",
            self.bucket,
            self.prefix,
        )

    def _defer(self, base: State | None, deadline: float, interval: float) -> None:
        from airflow_provider_arize.triggers.s3_new_files import ArizeS3NewFilesTrigger

        key_filter = self._key_filter()
        self.defer(
            trigger=ArizeS3NewFilesTrigger(
                aws_conn_id=self.aws_conn_id,
                bucket=key_filter.bucket,
                prefix=key_filter.prefix,
                patterns=list(key_filter.patterns),
                suffixes=list(key_filter.suffixes),
                state=None if base is None else base.to_json(),
                settle_seconds=float(self.settle_seconds),
                max_file_size=self.max_file_size,
                max_files=self.max_files,
                deadline=deadline,
                poll_interval=interval,
                max_consecutive_errors=int(self.max_consecutive_errors),
                keys_sort_by_arrival=bool(self.keys_sort_by_arrival),
            ),
            method_name="execute_complete",
            timeout=defer_timeout(deadline, interval),
        )

    def execute_complete(self, context: Context, event: Mapping[str, Any] | None = None) -> Any:
        """Resume after the trigger: check the event (fixed status set), deliver its files and save its
        state; a ``timeout`` fails with ``AirflowSensorTimeout`` (skipped with ``soft_fail``), an
        ``error`` with the trigger's message. When the stored state is no longer the one the trigger
        started from (another run committed meanwhile), detect again instead of trusting the event."""
        from airflow.providers.common.compat.sdk import AirflowSensorTimeout

        from airflow_provider_arize.s3.detection import state_digest
        from airflow_provider_arize.s3.events import parse_event

        key_filter = self._key_filter()
        data = parse_event(
            event,
            bucket=key_filter.bucket,
            prefix=key_filter.prefix,
            keys_sort_by_arrival=bool(self.keys_sort_by_arrival),
        )
        if data.status == "timeout":
            raise AirflowSensorTimeout(data.message)
        if data.status == "error":
            raise ArizeError(data.message)
        assert data.state is not None  # parse_event guarantees it for success
        stored = self._load(context, key_filter)
        if state_digest(stored) == data.base_digest:
            return self._commit(context, data.files, data.state, data.pending, data.capped)
        self.log.warning(
            "The stored state of %s changed while this task was deferred (another run committed); "
            "checking again against it",
            key_filter.describe(),
        )
        detection, base = self._check(context)
        if detection is not None and detection.files:
            return self._commit(
                context, detection.files, detection.state, detection.pending, detection.capped
            )
        if data.deadline <= time.time():
            raise AirflowSensorTimeout(f"no new files in {key_filter.describe()} before the deadline")
        self._defer(base, data.deadline, float(self.poke_interval))  # checked before the first deferral
        return None
