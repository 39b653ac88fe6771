"""DAG-parse hygiene: importing the operators and example DAGs loads no client, SDK or data library and
sends nothing (checked in a fresh interpreter, so other tests' imports cannot hide a regression)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = (
    "httpx",
    "pyarrow",
    "boto3",
    "botocore",
    "aiobotocore",
    "snowflake",
    "google.cloud",
    "databricks",
    "graphql",
    "ariadne",
    "uvicorn",
    "airflow_provider_arize.api.transport",
    "airflow_provider_arize.api.client",
    "airflow_provider_arize.emulator",
)

SCRIPT = """
import importlib, importlib.util, json, sys, socket
import airflow.sdk
before = set(sys.modules)
def no_network(*a, **k):
    raise AssertionError("network access at DAG-parse time")
socket.socket.connect = no_network
for mod in sys.argv[2:]:
    importlib.import_module(mod)
for i, path in enumerate(sorted(__import__("pathlib").Path(sys.argv[1]).glob("example_*.py"))):
    spec = importlib.util.spec_from_file_location(f"example_{i}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_parse_loads_no_heavy_or_network_modules() -> None:
    from airflow_provider_arize.get_provider_info import get_provider_info

    info = get_provider_info()
    # every module get_provider_info names: operators, sensors, hooks, triggers, extra links' modules
    modules = [
        m
        for group in ("operators", "sensors", "hooks", "triggers")
        for e in info[group]
        for m in e["python-modules"]
    ]
    modules += [link.rsplit(".", 1)[0] for link in info["extra-links"]]
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT / "example_dags"), *modules],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    added = json.loads(out.strip().splitlines()[-1])
    offending = [m for m in added if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert offending == []
