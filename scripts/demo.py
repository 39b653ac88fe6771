"""``make demo``: start the local Arize emulator and a local Snowflake, run every example DAG against
them, print what happened.

* Arize: the emulator as a subprocess (SQLite state under ``.demo/emulator``), which really queries the
  local Snowflake for event-based runs.
* Snowflake: fakesnow served over TLS on 127.0.0.1 (the stock ``SnowflakeHook`` connects unchanged).
* S3: moto's server on 127.0.0.1, with a bucket tagged and granted as Arize's setup page says, and a
  day of sample predictions and actuals (Parquet) in it; the emulator polls it every second.
* BigQuery and Databricks: connections whose project / host / HTTP path / token feed the jobs' table
  configs; nothing is sent to Google or Databricks.

State lives under ``.demo/`` (``--home`` picks another folder): the Airflow home with a SQLite metadata
DB, the emulator's SQLite file, and one log per DAG under ``logs/``. Each run starts from a fresh
emulator. Exits non-zero if any DAG run fails.

The Arize key, the Databricks token and the Snowflake password are recognisable strings
(:data:`DEMO_SECRETS`), so that anyone can grep the output, the logs and the metadata DB for them:
``tests/e2e/test_demo_secrets.py`` does exactly that after a full run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / ".demo"
DAGS = ROOT / "example_dags"
#: Recognisable secrets, so a reader can grep logs and confirm they never appear in them.
DEMO_API_KEY = "demo-arize-key-9f3c2e71"
DEMO_DATABRICKS_TOKEN = "dapi-demo-token-5b8e04aa"
DEMO_SNOWFLAKE_PASSWORD = "snow-demo-pass-61d0c2f9"
DEMO_SECRETS = (DEMO_API_KEY, DEMO_DATABRICKS_TOKEN, DEMO_SNOWFLAKE_PASSWORD)


def _provider_lines(log_file: Path) -> list[str]:
    """What the provider itself logged (its operators and client), without Airflow's own chatter."""
    pattern = re.compile(
        r"\[(?:info|warning|error)\s*\]\s+(.*?)\s+\[(?:airflow\.task\.operators\.)?airflow_provider_arize"
    )
    lines = []
    for raw in log_file.read_text(errors="replace").splitlines():
        match = pattern.search(raw)
        if match:
            lines.append(match.group(1))
    return lines


def _stage_inference_files(s3: Any, ingestion_key: str) -> None:
    """What the upstream system and the platform team would have done: a tagged, granted bucket with
    yesterday's predictions and the actuals of the day before."""
    from datetime import UTC, datetime, timedelta

    from airflow_provider_arize.local_services.sample_files import (
        actuals_table,
        predictions_table,
        put_parquet,
    )

    bucket = "ml-inferences"
    s3.create_arize_bucket(bucket, ingestion_key)
    client = s3.client()
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    put_parquet(client, bucket, f"click-thru-rate/production/prediction/{yesterday}/part-0.parquet",
                predictions_table(yesterday, 500))  # fmt: skip
    earlier = yesterday - timedelta(days=1)
    put_parquet(
        client, bucket, f"click-thru-rate/production/actuals/{earlier}.parquet", actuals_table(earlier, 500)
    )
    os.environ["AIRFLOW_VAR_ARIZE_INFERENCE_BUCKET"] = bucket
    os.environ["AIRFLOW_VAR_ARIZE_INGESTION_KEY"] = ingestion_key
    print(f"== s3://{bucket}: predictions of {yesterday}, actuals of {earlier}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=DEMO, help="where the demo keeps its state (.demo)")
    home: Path = parser.parse_args(argv).home.resolve()

    from airflow_provider_arize.dag_testing import configure_local_airflow

    shutil.rmtree(home / "emulator", ignore_errors=True)
    configure_local_airflow(home / "airflow", DAGS)

    from airflow_provider_arize.dag_testing import (
        arize_connection_uri_env,
        load_dag,
        migrate_metadata_db,
        output_to,
        run_dag,
        warehouse_connections_env,
    )
    from airflow_provider_arize.emulator.testing import EmulatorProcess
    from airflow_provider_arize.local_services import FakeS3Server, FakeSnowflakeServer

    started = time.monotonic()
    print(f"== migrating the Airflow metadata DB ({home / 'airflow'})", flush=True)
    migrate_metadata_db()
    (home / "emulator").mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        s3 = stack.enter_context(FakeS3Server())
        print(f"== local S3 (moto) at {s3.endpoint_url}", flush=True)
        snowflake = stack.enter_context(FakeSnowflakeServer(password=DEMO_SNOWFLAKE_PASSWORD))
        stack.enter_context(snowflake.trusted())  # this process and the emulator trust its certificate
        print(
            f"== local Snowflake (fakesnow over TLS) at https://{snowflake.host}:{snowflake.port}", flush=True
        )
        emulator = stack.enter_context(
            EmulatorProcess(
                db_path=home / "emulator" / "arize.sqlite3",
                api_key=DEMO_API_KEY,
                warehouses={"snowflake": {snowflake.account: snowflake.emulator_warehouse()}},
                s3=s3.emulator_s3(),
                extra_args=["--file-poll-interval", "1"],
            )
        )
        print(f"== Arize emulator at {emulator.graphql_url} (space {emulator.space_id})", flush=True)
        os.environ.update(
            arize_connection_uri_env(
                "arize_default", url=emulator.url, api_key=DEMO_API_KEY, space_id=emulator.space_id
            )
        )
        os.environ.update(
            snowflake.airflow_connection("snowflake_default", database="ANALYTICS", schema="ML")
        )
        os.environ.update(warehouse_connections_env(DEMO_DATABRICKS_TOKEN))
        os.environ.update(s3.airflow_connection("aws_default"))
        _stage_inference_files(s3, emulator.admin.ingestion_key(emulator.space_id))
        reports = []
        for dag_file in sorted(DAGS.glob("example_*.py")):
            print(f"== running {dag_file.name}", flush=True)
            t0 = time.monotonic()
            log_file = home / "logs" / f"{dag_file.stem}.log"
            with output_to(log_file):
                report = run_dag(load_dag(dag_file))
            reports.append(report)
            for line in _provider_lines(log_file):
                print(f"   | {line}")
            print(f"   {report.render()}  [{time.monotonic() - t0:.1f} s; full log: {log_file}]", flush=True)
        jobs = emulator.admin.jobs()
        stats = emulator.admin.stats()

    print("\n== what Arize (the emulator) saw")
    for job in jobs:
        print(
            "   "
            + json.dumps(
                {
                    k: job.get(k)
                    for k in ("kind", "job_id", "model_name", "job_status", "table", "location")
                    if job.get(k)
                }
            )
        )
        for query in job.get("queries") or []:
            outcome = (
                f"{query['records_processed_count']} records"
                if query["status"] == "succeeded"
                else query["error_message"] or ""
            )
            print(
                f"      query {query['query_id']}: [{query['window_start']}, {query['window_end']}) "
                f"{query['status']}: {outcome}"
            )
        for file in job.get("files") or []:
            print(
                f"      file {file['path']}: {file['status']}, {file['rows']} rows",
                file["error_message"] or "",
            )
    print("   requests by operation: " + json.dumps(stats["requests"]["by_operation"], sort_keys=True))
    print("   mutations committed:   " + json.dumps(stats["mutations_committed"], sort_keys=True))
    failed = [r for r in reports if not r.succeeded]
    print(
        f"\n== {len(reports) - len(failed)} of {len(reports)} example DAGs succeeded "
        f"in {time.monotonic() - started:.1f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
