"""Query cost, after Arize's "Resource Limitations" page.

Each selected field costs 1; a field with a ``first`` argument (a connection) adds ``first`` times the
cost of its sub-selection instead of that cost once; the minimum is 1. Fragments count as if inlined;
introspection fields (``__schema``, ``__typename``...) are free. So ``monitors(first: 50)`` selecting 5
leaf fields under ``node`` costs 252 (1 + 1 + 50 x 5). A call costing more than
``constants.MAX_QUERY_COMPLEXITY`` is refused before it executes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)


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
