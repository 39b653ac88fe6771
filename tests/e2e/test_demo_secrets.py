"""A full ``make demo`` run with recognisable secrets leaves them nowhere a user or an operator can read.

``scripts/demo.py`` runs every example DAG on a live local Airflow (scheduler, triggerer, API server;
deferrable by default, so triggers and their serialized kwargs exist too) against the local emulator, S3
and Snowflake, with a recognisable Arize API key, Databricks token and Snowflake password
(``demo.DEMO_SECRETS``). Here it runs in a subprocess, in a private home. Then everything it left is
scanned: its output, every text file it wrote (every task's log, Airflow's own logs), and every row of
every table of the Airflow metadata DB (XCom, rendered template fields, task instances with their
deferral kwargs, triggers, DAG runs, serialized DAGs...). None of the secrets may appear anywhere.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_SCRIPT = ROOT / "scripts" / "demo.py"


def _demo_secrets() -> tuple[str, ...]:
    sys.path.insert(0, str(DEMO_SCRIPT.parent))
    try:
        import demo

        return tuple(demo.DEMO_SECRETS)
    finally:
        sys.path.remove(str(DEMO_SCRIPT.parent))


def _metadata_db_text(db: Path) -> dict[str, str]:
    """Every table of the SQLite metadata DB as one string of its rows (bytes decoded leniently)."""
    tables: dict[str, str] = {}
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for name in names:
            rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
            cells = (
                c.decode("utf-8", "replace") if isinstance(c, bytes) else str(c) for row in rows for c in row
            )
            tables[name] = " ".join(cells)
    return tables


@pytest.mark.timeout(600)
def test_full_demo_run_leaks_no_secret(tmp_path: Path) -> None:
    secrets = _demo_secrets()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    done = subprocess.run(
        [sys.executable, str(DEMO_SCRIPT), "--home", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "every run, query and file succeeded" in output
    runs = re.findall(r"^== (example_\w+) (\w+) run \S+: (\w+) \([\d.]+ s\)$", output, re.MULTILINE)
    assert {state for _, _, state in runs} == {"success"}
    assert {dag for dag, _, _ in runs} == {p.stem for p in (ROOT / "example_dags").glob("example_*.py")}
    kinds = [kind for _, kind, _ in runs]  # hourly loads scheduled and by hand, the asset DAG by events
    assert kinds.count("scheduled") == 3 and kinds.count("manual") == 5 and "asset_triggered" in kinds
    # the event load's hours (scheduled, by hand; a third if the clock passed an hour meanwhile) updated the
    # model asset; the monitor checked each once (the demo fails if what it checked differs from Arize's)
    checked = re.search(
        r"^== example_arize_model_monitor: \d+ runs checked (\d+) windows", output, re.MULTILINE
    )
    assert checked and int(checked.group(1)) >= 2
    # OpenLineage events (file transport) name the table job's, the event window's and the file job's
    # datasets (the demo fails otherwise); the event window resumed after its deferral
    assert re.search(r"^== OpenLineage: \d+ COMPLETE events", output, re.MULTILINE)
    assert re.search(
        r"^   example_arize_snowflake_event_load\.trigger_window: snowflake://\S+/ANALYTICS\.ML\.CHURN_PREDICTIONS "
        r"-> arize://\S+/churn-hourly$",
        output,
        re.MULTILINE,
    )

    places: dict[str, str] = {"demo output": output}
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file() and path.suffix not in {".db", ".sqlite3", ".sqlite3-wal", ".sqlite3-shm"}:
            places[str(path.relative_to(tmp_path))] = path.read_text(errors="replace")
    tables = _metadata_db_text(tmp_path / "airflow" / "airflow.db")
    places.update({f"metadata DB table {name}": text for name, text in tables.items()})

    # the scan reads what matters: task logs with deferrals, XCom with job ids, rendered fields
    logs = " ".join(text for where, text in places.items() if where.startswith("airflow/logs/"))
    assert "Deferring: waiting in the triggerer" in logs
    assert "VGFibGVJbXBvcnRKb2I6" in tables["xcom"]  # a TableImportJob global id
    assert "CHURN_PREDICTIONS" in tables["rendered_task_instance_fields"]
    leaks = sorted(
        {(secret, where) for secret in secrets for where, text in places.items() if secret in text}
    )
    assert leaks == []
