"""Property: an operator given hostile arguments either does its job or fails with ``ArizeConfigError``
naming the argument, and then it has sent nothing: the emulator's request counter has not moved.

The operators run ``execute`` against one in-process emulator (rate limits off, so hypothesis's hundreds
of examples are not paced). Valid examples really create jobs and trigger windows there. Job ids are
opaque to clients (``docs/arize-api.md``): a well-formed one (a non-blank string without spaces or control
characters) that names no job is refused by Arize with an error naming the id, which only Arize can know.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from airflow.sdk.exceptions import TaskDeferred
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeAPIError, ArizeConfigError
from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.dag_testing import arize_connection_uri_env
from airflow_provider_arize.emulator.testing import EmulatorServer
from airflow_provider_arize.operators.event_jobs import ArizeTriggerTableRunOperator
from airflow_provider_arize.operators.file_jobs import (
    ArizeCreateFileImportJobOperator,
    ArizeUpdateFileImportJobSchemaOperator,
)
from airflow_provider_arize.operators.job_control import (
    ArizePauseImportJobOperator,
    ArizeResumeImportJobOperator,
)
from airflow_provider_arize.operators.table_jobs import (
    ArizeCreateTableImportJobOperator,
    ArizeUpdateTableImportJobSchemaOperator,
    ArizeUpdateTableIngestionParametersOperator,
)

from .strategies import json_values, maybe, names, odd_numbers, odd_text, schemas, spoil, timestamps

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
VALID_SCHEMA = {"predictionId": "ID", "timestamp": "TS", "predictionLabel": "P", "changeTimestamp": "CTS"}
VALID_FILE_SCHEMA = {k: v for k, v in VALID_SCHEMA.items() if k != "changeTimestamp"}
SNOWFLAKE = {"accountID": "acct", "database": "DB", "schema": "ML", "tableName": "EVENTS"}


class _TaskInstance:
    def xcom_push(self, key: str, value: Any) -> None:
        json.dumps(value)  # XCom values must serialise


class Arize:
    """The emulator, the ids of a table job, a file job and an event-based job in it, and its request
    counter."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.table_job = self.create(ArizeCreateTableImportJobOperator, model_name="props_table")
        self.file_job = self.create_file_job()
        self.event_job = self.create_event_job()

    def create(self, cls: Any, **kwargs: Any) -> str:
        op = cls(
            task_id="seed", model_type="score_categorical", table_store="Snowflake", table_config=SNOWFLAKE,
            schema=VALID_SCHEMA, dry_run_first=False, **kwargs,
        )  # fmt: skip
        return str(op.execute({"ti": _TaskInstance()})["id"])

    def create_file_job(self) -> str:
        op = ArizeCreateFileImportJobOperator(
            task_id="seed", model_name="props_files", model_type="score_categorical",
            location="s3://props-bucket/seed/", schema=VALID_FILE_SCHEMA, dry_run_first=False,
        )  # fmt: skip
        return str(op.execute({"ti": _TaskInstance()})["id"])  # type: ignore[arg-type]

    def job(self, kind: str) -> str:
        """The id of the seeded job of ``kind`` (``table`` or ``file``)."""
        return self.table_job if kind == "table" else self.file_job

    def create_event_job(self) -> str:
        from airflow_provider_arize.operators.event_jobs import ArizeCreateTriggeredTableImportJobOperator

        op = ArizeCreateTriggeredTableImportJobOperator(
            task_id="seed", model_name="props_events", model_type="score_categorical", table_config=SNOWFLAKE,
            schema=VALID_SCHEMA, dry_run_first=False,
        )  # fmt: skip
        return str(op.execute({"ti": _TaskInstance()})["id"])  # type: ignore[arg-type]

    def requests(self) -> int:
        return int(self.server.admin.stats()["requests"]["total"])

    def updates(self) -> int:
        """Schema updates of either kind sent (committed or not)."""
        by_operation = self.server.admin.stats()["requests"]["by_operation"]
        return sum(int(by_operation.get(op, 0)) for op in ("UpdateTableImportJob", "UpdateFileImportJob"))


