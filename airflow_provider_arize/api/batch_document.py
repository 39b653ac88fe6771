"""Batched poll documents: many reads in one GraphQL request, each under its own alias.

A read template is a one-field query in ``operations/batched/<Name>.graphql``; :func:`read` makes and
prices one read, :func:`build_document` packs several. How aliases, variables and costs work:
``docs/internals.md``, "Read templates and batch documents".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from airflow_provider_arize.api import documents
from airflow_provider_arize.api.errors import ArizeConfigError

__all__ = [
    "BATCH_OPERATION",
    "FILE_JOB",
    "TABLE_JOB",
    "TABLE_QUERIES_PAGE",
    "BatchRead",
    "alias",
    "build_document",
    "read",
]

#: The operation name of every batched request (what Arize's logs and the emulator's stats show).
BATCH_OPERATION = "PollImportJobs"
#: Template names (files in ``operations/batched``).
TABLE_JOB = "PollTableImportJob"
FILE_JOB = "PollFileImportJob"
TABLE_QUERIES_PAGE = "PollTableImportJobQueries"


def _everything(_key: str) -> bool:
    return True


@dataclass(frozen=True)
class BatchRead:
    """One read of a batch: a template and its variables (JSON scalars), with its cost.

    Two reads with the same template and variables are the same read (:attr:`key`): a batch sends it
    once and hands the answer to every poll that asked for it.
    """

    template: str
    variables: tuple[tuple[str, Any], ...]
    cost: int

    @property
    def key(self) -> tuple[str, tuple[tuple[str, Any], ...]]:
        return (self.template, self.variables)


def template_variables(name: str) -> list[str]:
    """The variables read template ``name`` declares (``KeyError`` for an unknown template)."""
    if name not in (TABLE_JOB, FILE_JOB, TABLE_QUERIES_PAGE):
        raise KeyError(f"unknown batched read template {name!r}")
    return [d.variable.name.value for d in documents.template(name).variable_definitions or ()]


def read(template_name: str, **variables: Any) -> BatchRead:
    """A read of ``template_name`` with ``variables`` (every declared variable must be given)."""
    declared = template_variables(template_name)
    if sorted(variables) != sorted(declared):
        raise ArizeConfigError(
            f"read {template_name} takes the variables {declared}, got {sorted(variables)}",
            field="variables",
        )
    ordered = tuple((name, variables[name]) for name in declared)
    return BatchRead(template_name, ordered, documents.read_cost(template_name, dict(ordered), _everything))


def build_document(
    reads: Sequence[BatchRead], has: Callable[[str], bool] = _everything, *, start: int = 0
) -> documents.Built:
    """The document (text, variables, names used) of one request carrying ``reads``, read ``i`` under
    alias ``r<start + i>``."""
    if not reads:
        raise ArizeConfigError("a batch needs at least one read", field="reads")
    return documents.build_batch(
        BATCH_OPERATION, [(r.template, dict(r.variables)) for r in reads], has, start=start
    )


def alias(index: int) -> str:
    """The alias of read ``index`` in a batch built by :func:`build_document`."""
    return f"r{index}"
