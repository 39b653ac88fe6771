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

.PHONY: setup demo test lint typecheck pytest floor-test live-test bench emulator clean browser-deps browser-check

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

# Debian's Chromium, which the browser check drives through playwright (never `playwright install`: it
# downloads a browser build). apt-get runs only when `chromium` is missing.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  command -v apt-get >/dev/null 2>&1 || { echo "browser-deps: no chromium and no apt-get: install Chromium so that \`chromium\` is on PATH" >&2; exit 1; }; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	  else echo "browser-deps: no chromium, and installing it needs root: run \`apt-get install -y chromium\` as root" >&2; exit 1; fi; \
	  echo "browser-deps: installing Debian's chromium (apt-get)"; \
	  mkdir -p $(TOOLS); \
	  { $$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y chromium; } >$(TOOLS)/apt-chromium.log 2>&1 \
	    || { tail -20 $(TOOLS)/apt-chromium.log >&2; echo "browser-deps: apt-get could not install chromium (log: $(TOOLS)/apt-chromium.log)" >&2; exit 1; }; \
	  command -v chromium >/dev/null 2>&1 || { echo "browser-deps: apt-get installed chromium but \`chromium\` is not on PATH" >&2; exit 1; }; \
	}

# The provider's connection form and job link in Airflow's UI, in headless Chromium: screenshots and
# result.json in $(BROWSER_CHECK_OUTPUT) (docs/browser-check.md).
BROWSER_CHECK_OUTPUT ?= .browser-check
browser-check: setup browser-deps
	$(PY) scripts/browser_check.py --output $(BROWSER_CHECK_OUTPUT)

# The end-to-end DAG tests and the provider metadata again, on the floor Airflow.
floor-test: $(FLOOR_VENV)/.synced
	$(FLOOR_VENV)/bin/pytest -n 3 tests/e2e/test_example_dags.py tests/test_provider_info.py

# One after the other: run side by side on two cores, timing-sensitive tests starve.
# browser-deps first: tests/live/test_browser.py drives chromium (apt-get installs it where it is missing).
test: browser-deps lint typecheck pytest floor-test

# Every benchmark (benchmarks/bench_*.py), each in a fresh interpreter; rewrites benchmarks/RESULTS.md.
# BENCH_SIZES=10,100 skips the 1 GB Parquet file.
BENCH_SIZES ?= 10,100,1000
bench: setup
	$(PY) benchmarks/run_all.py --sizes $(BENCH_SIZES)

# Run the emulator in the foreground (Ctrl-C to stop).
emulator: setup
	$(PY) -m airflow_provider_arize.emulator

clean:
	rm -rf $(VENV) $(FLOOR_VENV) $(TOOLS) .demo .browser-check .pytest_cache .mypy_cache .ruff_cache
