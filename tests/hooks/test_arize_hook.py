"""ArizeHook against the local emulator over real HTTP: retries, idempotent creates, pagination, secrets."""

from __future__ import annotations

import logging
from typing import Any

import certifi
import pytest

from airflow_provider_arize.api.errors import (
    ArizeAPIError,
    ArizeAuthError,
    ArizeConfigError,
)
from airflow_provider_arize.api.models import (
    BigQueryTableConfig,
    ModelSchema,
    ModelTarget,
    QueryWindow,
    SnowflakeTableConfig,
    TableImportJobSpec,
    TableIngestionParameters,
    TriggeredTableImportJobSpec,
)
from airflow_provider_arize.hooks.arize import ArizeHook

SCHEMA = ModelSchema.from_value(
    {"predictionId": "id", "predictionLabel": "pred", "timestamp": "ts", "changeTimestamp": "updated_at"}
)


def spec(space_id: str, table: str = "t", model: str = "churn") -> TableImportJobSpec:
    return TableImportJobSpec(
        ModelTarget(
            space_id=space_id, model_name=model, model_type="score_categorical", environment="production"
        ),
        "BigQuery",
        BigQueryTableConfig(project_id="p", dataset="d", table_name=table),
        SCHEMA,
    )


def requests_by_op(emulator: Any, name: str) -> int:
    return int(emulator.admin.stats()["requests"]["by_operation"].get(name, 0))


@pytest.fixture
def hook(arize_conn_env: str) -> ArizeHook:
    return ArizeHook(arize_conn_id=arize_conn_env)


