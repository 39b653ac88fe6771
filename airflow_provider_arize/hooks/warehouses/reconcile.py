"""Comparing what Arize processed for a window with what the warehouse holds.

:func:`reconcile` is pure apart from logging: no I/O, idempotent. On a mismatch it either logs a
warning and returns (``on_mismatch="warn"``) or raises :class:`ArizeReconcileError` (``"fail"``), which
fails the task; Airflow's retries would only repeat the same comparison unless the data changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models.windows import QueryWindow
from airflow_provider_arize.hooks.warehouses.errors import ArizeReconcileError

__all__ = ["OnMismatch", "ReconcileResult", "reconcile"]

OnMismatch = Literal["warn", "fail"]
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReconcileResult:
    """The outcome for one window: the warehouse's count, Arize's count and whether they agree."""

    window: QueryWindow
    expected: int
    processed: int
    matched: bool


def reconcile(
    window: QueryWindow,
    *,
    expected: int,
    processed: int,
    on_mismatch: OnMismatch | str = "warn",
    log: Any = None,
) -> ReconcileResult:
    """Compare ``expected`` (rows in the warehouse with change timestamps in ``window``) with
    ``processed`` (rows Arize reports for the window's query).

    :param log: any logger with ``info``/``warning`` (a task's ``self.log``); default: this module's.
    :param on_mismatch: ``"warn"``: log a warning on ``log`` and return;
        ``"fail"``: raise :class:`ArizeReconcileError` carrying both numbers and the window.
    :raises ArizeConfigError: for a bad ``on_mismatch`` or a count that is not a non-negative integer.
    """
    if on_mismatch not in ("warn", "fail"):
        raise ArizeConfigError(
            f"on_mismatch must be 'warn' or 'fail', got {on_mismatch!r}", field="on_mismatch"
        )
    for name, value in (("expected", expected), ("processed", processed)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ArizeConfigError(f"{name} must be a non-negative integer, got {value!r}", field=name)
    result = ReconcileResult(window, expected, processed, matched=expected == processed)
    logger = log if log is not None else _log
    if result.matched:
        logger.info(
            "reconciled window %s: %d rows in the warehouse, %d processed by Arize",
            window,
            expected,
            processed,
        )
        return result
    message = (
        f"row counts differ for window {window}: the warehouse has {expected} rows with change timestamps in "
        f"the window, Arize processed {processed}"
    )
    if on_mismatch == "fail":
        raise ArizeReconcileError(message, window=window, expected=expected, processed=processed)
    logger.warning("%s", message)
    return result
