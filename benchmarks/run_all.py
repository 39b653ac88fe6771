"""Run every benchmark script (``bench_*.py``), each in its own interpreter, and rewrite
``benchmarks/RESULTS.md`` with their sections under a description of the machine.

``make bench`` runs this. ``--sizes`` is passed to ``bench_validation_bytes.py`` (default 10,100,1000).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import BENCH, ROOT, base_parser, machine, table

SCRIPTS = (
    "bench_parse.py",
    "bench_validation_bytes.py",
    "bench_s3_sensing.py",
    "bench_s3_events.py",
    "bench_triggerer.py",
    "bench_demo.py",
    "bench_faults.py",
    "bench_backfill.py",
)


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--sizes", default="10,100,1000", help="sizes for bench_validation_bytes.py (MB)")
    args = parser.parse_args()
    output: Path = args.output or BENCH / "RESULTS.md"

    host = machine()
    sections = []
    durations = []
    with tempfile.TemporaryDirectory(prefix="arize-bench-results-") as tmp:
        for script in SCRIPTS:
            extra = ["--sizes", args.sizes] if script == "bench_validation_bytes.py" else []
            section = Path(tmp) / f"{script}.md"
            print(f"== {script}", flush=True)
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, str(BENCH / script), "--output", str(section), *extra], cwd=ROOT, check=True
            )
            durations.append((script, time.perf_counter() - t0))
            sections.append(section.read_text().strip())

    header = [
        "# Benchmark results",
        "Written by `make bench` (`benchmarks/run_all.py`); do not edit by hand, rerun instead. "
        "What each benchmark measures: `benchmarks/README.md`. Medians over several runs; comparisons are "
        "measured side by side in the same run and given as ratios.",
        "## Machine",
        table(["", ""], [[k, v] for k, v in host.items()]),
        "Benchmark durations: " + ", ".join(f"`{s}` {d:.0f} s" for s, d in durations) + ".",
    ]
    output.write_text("\n\n".join(header + sections) + "\n")
    print(f"== wrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}", flush=True)


if __name__ == "__main__":
    main()