def test_connection_ok_and_bad_key(
    hook: ArizeHook, arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok, message = hook.test_connection()
    assert ok, message
    from airflow_provider_arize.dag_testing import arize_connection_uri_env

    for k, v in arize_connection_uri_env(
        "arize_bad", url=arize_emulator.url, api_key="wrong-key-123", space_id=arize_emulator.space_id
    ).items():
        monkeypatch.setenv(k, v)
    ok, message = ArizeHook("arize_bad").test_connection()
    assert not ok
    assert "wrong-key-123" not in message


def test_full_table_job_lifecycle(hook: ArizeHook, arize_emulator: Any) -> None:
    job_spec = spec(arize_emulator.space_id)
    assert hook.dry_run_table_job(job_spec).passed
    assert hook.list_jobs("table") == []  # a dry run writes nothing

    created = hook.create_table_job(job_spec)
    assert created.created and created.job.is_active and created.job.job_id
    again = hook.create_table_job(job_spec)
    assert not again.created and again.job.id == created.job.id

    paused = hook.pause_job("table", created.job.id)
    assert paused.changed and paused.job.is_paused
    assert not hook.pause_job("table", created.job.id).changed  # already paused: idempotent
    # the short jobId works wherever a job id is accepted
    resumed = hook.resume_job("table", str(created.job.job_id))
    assert resumed.changed and resumed.job.is_active

    job = hook.update_ingestion_parameters(created.job.id, TableIngestionParameters(row_limit=1000))
    assert job.ingestion_parameters is not None and job.ingestion_parameters.row_limit == 1000
    job = hook.update_ingestion_parameters(
        created.job.id, TableIngestionParameters(refresh_interval_minutes=15)
    )
    assert job.ingestion_parameters == TableIngestionParameters(
        row_limit=1000,
        refresh_interval_minutes=15,
        query_window_size_hours=job.ingestion_parameters.query_window_size_hours,
    )

    new_schema = ModelSchema.from_value({**SCHEMA.to_input(), "tags": "tag_"})
    job = hook.update_table_job_schema(created.job.id, new_schema)
    assert job.schema is not None and job.schema.tags == "tag_"

    deleted = hook.delete_job("table", created.job.id)
    assert deleted.changed and deleted.job.is_deleted
    assert not hook.delete_job("table", created.job.id).changed
    with pytest.raises(ArizeAPIError, match="deleted"):
        hook.resume_job("table", created.job.id)


def test_retries_on_429_and_5xx_and_reset(hook: ArizeHook, arize_emulator: Any) -> None:
    arize_emulator.admin.set_faults({"script": ["http_429", "http_503", "reset"], "retry_after_seconds": 1})
    assert hook.list_jobs("table") == []
    assert requests_by_op(arize_emulator, "ListTableImportJobs") == 4  # three faults, then success


def connection(monkeypatch: pytest.MonkeyPatch, emulator: Any, conn_id: str, **extra: Any) -> ArizeHook:
    from airflow_provider_arize.dag_testing import arize_connection_uri_env

    env = arize_connection_uri_env(
        conn_id, url=emulator.url, api_key=emulator.api_key, space_id=emulator.space_id, extra=extra
    )
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return ArizeHook(conn_id)


def test_retry_settings_come_from_the_connection(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_arize.api.errors import ArizeTransientError

    hook = connection(
        monkeypatch,
        arize_emulator,
        "arize_two_tries",
        retry_max_attempts="2",
        retry_backoff_base=0,
        retry_backoff_max=0,
    )
    arize_emulator.admin.set_faults({"script": ["http_503", "http_503", "http_503"]})
    with pytest.raises(ArizeTransientError, match="after 2 attempts"):
        hook.list_jobs("table")
    assert requests_by_op(arize_emulator, "ListTableImportJobs") == 2  # the default would send a third


@pytest.mark.parametrize(
    ("extra", "field", "says"),
    [
        ({"retry_max_attempts": 0}, "retry_max_attempts", "retry_max_attempts must be at least 1"),
        ({"retry_max_attempts": 2.5}, "retry_max_attempts", "must be a whole number"),
        ({"retry_backoff_max": "soon"}, "retry_backoff_max", "retry_backoff_max must be a number"),
        (
            {"retry_backoff_base": 5, "retry_backoff_max": 1},
            "retry_backoff_max",
            "retry_backoff_max must be >=",
        ),
        ({"retry_max_retry_after": -1}, "retry_max_retry_after", "retry_max_retry_after must be a finite"),
        ({"task_queries_per_minute": 0}, "task_queries_per_minute", "must be a positive number"),
        ({"poll_queries_per_minute": "lots"}, "poll_queries_per_minute", "must be a positive number"),
        ({"timeout": 0}, "timeout", "timeout must be a positive number of seconds, got 0"),
        ({"timeout": "soon"}, "timeout", "timeout must be a positive number of seconds"),
        ({"ca_bundle": "/no/such/ca.pem"}, "ca_bundle", "'/no/such/ca.pem' is not a file or directory"),
        ({"ca_bundle": certifi.where(), "verify": "false"}, "ca_bundle", "both ca_bundle and verify=false"),
    ],
)
def test_bad_extras_name_the_extra_before_any_request(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch, extra: dict[str, Any], field: str, says: str
) -> None:
    hook = connection(monkeypatch, arize_emulator, "arize_bad_retry", **extra)
    with pytest.raises(ArizeConfigError, match=says) as raised:
        hook.list_jobs("table")
    assert raised.value.field == field
    assert arize_emulator.admin.stats()["requests"]["total"] == 0


def test_no_retry_on_401(arize_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_provider_arize.dag_testing import arize_connection_uri_env

    for k, v in arize_connection_uri_env(
        "arize_bad", url=arize_emulator.url, api_key="not-a-key", space_id=arize_emulator.space_id
    ).items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ArizeAuthError):
        ArizeHook("arize_bad").list_jobs("table")
    assert arize_emulator.admin.stats()["requests"]["total"] == 1


def test_read_only_key_cannot_mutate(arize_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_provider_arize.dag_testing import arize_connection_uri_env

    arize_emulator.admin.create_key("read-only-key", space_ids=[arize_emulator.space_id], can_mutate=False)
    for k, v in arize_connection_uri_env(
        "arize_ro", url=arize_emulator.url, api_key="read-only-key", space_id=arize_emulator.space_id
    ).items():
        monkeypatch.setenv(k, v)
    ro = ArizeHook("arize_ro")
    assert ro.list_jobs("table") == []
    with pytest.raises(ArizeAuthError):
        ro.create_table_job(spec(arize_emulator.space_id))
    assert arize_emulator.admin.jobs() == []


def test_dropped_create_response_makes_no_duplicate(hook: ArizeHook, arize_emulator: Any) -> None:
    arize_emulator.admin.set_faults({"script": ["drop_after_commit"], "operations": ["CreateTableImportJob"]})
    result = hook.create_table_job(spec(arize_emulator.space_id))
    assert result.job.is_active
    jobs = arize_emulator.admin.jobs()
    assert len(jobs) == 1
    assert requests_by_op(arize_emulator, "CreateTableImportJob") == 1  # looked up, never re-sent


def test_5xx_on_create_is_looked_up_not_resent(hook: ArizeHook, arize_emulator: Any) -> None:
    arize_emulator.admin.set_faults({"script": ["http_502"], "operations": ["CreateTableImportJob"]})
    result = hook.create_table_job(spec(arize_emulator.space_id))
    # the 502 came before the mutation ran, so the look-up finds nothing and the create is sent again
    assert result.created
    assert len(arize_emulator.admin.jobs()) == 1
    assert requests_by_op(arize_emulator, "CreateTableImportJob") == 2


def test_pagination_past_one_page(arize_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    arize_emulator.admin.set_rate_limits(enabled=False)  # 57 creates, not a test of 429s
    # nor of pacing: the connection lets the tasks of this machine send as fast as the limits allow
    hook = connection(monkeypatch, arize_emulator, "arize_unpaced", task_queries_per_minute=100_000)
    for i in range(57):
        hook.client.create_table_job(spec(arize_emulator.space_id, table=f"t{i}"))
    arize_emulator.admin.reset_stats()
    jobs = hook.list_jobs("table")
    assert len(jobs) == 57 and len({j.id for j in jobs}) == 57
    assert requests_by_op(arize_emulator, "ListTableImportJobs") == 2  # 50 + 7


def test_triggered_run_is_recorded_once_per_window(hook: ArizeHook, arize_emulator: Any) -> None:
    triggered = TriggeredTableImportJobSpec(
        ModelTarget(
            space_id=arize_emulator.space_id,
            model_name="events",
            model_type="score_categorical",
            environment="production",
        ),
        SnowflakeTableConfig(account_id="org-acct", database="DB", schema="S", table_name="EVENTS"),
        SCHEMA,
    )
    job = hook.create_triggered_table_job(triggered).job
    window = QueryWindow("2024-08-20T01:00:00Z", "2024-08-20T02:00:00Z")  # type: ignore[arg-type]
    first = hook.trigger_table_run(job.id, window)
    second = hook.trigger_table_run(job.id, window)
    assert first.triggered and not second.triggered
    assert first.query is not None and first.query.window_start == window.start
    assert len(hook.list_table_queries(job.id)) == 1


def test_bad_configuration_sends_nothing(hook: ArizeHook, arize_emulator: Any) -> None:
    from airflow_provider_arize.operators.table_jobs import ArizeCreateTableImportJobOperator

    cases: list[tuple[dict[str, Any], str]] = [
        ({"model_type": "regression"}, "modelType must be one of"),
        ({"schema": {"timestamp": "ts", "changeTimestamp": "u"}}, "needs predictionLabel or predictionScore"),
        (
            {"table_config": {"accountID": "a", "database": "d", "schema": "s", "tableName": "t"}},
            "unknown BigQuery table config field 'accountID'",
        ),
        ({"space_id": " "}, "spaceId must not be empty"),
    ]
    for overrides, message in cases:
        kwargs: dict[str, Any] = {
            "task_id": "create",
            "model_name": "m",
            "model_type": "score_categorical",
            "table_store": "BigQuery",
            "table_config": {"projectId": "p", "dataset": "d", "tableName": "t"},
            "schema": SCHEMA.to_input(),
        }
        kwargs.update(overrides)
        op = ArizeCreateTableImportJobOperator(**kwargs)
        with pytest.raises(ArizeConfigError, match=message):
            op.table_spec()
    assert arize_emulator.admin.stats()["requests"]["total"] == 0


def test_api_key_never_logged(hook: ArizeHook, arize_emulator: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    arize_emulator.admin.set_faults(
        {"script": ["http_429", "http_500", "drop_after_commit"], "retry_after_seconds": 1}
    )
    hook.create_table_job(spec(arize_emulator.space_id))
    hook.pause_job("table", hook.list_jobs("table")[0].id)
    with pytest.raises(ArizeConfigError):
        hook.update_ingestion_parameters("1", TableIngestionParameters())
    assert caplog.records, "expected the client to log its requests and retries"
    assert arize_emulator.api_key not in caplog.text


def test_triggers_pace_per_api_key_not_per_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Arize counts 100 queries a minute per key: two connections with one key draw on one budget (the
    first one's), a connection with another key on its own. Nothing is sent: building clients only."""
    import asyncio

    from airflow_provider_arize.dag_testing import arize_connection_uri_env

    url = "http://127.0.0.1:9/"  # never contacted
    for conn_id, key, extra in (
        ("arize_a", "key-one", {"poll_queries_per_minute": 50}),
        ("arize_b", "key-one", {}),
        ("arize_c", "key-two", {}),
    ):
        env = arize_connection_uri_env(conn_id, url=url, api_key=key, space_id="U3BhY2U6MQ==", extra=extra)
        for k, v in env.items():
            monkeypatch.setenv(k, v)

    async def buckets() -> list[Any]:
        clients = [await ArizeHook(c).get_async_client(paced=True) for c in ("arize_a", "arize_b", "arize_c")]
        for client in clients:
            await client.aclose()
        return [client.pacer for client in clients]

    a, b, c = asyncio.run(buckets())
    assert a is b and a.per_minute == 50  # one budget for the key, sized by its first connection
    assert c is not a and c.per_minute == 80


def test_a_task_client_slows_the_machine_down_on_a_429(
    arize_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The synchronous client reports each answer to the machine's bucket for its key (shared by every
    task process on the machine, tests/api/test_machine_pacing.py): a 429 cuts the machine's rate."""
    from airflow_provider_arize.api.machine_pacing import machine_bucket

    hook = connection(monkeypatch, arize_emulator, "arize_paced", task_queries_per_minute=60)
    arize_emulator.admin.set_faults({"script": ["http_429"]})
    hook.list_jobs("table")  # 429, then the retry succeeds
    bucket = machine_bucket(hook.settings.endpoint, hook.settings.api_key, 60)
    assert bucket.bucket.per_minute == 60 and bucket.bucket.cuts == 1
    assert bucket.bucket.current_per_minute < 60
    assert requests_by_op(arize_emulator, "ListTableImportJobs") == 2