@pytest.fixture(scope="module")
def arize() -> Iterator[Arize]:
    with (
        EmulatorServer(rate_limits={"enabled": False}, run_workers=False) as server,
        pytest.MonkeyPatch.context() as mp,
    ):
        env = arize_connection_uri_env(
            "arize_default", url=server.url, api_key=server.api_key, space_id=server.space_id
        )
        for key, value in env.items():
            mp.setenv(key, value)
        yield Arize(server)


def done_or_refused_before_sending(arize: Arize, run: Callable[[], Any], *, job_id: Any = None) -> str:
    """Run an operator: it succeeds, or refuses with ``ArizeConfigError`` naming its field and having sent
    nothing. Given the ``job_id`` it was passed, Arize may also refuse a well-formed id it does not know,
    with an error naming that id."""
    outcome = _outcome(arize, run, job_id)
    event(outcome)  # hypothesis statistics (--hypothesis-show-statistics): both branches run
    return outcome


def _outcome(arize: Arize, run: Callable[[], Any], job_id: Any) -> str:
    before = arize.requests()
    try:
        run()
    except ArizeConfigError as exc:
        assert exc.field, f"no field on: {exc}"
        assert arize.requests() == before, f"refused after {arize.requests() - before} request(s): {exc}"
        return "refused"
    except ArizeAPIError as exc:
        if job_id is None or job_ref(job_id) not in str(exc):
            raise
        return "unknown job"
    return "done"


def context() -> dict[str, Any]:
    return {"ti": _TaskInstance()}


