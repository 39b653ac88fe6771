"""The complexity Arize charges for a GraphQL document: one function for the client and the emulator.

Rules (Arize's "Resource Limitations" page): each selected field costs 1; a field with a ``first``
argument (a connection) costs 1 plus ``first`` times the cost of its sub-selection; fragments count as if
inlined; inline fragments add nothing of their own; introspection fields (``__typename``...) are free; a
call costs at least 1. So ``monitors(first: 50)`` selecting 5 leaf fields under ``node`` costs 252
(1 + 1 + 50 x 5). A call costing more than ``constants.MAX_QUERY_COMPLEXITY`` is refused before it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    parse,
)

from airflow_provider_arize.api.errors import ArizeConfigError

__all__ = ["document_cost", "operation_cost"]


def _first(field: FieldNode, variables: Mapping[str, Any]) -> int | None:
    for arg in field.arguments or ():
        if arg.name.value != "first":
            continue
        if isinstance(arg.value, IntValueNode):
            return int(arg.value.value)
        if isinstance(arg.value, VariableNode):
            value = variables.get(arg.value.name.value)
            return value if isinstance(value, int) else None
    return None


def _cost(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    seen: frozenset[str],
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            if sel.name.value.startswith("__"):
                continue
            children = _cost(sel.selection_set, fragments, variables, seen)
            first = _first(sel, variables)
            total += 1 + (max(first, 0) * children if first is not None else children)
        elif isinstance(sel, InlineFragmentNode):
            total += _cost(sel.selection_set, fragments, variables, seen)
        elif isinstance(sel, FragmentSpreadNode):
            name = sel.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                total += _cost(fragment.selection_set, fragments, variables, seen | {name})
    return total


def operation_cost(
    document: DocumentNode, operation: OperationDefinitionNode, variables: Mapping[str, Any] | None
) -> int:
    """Return the cost (>= 1) of running ``operation`` of ``document`` with ``variables``."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return max(1, _cost(operation.selection_set, fragments, variables or {}, frozenset()))


def document_cost(
    document: str | DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """The cost (>= 1) of running ``operation_name`` (or the document's only operation) of ``document``."""
    try:
        doc = parse(document, no_location=True) if isinstance(document, str) else document
    except GraphQLError as exc:
        raise ArizeConfigError(f"not a GraphQL document: {exc.message}", field="document") from None
    operations = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
        if not operations:
            raise ArizeConfigError(f"no operation {operation_name!r} in the document", field="operation_name")
    if len(operations) != 1:
        raise ArizeConfigError("the document has several operations: name one", field="operation_name")
    return operation_cost(doc, operations[0], variables)
