"""The demo's OpenLineage: Airflow writes every event to files (the OpenLineage provider's file transport),
the demo prints which datasets each task read and wrote, and checks three of them (``docs/lineage.md``):

* a table job: ``example_arize_bigquery_job_setup.create_job`` reads the BigQuery table, writes the
  ``click-through-rate`` model;
* an event-based window: ``example_arize_snowflake_event_load.trigger_window`` (both hours, resumed after
  its deferral) reads the Snowflake table, writes the ``churn-hourly`` model;
* a file job: ``example_arize_s3_daily_files.predictions.ensure_job`` reads the S3 prefix, writes the
  ``click-through-rate`` model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Where the events go, below the demo's home: one file per event (no two task processes write one file).
EVENTS = Path("openlineage") / "event"


def openlineage_env(home: Path) -> dict[str, str]:
    """The environment that turns the OpenLineage provider on, writing each event to a file in ``home``."""
    path = home / EVENTS
    path.parent.mkdir(parents=True, exist_ok=True)
    transport = {"type": "file", "log_file_path": str(path), "append": False}
    return {
        "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(transport),
        "AIRFLOW__OPENLINEAGE__NAMESPACE": "arize-demo",
        "AIRFLOW__OPENLINEAGE__DISABLED": "False",
        "OPENLINEAGE_DISABLED": "false",
    }


def expected(space_id: str, snowflake_account: str) -> dict[str, tuple[tuple[str, str], tuple[str, str]]]:
    """``{OpenLineage job name: (input, output)}`` of the three checked tasks, spelled out."""
    from airflow_provider_arize.assets import model_dataset
    from airflow_provider_arize.local_services.example_tables import BIGQUERY_PROJECT

    return {
        "example_arize_bigquery_job_setup.create_job": (
            ("bigquery", f"{BIGQUERY_PROJECT}.ml_inferences.ctr_predictions"),
            model_dataset(space_id, "click-through-rate"),
        ),
        "example_arize_snowflake_event_load.trigger_window": (
            (f"snowflake://{snowflake_account.lower()}", "ANALYTICS.ML.CHURN_PREDICTIONS"),
            model_dataset(space_id, "churn-hourly"),
        ),
        "example_arize_s3_daily_files.predictions.ensure_job": (
            ("s3://ml-inferences", "click-thru-rate/production/prediction/"),
            model_dataset(space_id, "click-through-rate"),
        ),
    }


def _complete_events(home: Path) -> list[dict[str, Any]]:
    events = []
    for path in sorted((home / EVENTS).parent.glob(f"{EVENTS.name}-*.json")):
        event = json.loads(path.read_text())
        if event.get("eventType") == "COMPLETE":
            events.append(event)
    return events


def _names(datasets: list[dict[str, Any]] | None) -> list[tuple[str, str]]:
    return [(d["namespace"], d["name"]) for d in datasets or []]


def check_lineage(home: Path, space_id: str, snowflake_account: str) -> list[str]:
    """Print each task's datasets (one line per distinct job, inputs and outputs); return a problem for
    each checked task with no COMPLETE event, or with one that lacks its input or output."""
    events = _complete_events(home)
    seen: dict[str, list[tuple[list[tuple[str, str]], list[tuple[str, str]]]]] = {}
    for event in events:
        seen.setdefault(event["job"]["name"], []).append((_names(event["inputs"]), _names(event["outputs"])))
    print(f"\n== OpenLineage: {len(events)} COMPLETE events in {home / EVENTS.parent}; datasets per task")
    for job, flows in sorted(seen.items()):
        for inputs, outputs in sorted({(tuple(i), tuple(o)) for i, o in flows}):
            if inputs or outputs:
                shown = [", ".join(f"{ns}/{name}" for ns, name in side) or "-" for side in (inputs, outputs)]
                print(f"   {job}: {shown[0]} -> {shown[1]}")
    problems = []
    for job, (source, target) in expected(space_id, snowflake_account).items():
        flows = seen.get(job, [])
        wrong = [f for f in flows if source not in f[0] or target not in f[1]]
        if not flows or wrong:
            problems.append(
                f"OpenLineage {job}: {len(flows)} COMPLETE events, {len(wrong)} without {source} -> {target}"
            )
    return problems
