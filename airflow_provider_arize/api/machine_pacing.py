"""Pacing of the synchronous clients (the tasks on workers): one adaptive bucket per API key and machine.

Every task runs in a process of its own, too short-lived to learn a rate, so the bucket's state lives in
a file (:mod:`.local_cache`) that every process on the machine takes turns at under an exclusive lock:
the tokens, the rate learnt from 429s and any ``Retry-After`` hold are the machine's, not the process's.
Machines share nothing; each adapts to the 429s it meets. See docs/connection.md, "Pacing".
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from airflow_provider_arize.api.local_cache import cache_file
from airflow_provider_arize.api.pacing import TokenBucket

if TYPE_CHECKING:
    from airflow_provider_arize.api.transport import AttemptInfo

__all__ = ["MachineBucket", "machine_bucket"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The longest one sleep waiting for a token lasts: another process may have given one back.
_MAX_NAP = 2.0


async def _never(_delay: float) -> None:  # pragma: no cover - the file bucket never awaits
    raise RuntimeError("a machine bucket is synchronous")


class MachineBucket:
    """A :class:`~.pacing.TokenBucket` whose state is kept in ``path`` between calls (every process that
    opens the same path shares it). Where the file cannot be used, the bucket works in memory alone."""

    def __init__(
        self,
        path: Path | None,
        per_minute: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.bucket = TokenBucket(per_minute, clock=clock, sleep=_never)
        self._sleep = sleep
        self._clock = clock
        self._thread_lock = threading.Lock()

    @contextmanager
    def _shared(self) -> Iterator[TokenBucket]:
        """The bucket, up to date with the file, saved back on exit (all under the file's lock)."""
        with self._thread_lock:
            if self.path is None:
                yield self.bucket
                return
            try:
                handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held across the yield
            except OSError as exc:
                log.warning("Arize pacing keeps its state in memory (cannot open %s: %s)", self.path, exc)
                self.path = None
                yield self.bucket
                return
            with handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                handle.seek(0)
                self._load(handle.read())
                yield self.bucket
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(self.bucket.state()))
                handle.flush()

    def _load(self, text: str) -> None:
        if not text:
            return
        try:
            self.bucket.restore(json.loads(text))
        except (ValueError, KeyError, TypeError):
            log.debug("Arize pacing: unreadable state in %s, starting afresh", self.path)

    def _locked(self, action: Callable[[TokenBucket], T]) -> T:
        with self._shared() as bucket:
            return action(bucket)

    def acquire(self) -> None:
        """Take one token, sleeping (outside the lock) until there is one and no hold is on."""
        started = self._clock()
        while (wait := self._locked(TokenBucket.take)) > 0:
            self._sleep(min(_MAX_NAP, max(0.001, wait)))
        self.bucket.waited += self._clock() - started

    def sleep_then_acquire(self, delay: float) -> None:
        """The transport's wait between attempts: retries are paced like first attempts."""
        self._sleep(delay)
        self.acquire()

    def observe(self, info: AttemptInfo) -> None:
        """The transport's ``on_response`` hook (see :meth:`.pacing.TokenBucket.observe`)."""
        self._locked(lambda bucket: bucket.observe(info))

    def counters(self) -> dict[str, Any]:
        """This process's counters (see :meth:`.pacing.TokenBucket.counters`)."""
        return self.bucket.counters()


_BUCKETS: dict[tuple[str, str], MachineBucket] = {}
_GUARD = threading.Lock()


def machine_bucket(endpoint: str, api_key: str, per_minute: float) -> MachineBucket:
    """This machine's bucket for ``api_key`` at ``endpoint``, kept by the key's SHA-256, never the key
    (like :func:`.pacing.shared_bucket`). The first caller in the process sets the ceiling,
    ``per_minute``; the learnt rate is the file's."""
    key = (endpoint.rstrip("/"), hashlib.sha256(api_key.encode()).hexdigest())
    with _GUARD:
        bucket = _BUCKETS.get(key)
        if bucket is None:
            try:
                path: Path | None = cache_file("pacing", *key)
            except OSError as exc:
                log.warning("Arize pacing keeps its state in memory (no cache folder: %s)", exc)
                path = None
            bucket = _BUCKETS[key] = MachineBucket(path, per_minute)
        return bucket
