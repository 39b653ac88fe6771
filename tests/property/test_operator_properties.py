"""Property: an operator given hostile arguments either does its job or fails with ``ArizeConfigError``
naming the argument that was spoiled, and then it has sent nothing: the emulator's request counter has
not moved (a schema update may have read the job, to check the schema against its model type, but sent no
update). Unspoiled arguments always succeed, and each test sees both outcomes (the last test checks).

The operators run ``execute`` against one in-process emulator (rate limits off, so hypothesis's hundreds
of examples are not paced). Valid examples really create jobs and trigger windows there. Job ids are
opaque to clients: a well-formed one (a non-blank string without spaces or control
characters) that names no job is refused by Arize with an error naming the id, which only Arize can know.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from airflow.sdk.exceptions import TaskDeferred
from fake_task_instance import FakeTaskInstance
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeAPIError, ArizeConfigError
from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.dag_testing import arize_connection_uri_env
from airflow_provider_arize.emulator.config import DEFAULT_API_KEY
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


def _model_types_of(schema: dict[str, str]) -> list[str]:
    from airflow_provider_arize.api.models import ModelSchema

    fits = []
    for model_type in sorted(constants.MODEL_TYPES):
        try:
            ModelSchema.from_value(schema).validate_for(model_type, "table")
        except ArizeConfigError:
            continue
        fits.append(model_type)
    return fits


#: The model types the valid schema is valid for (the others need columns it lacks).
MODEL_TYPES_OF_VALID_SCHEMA = _model_types_of(VALID_SCHEMA)


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
        return str(op.execute({"ti": FakeTaskInstance()})["id"])

    def create_file_job(self) -> str:
        op = ArizeCreateFileImportJobOperator(
            task_id="seed", model_name="props_files", model_type="score_categorical",
            location="s3://props-bucket/seed/", schema=VALID_FILE_SCHEMA, dry_run_first=False,
        )  # fmt: skip
        return str(op.execute({"ti": FakeTaskInstance()})["id"])  # type: ignore[arg-type]

    def job(self, kind: str) -> str:
        """The id of the seeded job of ``kind`` (``table`` or ``file``)."""
        return self.table_job if kind == "table" else self.file_job

    def create_event_job(self) -> str:
        from airflow_provider_arize.operators.event_jobs import ArizeCreateTriggeredTableImportJobOperator

        op = ArizeCreateTriggeredTableImportJobOperator(
            task_id="seed", model_name="props_events", model_type="score_categorical", table_config=SNOWFLAKE,
            schema=VALID_SCHEMA, dry_run_first=False,
        )  # fmt: skip
        return str(op.execute({"ti": FakeTaskInstance()})["id"])  # type: ignore[arg-type]

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
            "arize_default",
            url=server.url,
            api_key=server.api_key,
            space_id=server.space_id,
            extra={"task_queries_per_minute": 1_000_000},  # limits off: properties, not pacing
        )
        for key, value in env.items():
            mp.setenv(key, value)
        yield Arize(server)


#: Outcomes seen per test (checked by the module's last test: every test saw both).
OUTCOMES: dict[str, Counter[str]] = defaultdict(Counter)


def done_or_refused_before_sending(
    arize: Arize,
    run: Callable[[], Any],
    spoiled: list[str],
    *,
    job_id: Any = None,
    values: dict[str, Any] | None = None,
) -> str:
    """Run an operator: with nothing ``spoiled`` it succeeds; otherwise it succeeds or refuses with
    ``ArizeConfigError`` naming a spoiled argument and having sent nothing. Given the ``job_id`` it was
    passed, Arize may also refuse a well-formed id it does not know, with an error naming that id."""
    outcome = _outcome(arize, run, job_id, spoiled, values)
    if not spoiled:
        assert outcome != "refused", "valid arguments were refused"
    OUTCOMES[_test_name()][outcome] += 1
    event(outcome)  # hypothesis statistics (--hypothesis-show-statistics)
    return outcome


def _test_name() -> str:
    return os.environ.get("PYTEST_CURRENT_TEST", "?").split("::")[-1].split(" ")[0].split("[")[0]


def _names(field: str) -> str:
    return field.replace("_", "").lower()


def blames_a_spoiled_argument(field: str, spoiled: list[str], values: dict[str, Any] | None = None) -> bool:
    """Whether an error's ``field`` names one of the ``spoiled`` arguments, or a part of one (a schema
    column, a table-config key, a key of the hostile mapping itself), whatever its spelling
    (``model_name`` / ``modelName``)."""
    head = _names(field.split(".")[0].split("[")[0])
    parts = {_names(s) for s in spoiled}
    if head in parts or bool(parts & PARTS_OF.get(head, set())):
        return True
    hostile = [values[s] for s in spoiled if values and s in values]
    return any(isinstance(v, dict) and field in {str(k) for k in v} for v in hostile)


def _parts_of() -> dict[str, set[str]]:
    from dataclasses import fields

    from airflow_provider_arize.api.models.schema import ModelSchema

    parts: dict[str, set[str]] = {_names(f.name): {"schema"} for f in fields(ModelSchema)}
    for key in ("tableingestionparameters", "rowlimit", "refreshintervalminutes", "querywindowsizehours"):
        parts.setdefault(key, set()).add("ingestionparameters")
    for key in ("accountid", "database", "schema", "tablename", "tablestore"):
        parts.setdefault(key, set()).add("tableconfig")
    parts["modelenvironmentname"] = {"environment"}
    parts["querystart"] = parts["queryend"] = {"windowstart", "windowend"}
    parts["uri"] = parts["bucketname"] = parts["prefix"] = parts["blobstore"] = {"location"}
    return parts


#: Error fields that name a part of an argument: a schema column names the schema, a config key the config.
PARTS_OF: dict[str, set[str]] = _parts_of()


def _outcome(
    arize: Arize, run: Callable[[], Any], job_id: Any, spoiled: list[str], values: dict[str, Any] | None
) -> str:
    before = arize.requests()
    try:
        run()
    except ArizeConfigError as exc:
        assert exc.field, f"no field on: {exc}"
        assert blames_a_spoiled_argument(exc.field, spoiled, values), (
            f"blamed {exc.field!r}, spoiled {spoiled}: {exc}"
        )
        assert arize.requests() == before, f"refused after {arize.requests() - before} request(s): {exc}"
        return "refused"
    except ArizeAPIError as exc:
        ref = None if job_id is None else job_ref(job_id)
        if ref is not None and ref == arize.server.api_key:
            named = "'***'" in str(exc)  # an id that is the API key is masked, as every secret is
        else:
            named = ref is not None and ref in str(exc)
        if not named:
            raise
        return "unknown job"
    return "done"


def context() -> dict[str, Any]:
    return {"ti": FakeTaskInstance()}


def arguments(valid: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Operator arguments: all valid, or one of them (now and then several) hostile, so that both
    branches run often and a refusal can be traced to the argument it names."""
    hostile = st.one_of(odd_text, json_values, odd_numbers)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        kwargs = {name: draw(strategy) for name, strategy in valid.items()}
        kwargs[SPOILED] = spoil(draw, kwargs, hostile)
        return kwargs

    return build()


