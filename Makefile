# Two commands for a fresh machine: `make demo` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(VENV)

FLOOR_VENV := .venv-floor

.PHONY: setup demo test lint typecheck pytest floor-test live-test bench emulator clean

# uv itself, pinned, in a private virtualenv (nothing installed system-wide).
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The project environment, exactly as locked in uv.lock (all extras + dev group).
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-extras --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced

# The oldest Airflow the provider declares (floor/pyproject.toml, locked in floor/uv.lock).
$(FLOOR_VENV)/.synced: $(UV) floor/uv.lock floor/pyproject.toml pyproject.toml
	cd floor && UV_PROJECT_ENVIRONMENT=../$(FLOOR_VENV) ../$(UV) sync --frozen --python $(PYTHON)
	@touch $@

# A local Airflow, the Arize emulator, S3 and Snowflake; every example DAG run through the scheduler; what
# each task and Arize did. KEEP=1 leaves it all up (URL printed) until Ctrl-C.
demo: setup
	$(PY) scripts/demo.py $(if $(KEEP),--keep)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

# Three workers on two cores (most tests wait on local servers), one test file per worker at a time.
# Includes the live-Airflow tests (tests/live: airflow standalone, about 2 min on one worker).
pytest: setup
	$(VENV)/bin/pytest -n 3 --dist loadfile

# The live-Airflow tests alone.
live-test: setup
	$(VENV)/bin/pytest tests/live

# The end-to-end DAG tests and the provider metadata again, on the floor Airflow.
floor-test: $(FLOOR_VENV)/.synced
	$(FLOOR_VENV)/bin/pytest -n 3 tests/e2e/test_example_dags.py tests/test_provider_info.py

# One after the other: run side by side on two cores, timing-sensitive tests starve.
test: lint typecheck pytest floor-test

# Every benchmark (benchmarks/bench_*.py), each in a fresh interpreter; rewrites benchmarks/RESULTS.md.
# BENCH_SIZES=10,100 skips the 1 GB Parquet file.
BENCH_SIZES ?= 10,100,1000
bench: setup
	$(PY) benchmarks/run_all.py --sizes $(BENCH_SIZES)

# Run the emulator in the foreground (Ctrl-C to stop).
emulator: setup
	$(PY) -m airflow_provider_arize.emulator

clean:
	rm -rf $(VENV) $(FLOOR_VENV) $(TOOLS) .demo .pytest_cache .mypy_cache .ruff_cache
