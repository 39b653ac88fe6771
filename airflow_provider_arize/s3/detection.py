"""Which listed files are new, and the small state that makes the next detection report none twice: the
full-listing mode (:func:`detect`), shared by the poke and the deferrable paths. Pure: no I/O, no Airflow.

Contract (state, bounds, what can be missed): ``docs/file-jobs.md``, "New-file detection in detail"."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Literal

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.objects import FINGERPRINT_HEX_CHARS, S3Object, format_time, parse_time

if TYPE_CHECKING:
    from airflow_provider_arize.s3.arrival import ArrivalState

#: Version of the stored state's JSON layout.
STATE_VERSION: Final = 1
#: Layout version of the arrival-order state (:mod:`~airflow_provider_arize.s3.arrival`): a number of its
#: own, so that each mode refuses the other's state instead of misreading it, and so does a provider
#: version that predates the arrival-order mode (it accepts version 1 only).
ARRIVAL_STATE_VERSION: Final = 2
_LAYOUTS: Final = {
    STATE_VERSION: "a full-listing state (keys_sort_by_arrival=False)",
    ARRIVAL_STATE_VERSION: "an arrival-order state (keys_sort_by_arrival=True)",
}
#: Most fingerprints a state keeps; with more, the horizon is raised to keep the newest ones
#: (``docs/file-jobs.md``, "New-file detection in detail").
MAX_RECENT: Final = 4000
#: Largest serialised state: 4,000 fingerprints take 60,000 bytes, a prefix at most 1,024.
MAX_STATE_BYTES: Final = 64 * 1024
#: Longest settle window: a year, far longer than any upload takes.
MAX_SETTLE_SECONDS: Final = 366 * 24 * 3600
#: What the first detection of a state id reports.
FirstRun = Literal["all", "none"]
FIRST_RUN_MODES: Final = ("all", "none")
_TICK = timedelta(microseconds=1)


class ArizeS3StateError(ArizeConfigError):
    """A stored detection state cannot be used: it belongs to another bucket/prefix, or it is not a
    state this version understands. Not retried: pass another ``state_id`` or delete the Variable."""


def checked_state_json(
    value: object, *, version: int, bucket: str, prefix: str, where: str
) -> Mapping[str, Any]:
    """A stored state (a dict or its JSON text) as a mapping, once checked to have layout ``version``
    and to belong to ``bucket``/``prefix`` (``ArizeS3StateError`` otherwise, naming both sides).

    ``where`` names the storage (e.g. the Variable) in messages.
    """
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ArizeS3StateError(f"{where} does not hold JSON: {exc}", field="state_id") from exc
    found = value.get("version") if isinstance(value, Mapping) else None
    if not isinstance(value, Mapping) or type(found) is not int or found != version:
        if type(found) is int and found in _LAYOUTS:
            raise ArizeS3StateError(
                f"{where} holds {_LAYOUTS[found]}, but this sensor keeps {_LAYOUTS[version]}. The two "
                "modes remember different things, so neither reads the other's state. Give this sensor "
                "its own state_id, or delete the Variable to start over (first_run then decides what the "
                "first detection reports).",
                field="state_id",
            )
        raise ArizeS3StateError(
            f"{where} does not hold a version-{version} new-files state; delete it or pass another "
            f"state_id (found {str(value)[:200]!r})",
            field="state_id",
        )
    if value.get("bucket") != bucket or value.get("prefix") != prefix:
        raise ArizeS3StateError(
            f"{where} holds the state of s3://{value.get('bucket')}/{value.get('prefix')}, not of "
            f"s3://{bucket}/{prefix}: two sensors share a state_id, or the bucket or prefix changed. "
            "Give this sensor its own state_id (or delete the Variable to start over).",
            field="state_id",
        )
    return value


def _time_or_none(value: object, what: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError as exc:
        raise ArizeS3StateError(f"{what}: not an RFC 3339 timestamp: {value!r}", field="state_id") from exc


@dataclass(frozen=True)
class DetectionState:
    """What a sensor remembers between detections (layout: ``docs/file-jobs.md``, "New-file detection in
    detail")."""

    bucket: str
    prefix: str
    watermark: datetime | None = None
    horizon: datetime | None = None
    recent: frozenset[str] = field(default_factory=frozenset)

    def is_new(self, obj: S3Object) -> bool:
        """Whether ``obj`` has not been seen (and is not at or before the horizon)."""
        if self.watermark is None:
            return True
        if self.horizon is not None and obj.last_modified <= self.horizon:
            return False
        return obj.fingerprint not in self.recent

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "bucket": self.bucket,
            "prefix": self.prefix,
            "watermark": format_time(self.watermark) if self.watermark else None,
            "horizon": format_time(self.horizon) if self.horizon else None,
            "recent": sorted(self.recent),
        }

    def dumps(self) -> str:
        """Compact, deterministic JSON (the same state always gives the same text)."""
        return json.dumps(self.to_json(), separators=(",", ":"))

    def digest(self) -> str:
        return state_digest(self)

    @classmethod
    def from_json(cls, value: object, *, bucket: str, prefix: str, where: str) -> DetectionState:
        """Parse a stored state (a dict or its JSON text) and check it belongs to ``bucket``/``prefix``.

        ``where`` names the storage (e.g. the Variable) in messages.
        """
        value = checked_state_json(value, version=STATE_VERSION, bucket=bucket, prefix=prefix, where=where)
        recent = value.get("recent") or []
        if not isinstance(recent, list) or not all(
            isinstance(h, str) and len(h) == FINGERPRINT_HEX_CHARS for h in recent
        ):
            raise ArizeS3StateError(f"{where}: 'recent' is not a list of fingerprints", field="state_id")
        watermark = _time_or_none(value.get("watermark"), where)
        horizon = _time_or_none(value.get("horizon"), where)
        return cls(bucket, prefix, watermark, horizon, frozenset(recent))


