"""``make demo``: a real local Airflow running every example DAG against the local Arize emulator, S3 and
Snowflake; prints what each task and what Arize did.

* Airflow: ``airflow standalone`` (API server, scheduler, dag-processor, triggerer; LocalExecutor,
  deferrable by default) in ``.demo/airflow``. The scheduled DAGs are unpaused and run their latest
  interval; the two hourly Snowflake loads also get a hand-triggered run of an earlier hour; the
  asset-scheduled DAG runs on the asset load's events (one run or two: each window triggered once), and
  the model monitor on the events of the ``churn-hourly`` model asset (each hour Arize ingested checked
  once, or the demo fails); the others are triggered by hand, as a person would from the UI.
* Arize: the emulator as a subprocess (SQLite state under ``.demo/emulator``), which really queries the
  warehouses and polls S3.
* Snowflake: fakesnow served over TLS on 127.0.0.1 (the stock ``SnowflakeHook`` connects unchanged).
* BigQuery and Databricks: the examples' tables in a DuckDB file that the emulator reads in their place
  (:mod:`airflow_provider_arize.local_services.example_tables`); nothing is sent to Google or Databricks.
* S3: moto's server on 127.0.0.1, with a bucket tagged and granted as Arize's setup page says, and a
  day of sample predictions and actuals (Parquet) in it; the emulator polls it every second.

Each run starts from a fresh emulator and Airflow home. Exits non-zero if any run, any Arize query or any
file failed. ``--keep`` (``make demo KEEP=1``) leaves everything up afterwards, at a printed URL, until
Ctrl-C.

The Arize key, the Databricks token and the Snowflake password are recognisable strings
(:data:`DEMO_SECRETS`), so that anyone can grep the output, the logs and the metadata DB for them:
``tests/e2e/test_demo_secrets.py`` does exactly that after a full run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
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
#: DAGs the schedule runs once unpaused (the hourly ones also by hand); the others are triggered by hand,
#: but the asset-scheduled ones, which the asset load's events and the model asset's events trigger.
HOURLY = ("example_arize_snowflake_asset_load", "example_arize_snowflake_event_load")
SCHEDULED = ("example_arize_s3_daily_files", *HOURLY)
ASSET_INGEST = "example_arize_snowflake_asset_ingest"
#: Scheduled on the model asset that the event load's trigger_window updates after each ingested hour.
MODEL_MONITOR = "example_arize_model_monitor"
ASSET_SCHEDULED = (ASSET_INGEST, MODEL_MONITOR)
PROVIDER_LOGGERS = ("airflow_provider_arize", "airflow.task.operators.airflow_provider_arize")


def _stage_inference_files(s3: Any, ingestion_key: str) -> dict[str, str]:
    """What the upstream system and the platform team would have done: a tagged, granted bucket with
    yesterday's predictions and the actuals of the day before."""
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
    print(f"== s3://{bucket}: predictions of {yesterday}, actuals of {earlier}", flush=True)
    return {"AIRFLOW_VAR_ARIZE_INFERENCE_BUCKET": bucket, "AIRFLOW_VAR_ARIZE_INGESTION_KEY": ingestion_key}


def _start_runs(airflow: Any) -> list[tuple[str, str]]:
    """Unpause every example DAG; trigger the unscheduled ones by hand (no logical date, as from the UI)
    and each hourly load for an earlier hour too (a person catching up on one; the logical date must
    differ from the scheduled run's, the hour before the latest). The asset-scheduled DAG is left to the
    load's asset events."""
    dag_ids = sorted(p.stem for p in DAGS.glob("example_*.py"))
    # taken before anything is unpaused: the scheduled runs' hours are then always later than this one
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    runs = []
    for dag_id in dag_ids:
        airflow.unpause(dag_id)
        if dag_id not in SCHEDULED and dag_id not in ASSET_SCHEDULED:
            runs.append((dag_id, airflow.trigger(dag_id)))
    for dag_id in HOURLY:
        runs.append((dag_id, airflow.trigger(dag_id, logical_date=hour)))  # loads [hour - 1 h, hour)
    for dag_id in SCHEDULED:
        runs.append((dag_id, airflow.wait_scheduled_run(dag_id)["dag_run_id"]))
    return runs


