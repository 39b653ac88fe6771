"""Fault injection for GraphQL requests: a script of faults consumed in order, and faults at random.

Sources, kinds and what the client sees: ``docs/emulator.md``, "Faults"."""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS = (
    "http_500",
    "http_502",
    "http_503",
    "http_429",
    "latency",
    "reset",
    "drop_after_commit",
    "timeout_after_commit",
)
#: Kinds applied before the request executes (the rest run after, or alongside, execution).
PRE_EXECUTION_KINDS = frozenset({"http_500", "http_502", "http_503", "http_429", "reset"})


@dataclass(frozen=True)
class ScriptedFault:
    kind: str
    operation: str | None = None


@dataclass
class FaultConfig:
    """A full fault configuration (``PUT /_emulator/faults`` replaces it)."""

    rate: float = 0.0
    seed: int | None = None
    kinds: list[str] = field(default_factory=list)
    script: list[ScriptedFault] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    latency_ms: int = 500
    retry_after_seconds: int = 1
    timeout_seconds: float = 5.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultConfig:
        """Build from the admin JSON shape; raise ``ValueError`` naming a bad field."""
        known = {*cls.__dataclass_fields__, "operation_name"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        script = []
        for item in data.get("script") or []:
            entry = ScriptedFault(item) if isinstance(item, str) else ScriptedFault(**item)
            script.append(entry)
        config = cls(
            rate=float(data.get("rate", 0.0)),
            seed=data.get("seed"),
            kinds=list(data.get("kinds") or []),
            script=script,
            operations=[*(data.get("operations") or []), *filter(None, [data.get("operation_name")])],
            latency_ms=int(data.get("latency_ms", 500)),
            retry_after_seconds=int(data.get("retry_after_seconds", 1)),
            timeout_seconds=float(data.get("timeout_seconds", 5.0)),
        )
        for kind in [*config.kinds, *(s.kind for s in config.script)]:
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault kind '{kind}'; known: {', '.join(FAULT_KINDS)}")
        if not 0.0 <= config.rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, got {config.rate}")
        if config.rate > 0 and not config.kinds:
            raise ValueError("a fault rate needs at least one kind in 'kinds'")
        return config

    def to_json(self) -> dict[str, Any]:
        return {
            "rate": self.rate,
            "seed": self.seed,
            "kinds": list(self.kinds),
            "script": [{"kind": s.kind, "operation": s.operation} for s in self.script],
            "operations": list(self.operations),
            "latency_ms": self.latency_ms,
            "retry_after_seconds": self.retry_after_seconds,
            "timeout_seconds": self.timeout_seconds,
        }


class FaultInjector:
    """Thread-safe chooser of the fault (if any) for each request."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._script = deque(config.script)
            self._random = random.Random(config.seed)

    def clear(self) -> None:
        self.configure(FaultConfig())

    def remaining_script(self) -> list[ScriptedFault]:
        with self._lock:
            return list(self._script)

    def pick(self, operation_name: str | None) -> str | None:
        """Return the fault kind for a request with this operation name, consuming a script entry."""
        with self._lock:
            cfg = self.config
            if cfg.operations and operation_name not in cfg.operations:
                return None
            for entry in self._script:
                if entry.operation is None or entry.operation == operation_name:
                    self._script.remove(entry)
                    return entry.kind
            if cfg.rate > 0 and cfg.kinds and self._random.random() < cfg.rate:
                return self._random.choice(cfg.kinds)
            return None