def state_digest(state: DetectionState | ArrivalState | None) -> str:
    """A short digest of a state (``"none"`` for no state), to tell whether the stored state moved on."""
    if state is None:
        return "none"
    return hashlib.blake2b(state.dumps().encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Detection:
    """The outcome of one detection (either mode).

    ``files``: the new files reported now, sorted by ``(last_modified, key)``; ``pending``: how many
    more new files wait for the next detection (``max_files``); ``state``: what to save once ``files``
    are delivered (for a baseline, save it at once); ``capped``: ``recent`` hit :data:`MAX_RECENT` and
    the horizon was raised (full-listing mode only); ``baseline``: a ``first_run="none"`` baseline
    (``files`` is empty).
    """

    files: tuple[S3Object, ...]
    pending: int
    state: DetectionState | ArrivalState
    capped: bool = False
    baseline: bool = False


def _split(new: list[S3Object], max_files: int | None) -> tuple[list[S3Object], list[S3Object]]:
    """The oldest ``max_files`` new files and the rest, never splitting equal ``LastModified`` values
    (so every pending file is strictly newer than every reported one)."""
    if max_files is None or len(new) <= max_files:
        return new, []
    cut = max_files
    while cut > 0 and new[cut - 1].last_modified == new[cut].last_modified:
        cut -= 1
    if cut == 0:  # one group of equal timestamps larger than max_files: report the whole group
        cut = max_files
        while cut < len(new) and new[cut].last_modified == new[cut - 1].last_modified:
            cut += 1
    return new[:cut], new[cut:]


def check_settings(settle_seconds: object, first_run: object, max_files: object) -> None:
    """Validate the detection settings (``ArizeConfigError`` naming the field)."""
    if (
        isinstance(settle_seconds, bool)
        or not isinstance(settle_seconds, int | float)
        or not 0 < settle_seconds <= MAX_SETTLE_SECONDS  # also refuses NaN
    ):
        raise ArizeConfigError(
            f"settle_seconds must be a positive number of seconds, at most {MAX_SETTLE_SECONDS} (a year), "
            f"got {settle_seconds!r}",
            field="settle_seconds",
        )
    check_reporting(first_run, max_files)


def check_reporting(first_run: object, max_files: object) -> None:
    """Validate ``first_run`` and ``max_files``, the settings both modes share."""
    if first_run not in FIRST_RUN_MODES:
        raise ArizeConfigError(
            f"first_run must be one of {FIRST_RUN_MODES}, got {first_run!r}", field="first_run"
        )
    if max_files is not None and (
        isinstance(max_files, bool) or not isinstance(max_files, int) or max_files < 1
    ):
        raise ArizeConfigError(
            f"max_files must be a positive integer or None, got {max_files!r}", field="max_files"
        )


def detect(
    objects: Iterable[S3Object],
    state: DetectionState | None,
    *,
    bucket: str,
    prefix: str,
    settle_seconds: float,
    first_run: FirstRun = "all",
    max_files: int | None = None,
    max_recent: int = MAX_RECENT,
) -> Detection:
    """Decide which of ``objects`` (one complete listing of the watched keys) are new given ``state``
    (``None``: never detected), and the state to save once they are delivered."""
    check_settings(settle_seconds, first_run, max_files)
    base = state or DetectionState(bucket, prefix)
    baseline = state is None and first_run == "none"
    # objects at or before the horizon count as seen and cannot affect the next state: drop them early
    relevant = [o for o in objects if base.horizon is None or o.last_modified > base.horizon]
    new = [] if baseline else sorted((o for o in relevant if base.is_new(o)), key=lambda o: o.order)
    reported, pending = _split(new, max_files)
    waiting = {o.fingerprint for o in pending}
    seen = [o for o in relevant if o.fingerprint not in waiting]

    watermark = max((o.last_modified for o in seen), default=None)
    if base.watermark is not None and (watermark is None or watermark < base.watermark):
        watermark = base.watermark
    if watermark is None:  # nothing seen yet, ever
        return Detection((), len(pending), base, baseline=baseline)

    horizon = watermark - timedelta(seconds=float(settle_seconds))
    if base.horizon is not None:
        horizon = max(horizon, base.horizon)
    window = [o for o in seen if o.last_modified > horizon]
    capped = len(window) > max_recent
    if capped:
        horizon = sorted((o.last_modified for o in window), reverse=True)[max_recent]
    if pending:  # pending files must stay after the horizon to be reported next time
        horizon = min(horizon, pending[0].last_modified - _TICK)
    window = [o for o in seen if o.last_modified > horizon]
    next_state = DetectionState(bucket, prefix, watermark, horizon, frozenset(o.fingerprint for o in window))
    return Detection(tuple(reported), len(pending), next_state, capped=capped, baseline=baseline)
