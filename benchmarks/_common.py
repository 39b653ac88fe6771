"""Shared helpers of the benchmark scripts: medians, the machine description, Markdown output.

Every benchmark script prints a Markdown section on stdout and, with ``--output PATH``, also writes it
to ``PATH``; ``run_all.py`` collects the sections into ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
MIB = 1024 * 1024


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (the figure every benchmark reports: these machines are noisy)."""
    return float(statistics.median(values))


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def fmt_bytes(n: float) -> str:
    if n >= MIB:
        return f"{n / MIB:.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{int(n)} B"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def command_line(script: str, args: Sequence[str] = ()) -> str:
    """How to rerun ``script`` from the repository root."""
    return " ".join([".venv/bin/python", f"benchmarks/{script}", *args])


def machine() -> dict[str, str]:
    """CPU model, cores, memory, OS, Python and Airflow versions, date (UTC), the commit measured."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    airflow = subprocess.run(
        [sys.executable, "-c", "import importlib.metadata as m; print(m.version('apache-airflow'))"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "CPU": cpu,
        "Cores (logical, os.cpu_count)": str(os.cpu_count()),
        "Memory": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Airflow": airflow or "unknown",
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Commit": _commit(),
    }


def _commit() -> str:
    """The checked-out commit (with ``+changes`` when the tree differs from it), or ``unknown``."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def base_parser(description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(description or "").split("\n\n")[0])
    parser.add_argument("--output", type=Path, help="also write the Markdown section to this file")
    return parser


def emit(markdown: str, output: Path | None) -> None:
    """Print the section and write it to ``output`` when given."""
    print(markdown, flush=True)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(markdown + "\n")
