"""The provider's pages in Airflow's own UI, in a real browser: ``scripts/browser_check.py`` (``make
browser-check``) run as a subprocess against its own live Airflow, emulator and local Snowflake.

It drives Debian's ``chromium`` headless through the Add Connection form of the ``arize`` type and the
Details tab of the Snowflake example's finished ``ensure_job`` task; here its result and screenshots are
checked again. Needs ``chromium`` on PATH (``make browser-deps``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from airflow_provider_arize.get_provider_info import conn_fields, ui_field_behaviour

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "browser_check.py"
JOB_URL = re.compile(r"http://127\.0\.0\.1:\d+/spaces/[A-Za-z0-9=]+/import-jobs\?type=table&jobId=\d+")


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.timeout(420)
def test_connection_form_and_job_link_in_a_real_browser(tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.fail("no `chromium` on PATH: run `make browser-deps` (make test does)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    result = json.loads((tmp_path / "result.json").read_text())

    form = result["connection_form"]
    relabeled = ui_field_behaviour()["relabeling"]
    assert {relabeled["host"], relabeled["password"]} <= set(form["standard_labels"])
    assert not {"Login", "Port", "Schema"} & set(form["standard_labels"])
    assert [f["label"] for f in conn_fields().values()] == form["extra_labels"]

    link = result["job_link"]
    assert JOB_URL.fullmatch(link["expected"]), link
    assert link["href"] == link["opened"] == link["expected"]

    for name in [*form["screenshots"], link["screenshot"]]:
        width, height = _png_size(tmp_path / name)
        assert width >= 800 and height >= 600, (name, width, height)
    assert not (tmp_path / "failure.png").exists()
