"""Batched poll documents: many reads in one GraphQL request, each under its own alias.

A *read template* is a one-field query in ``operations/batched/<Name>.graphql``, valid on its own: its
root field carries the alias ``read``, its variables are declared in its header, and its fields come
from the shared fragment files (``operations/fragments``). A batch of reads becomes one document::

    query PollImportJobs($id_0: ID!, $id_1: ID!, $first_1: Int!, $after_1: String) {
      r0: node(id: $id_0) { __typename ...TableImportJobWaitFields }
      r1: node(id: $id_1) { __typename ... on TableImportJob { id jobId queries(first: $first_1 ...) } }
    }
    fragment TableImportJobWaitFields on TableImportJob { ... }

Only two things are rewritten per read: the alias (``read`` becomes ``r<N>``) and the variable names
(``$x`` becomes ``$x_<N>``); every field is the template's or a fragment's, and values are always sent
as variables, never inlined. :func:`read` prices each read with :func:`~airflow_provider_arize.api.cost.
document_cost` (Arize's rules); a batch costs the sum of its reads.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from airflow_provider_arize.api import operations
from airflow_provider_arize.api.cost import Document, Selection, document_cost, parse_document
from airflow_provider_arize.api.errors import ArizeConfigError

__all__ = [
    "BATCH_OPERATION",
    "FILE_JOB",
    "TABLE_JOB",
    "TABLE_QUERIES_PAGE",
    "BatchRead",
    "ReadTemplate",
    "build_document",
    "read",
    "template",
]

#: The operation name of every batched request (what Arize's logs and the emulator's stats show).
BATCH_OPERATION = "PollImportJobs"
#: Template names (files in ``operations/batched``).
TABLE_JOB = "PollTableImportJob"
FILE_JOB = "PollFileImportJob"
TABLE_QUERIES_PAGE = "PollTableImportJobQueries"

_TEMPLATE_DIR = "batched"
_COMMENT_RE = re.compile(r"#[^\n\r]*")
_TEMPLATE_RE = re.compile(
    r"^\s*query\s+(?P<name>\w+)\s*\((?P<vars>[^)]*)\)\s*\{\s*read\s*:(?P<field>.*)\}\s*$", re.S
)
_VAR_DEF_RE = re.compile(r"\$(?P<name>[_A-Za-z]\w*)\s*:\s*(?P<type>[^$,]+?)\s*(?=,|$)")
_VAR_RE = re.compile(r"\$([_A-Za-z]\w*)")


@dataclass(frozen=True)
class ReadTemplate:
    """One read template: its variables (name, GraphQL type), its root field text after the alias, the
    fragments it spreads (transitively, in first-use order) and the parsed standalone document."""

    name: str
    variables: tuple[tuple[str, str], ...]
    field: str
    fragments: tuple[str, ...]
    document: Document

    def cost(self, variables: dict[str, Any]) -> int:
        return document_cost(self.document, variables, self.name)


def _spreads(selections: list[Selection]) -> list[str]:
    found: list[str] = []
    for sel in selections:
        if sel.spread is not None:
            found.append(sel.spread)
        found.extend(_spreads(sel.children))
    return found


@functools.cache
def template(name: str) -> ReadTemplate:
    """Load and check a read template (cached); ``KeyError`` when there is none of that name."""
    try:
        text = resources.files(operations).joinpath(_TEMPLATE_DIR, f"{name}.graphql").read_text("utf-8")
    except FileNotFoundError:
        raise KeyError(f"unknown batched read template {name!r}") from None
    match = _TEMPLATE_RE.match(_COMMENT_RE.sub("", text))
    if match is None or match["name"] != name:
        raise ArizeConfigError(f"read template {name} must be 'query {name}(...) {{ read: ... }}'")
    variables = tuple((m["name"], m["type"].strip()) for m in _VAR_DEF_RE.finditer(match["vars"]))
    field = " ".join(match["field"].split())
    needed: list[str] = []
    pending = _spreads(parse_document(text).operations[name])
    while pending:
        fragment = pending.pop(0)
        if fragment not in needed:
            needed.append(fragment)
            pending.extend(_spreads(parse_document(operations.load_fragment(fragment)).fragments[fragment]))
    standalone = "\n".join([text, *(operations.load_fragment(f) for f in needed)])
    return ReadTemplate(name, variables, field, tuple(needed), parse_document(standalone))


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


def read(template_name: str, **variables: Any) -> BatchRead:
    """A read of ``template_name`` with ``variables`` (every declared variable must be given)."""
    spec = template(template_name)
    declared = [name for name, _ in spec.variables]
    if sorted(variables) != sorted(declared):
        raise ArizeConfigError(
            f"read {template_name} takes the variables {declared}, got {sorted(variables)}",
            field="variables",
        )
    ordered = tuple((name, variables[name]) for name in declared)
    return BatchRead(template_name, ordered, spec.cost(dict(ordered)))


def build_document(reads: Sequence[BatchRead]) -> tuple[str, dict[str, Any]]:
    """The document and variables of one request carrying ``reads``, read ``i`` under alias ``r<i>``."""
    if not reads:
        raise ArizeConfigError("a batch needs at least one read", field="reads")
    definitions: list[str] = []
    fields: list[str] = []
    values: dict[str, Any] = {}
    fragments: list[str] = []
    for i, batch_read in enumerate(reads):
        spec = template(batch_read.template)
        definitions += [f"${name}_{i}: {type_}" for name, type_ in spec.variables]
        values.update({f"{name}_{i}": value for name, value in batch_read.variables})
        fields.append(f"  {alias(i)}: {_rename(spec.field, i)}")
        fragments += [f for f in spec.fragments if f not in fragments]
    head = f"query {BATCH_OPERATION}({', '.join(definitions)}) {{"
    body = "\n".join([head, *fields, "}"])
    return "\n".join([body, *(operations.load_fragment(f).rstrip() for f in fragments)]) + "\n", values


def _rename(text: str, index: int) -> str:
    return _VAR_RE.sub(lambda m: f"${m.group(1)}_{index}", text)


def alias(index: int) -> str:
    """The alias of read ``index`` in a batch built by :func:`build_document`."""
    return f"r{index}"
