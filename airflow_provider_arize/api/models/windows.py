"""Query windows of event-based table runs, and timestamp parsing for API responses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from airflow_provider_arize.api.errors import ArizeConfigError


def to_utc(field: str, value: datetime | str) -> datetime:
    """Return ``value`` as an aware UTC datetime; naive datetimes and strings without offset are refused."""
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError as exc:
            raise ArizeConfigError(f"{field} is not an ISO-8601 timestamp: {value!r}", field=field) from exc
        value = parsed
    if not isinstance(value, datetime):
        raise ArizeConfigError(f"{field} must be a datetime or ISO-8601 string, got {value!r}", field=field)
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ArizeConfigError(
            f"{field} must carry a timezone (a naive time is ambiguous); got {value.isoformat()}",
            field=field,
        )
    return value.astimezone(UTC)


def format_utc(value: datetime) -> str:
    """RFC 3339 UTC with ``Z``, as Arize's examples write it: ``2024-08-20T01:00:00Z``."""
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def parse_api_timestamp(value: object) -> datetime | None:
    """Parse a response timestamp: ISO-8601 (with or without ``Z``; naive read as UTC) or epoch seconds
    or milliseconds. Returns ``None`` for null or unparseable values."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str):
        text = value.strip()
        if text.replace(".", "", 1).isdigit():
            return parse_api_timestamp(float(text))
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            return None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return None


@dataclass(frozen=True)
class QueryWindow:
    """A half-open window ``[start, end)`` of change timestamps, in UTC, in whole seconds.

    Bounds are floored to the second (adjacent windows stay adjacent), so a server that keeps only
    seconds reports the window as sent; a reported window is matched to the second, whatever its format.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        start = to_utc("queryStart", self.start).replace(microsecond=0)
        end = to_utc("queryEnd", self.end).replace(microsecond=0)
        if start >= end:
            raise ArizeConfigError(
                f"queryStart must be before queryEnd; got {format_utc(start)} >= {format_utc(end)} "
                "(reversed or empty window)",
                field="queryStart",
            )
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @classmethod
    def of(cls, start: datetime | str, end: datetime | str) -> QueryWindow:
        """A window from datetimes or ISO-8601 strings with an offset (``ArizeConfigError`` otherwise)."""
        return cls(to_utc("queryStart", start), to_utc("queryEnd", end))

    def to_input(self) -> dict[str, str]:
        """``queryStart`` / ``queryEnd`` as RFC 3339 UTC strings."""
        return {"queryStart": format_utc(self.start), "queryEnd": format_utc(self.end)}

    def matches(self, start: datetime | None, end: datetime | None) -> bool:
        """Whether a reported query window is this window (parsed instants, compared to the second)."""
        if start is None or end is None:
            return False
        return start.replace(microsecond=0) == self.start and end.replace(microsecond=0) == self.end

    def __str__(self) -> str:
        return f"[{format_utc(self.start)}, {format_utc(self.end)})"
