"""What users install is what is tested: the built wheel, in a clean virtualenv with one extra at a time,
runs the matching example DAG against the emulator (which runs here, from the development environment).

The virtualenv gets only ``<wheel>[extra]``, resolved to the versions of ``uv.lock`` (``uv export`` as
constraints, so the install comes from uv's cache): a module the package imports but no extra declares,
or a file the wheel leaves out, fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_arize.dag_testing import arize_connection_uri_env, warehouse_connections_env
from airflow_provider_arize.emulator.testing import EmulatorServer
from airflow_provider_arize.local_services.sample_files import actuals_table, predictions_table, put_parquet

ROOT = Path(__file__).resolve().parents[2]
DAGS = ROOT / "example_dags"
RUNNER = """
import json, sys
from datetime import datetime
from pathlib import Path

home, dag_file, logical_date = sys.argv[1:]
from airflow_provider_arize.dag_testing import configure_local_airflow

configure_local_airflow(Path(home), Path(dag_file).parent)
import airflow_provider_arize
from airflow_provider_arize.dag_testing import load_dag, migrate_metadata_db, run_dag

migrate_metadata_db()
report = run_dag(load_dag(Path(dag_file)), logical_date=datetime.fromisoformat(logical_date))
print("REPORT " + json.dumps({"state": report.state, "tasks": report.task_states,
                             "package": airflow_provider_arize.__file__}))
"""


def _uv() -> str:
    found = ROOT / ".tools" / "bin" / "uv"
    return str(found) if found.exists() else shutil.which("uv") or pytest.fail("uv is not installed")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [_uv(), "build", "--wheel", "--out-dir", str(out), str(ROOT)], check=True, capture_output=True
    )
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def constraints(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("constraints") / "constraints.txt"
    exported = subprocess.run(
        [_uv(), "export", "--frozen", "--no-hashes", "--all-extras", "--no-emit-project", "--no-header"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path.write_text(exported)
    return path


def test_the_wheel_ships_the_provider_and_no_harness(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"airflow_provider_arize", "airflow_provider_arize-0.1.0.dist-info"}, tops
    assert "airflow_provider_arize/api/shape/arize.graphql" in names  # data files the client reads
    assert any(
        n.startswith("airflow_provider_arize/api/operations/") and n.endswith(".graphql") for n in names
    )
    entry_points = zipfile.ZipFile(wheel).read("airflow_provider_arize-0.1.0.dist-info/entry_points.txt")
    assert b"pytest11" not in entry_points  # no plugin loads in a user's pytest runs
    assert b"apache_airflow_provider" in entry_points


def _clean_venv(tmp: Path, wheel: Path, extra: str, constraints: Path) -> Path:
    venv = tmp / f"venv-{extra}"
    subprocess.run([_uv(), "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [_uv(), "pip", "install", "-q", "--python", str(python), "-c", str(constraints), f"{wheel}[{extra}]"],
        check=True,
        capture_output=True,
    )
    return python


def _run_example(python: Path, tmp: Path, dag: str, logical_date: str, env: dict[str, str]) -> dict[str, Any]:
    dags = tmp / "dags"
    dags.mkdir(exist_ok=True)
    shutil.copy(DAGS / dag, dags / dag)
    clean_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "PYTHON", "VIRTUAL_ENV"))
    }
    done = subprocess.run(
        [str(python), "-c", RUNNER, str(tmp / "home"), str(dags / dag), logical_date],
        cwd=tmp,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = done.stdout + done.stderr
    assert "REPORT " in out, out[-4000:]
    report: dict[str, Any] = json.loads(out.rsplit("REPORT ", 1)[1].splitlines()[0])
    assert str(python.parent.parent) in report["package"], report  # the installed wheel, not this checkout
    errors = [line for line in out.splitlines() if "Error" in line or "error" in line]
    assert report["state"] == "success", (report["tasks"], errors[:40])
    return report


@pytest.fixture
def emulator(fake_s3: Any, fake_snowflake: Any) -> Iterator[EmulatorServer]:
    with EmulatorServer(
        s3=fake_s3.emulator_s3(),
        warehouses={"snowflake": {fake_snowflake.account: fake_snowflake.emulator_warehouse()}},
        file_poll_interval_seconds=0.2,
        worker_interval_seconds=0.2,
    ) as server:
        yield server


def _arize_env(emulator: EmulatorServer) -> dict[str, str]:
    return arize_connection_uri_env(
        "arize_default", url=emulator.url, api_key=emulator.api_key, space_id=emulator.space_id
    )


def test_amazon_extra_runs_the_s3_daily_files_example(
    tmp_path: Path, wheel: Path, constraints: Path, emulator: EmulatorServer, fake_s3: Any
) -> None:
    python = _clean_venv(tmp_path, wheel, "amazon", constraints)
    bucket = "wheel-amazon"
    fake_s3.create_arize_bucket(bucket, emulator.admin.ingestion_key(emulator.space_id))
    s3, day = fake_s3.client(), date(2026, 3, 1)
    put_parquet(
        s3, bucket, f"click-thru-rate/production/prediction/{day}/part-0.parquet", predictions_table(day, 50)
    )
    put_parquet(s3, bucket, f"click-thru-rate/production/actuals/{day}.parquet", actuals_table(day, 50))
    env = {
        **_arize_env(emulator),
        **fake_s3.airflow_connection("aws_default"),
        "AIRFLOW_VAR_ARIZE_INFERENCE_BUCKET": bucket,
        "AIRFLOW_VAR_ARIZE_INGESTION_KEY": emulator.admin.ingestion_key(emulator.space_id),
    }
    _run_example(python, tmp_path, "example_arize_s3_daily_files.py", "2026-03-02T00:00:00+00:00", env)
    files = [f for job in emulator.admin.jobs() for f in job.get("files") or []]
    assert sorted(f["rows"] for f in files) == [50, 50] and {f["status"] for f in files} == {"succeeded"}


def test_snowflake_extra_runs_the_event_load_example(
    tmp_path: Path, wheel: Path, constraints: Path, emulator: EmulatorServer, fake_snowflake: Any
) -> None:
    python = _clean_venv(tmp_path, wheel, "snowflake", constraints)
    env = {
        **_arize_env(emulator),
        **fake_snowflake.airflow_connection("snowflake_default", "WHEEL", "ML"),
        "REQUESTS_CA_BUNDLE": os.environ["REQUESTS_CA_BUNDLE"],  # trusts the local Snowflake's certificate
    }
    _run_example(python, tmp_path, "example_arize_snowflake_event_load.py", "2026-03-01T10:00:00+00:00", env)
    (job,) = emulator.admin.jobs()
    # the run's window is the hour before its logical date, 09:00-10:00: 20 + 9 rows
    assert [(q["status"], q["records_processed_count"]) for q in job["queries"]] == [("succeeded", 20 + 9)]


@pytest.mark.parametrize(
    ("extra", "dag"),
    [
        ("google", "example_arize_bigquery_job_setup.py"),
        ("databricks", "example_arize_table_job_maintenance.py"),
    ],
)
def test_warehouse_extras_run_their_table_job_examples(
    tmp_path: Path, wheel: Path, constraints: Path, emulator: EmulatorServer, extra: str, dag: str
) -> None:
    python = _clean_venv(tmp_path, wheel, extra, constraints)
    _run_example(
        python,
        tmp_path,
        dag,
        "2026-03-01T00:00:00+00:00",
        {**_arize_env(emulator), **warehouse_connections_env()},
    )
    assert emulator.admin.jobs(), "the example created no job"
