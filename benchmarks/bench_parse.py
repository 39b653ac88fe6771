"""DAG-parse cost of the provider: the time importing its operator and sensor modules adds to a DAG file.

What is measured: in a fresh interpreter per sample (a subprocess), ``import airflow.sdk`` first (every
DAG file pays that anyway), then ``time.perf_counter()`` around importing every module listed under
``operators`` and ``sensors`` by ``get_provider_info()``. Only that added time counts, not the
interpreter's start-up nor Airflow's. The same is done, interleaved sample by sample so both see the
same machine noise, for the dbt Cloud provider's operators module (``airflow.providers.dbt.cloud.
operators.dbt``), a stock provider of similar scope. Reported: the median of ``--samples`` samples of
each (one discarded warm-up each, so byte-code compilation is not timed), their ratio, and which heavy
libraries each import pulls in. Target: at most 20 ms added for this provider.
"""

from __future__ import annotations

import json
import subprocess
import sys
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


def sample(modules: list[str]) -> dict[str, Any]:
    """One fresh interpreter: the seconds importing ``modules`` took after ``airflow.sdk``, and the
    modules it added."""
    out = subprocess.run(
        [sys.executable, "-c", SAMPLE, *modules], capture_output=True, text=True, check=True
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
        t for t in tops if t != "airflow" and not t.startswith("_") and t not in sys.stdlib_module_names
    )


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--samples", type=int, default=15, help="samples per side (default 15)")
    args = parser.parse_args()

    subjects = {
        "airflow_provider_arize (operators + sensors)": arize_modules(),
        "dbt Cloud operators": DBT_MODULES,
    }
    times: dict[str, list[float]] = {name: [] for name in subjects}
    added: dict[str, list[str]] = {}
    for modules in subjects.values():
        sample(modules)  # warm-up: byte-code caches
    for i in range(args.samples):
        for name, modules in subjects.items():
            result = sample(modules)
            times[name].append(result["seconds"])
            added[name] = result["added"]
        print(f"sample {i + 1}/{args.samples}", file=sys.stderr, flush=True)

    arize_name, dbt_name = subjects
    arize_med, dbt_med = median(times[arize_name]), median(times[dbt_name])
    rows = []
    for name in subjects:
        ts = sorted(times[name])
        heavy_found = heavy(added[name])
        rows.append(
            [
                name,
                fmt_ms(median(ts)),
                f"{fmt_ms(ts[0])} - {fmt_ms(ts[-1])}",
                len(added[name]),
                ", ".join(heavy_found) or "none",
            ]
        )
    verdict = "meets" if arize_med <= TARGET_S else "MISSES"
    md = "\n\n".join(
        [
            "## DAG-parse cost (`bench_parse.py`)",
            f"Command: `{command_line('bench_parse.py', [f'--samples {args.samples}'])}`",
            "Time added by importing the modules after `import airflow.sdk`, in a fresh interpreter per "
            f"sample; median of {args.samples} samples per side, interleaved.",
            table(["imported", "median", "min - max", "modules added", "heavy libraries imported"], rows),
            f"**Ratio arize / dbt Cloud: {arize_med / dbt_med:.2f}** "
            f"({fmt_ms(arize_med)} vs {fmt_ms(dbt_med)}). Target ≤ {fmt_ms(TARGET_S)} added: "
            f"{verdict}.",
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