def _asset_runs(
    airflow: Any, dag_id: str, quiet: float = 15.0, timeout: float = 300.0
) -> list[tuple[str, str]]:
    """An asset-scheduled DAG's runs, once there is one, all have finished and none has been added for
    ``quiet`` seconds (the events it is scheduled on are all consumed)."""
    deadline, settled, seen = time.monotonic() + timeout, time.monotonic(), -1
    while time.monotonic() < deadline:
        runs = airflow.runs(dag_id)
        if len(runs) != seen or not all(r["state"] in ("success", "failed") for r in runs):
            seen, settled = len(runs), time.monotonic()
        elif runs and time.monotonic() - settled >= quiet:
            break
        time.sleep(1.0)
    return [(dag_id, r["dag_run_id"]) for r in airflow.runs(dag_id)]


def _check_model_monitor(airflow: Any, emulator: Any, runs: list[tuple[str, str]]) -> list[str]:
    """Print the windows the monitor checked; return a problem unless every hour Arize ingested for the
    event load's model was checked exactly once (the model asset's events drive the monitor)."""
    checked = []
    for dag_id, run_id in runs:
        for ti in airflow.task_instances(dag_id, run_id):
            if ti["task_id"] == "check_window" and ti["state"] == "success":
                path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/check_window/xcomEntries/return_value"
                value = airflow.api("GET", path, map_index=ti["map_index"], deserialize=True)["value"]
                checked.append((value["window_start"], value["window_end"]))
    ingested = sorted(
        (q["window_start"], q["window_end"])
        for job in emulator.admin.jobs()
        if job.get("model_name") == "churn-hourly"
        for q in job.get("queries") or []
        if q["status"] == "succeeded"
    )
    print(f"\n== {MODEL_MONITOR}: {len(runs)} runs checked {len(checked)} windows: {sorted(checked)}")
    if sorted(checked) != ingested:
        return [f"{MODEL_MONITOR} checked {sorted(checked)}, Arize ingested {ingested} for churn-hourly"]
    return []


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _provider_lines(airflow: Any, dag_id: str, run_id: str, ti: dict[str, Any]) -> list[str]:
    """What the provider logged in a task's last try, without Airflow's own chatter."""
    records = airflow.task_log_records(
        dag_id, run_id, ti["task_id"], max(ti["try_number"], 1), ti.get("map_index", -1)
    )
    return [
        f"{r.get('level', '')}: {r.get('event', '')}"
        for r in records
        if isinstance(r, dict) and str(r.get("logger", "")).startswith(PROVIDER_LOGGERS)
    ]


def _report_runs(airflow: Any, runs: list[tuple[str, str]]) -> list[str]:
    """Print each run's tasks and what the provider logged; return the runs that failed."""
    failed = []
    for dag_id, run_id in runs:
        run = airflow.wait_run(dag_id, run_id, timeout=600)
        seconds = (_when(run["end_date"]) - _when(run["start_date"] or run["end_date"])).total_seconds()
        print(f"\n== {dag_id} {run['run_type']} run {run_id}: {run['state']} ({seconds:.1f} s)", flush=True)
        if run["state"] != "success":
            failed.append(f"{dag_id} {run_id}")
        tis = sorted(airflow.task_instances(dag_id, run_id), key=lambda t: t["start_date"] or "")
        for ti in tis:
            mapped = f"[{ti['map_index']}]" if ti.get("map_index", -1) >= 0 else ""
            print(f"   {ti['task_id']}{mapped}: {ti['state']} (try {ti['try_number']})")
            for line in _provider_lines(airflow, dag_id, run_id, ti):
                print(f"      | {line}")
    return failed


def _report_arize(emulator: Any) -> list[str]:
    """Print what the emulator saw; return every query or file that did not succeed."""
    bad = []
    print("\n== what Arize (the emulator) saw")
    for job in emulator.admin.jobs():
        keys = ("kind", "job_id", "model_name", "job_status", "table", "location")
        print("   " + json.dumps({k: job.get(k) for k in keys if job.get(k)}))
        for query in job.get("queries") or []:
            ok = query["status"] == "succeeded"
            outcome = f"{query['records_processed_count']} records" if ok else query["error_message"] or ""
            print(
                f"      query {query['query_id']}: [{query['window_start']}, {query['window_end']}) "
                f"{query['status']}: {outcome}"
            )
            if query["status"] == "failed":
                bad.append(f"query {query['query_id']} of job {job['job_id']}")
        for file in job.get("files") or []:
            print(
                f"      file {file['path']}: {file['status']}, {file['rows']} rows",
                file["error_message"] or "",
            )
            if file["status"] == "failed":
                bad.append(f"file {file['path']}")
    stats = emulator.admin.stats()
    print("   requests by operation: " + json.dumps(stats["requests"]["by_operation"], sort_keys=True))
    print("   mutations committed:   " + json.dumps(stats["mutations_committed"], sort_keys=True))
    return bad


