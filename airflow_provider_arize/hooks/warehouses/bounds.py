"""Turning a half-open UTC window ``[start, end)`` into bind values for a change-timestamp column, per kind
of column (instant, wall-clock, date, epoch seconds). Pure functions, no I/O.

The values chosen for each kind: ``docs/warehouses.md``, "Window bounds".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from airflow_provider_arize.api.models.windows import QueryWindow
from airflow_provider_arize.hooks.warehouses.types import ColumnType, Kind

__all__ = ["BoundKind", "WindowBounds", "window_bounds"]

BoundKind = Literal["instant", "wallclock", "date", "epoch"]
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class WindowBounds:
    """``lo`` and ``hi`` to bind as ``column >= lo AND column < hi``."""

    kind: BoundKind
    lo: dt.datetime | dt.date | int
    hi: dt.datetime | dt.date | int


def window_bounds(window: QueryWindow, column_type: ColumnType) -> WindowBounds:
    """Bind values for ``window`` on a column of ``column_type`` (timestamp, date or integer)."""
    if column_type.kind is Kind.TIMESTAMP:
        if column_type.tz_aware:
            return WindowBounds("instant", window.start, window.end)
        return WindowBounds("wallclock", _naive(window.start), _naive(window.end))
    if column_type.kind is Kind.DATE:
        return WindowBounds("date", _ceil_date(window.start), _ceil_date(window.end))
    if column_type.kind is Kind.INTEGER:
        return WindowBounds("epoch", _ceil_epoch(window.start), _ceil_epoch(window.end))
    raise ValueError(f"cannot bound a {column_type.raw} column by time")


def _naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _ceil_date(value: dt.datetime) -> dt.date:
    utc = value.astimezone(dt.UTC)
    day = utc.date()
    return day if utc.time() == dt.time(0) else day + dt.timedelta(days=1)


def _ceil_epoch(value: dt.datetime) -> int:
    seconds, rest = divmod(value.astimezone(dt.UTC) - _EPOCH, dt.timedelta(seconds=1))
    return int(seconds) + (1 if rest else 0)
