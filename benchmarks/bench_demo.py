"""Wall time of ``make demo`` once set up, and of each example DAG run in it.

What is measured: ``scripts/demo.py`` (what ``make demo`` runs after ``setup``, which is then a no-op)
in a fresh subprocess, ``--runs`` times (default 3): the wall time of the whole run (the local S3,
Snowflake, DuckDB tables and Arize emulator, a live Airflow's start, every example DAG's runs, the
report) and, per DAG run, the ``(x.y s)`` the demo prints (the run's start to its end in Airflow, the
scheduler's and triggerer's latency included). Medians are reported.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, base_parser, command_line, emit, median, table


def fmt_s(seconds: float) -> str:
    """Seconds to one decimal: the precision the demo prints per DAG."""
    return f"{seconds:.1f} s"


DAG_LINE = re.compile(r"^== (example_\w+ \w+) run \S+: (\w+) \((\d+(?:\.\d+)?) s\)$")


def run_demo() -> tuple[float, dict[str, tuple[str, float]]]:
    """One run of the demo: its wall time and, per DAG run, its state and the seconds it printed."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path("scripts") / "demo.py")], cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"scripts/demo.py failed (exit {proc.returncode})")
    dags = {}
    for line in proc.stdout.splitlines():
        match = DAG_LINE.match(line)
        if match:
            dags[match.group(1)] = (match.group(2), float(match.group(3)))
    if not dags:
        raise SystemExit("no per-DAG figures found in the demo's output")
    return wall, dags


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--runs", type=int, default=3, help="demo runs (default 3)")
    args = parser.parse_args()

    walls: list[float] = []
    per_dag: dict[str, list[float]] = {}
    states: dict[str, set[str]] = {}
    for i in range(args.runs):
        wall, dags = run_demo()
        walls.append(wall)
        for name, (state, seconds) in dags.items():
            per_dag.setdefault(name, []).append(seconds)
            states.setdefault(name, set()).add(state)
        print(f"run {i + 1}/{args.runs}: {wall:.1f} s", file=sys.stderr, flush=True)

    rows = [
        [
            "`make demo` (whole run, `scripts/demo.py`)",
            fmt_s(median(walls)),
            ", ".join(fmt_s(w) for w in walls),
            "",
        ]
    ]
    for name in sorted(per_dag):
        figures = per_dag[name]
        rows.append(
            [
                f"`{name}`",
                fmt_s(median(figures)),
                ", ".join(fmt_s(s) for s in figures),
                "/".join(sorted(states[name])),
            ]
        )
    md = "\n\n".join(
        [
            "## Demo wall time (`bench_demo.py`)",
            f"Command: `{command_line('bench_demo.py', [f'--runs {args.runs}'])}`",
            f"`scripts/demo.py` in a fresh subprocess, {args.runs} runs, on a live Airflow "
            "(`airflow standalone`); per DAG run (scheduled or triggered by hand), the time from its start "
            "to its end in Airflow that the demo prints. Medians.",
            table(["what", "median", "runs", "DAG state"], rows),
        ]
    )
    emit(md, args.output)


if __name__ == "__main__":
    main()
