"""Arrival-order detection (the sensor's ``keys_sort_by_arrival=True``): for prefixes whose keys sort in
the order they arrive, such as date-partitioned paths (``2026/11/23/part-0001.parquet``), only the keys
after the last one seen are listed. Pure: no I/O, no Airflow.

Why: the full-listing mode (:mod:`~airflow_provider_arize.s3.detection`) lists the whole prefix on every
detection, ``ceil(N / 1000)`` ListObjectsV2 requests for ``N`` objects however few are new. Here a
detection lists with ``StartAfter=<last seen key>`` (:func:`~airflow_provider_arize.s3.listing.scan`):
``max(1, ceil(M / 1000))`` requests for the ``M`` keys after it, matching or not; one request while fewer
than 1,000 keys arrived since. The first detection of a state (nothing seen yet) lists everything.

The state (:class:`ArrivalState`, JSON in the Variable; under 16 KiB whatever the keys, as the prefix and
the key are at most 1,024 bytes each)::

    {"version": 2, "mode": "arrival", "bucket": "b", "prefix": "p/",
     "last_key": "p/2026/11/23/part-0007.parquet"}   # null: nothing listed yet

A listed object is **new** when its key sorts after ``last_key`` (S3's order: UTF-8 bytes) and matches
the filter. After a detection ``last_key`` moves to the greatest key listed, matching or not (keys the
filter rejects are not listed again), or, when ``max_files`` holds files back, to the last reported one.
Its layout version (2) differs from the full-listing state's (1): each mode refuses the other's state
with :class:`~airflow_provider_arize.s3.detection.ArizeS3StateError` rather than misreading it.

The price, by design (use this mode only when keys really sort by arrival):

* A key that sorts **before** ``last_key`` when it appears is **never reported**: a file written late
  into an earlier partition (a backfill, a re-run of yesterday), or ``part-0001`` whose upload completes
  after ``part-0002`` was listed. A listing after ``last_key`` cannot see such keys, so they cannot be
  detected when they happen; :func:`find_disorder` flags, at no extra request, listings whose own keys
  contradict the assumption (a key modified later than a key that sorts after it), the situation in
  which such a miss happens when a poke falls between the two.
* An overwrite of a key already listed is not reported (the full-listing mode reports it as a new
  version), nor is a deleted and re-created key.
* ``settle_seconds`` plays no part: visibility order is all that counts.

``first_run`` and ``max_files`` work as in the full-listing mode, except that ``max_files`` reports the
files that sort first (the earliest arrivals) and holds back the rest; the reported files are still
sorted by ``(last_modified, key)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from airflow_provider_arize.s3.detection import (
    ARRIVAL_STATE_VERSION,
    ArizeS3StateError,
    Detection,
    FirstRun,
    check_reporting,
    checked_state_json,
    state_digest,
)
from airflow_provider_arize.s3.listing import Listing
from airflow_provider_arize.s3.objects import S3Object, format_time

#: The ``mode`` recorded in an arrival-order state (informative: the layout version decides).
ARRIVAL_MODE: Final = "arrival"


@dataclass(frozen=True)
class ArrivalState:
    """What an arrival-order sensor remembers between detections: the last key listed."""

    bucket: str
    prefix: str
    last_key: str | None = None

    @property
    def start_after(self) -> str | None:
        """Where the next listing starts (``StartAfter``); ``None``: from the beginning."""
        return self.last_key

    def is_new(self, obj: S3Object) -> bool:
        """Whether ``obj`` sorts after the last key seen."""
        return self.last_key is None or obj.key > self.last_key

    def to_json(self) -> dict[str, Any]:
        return {
            "version": ARRIVAL_STATE_VERSION,
            "mode": ARRIVAL_MODE,
            "bucket": self.bucket,
            "prefix": self.prefix,
            "last_key": self.last_key,
        }

    def dumps(self) -> str:
        """Compact, deterministic JSON (the same state always gives the same text)."""
        return json.dumps(self.to_json(), separators=(",", ":"))

    def digest(self) -> str:
        return state_digest(self)

    @classmethod
    def from_json(cls, value: object, *, bucket: str, prefix: str, where: str) -> ArrivalState:
        """Parse a stored state (a dict or its JSON text) and check it is an arrival-order state of
        ``bucket``/``prefix``. ``where`` names the storage (e.g. the Variable) in messages."""
        value = checked_state_json(
            value, version=ARRIVAL_STATE_VERSION, bucket=bucket, prefix=prefix, where=where
        )
        last_key = value.get("last_key")
        if last_key is not None and (not isinstance(last_key, str) or not last_key.startswith(prefix)):
            raise ArizeS3StateError(
                f"{where}: 'last_key' is not a key under s3://{bucket}/{prefix}: {str(last_key)[:200]!r}",
                field="state_id",
            )
        return cls(bucket, prefix, last_key or None)


def detect_arrivals(
    listing: Listing,
    state: ArrivalState | None,
    *,
    bucket: str,
    prefix: str,
    first_run: FirstRun = "all",
    max_files: int | None = None,
) -> Detection:
    """Decide which objects of ``listing`` are new given ``state`` (``None``: never detected) and the
    state to save once they are delivered. ``listing`` is one listing after ``state.start_after`` (of
    the whole listing prefix when there is no state); keys at or before ``last_key`` in it, if any,
    are ignored."""
    check_reporting(first_run, max_files)
    base = state or ArrivalState(bucket, prefix)
    new = sorted((o for o in listing.objects if base.is_new(o)), key=lambda o: o.key)
    last_key = max((k for k in (base.last_key, listing.last_key) if k is not None), default=None)
    if state is None and first_run == "none":
        return Detection((), 0, ArrivalState(bucket, prefix, last_key), baseline=True)
    pending = 0
    if max_files is not None and len(new) > max_files:
        pending = len(new) - max_files
        new = new[:max_files]
        last_key = new[-1].key
    files = tuple(sorted(new, key=lambda o: o.order))
    return Detection(files, pending, ArrivalState(bucket, prefix, last_key))


@dataclass(frozen=True)
class Disorder:
    """Keys of one listing that did not arrive in key order: ``count`` objects were modified before
    a key that sorts ahead of them; ``ahead`` and ``behind`` are the first such pair (``ahead`` sorts
    first but was modified later)."""

    count: int
    ahead: S3Object
    behind: S3Object

    def describe(self) -> str:
        return (
            f"{self.ahead.key} (LastModified {format_time(self.ahead.last_modified)}) sorts before "
            f"{self.behind.key} (LastModified {format_time(self.behind.last_modified)}); "
            f"{self.count} listed keys were modified before a key that sorts ahead of them"
        )


def find_disorder(objects: Iterable[S3Object]) -> Disorder | None:
    """Whether the keys of ``objects`` contradict arrival order (a key modified strictly later than a
    key that sorts after it), from their ``LastModified`` alone: no request. ``LastModified`` of a
    multipart upload is when it started, so concurrent uploads can show here too; either way a poke
    falling between two such arrivals would miss the key that sorts first."""
    latest: S3Object | None = None
    count, first = 0, None
    for obj in sorted(objects, key=lambda o: o.key):
        if latest is not None and obj.last_modified < latest.last_modified:
            count += 1
            first = first or (latest, obj)
        if latest is None or obj.last_modified > latest.last_modified:
            latest = obj
    return None if first is None else Disorder(count, *first)