def arguments(valid: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Operator arguments: all valid, or one of them (now and then several) hostile, so that both
    branches run often and a refusal can be traced to the argument it names."""
    hostile = st.one_of(odd_text, json_values, odd_numbers)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        kwargs = {name: draw(strategy) for name, strategy in valid.items()}
        spoil(draw, kwargs, hostile)
        return kwargs

    return build()


ANY_WINDOW = st.fixed_dictionaries({"window_start": timestamps, "window_end": timestamps})
GOOD_WINDOW = st.integers(0, 10**5).map(
    lambda h: {"window_start": "2026-01-01T00:00:00Z", "window_end": f"2026-01-01T{1 + h % 23:02d}:00:00Z"}
)


@SETTINGS
@given(
    kwargs=arguments(
        {
            "model_name": names,
            "model_type": st.sampled_from(sorted(constants.MODEL_TYPES - {"ranking", "object_detection"})),
            "environment": st.just("production"),
            "table_store": st.just("Snowflake"),
            "table_config": st.just(SNOWFLAKE),
            "schema": st.just(VALID_SCHEMA),
            "ingestion_parameters": st.none() | st.fixed_dictionaries({"rowLimit": st.integers(1, 10**6)}),
        }
    ),
    schema=st.none() | schemas,
)
def test_create_table_job(arize: Arize, kwargs: dict[str, Any], schema: Any) -> None:
    if schema is not None:
        kwargs["schema"] = schema
    op = ArizeCreateTableImportJobOperator(task_id="create", dry_run_first=False, **kwargs)
    done_or_refused_before_sending(arize, lambda: op.execute(context()))  # type: ignore[arg-type]


@SETTINGS
@given(
    kwargs=arguments(
        {
            "model_name": names,
            "model_type": st.just("score_categorical"),
            "location": st.sampled_from(["s3://props-bucket/preds/", "s3://props-bucket"]),
            "schema": st.just(VALID_FILE_SCHEMA),
        }
    )
)
def test_create_file_job(arize: Arize, kwargs: dict[str, Any]) -> None:
    op = ArizeCreateFileImportJobOperator(task_id="create", dry_run_first=False, **kwargs)
    done_or_refused_before_sending(arize, lambda: op.execute(context()))  # type: ignore[arg-type]


@SETTINGS
@given(
    kwargs=arguments(
        {
            "job_id": st.sampled_from(["event", "2"]),
            "poll_interval": st.floats(min_value=0.1, max_value=600),
            "timeout": st.sampled_from([60, 3600.5, "600"]),
            "max_consecutive_errors": st.integers(0, 10),
        }
    ),
    window=GOOD_WINDOW | ANY_WINDOW,
    wait=st.booleans(),
)
def test_trigger_a_window(arize: Arize, kwargs: dict[str, Any], window: dict[str, Any], wait: bool) -> None:
    """Waiting, the operator defers (the emulator's workers are off, so no window finishes at once):
    the wait's settings are checked before the window is triggered, not when the trigger is built."""
    ref = kwargs.pop("job_id")
    ref = arize.event_job if ref == "event" else ref
    op = ArizeTriggerTableRunOperator(
        task_id="run", job_id=ref, wait_for_completion=wait, deferrable=True, **kwargs, **window
    )

    def run() -> None:
        try:
            op.execute(context())  # type: ignore[arg-type]
        except TaskDeferred as deferred:
            json.dumps(deferred.trigger.serialize()[1])  # the trigger's arguments are stored as JSON

    done_or_refused_before_sending(arize, run, job_id=ref)


@SETTINGS
@given(
    kwargs=arguments(
        {
            "job_id": st.just("table"),
            "row_limit": st.none() | st.integers(1, 10**6),
            "refresh_interval_minutes": st.none() | st.integers(1, 10**4),
            "query_window_size_hours": st.none() | st.integers(1, 10**3),
        }
    )
)
def test_update_ingestion_parameters(arize: Arize, kwargs: dict[str, Any]) -> None:
    ref = arize.table_job if kwargs["job_id"] == "table" else kwargs["job_id"]
    op = ArizeUpdateTableIngestionParametersOperator(task_id="update", **{**kwargs, "job_id": ref})
    done_or_refused_before_sending(arize, lambda: op.execute(context()), job_id=ref)  # type: ignore[arg-type]


@SETTINGS
@given(
    kwargs=arguments(
        {"job_id": st.sampled_from(["table", "file"]), "job_type": st.sampled_from(["table", "file"])}
    ),
    resume=st.booleans(),
)
def test_pause_or_resume(arize: Arize, kwargs: dict[str, Any], resume: bool) -> None:
    """A job id of the other kind is well-formed, so only Arize can refuse it."""
    ref = arize.job(kwargs["job_id"]) if kwargs["job_id"] in ("table", "file") else kwargs["job_id"]
    cls = ArizeResumeImportJobOperator if resume else ArizePauseImportJobOperator
    op = cls(task_id="status", **{**kwargs, "job_id": ref})
    done_or_refused_before_sending(arize, lambda: op.execute(context()), job_id=ref)  # type: ignore[arg-type]


SCHEMA_UPDATES = {
    "table": (ArizeUpdateTableImportJobSchemaOperator, VALID_SCHEMA),
    "file": (ArizeUpdateFileImportJobSchemaOperator, VALID_FILE_SCHEMA),
}


@pytest.mark.parametrize("kind", sorted(SCHEMA_UPDATES))
@SETTINGS
@given(job_id=maybe(st.just("job"), weight_valid=4), schema=st.one_of(st.just(None), schemas))
def test_update_schema(arize: Arize, kind: str, job_id: Any, schema: Any) -> None:
    """The new schema is checked against the job's model type, which needs one read of the job: a
    refusal may follow that read, but never an update."""
    cls, valid_schema = SCHEMA_UPDATES[kind]
    ref = arize.job(kind) if job_id == "job" else job_id
    updates = arize.updates()
    op = cls(task_id="schema", job_id=ref, schema=valid_schema if schema is None else schema)
    try:
        op.execute(context())  # type: ignore[arg-type]
    except ArizeConfigError as exc:
        assert exc.field, f"no field on: {exc}"
        assert arize.updates() == updates, f"refused after an update was sent: {exc}"
        event("refused")
    except ArizeAPIError as exc:
        assert job_ref(ref) in str(exc), exc
        event("unknown job")
    else:
        event("done")


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(odd_text, json_values, st.integers(-5, 10**6), names))
def test_job_ref(value: Any) -> None:
    try:
        ref = job_ref(value)
    except ArizeConfigError as exc:
        assert exc.field == "job_id" and "job_id" in str(exc)
        return
    assert ref and ref == ref.strip() and not any(ch.isspace() for ch in ref)
