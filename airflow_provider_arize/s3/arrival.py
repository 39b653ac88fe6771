"""Arrival-order detection (``keys_sort_by_arrival=True``): list only the keys after the last one seen, for
prefixes whose keys sort in the order they arrive. Pure: no I/O, no Airflow.

Contract (state, cost, what is never reported): ``docs/file-jobs.md``, "New-file detection in detail"."""

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
