"""The events of the new-files trigger, built and checked in one place.

Statuses and fields: ``docs/file-jobs.md``, "The deferrable wait's events"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from airflow_provider_arize.api.errors import ArizeResponseError
from airflow_provider_arize.s3.arrival import ArrivalState
from airflow_provider_arize.s3.detection import ArizeS3StateError, Detection, DetectionState, state_digest
from airflow_provider_arize.s3.objects import S3Object
from airflow_provider_arize.s3.state_store import parse_state

#: The statuses a new-files trigger event may carry.
NEW_FILES_EVENT_STATUSES: Final = frozenset({"success", "timeout", "error"})


def success_event(
    detection: Detection,
    base: DetectionState | ArrivalState | None,
    *,
    max_file_size: int,
    deadline: float,
    message: str,
) -> dict[str, Any]:
    return {
        "status": "success",
        "message": message,
        "files": [o.describe(max_file_size) for o in detection.files],
        "state": detection.state.to_json(),
        "base_digest": state_digest(base),
        "pending": detection.pending,
        "capped": detection.capped,
        "deadline": deadline,
    }


def end_event(status: str, message: str) -> dict[str, Any]:
    """A ``timeout`` or ``error`` event."""
    if status not in NEW_FILES_EVENT_STATUSES - {"success"}:
        raise ValueError(f"not an end status: {status!r}")
    return {"status": status, "message": message}


@dataclass(frozen=True)
class NewFilesEvent:
    """A checked event. For ``success``: ``files`` as :class:`S3Object` and the ``state`` to save."""

    status: str
    message: str
    files: tuple[S3Object, ...] = ()
    state: DetectionState | ArrivalState | None = None
    base_digest: str = ""
    pending: int = 0
    capped: bool = False
    deadline: float = 0.0


def parse_event(
    event: object, *, bucket: str, prefix: str, keys_sort_by_arrival: bool = False
) -> NewFilesEvent:
    """Check a trigger event on resume: a ``status`` from the fixed set, and for ``success`` a
    well-formed file list and a state of ``bucket``/``prefix`` in the layout of the mode
    (``ArizeS3StateError`` otherwise). Anything else raises ``ArizeResponseError`` (never silently
    accepted)."""
    if not isinstance(event, Mapping) or event.get("status") not in NEW_FILES_EVENT_STATUSES:
        raise ArizeResponseError(f"unexpected trigger event {event!r}"[:500])
    status, message = str(event["status"]), str(event.get("message"))
    if status != "success":
        return NewFilesEvent(status, message)
    try:
        files = event["files"]
        if not isinstance(files, Sequence) or isinstance(files, str) or not files:
            raise ValueError("no files")
        parsed = tuple(S3Object.from_description(f) for f in files)
        state = parse_state(
            event["state"],
            bucket=bucket,
            prefix=prefix,
            where="the trigger event",
            keys_sort_by_arrival=keys_sort_by_arrival,
        )
        return NewFilesEvent(
            status,
            message,
            files=parsed,
            state=state,
            base_digest=str(event["base_digest"]),
            pending=int(event.get("pending") or 0),
            capped=bool(event.get("capped")),
            deadline=float(event["deadline"]),
        )
    except ArizeS3StateError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ArizeResponseError(f"malformed success event ({exc}): {event!r}"[:500]) from exc
