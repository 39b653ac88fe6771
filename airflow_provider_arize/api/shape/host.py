"""What one Arize host serves of the optional names (:mod:`.registry`), learnt once per host and process.

A :class:`HostShape` starts *discovered* (one introspection request told us exactly which optional names
exist) or *adaptive* (introspection was refused: every optional name is tried, and a name the host
rejects with a validation error is dropped for good). :func:`shape_for` keeps one shape per GraphQL URL,
starting from the one another process saved (:mod:`.saved`) and saving what it learns.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from airflow_provider_arize.api.shape import saved
from airflow_provider_arize.api.shape.registry import CERTAIN, OPTIONAL

__all__ = ["HostShape", "forget_shapes", "shape_for"]

log = logging.getLogger(__name__)


@dataclass
class HostShape:
    """Which optional names one host serves. ``present`` is ``None`` until discovery ran or failed."""

    url: str
    present: frozenset[str] | None = None
    adaptive: bool = False
    #: The ``jobId`` form mutations take on this host, once learnt (``"global"`` or ``"short"``).
    job_id_form: str | None = None
    absent: set[str] = field(default_factory=set)
    version: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def known(self) -> bool:
        """Discovery has run (or was refused): documents can be built."""
        return self.present is not None or self.adaptive

    def has(self, key: str) -> bool:
        """Whether a document may name ``key`` on this host."""
        if key in self.absent:
            return False
        if key in CERTAIN or key not in OPTIONAL:
            return True
        if self.present is not None:
            return key in self.present
        return self.adaptive

    def discovered(self, present: frozenset[str]) -> None:
        self.present = present
        self.version += 1
        self.save()
        missing = sorted(set(OPTIONAL) - present)
        log.info("Arize at %s serves %d of %d optional names", self.url, len(present), len(OPTIONAL))
        if missing:
            log.info("not served, so not selected: %s", ", ".join(missing))

    def go_adaptive(self, reason: str) -> None:
        self.adaptive = True
        self.version += 1
        self.save()
        log.info(
            "Arize at %s did not answer the schema discovery (%s); optional names are dropped as it "
            "rejects them",
            self.url,
            reason,
        )

    def drop(self, keys: set[str]) -> set[str]:
        """Mark ``keys`` absent; returns those that were not already."""
        new = {k for k in keys if k not in self.absent and k not in CERTAIN}
        if new:
            self.absent |= new
            self.version += 1
            self.save()
        return new

    def save(self) -> None:
        """Save what is known for the other processes of this machine."""
        saved.save(
            self.url,
            {
                "present": None if self.present is None else sorted(self.present),
                "adaptive": self.adaptive,
                "absent": sorted(self.absent),
            },
        )

    def restore(self) -> None:
        """Start from the shape another process saved, if any (and recent)."""
        state = saved.load(self.url)
        if state is None:
            return
        present = state.get("present")
        self.present = None if present is None else frozenset(map(str, present))
        self.adaptive = bool(state.get("adaptive"))
        self.absent = set(map(str, state.get("absent") or ()))
        if self.known:
            self.version += 1
            log.debug("Arize at %s: shape taken from this machine's cache", self.url)


_SHAPES: dict[str, HostShape] = {}
_GUARD = threading.Lock()


def shape_for(url: str) -> HostShape:
    """The one shape of ``url`` in this process."""
    with _GUARD:
        shape = _SHAPES.get(url)
        if shape is None:
            shape = _SHAPES[url] = HostShape(url)
            shape.restore()
        return shape


def forget_shapes() -> None:
    """Forget every host's shape, saved ones too (tests that reuse an address for another API variant)."""
    with _GUARD:
        _SHAPES.clear()
        saved.forget_saved()
