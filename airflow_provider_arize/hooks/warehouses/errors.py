"""Errors of the warehouse side: a table that does not suit its schema, and counts that disagree.

What each means and whether it is retried: ``docs/warehouses.md``, "Errors". Messages name tables,
columns, roles and types, never connection settings or secrets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from airflow_provider_arize.api.errors import ArizeConfigError, ArizeError
from airflow_provider_arize.api.models.windows import QueryWindow

__all__ = ["ArizePreflightError", "ArizeReconcileError", "PreflightProblem"]


@dataclass(frozen=True)
class PreflightProblem:
    """One problem: the ``column`` (``None`` when the table itself is missing, or a ``prefix*`` pattern
    that matched nothing), the camelCase ``role`` it plays, and the ``reason``."""

    column: str | None
    role: str
    reason: str

    def __str__(self) -> str:
        subject = f"column {self.column}" if self.column is not None else "table"
        return f"{subject} ({self.role}): {self.reason}"


class ArizePreflightError(ArizeConfigError):
    """The warehouse table does not suit the schema (``docs/warehouses.md``, "Errors"). ``table`` is the fully
    qualified table name (``None`` when the problem is not about one table)."""

    def __init__(
        self,
        message: str,
        *,
        table: str | None = None,
        problems: Sequence[PreflightProblem] = (),
        field: str | None = None,
    ) -> None:
        super().__init__(
            message, field=field if field is not None else (problems[0].role if problems else None)
        )
        self.table = table
        self.problems: tuple[PreflightProblem, ...] = tuple(problems)

    @classmethod
    def from_problems(cls, table: str, problems: Sequence[PreflightProblem]) -> ArizePreflightError:
        """One error listing every problem, one per line."""
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        lines = "\n".join(f"- {p}" for p in problems)
        return cls(f"preflight of table {table} failed ({count}):\n{lines}", table=table, problems=problems)

    @classmethod
    def table_missing(cls, table: str, detail: str = "") -> ArizePreflightError:
        """The table (or its schema or database) does not exist, or the connection cannot see it."""
        reason = f"table {table} does not exist (or the connection's role cannot see it)"
        return cls(
            reason + (f": {detail}" if detail else ""),
            table=table,
            problems=[PreflightProblem(None, "tableName", "does not exist")],
            field="tableName",
        )


class ArizeReconcileError(ArizeError):
    """Arize processed ``processed`` rows for ``window``; the warehouse holds ``expected``."""

    def __init__(self, message: str, *, window: QueryWindow, expected: int, processed: int) -> None:
        super().__init__(message)
        self.window = window
        self.expected = expected
        self.processed = processed
