"""The package is cheap to import: no pyarrow, boto3 or Airflow until a file is actually parsed."""

from __future__ import annotations

import json
import subprocess
import sys


def test_import_loads_no_heavy_modules() -> None:
    script = (
        "import json, sys; before = set(sys.modules); import airflow_provider_arize.files; "
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    added = json.loads(out)
    heavy = [m for m in added if m.split(".")[0] in ("pyarrow", "boto3", "botocore", "airflow", "numpy")]
    assert heavy == []
