"""Request statistics, read by tests through ``GET /_emulator/stats``.

Shape and what each counter counts: ``docs/emulator.md``, "Statistics"."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    """Thread-safe counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.total = 0
            self.by_operation: Counter[str] = Counter()
            self.by_status: Counter[str] = Counter()
            self.faults: Counter[str] = Counter()
            self.faults_by_operation: dict[str, Counter[str]] = {}
            self.rate_limited = 0
            self.mutations: Counter[str] = Counter()
            self.max_cost: dict[str, int] = {}

    def request(self, operation: str | None) -> None:
        with self._lock:
            self.total += 1
            self.by_operation[operation or "<anonymous>"] += 1

    def status(self, status: int | str) -> None:
        with self._lock:
            self.by_status[str(status)] += 1

    def fault(self, kind: str, operation: str | None = None) -> None:
        with self._lock:
            self.faults[kind] += 1
            self.faults_by_operation.setdefault(operation or "<anonymous>", Counter())[kind] += 1

    def limited(self) -> None:
        with self._lock:
            self.rate_limited += 1

    def committed(self, mutation_field: str) -> None:
        with self._lock:
            self.mutations[mutation_field] += 1

    def cost(self, operation: str | None, cost: int) -> None:
        with self._lock:
            name = operation or "<anonymous>"
            self.max_cost[name] = max(cost, self.max_cost.get(name, 0))

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": {
                    "total": self.total,
                    "by_operation": dict(self.by_operation),
                    "by_status": dict(self.by_status),
                },
                "faults": dict(self.faults),
                "faults_by_operation": {op: dict(c) for op, c in self.faults_by_operation.items()},
                "rate_limited": self.rate_limited,
                "mutations_committed": dict(self.mutations),
                "max_cost_by_operation": dict(self.max_cost),
            }
