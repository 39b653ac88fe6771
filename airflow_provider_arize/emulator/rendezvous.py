"""Racers made to meet: hold the first N requests of one operation until all N have arrived, so tests of
overlapping runs reproduce a race every time.

Settings and what a test can tell: ``docs/emulator.md``, "Racers: the rendezvous"."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Rendezvous"]


@dataclass
class Rendezvous:
    """One meeting point (``docs/emulator.md``, "Racers: the rendezvous"); ``operation=None`` holds
    nothing."""

    operation: str | None = None
    parties: int = 2
    timeout: float = 10.0
    arrived: int = 0
    gave_up: int = 0
    _event: asyncio.Event | None = field(default=None, repr=False)

    def configure(self, body: dict[str, Any] | None) -> dict[str, Any]:
        body = body or {}
        operation = body.get("operation")
        parties = body.get("parties", 2)
        timeout = body.get("timeout", 10.0)
        if operation is not None and not isinstance(operation, str):
            raise ValueError("operation must be an operation name")
        if isinstance(parties, bool) or not isinstance(parties, int) or parties < 2:
            raise ValueError("parties must be an integer >= 2")
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 300:
            raise ValueError("timeout must be a number of seconds in (0, 300]")
        self.operation, self.parties, self.timeout = operation, parties, float(timeout)
        self.arrived, self.gave_up, self._event = 0, 0, None
        return self.to_json()

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "parties": self.parties,
            "timeout": self.timeout,
            "arrived": self.arrived,
            "gave_up": self.gave_up,
        }

    async def meet(self, operation: str | None) -> None:
        """Wait here if ``operation`` is held and fewer than ``parties`` have arrived."""
        if operation is None or operation != self.operation or self.arrived >= self.parties:
            return
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        self.arrived += 1
        if self.arrived >= self.parties:
            event.set()
            return
        try:
            await asyncio.wait_for(event.wait(), self.timeout)
        except TimeoutError:
            self.gave_up += 1
