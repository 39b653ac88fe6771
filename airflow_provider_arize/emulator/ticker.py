"""A background thread that does a unit of work every ``interval`` seconds: the emulator's workers.

Contract: :meth:`Ticker.start` runs :meth:`Ticker.work` once at once, then every ``interval`` seconds,
on a daemon thread; :meth:`Ticker.stop` lets the work in progress finish (waiting up to ``timeout``).
:meth:`Ticker.tick` never raises: a failing tick is logged (subclasses keep secrets out of the message)
and the next one runs as usual. Ticks are serialised, and counted for tests (:meth:`Ticker.wait_ticks`).
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("airflow_provider_arize.emulator")


class Ticker:
    """Base of the emulator's workers; subclasses implement :meth:`work` (and may :meth:`on_start`)."""

    #: Thread name, and the name used in log lines.
    name = "arize-emulator-worker"

    def __init__(self, interval: float) -> None:
        if interval <= 0:
            raise ValueError(f"the {self.name} interval must be positive")
        self.interval = interval
        self._stop = threading.Event()
        self._tick_lock = threading.Lock()
        self._ticks = 0
        self._ticked = threading.Condition()
        self._thread: threading.Thread | None = None

    def work(self) -> int:
        """One unit of work; return how many items it handled."""
        raise NotImplementedError

    def on_start(self) -> None:
        """Called once before the first tick (e.g. to re-queue work a crash left half done)."""

    def describe_error(self, exc: BaseException) -> str:
        """How a failed tick is logged (override to redact secrets)."""
        return f"{type(exc).__name__}: {exc}"

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self.on_start()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the work in progress (waits up to ``timeout`` seconds for it)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the %s is still busy; leaving it behind", self.name)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def ticks(self) -> int:
        """How many ticks have completed."""
        with self._ticked:
            return self._ticks

    def wait_ticks(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until ``count`` more ticks have completed; ``False`` on timeout (for tests)."""
        with self._ticked:
            target = self._ticks + count
            return self._ticked.wait_for(lambda: self._ticks >= target, timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.interval)

    def tick(self) -> int:
        """Do the work once; return how much was handled. Never raises."""
        handled = 0
        with self._tick_lock:
            try:
                handled = self.work()
            except Exception as exc:  # e.g. the store closed under us during shutdown
                log.error("%s tick failed: %s", self.name, self.describe_error(exc))
            with self._ticked:
                self._ticks += 1
                self._ticked.notify_all()
        return handled
