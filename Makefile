# Two commands for a fresh machine: `make demo` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup demo test lint typecheck pytest bench emulator clean

# uv itself, pinned, in a private virtualenv (nothing installed system-wide).
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The project environment, exactly as locked in uv.lock (all extras + dev group).
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-extras --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced

# Start the local Arize emulator, run every example DAG against it, print what happened.
demo: setup
	$(PY) scripts/demo.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

# Three workers on two cores: most tests wait on local servers. A live-Airflow module runs on one worker.
pytest: setup
	$(VENV)/bin/pytest -n 3 --dist loadgroup

test: lint typecheck pytest

# Every benchmark (benchmarks/bench_*.py), each in a fresh interpreter; rewrites benchmarks/RESULTS.md.
# BENCH_SIZES=10,100 skips the 1 GB Parquet file.
BENCH_SIZES ?= 10,100,1000
bench: setup
	$(PY) benchmarks/run_all.py --sizes $(BENCH_SIZES)

# Run the emulator in the foreground (Ctrl-C to stop).
emulator: setup
	$(PY) -m airflow_provider_arize.emulator

clean:
	rm -rf $(VENV) $(TOOLS) .demo .pytest_cache .mypy_cache .ruff_cache
