"""The example DAGs, unchanged, against every plausible variant of Arize's API (emulator profiles): what
``test_profiles_*.py`` share, one file per group of profiles so that the test workers run them side by side.

Each profile serves the API one way its unknowns may fall (``emulator/profiles.py``): only the names
Arize's pages show, ingestion parameters in one unit or the other, no listing search or paging, no
introspection, upper-case enum values, a lower complexity limit... Per profile, the table lifecycle DAG
(dry run, create, update parameters, pause, update schema, resume, delete), the event-based Snowflake DAG
(one window's wait deferred to the triggerer, the next one's poked) and the S3 daily-files DAG (file jobs and
their ingestion wait) must succeed, and the client must have sent at most one discovery request.
The ``full`` profile is ``test_example_dags.py``'s.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_arize.dag_testing import load_dag, run_dag, warehouse_connections_env
from airflow_provider_arize.local_services.sample_files import actuals_table, predictions_table, put_parquet

DAGS = Path(__file__).resolve().parents[2] / "example_dags"
LOGICAL_DATE = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
ROWS_IN_WINDOW = 20 + 9
PREDICTIONS = "click-thru-rate/production/prediction/"
ACTUALS = "click-thru-rate/production/actuals/"


@contextmanager
def serve_profile(profile: str, fake_s3: Any) -> Iterator[Any]:
    """An emulator serving ``profile``, its workers quick, reading the fake S3."""
    from airflow_provider_arize.emulator.testing import EmulatorServer

    with EmulatorServer(
        profile=profile,
        s3=fake_s3.emulator_s3(),
        file_poll_interval_seconds=0.2,
        worker_interval_seconds=0.2,
    ) as server:
        yield server


@pytest.fixture
def env(
    airflow_db: Path,
    arize_conn_env: str,
    arize_emulator: Any,
    fake_snowflake: Any,
    fake_s3: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    database = f"E2E_{uuid.uuid4().hex[:8].upper()}"
    bucket = f"e2e-{uuid.uuid4().hex[:10]}"
    arize_emulator.admin.set_warehouses(
        snowflake={fake_snowflake.account: fake_snowflake.emulator_warehouse()}
    )
    variables = {
        **fake_snowflake.airflow_connection("snowflake_default", database=database, schema="ML"),
        **warehouse_connections_env(),
        **fake_s3.airflow_connection("aws_default"),
        "AIRFLOW_VAR_ARIZE_INFERENCE_BUCKET": bucket,
        "AIRFLOW_VAR_ARIZE_INGESTION_KEY": arize_emulator.admin.ingestion_key(arize_emulator.space_id),
    }
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    return {"database": database, "bucket": bucket}


def run_every_example_dag(
    env: dict[str, str], arize_emulator: Any, fake_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The three example DAGs succeed on ``arize_emulator``'s profile, with one discovery request."""
    admin = arize_emulator.admin
    # the table lifecycle: dry run, create, update parameters, pause, update schema, resume, delete
    lifecycle = run_dag(load_dag(DAGS / "example_arize_table_job_lifecycle.py"))
    assert lifecycle.succeeded, lifecycle.render()
    (job,) = admin.jobs()
    assert job["job_status"] == "deleted"
    assert job["ingestion"]["rowLimit"] == 250000 and job["ingestion"]["refreshIntervalMinutes"] == 30
    assert job["schema"]["tags"] == "label_"

    # event-based windows: one hour's wait deferred to the triggerer, the next hour's poked
    event_dag = load_dag(DAGS / "example_arize_snowflake_event_load.py")
    for hour, deferrable in ((0, True), (1, False)):
        monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", str(deferrable))
        event = run_dag(event_dag, logical_date=LOGICAL_DATE + timedelta(hours=hour))
        assert event.succeeded, event.render()
    (triggered,) = [j for j in admin.jobs() if j.get("triggered")]
    assert [(q["status"], q["records_processed_count"]) for q in triggered["queries"]] == [
        ("succeeded", ROWS_IN_WINDOW),
        ("succeeded", ROWS_IN_WINDOW + 1),
    ]

    # file jobs and their ingestion wait
    bucket, s3 = env["bucket"], fake_s3.client()
    fake_s3.create_arize_bucket(bucket, admin.ingestion_key(arize_emulator.space_id))
    day = date(2026, 3, 1)
    put_parquet(s3, bucket, f"{PREDICTIONS}{day}/part-0.parquet", predictions_table(day, 40))
    put_parquet(s3, bucket, f"{ACTUALS}{day}.parquet", actuals_table(day, 40))
    files = run_dag(
        load_dag(DAGS / "example_arize_s3_daily_files.py"), logical_date=datetime(2026, 3, 2, tzinfo=UTC)
    )
    assert files.succeeded, files.render()
    file_jobs = {j["location"]["prefix"]: j for j in admin.jobs() if j["kind"] == "file"}
    assert [f["rows"] for f in file_jobs[PREDICTIONS]["files"]] == [40]
    assert [f["rows"] for f in file_jobs[ACTUALS]["files"]] == [40]

    stats = admin.stats()["requests"]["by_operation"]
    assert stats.get("DiscoverArizeSchema") == 1, stats  # once per host and process


def profile_tests(*profiles: str) -> tuple[Any, Callable[..., None]]:
    """A test module's ``arize_emulator`` fixture, one emulator per profile, and its test."""

    @pytest.fixture(params=profiles, name="arize_emulator")
    def arize_emulator(request: pytest.FixtureRequest, fake_s3: Any) -> Iterator[Any]:
        with serve_profile(request.param, fake_s3) as server:
            yield server

    def test_every_example_dag_succeeds_on_this_variant_of_the_api(
        env: dict[str, str], arize_emulator: Any, fake_s3: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        run_every_example_dag(env, arize_emulator, fake_s3, monkeypatch)

    return arize_emulator, test_every_example_dag_succeeds_on_this_variant_of_the_api
