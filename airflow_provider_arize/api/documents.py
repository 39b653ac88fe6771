"""The documents the client sends, built with graphql-core from the shipped ``operations/*.graphql``.

:func:`build` turns a shipped operation into what one host can answer (fragments inlined, absent
variables and unknown names pruned, seed-form mutations inlined); :func:`build_batch` packs one-field
reads into one query. The steps: ``docs/api-variants.md``, "How a document is built for a host".
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NameNode,
    NullValueNode,
    ObjectFieldNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    Visitor,
    get_named_type,
    parse,
    print_ast,
    visit,
)

from airflow_provider_arize.api import operations
from airflow_provider_arize.api.cost import operation_cost
from airflow_provider_arize.api.errors import ArizeAPIError
from airflow_provider_arize.api.shape.discovery import wish_schema
from airflow_provider_arize.api.shape.registry import CERTAIN, OPTIONAL

__all__ = ["Built", "build", "build_batch", "literal"]

Has = Callable[[str], bool]
_TYPENAME_ONLY = SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),))


@dataclass(frozen=True)
class Built:
    """A document ready to send: its operation name, text, the variables it declares, the names (keys)
    it uses."""

    name: str
    text: str
    variables: dict[str, Any]
    used: frozenset[str]


@functools.cache
def template(name: str) -> OperationDefinitionNode:
    """The shipped operation ``name`` with every fragment spread inlined (cached)."""
    doc = parse(operations.load(name), no_location=True)
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    (op,) = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    inlined: OperationDefinitionNode = visit(op, _InlineSpreads(fragments))
    return inlined


class _InlineSpreads(Visitor):
    """Each fragment spread becomes an inline fragment on the fragment's type (visited in turn, so the
    spreads inside it are inlined too)."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        super().__init__()
        self.fragments = fragments

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> InlineFragmentNode:
        fragment = self.fragments[node.name.value]
        return InlineFragmentNode(
            type_condition=fragment.type_condition, directives=(), selection_set=fragment.selection_set
        )


class _RenameVariables(Visitor):
    """Every use and definition of variable ``v`` becomes ``renames[v]``."""

    def __init__(self, renames: Mapping[str, str]) -> None:
        super().__init__()
        self.renames = renames

    def enter_variable(self, node: VariableNode, *_: object) -> VariableNode | None:
        new = self.renames.get(node.name.value)
        return VariableNode(name=NameNode(value=new)) if new is not None else None


def _selected(selections: list[Any], node: Any) -> bool:
    """Whether leaf field ``node`` is already among ``selections`` (same name, no alias, no arguments)."""
    if not isinstance(node, FieldNode) or node.alias or node.arguments or node.selection_set:
        return False
    return any(
        isinstance(s, FieldNode) and not s.alias and s.name.value == node.name.value for s in selections
    )


def _copy(node: Any, **changes: Any) -> Any:
    kwargs = {key: getattr(node, key) for key in node.keys if key != "loc"}
    kwargs.update(changes)
    return type(node)(**kwargs)


class _Pruner:
    """Walks one operation against the wish schema, keeping what the host has."""

    def __init__(self, has: Has, values: Mapping[str, Any], inline: bool) -> None:
        self.schema = wish_schema()
        self.has = has
        self.values = values
        self.inline = inline
        self.used: set[str] = set()
        self.variables: set[str] = set()

    def selection_set(self, node: SelectionSetNode, parent: Any) -> SelectionSetNode | None:
        out: list[Any] = []
        for sel in node.selections:
            if isinstance(sel, FieldNode):
                kept = self.field(sel, parent)
            elif isinstance(sel, InlineFragmentNode):
                inner = self.schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                sub = self.selection_set(sel.selection_set, inner)
                if sub is not None and inner is parent:
                    out.extend(s for s in sub.selections if not _selected(out, s))
                    continue
                kept = _copy(sel, selection_set=sub) if sub is not None else None
            else:  # pragma: no cover - spreads were inlined by template()
                raise TypeError(f"unexpected selection {sel.kind}")
            if kept is not None and not _selected(out, kept):
                out.append(kept)
        return SelectionSetNode(selections=tuple(out)) if out else None

    def field(self, node: FieldNode, parent: Any) -> FieldNode | None:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return node
        wish_field = parent.fields.get(name)
        key = f"{parent.name}.{name}"
        if wish_field is None or not self.has(key):
            return None
        arguments = []
        for arg in node.arguments or ():
            arg_key = f"{key}({arg.name.value})"
            if not self.has(arg_key):
                continue
            wish_arg = wish_field.args.get(arg.name.value)
            value = self.value(arg.value, wish_arg.type if wish_arg else None)
            if value is None:
                continue
            if arg_key in OPTIONAL:
                self.used.add(arg_key)
            arguments.append(ArgumentNode(name=arg.name, value=value))
        selection_set = None
        if node.selection_set is not None:
            selection_set = self.selection_set(node.selection_set, get_named_type(wish_field.type))
            if selection_set is None and key not in CERTAIN:
                return None
            selection_set = selection_set or _TYPENAME_ONLY  # a mutation runs whatever it selects
        self.used.add(key)
        kept: FieldNode = _copy(node, arguments=tuple(arguments), selection_set=selection_set)
        return kept

    def value(self, node: ValueNode, type_: Any) -> ValueNode | None:
        """``node`` with absent variables left out (``None``) and, when inlining, variables as literals."""
        if isinstance(node, VariableNode):
            name = node.name.value
            if self.values.get(name) is None:
                return None
            if self.inline:
                return literal(self.values[name], type_)
            self.variables.add(name)
            return node
        if isinstance(node, ObjectValueNode):
            named = get_named_type(type_) if type_ is not None else None
            fields = []
            for f in node.fields or ():
                inner = named.fields.get(f.name.value) if isinstance(named, GraphQLInputObjectType) else None
                value = self.value(f.value, inner.type if inner else None)
                if value is not None:
                    fields.append(ObjectFieldNode(name=f.name, value=value))
            return ObjectValueNode(fields=tuple(fields))
        return node


