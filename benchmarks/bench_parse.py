"""DAG-parse cost of the provider: the time importing its operator and sensor modules adds to a DAG file.

What is measured: in a fresh interpreter per sample (a subprocess), ``import airflow.sdk`` first (every
DAG file pays that anyway), then ``time.perf_counter()`` around importing every module listed under
``operators`` and ``sensors`` by ``get_provider_info()``. Only that added time counts, not the
interpreter's start-up nor Airflow's. The same is done, interleaved sample by sample so both see the
same machine noise, for the dbt Cloud provider's operators module (``airflow.providers.dbt.cloud.
operators.dbt``), a stock provider of similar scope. Reported: the median of ``--samples`` samples of
each, their ratio, and which heavy libraries each import pulls in. Target: at most 20 ms added for this
provider.

Two byte-code settings, each measured for both sides:

* **byte-code cached** (the target's figure): as in any installed deployment (``pip install`` compiles
  ``.pyc`` files, and a DAG processor re-parses with them). The samples run with
  ``PYTHONPYCACHEPREFIX`` pointing at a private temporary folder (so the work tree gets no
  ``__pycache__``) and one discarded warm-up sample fills it.
* **compiled from source**: ``PYTHONDONTWRITEBYTECODE=1`` and an empty cache folder, so every sample
  compiles every module it imports (an editable install in an environment that forbids ``.pyc`` files).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import base_parser, command_line, emit, fmt_ms, median, table

TARGET_S = 0.020
DBT_MODULES = ["airflow.providers.dbt.cloud.operators.dbt"]
#: Libraries a DAG file must not pay for at parse time.
HEAVY = (
    "pyarrow",
    "boto3",
    "botocore",
    "aiobotocore",
    "httpx",
    "snowflake",
    "google.cloud",
    "databricks",
)

SAMPLE = """
import json, sys, time, importlib
import airflow.sdk
before = set(sys.modules)
t0 = time.perf_counter()
for name in sys.argv[1:]:
    importlib.import_module(name)
elapsed = time.perf_counter() - t0
print(json.dumps({"seconds": elapsed, "added": sorted(set(sys.modules) - before)}))
"""


def arize_modules() -> list[str]:
    """Every operator and sensor module the provider registers."""
    from airflow_provider_arize.get_provider_info import get_provider_info

    info = get_provider_info()
    return [m for group in ("operators", "sensors") for e in info[group] for m in e["python-modules"]]


def bytecode_env(cache_dir: Path, *, cached: bool) -> dict[str, str]:
    """The environment of a sample: byte-code kept in ``cache_dir`` (``cached``) or never written."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache_dir)
    if not cached:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def sample(modules: list[str], env: dict[str, str]) -> dict[str, Any]:
    """One fresh interpreter: the seconds importing ``modules`` took after ``airflow.sdk``, and the
    modules it added."""
    out = subprocess.run(
        [sys.executable, "-c", SAMPLE, *modules], capture_output=True, text=True, check=True, env=env
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def heavy(added: list[str]) -> list[str]:
    """The heavy top-level libraries among ``added`` module names."""
    found = {h for h in HEAVY for m in added if m == h or m.startswith(h + ".")}
    return sorted(found)


def third_party(added: list[str]) -> list[str]:
    """The top-level packages among ``added`` that are neither Airflow, the standard library nor private."""
    tops = {m.split(".")[0] for m in added}
    return sorted(
        t
        for t in tops
        if t != "airflow"
        and not t.startswith("_")
        and not t.endswith("__mypyc")  # a compiled dependency's helper module, not a package
        and t not in sys.stdlib_module_names
    )


MODES = {"byte-code cached": True, "compiled from source": False}


def measure(
    subjects: dict[str, list[str]], samples: int, cache_dir: Path, *, cached: bool
) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
    """``samples`` interleaved samples of each subject; the times and the modules each added."""
    env = bytecode_env(cache_dir, cached=cached)
    times: dict[str, list[float]] = {name: [] for name in subjects}
    added: dict[str, list[str]] = {}
    if cached:
        for modules in subjects.values():
            sample(modules, env)  # warm-up: fills the byte-code cache
    for i in range(samples):
        for name, modules in subjects.items():
            result = sample(modules, env)
            times[name].append(result["seconds"])
            added[name] = result["added"]
        print(f"{'cached' if cached else 'source'} sample {i + 1}/{samples}", file=sys.stderr, flush=True)
    return times, added


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--samples", type=int, default=15, help="samples per side (default 15)")
    args = parser.parse_args()

    subjects = {
        "airflow_provider_arize (operators + sensors)": arize_modules(),
        "dbt Cloud operators": DBT_MODULES,
    }
    arize_name, dbt_name = subjects
    rows = []
    medians: dict[str, dict[str, float]] = {}
    added: dict[str, list[str]] = {}
    for mode, cached in MODES.items():
        with tempfile.TemporaryDirectory(prefix="arize-bench-pycache-") as cache_dir:
            times, added = measure(subjects, args.samples, Path(cache_dir), cached=cached)
        medians[mode] = {name: median(ts) for name, ts in times.items()}
        for name in subjects:
            ts = sorted(times[name])
            rows.append(
                [
                    name,
                    mode,
                    fmt_ms(median(ts)),
                    f"{fmt_ms(ts[0])} - {fmt_ms(ts[-1])}",
                    len(added[name]),
                    ", ".join(heavy(added[name])) or "none",
                ]
            )
    ratios = [
        f"{mode}: **{m[arize_name] / m[dbt_name]:.2f}** ({fmt_ms(m[arize_name])} vs {fmt_ms(m[dbt_name])})"
        for mode, m in medians.items()
    ]
    headline = medians["byte-code cached"][arize_name]
    verdict = "meets" if headline <= TARGET_S else "MISSES"
    md = "\n\n".join(
        [
            "## DAG-parse cost (`bench_parse.py`)",
            f"Command: `{command_line('bench_parse.py', [f'--samples {args.samples}'])}`",
            "Time added by importing the modules after `import airflow.sdk`, in a fresh interpreter per "
            f"sample; median of {args.samples} samples per side, interleaved. *byte-code cached*: as an "
            "installed package runs (`.pyc` files present, in a private `PYTHONPYCACHEPREFIX` filled by a "
            "warm-up sample); *compiled from source*: `PYTHONDONTWRITEBYTECODE=1` and no cache, so each "
            "sample compiles every module it imports.",
            table(
                ["imported", "byte code", "median", "min - max", "modules added", "heavy libraries imported"],
                rows,
            ),
            "Ratio arize / dbt Cloud, " + "; ".join(ratios) + ".",
            f"Target ≤ {fmt_ms(TARGET_S)} added (byte-code cached, as installed): {verdict} "
            f"({fmt_ms(headline)}).",
            "Modules imported for the provider: " + ", ".join(f"`{m}`" for m in subjects[arize_name]) + ".",
            "Modules the provider's import adds (after `airflow.sdk`): "
            + ", ".join(f"`{m}`" for m in added[arize_name])
            + ".",
            "Third-party packages the dbt Cloud import adds: "
            + ", ".join(f"`{m}`" for m in third_party(added[dbt_name]))
            + ".",
            "Heavy libraries checked: " + ", ".join(f"`{h}`" for h in HEAVY) + ".",
        ]
    )
    emit(md, args.output)


if __name__ == "__main__":
    main()