def _settle(emulator: Any, timeout: float = 60.0) -> None:
    """Give the emulator's workers time to finish the queries and files the runs started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = emulator.admin.jobs()
        pending = [
            item
            for job in jobs
            for item in [*(job.get("queries") or []), *(job.get("files") or [])]
            if item["status"] not in ("succeeded", "failed")
        ]
        if not pending:
            return
        time.sleep(1.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=DEMO, help="where the demo keeps its state (.demo)")
    parser.add_argument("--keep", action="store_true", help="leave Airflow and Arize up until Ctrl-C")
    args = parser.parse_args(argv)
    home: Path = args.home.resolve()
    # a `kill` (SIGTERM) unwinds like Ctrl-C: Airflow, the emulator and the local services are stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from demo_lineage import check_lineage, openlineage_env

    from airflow_provider_arize.dag_testing import arize_connection_uri_env, warehouse_connections_env
    from airflow_provider_arize.emulator.testing import EmulatorProcess
    from airflow_provider_arize.local_services import FakeS3Server, FakeSnowflakeServer
    from airflow_provider_arize.local_services.airflow import LiveAirflow
    from airflow_provider_arize.local_services.example_tables import write_example_tables

    started = time.monotonic()
    for part in ("emulator", "airflow", "warehouse"):
        shutil.rmtree(home / part, ignore_errors=True)
        (home / part).mkdir(parents=True)
    with contextlib.ExitStack() as stack:
        s3 = stack.enter_context(FakeS3Server())
        print(f"== local S3 (moto) at {s3.endpoint_url}", flush=True)
        snowflake = stack.enter_context(FakeSnowflakeServer(password=DEMO_SNOWFLAKE_PASSWORD))
        stack.enter_context(snowflake.trusted())  # this process, the emulator and Airflow trust it
        print(
            f"== local Snowflake (fakesnow over TLS) at https://{snowflake.host}:{snowflake.port}", flush=True
        )
        stand_ins = write_example_tables(home / "warehouse" / "bigquery-databricks.duckdb")
        print(f"== BigQuery and Databricks tables (DuckDB) in {home / 'warehouse'}", flush=True)
        emulator = stack.enter_context(
            EmulatorProcess(
                db_path=home / "emulator" / "arize.sqlite3",
                api_key=DEMO_API_KEY,
                warehouses={"snowflake": {snowflake.account: snowflake.emulator_warehouse()}, **stand_ins},
                s3=s3.emulator_s3(),
                extra_args=["--file-poll-interval", "1"],
            )
        )
        print(f"== Arize emulator at {emulator.graphql_url} (space {emulator.space_id})", flush=True)
        env = {
            **arize_connection_uri_env(
                "arize_default", url=emulator.url, api_key=DEMO_API_KEY, space_id=emulator.space_id
            ),
            **snowflake.airflow_connection("snowflake_default", database="ANALYTICS", schema="ML"),
            **warehouse_connections_env(DEMO_DATABRICKS_TOKEN),
            **s3.airflow_connection("aws_default"),
            **openlineage_env(home),  # every task's lineage, to files
            **_stage_inference_files(s3, emulator.admin.ingestion_key(emulator.space_id)),
            "ARIZE_SPACE_ID": emulator.space_id,  # names the model asset of the event load and monitor
        }
        print(f"== starting Airflow (airflow standalone) in {home / 'airflow'}", flush=True)
        airflow = stack.enter_context(LiveAirflow(home / "airflow", DAGS, env))
        print(f"== Airflow at {airflow.url} (no login: every user is an admin; 127.0.0.1 only)", flush=True)
        failed = _report_runs(airflow, _start_runs(airflow))
        failed += _report_runs(airflow, _asset_runs(airflow, ASSET_INGEST))
        monitor_runs = _asset_runs(airflow, MODEL_MONITOR)
        failed += _report_runs(airflow, monitor_runs)
        failed += _check_model_monitor(airflow, emulator, monitor_runs)
        _settle(emulator)
        failed += _report_arize(emulator)
        failed += check_lineage(home, emulator.space_id, snowflake.account)
        print(
            f"\n== {'FAILED: ' + ', '.join(failed) if failed else 'every run, query and file succeeded'} "
            f"in {time.monotonic() - started:.1f} s"
        )
        if args.keep:
            print(f"== Airflow stays up at {airflow.url} (no login needed); Arize at {emulator.graphql_url}")
            print("== Ctrl-C to stop", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