#: The key under which :func:`arguments` hands a test the names it spoiled.
SPOILED = "__spoiled__"

ANY_WINDOW = st.fixed_dictionaries({"window_start": timestamps, "window_end": timestamps})
GOOD_WINDOW = st.integers(0, 10**5).map(
    lambda h: {"window_start": "2026-01-01T00:00:00Z", "window_end": f"2026-01-01T{1 + h % 23:02d}:00:00Z"}
)


@SETTINGS
@given(
    kwargs=arguments(
        {
            "model_name": names,
            "model_type": st.sampled_from(MODEL_TYPES_OF_VALID_SCHEMA),
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
    spoiled = kwargs.pop(SPOILED)
    if schema is not None:
        kwargs["schema"] = schema
        spoiled = [*spoiled, "schema"]  # drawn from any schemas, valid or not
    op = ArizeCreateTableImportJobOperator(task_id="create", dry_run_first=False, **kwargs)
    run = lambda: op.execute(context())  # type: ignore[arg-type]  # noqa: E731
    done_or_refused_before_sending(arize, run, spoiled, values=kwargs)


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
    spoiled = kwargs.pop(SPOILED)
    op = ArizeCreateFileImportJobOperator(task_id="create", dry_run_first=False, **kwargs)
    run = lambda: op.execute(context())  # type: ignore[arg-type]  # noqa: E731
    done_or_refused_before_sending(arize, run, spoiled, values=kwargs)


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
@example(  # a job id that is the API key (hypothesis found it among the package's constants): masked
    kwargs={"job_id": DEFAULT_API_KEY, "poll_interval": 1.0, "timeout": 60, "max_consecutive_errors": 0,
            SPOILED: ["job_id"]},
    window={"window_start": "2026-01-01T00:00:00Z", "window_end": "2026-01-01T01:00:00Z"},
    wait=False,
)  # fmt: skip
def test_trigger_a_window(arize: Arize, kwargs: dict[str, Any], window: dict[str, Any], wait: bool) -> None:
    """Waiting, the operator defers (the emulator's workers are off, so no window finishes at once):
    the wait's settings are checked before the window is triggered, not when the trigger is built."""
    spoiled = kwargs.pop(SPOILED)
    if not (
        window["window_start"] == "2026-01-01T00:00:00Z" and window["window_end"].startswith("2026-01-01T")
    ):
        spoiled = [*spoiled, "window_start", "window_end", "queryStart", "queryEnd"]  # any timestamps
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

    done_or_refused_before_sending(arize, run, spoiled, job_id=ref)


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
    spoiled = kwargs.pop(SPOILED)
    if all(kwargs[k] is None for k in ("row_limit", "refresh_interval_minutes", "query_window_size_hours")):
        spoiled = [*spoiled, "tableIngestionParameters"]  # nothing to update is an error of its own
    ref = arize.table_job if kwargs["job_id"] == "table" else kwargs["job_id"]
    op = ArizeUpdateTableIngestionParametersOperator(task_id="update", **{**kwargs, "job_id": ref})
    run = lambda: op.execute(context())  # type: ignore[arg-type]  # noqa: E731
    done_or_refused_before_sending(arize, run, spoiled, job_id=ref)


@SETTINGS
@given(
    kwargs=arguments(
        {"job_id": st.sampled_from(["table", "file"]), "job_type": st.sampled_from(["table", "file"])}
    ),
    resume=st.booleans(),
)
def test_pause_or_resume(arize: Arize, kwargs: dict[str, Any], resume: bool) -> None:
    """A job id of the other kind is well-formed, so only Arize can refuse it."""
    spoiled = kwargs.pop(SPOILED)
    ref = arize.job(kwargs["job_id"]) if kwargs["job_id"] in ("table", "file") else kwargs["job_id"]
    cls = ArizeResumeImportJobOperator if resume else ArizePauseImportJobOperator
    op = cls(task_id="status", **{**kwargs, "job_id": ref})
    done_or_refused_before_sending(arize, lambda: op.execute(context()), spoiled, job_id=ref)  # type: ignore[arg-type]


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
    spoiled = ([] if job_id == "job" else ["job_id"]) + ([] if schema is None else ["schema"])
    updates = arize.updates()
    op = cls(task_id="schema", job_id=ref, schema=valid_schema if schema is None else schema)
    try:
        op.execute(context())  # type: ignore[arg-type]
    except ArizeConfigError as exc:
        assert exc.field, f"no field on: {exc}"
        assert spoiled, f"valid arguments were refused: {exc}"
        assert blames_a_spoiled_argument(exc.field, spoiled, {"schema": schema}), (
            f"blamed {exc.field!r}, spoiled {spoiled}: {exc}"
        )
        assert arize.updates() == updates, f"refused after an update was sent: {exc}"
        outcome = "refused"
    except ArizeAPIError as exc:
        assert job_ref(ref) in str(exc), exc
        outcome = "unknown job"
    else:
        outcome = "done"
    OUTCOMES[f"test_update_schema[{kind}]"][outcome] += 1
    event(outcome)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(odd_text, json_values, st.integers(-5, 10**6), names))
def test_job_ref(value: Any) -> None:
    try:
        ref = job_ref(value)
    except ArizeConfigError as exc:
        assert exc.field == "job_id" and "job_id" in str(exc)
        return
    assert ref and ref == ref.strip() and not any(ch.isspace() for ch in ref)


def test_every_property_saw_both_outcomes() -> None:
    """The tests above are no use if an operator refused everything or accepted everything."""
    expected = {"test_create_table_job", "test_create_file_job", "test_trigger_a_window",
                "test_update_ingestion_parameters", "test_pause_or_resume",
                "test_update_schema[table]", "test_update_schema[file]"}  # fmt: skip
    assert expected <= set(OUTCOMES), sorted(OUTCOMES)
    for name in expected:
        assert OUTCOMES[name]["done"] > 0 and OUTCOMES[name]["refused"] > 0, (name, OUTCOMES[name])