def literal(value: Any, type_: Any = None) -> ValueNode:
    """``value`` as a GraphQL literal for a position of (wish) type ``type_``: enums bare, strings escaped."""
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if value is None:
        return NullValueNode()
    if isinstance(value, bool):
        return BooleanValueNode(value=value)
    if isinstance(value, int):
        return IntValueNode(value=str(value))
    if isinstance(value, float):
        return FloatValueNode(value=repr(value))
    if isinstance(value, str):
        if isinstance(type_, GraphQLEnumType):
            return EnumValueNode(value=value)
        return StringValueNode(value=value)
    if isinstance(value, Mapping):
        fields = type_.fields if isinstance(type_, GraphQLInputObjectType) else {}
        return ObjectValueNode(
            fields=tuple(
                ObjectFieldNode(
                    name=NameNode(value=str(k)), value=literal(v, fields[k].type if k in fields else None)
                )
                for k, v in value.items()
                if v is not None
            )
        )
    if isinstance(value, list | tuple):
        item = type_.of_type if isinstance(type_, GraphQLList) else None
        return ListValueNode(values=tuple(literal(v, item) for v in value))
    raise TypeError(f"cannot write a {type(value).__name__} as a GraphQL literal")


def _prune(
    name: str, values: Mapping[str, Any], has: Has, inline: bool
) -> tuple[OperationDefinitionNode, _Pruner]:
    op = template(name)
    pruner = _Pruner(has, values, inline)
    schema = pruner.schema
    root = schema.mutation_type if op.operation == OperationType.MUTATION else schema.query_type
    selection_set = pruner.selection_set(op.selection_set, root)
    if selection_set is None:
        raise ArizeAPIError(
            f"this Arize serves none of the fields {name} reads (see the provider's docs/api-variants.md)",
            operation_name=name,
        )
    definitions = tuple(d for d in op.variable_definitions or () if d.variable.name.value in pruner.variables)
    return _copy(op, variable_definitions=definitions, selection_set=selection_set), pruner


def build(name: str, values: Mapping[str, Any] | None, has: Has, *, inline: bool = False) -> Built:
    """Operation ``name`` as the host ``has`` it, with ``values`` (inlined when ``inline``)."""
    values = dict(values or {})
    op, pruner = _prune(name, values, has, inline)
    sent = {k: values[k] for k in sorted(pruner.variables)}
    document = DocumentNode(definitions=(op,))
    return Built(name, print_ast(document), sent, frozenset(pruner.used))


def build_batch(
    operation_name: str, reads: Sequence[tuple[str, Mapping[str, Any]]], has: Has, *, start: int = 0
) -> Built:
    """One query carrying ``reads`` (one-field query templates with their variables), read ``i`` under
    alias ``r<start + i>`` and its variables renamed ``$<name>_<start + i>``."""
    fields: list[Any] = []
    definitions: list[Any] = []
    sent: dict[str, Any] = {}
    used: set[str] = set()
    for i, (name, values) in enumerate(reads, start):
        op, pruner = _prune(name, values, has, inline=False)
        used |= pruner.used
        renames = _RenameVariables({v: f"{v}_{i}" for v in pruner.variables})
        sent.update({renames.renames[v]: values[v] for v in pruner.variables})
        definitions.extend(visit(d, renames) for d in op.variable_definitions or ())
        (root,) = op.selection_set.selections
        fields.append(visit(_copy(root, alias=NameNode(value=f"r{i}")), renames))
    op = OperationDefinitionNode(
        operation=OperationType.QUERY,
        name=NameNode(value=operation_name),
        variable_definitions=tuple(definitions),
        directives=(),
        selection_set=SelectionSetNode(selections=tuple(fields)),
    )
    return Built(operation_name, print_ast(DocumentNode(definitions=(op,))), sent, frozenset(used))


def read_cost(name: str, values: Mapping[str, Any], has: Has) -> int:
    """What one batched read costs on the host ``has`` describes."""
    op, pruner = _prune(name, values, has, inline=False)
    sent = {k: values[k] for k in pruner.variables}
    return operation_cost(DocumentNode(definitions=(op,)), op, sent)
