"""Racers made to meet: hold the first N requests of one operation until all N have arrived.

Tests of overlapping runs use it to reproduce a race every time instead of by luck: with
``{"operation": "ListTableImportJobs", "parties": 2}`` two tasks that both look for a job before
creating it both get their answer only once both have asked, so both see "no job yet" and both create.
Requests after the first N pass straight through; a party that waits ``timeout`` seconds in vain goes on
alone and is counted in ``gave_up`` (so a test can tell a race that happened from one that did not).
``PUT /_emulator/rendezvous`` sets it, ``DELETE`` clears it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Rendezvous"]


@dataclass
class Rendezvous:
    """One meeting point (see the module docstring); ``operation=None`` holds nothing."""

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
