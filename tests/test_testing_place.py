"""What users import to test their own DAGs lives in one place, ``airflow_provider_arize.testing``."""

from __future__ import annotations

import subprocess
import sys

import airflow_provider_arize.testing as testing


def test_every_name_of_the_testing_place_resolves() -> None:
    for name in testing.__all__:
        assert getattr(testing, name).__name__ == name


def test_importing_it_starts_and_loads_nothing_heavy() -> None:
    code = (
        "import sys, airflow_provider_arize.testing, airflow_provider_arize.testing.pytest_plugin\n"
        "print(sorted(m for m in ('moto', 'fakesnow', 'uvicorn', 'ariadne', 'duckdb', 'airflow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
