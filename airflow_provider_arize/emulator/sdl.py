"""SDL transforms behind the emulator's profiles (:mod:`.profiles`): prune names, upper-case enums,
read a user's schema dump.

What pruning removes and keeps: ``docs/emulator.md``, "Profiles: how a variant is derived"."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from graphql import (
    DefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    build_client_schema,
    build_schema,
    parse,
    print_ast,
    print_schema,
    validate_schema,
)

__all__ = ["build_checked", "prune_sdl", "read_dump"]

_BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
_FIELDED = (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode, InputObjectTypeDefinitionNode)


def _named(node: TypeNode) -> str:
    while not isinstance(node, NamedTypeNode):
        node = node.type  # type: ignore[attr-defined]
    return node.name.value


def _without_names(node: Any, removed: frozenset[str]) -> list[Any]:
    """The fields of ``node`` that ``removed`` does not name, without the arguments it names."""
    type_name = node.name.value
    kept: list[Any] = []
    for f in node.fields or ():
        key = f"{type_name}.{f.name.value}"
        args = getattr(f, "arguments", None) or ()
        if key in removed:
            continue
        if any(f"{key}({a.name.value})" in removed for a in args):
            f = replace(f, arguments=tuple(a for a in args if f"{key}({a.name.value})" not in removed))
        kept.append(f)
    return kept


def _remove_names(defs: list[DefinitionNode], removed: frozenset[str]) -> list[DefinitionNode]:
    """``defs`` without the fields and arguments ``removed`` names. A type left with no fields goes,
    unless a field that stays still needs it: then its first declared field stays (GraphQL forbids a
    type without fields)."""
    fielded = {d.name.value: d for d in defs if isinstance(d, _FIELDED) and d.fields}
    kept = {name: _without_names(d, removed) for name, d in fielded.items()}
    rescued: set[str] = set()
    while True:
        fields = {n: kept[n] or (list(fielded[n].fields or ())[:1] if n in rescued else []) for n in kept}
        needed = {_named(t) for fs in fields.values() for f in fs for t in _types_of(f)}
        more = {n for n, fs in kept.items() if not fs and n in needed} - rescued
        if not more:
            break
        rescued |= more
    out: list[DefinitionNode] = []
    for d in defs:
        name = getattr(getattr(d, "name", None), "value", None)
        if name not in fielded:
            out.append(d)
        elif fields[name]:
            target: Any = d  # a union of node types: dataclasses.replace cannot be typed here
            out.append(replace(target, fields=tuple(fields[name])))
    return out


def _types_of(field: Any) -> list[TypeNode]:
    """The type of a field or input field and the types of its arguments."""
    return [field.type, *(a.type for a in getattr(field, "arguments", None) or ())]


def _args_fit(args: Iterable[InputValueDefinitionNode], names: set[str]) -> tuple[tuple[Any, ...], bool]:
    """The arguments whose type exists, and whether a required one was lost."""
    kept = tuple(a for a in args if _named(a.type) in names)
    lost_required = any(isinstance(a.type, NonNullTypeNode) for a in args if a not in kept)
    return kept, lost_required


def _fit(node: DefinitionNode, names: set[str]) -> DefinitionNode | None:
    """``node`` without what refers to missing types; ``None`` when nothing of it is left."""
    if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
        fields: list[FieldDefinitionNode] = []
        for f in node.fields or ():
            args, lost = _args_fit(f.arguments or (), names)
            if _named(f.type) in names and not lost:
                fields.append(f if len(args) == len(f.arguments or ()) else replace(f, arguments=args))
        interfaces = tuple(i for i in node.interfaces or () if i.name.value in names)
        return replace(node, fields=tuple(fields), interfaces=interfaces) if fields else None
    if isinstance(node, InputObjectTypeDefinitionNode):
        inputs, lost = _args_fit(node.fields or (), names)
        return replace(node, fields=inputs) if inputs and not lost else None
    if isinstance(node, UnionTypeDefinitionNode):
        members = tuple(t for t in node.types or () if t.name.value in names)
        return replace(node, types=members) if members else None
    if isinstance(node, SchemaDefinitionNode):
        ops = tuple(o for o in node.operation_types if o.type.name.value in names)
        return replace(node, operation_types=ops)
    return node


def _cascade(defs: list[DefinitionNode]) -> list[DefinitionNode]:
    names = set(_BUILTIN_SCALARS) | {d.name.value for d in defs if isinstance(d, TypeDefinitionNode)}
    return [f for f in (_fit(d, names) for d in defs) if f is not None]


def _upper(node: DefinitionNode, enums: frozenset[str]) -> DefinitionNode:
    if not isinstance(node, EnumTypeDefinitionNode) or node.name.value not in enums:
        return node
    values = tuple(replace(v, name=replace(v.name, value=v.name.value.upper())) for v in node.values or ())
    return replace(node, values=values)


def build_checked(sdl: str) -> GraphQLSchema:
    """Build ``sdl`` and check it is a valid schema (``ValueError`` listing the problems)."""
    try:
        schema = build_schema(sdl)
    except (GraphQLError, TypeError) as exc:
        raise ValueError(f"invalid SDL: {exc}") from None
    errors = validate_schema(schema)
    if errors:
        raise ValueError("invalid schema: " + "; ".join(e.message for e in errors))
    return schema


def prune_sdl(sdl: str, removed: frozenset[str], upper_enums: frozenset[str] = frozenset()) -> str:
    """``sdl`` without the ``removed`` names and what only they held up, with the values of the enums
    ``upper_enums`` upper-cased; checked valid."""
    document = parse(sdl, no_location=True)
    defs = [_upper(d, upper_enums) for d in _remove_names(list(document.definitions), removed)]
    while True:
        pruned = _cascade(defs)
        if pruned == defs:
            break
        defs = pruned
    text = print_ast(DocumentNode(definitions=tuple(defs))) + "\n"
    build_checked(text)
    return text


def read_dump(path: Path) -> str:
    """The SDL of a schema dump: a JSON introspection result (``{"data": {"__schema": ...}}`` or
    ``{"__schema": ...}``, as ``schema_dump`` writes) or SDL text. ``ValueError`` says what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read the schema dump '{path}': {exc.strerror}") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"schema dump '{path}' is not valid JSON: {exc.msg} at line {exc.lineno}"
            ) from None
        data = data.get("data", data) if isinstance(data, dict) else data
        if not isinstance(data, dict) or not isinstance(data.get("__schema"), dict):
            raise ValueError(f"schema dump '{path}' holds no introspection result ('__schema')")
        try:
            text = print_schema(build_client_schema(data))  # type: ignore[arg-type]
        except (GraphQLError, TypeError, KeyError) as exc:
            raise ValueError(f"schema dump '{path}' is not a usable introspection result: {exc}") from None
    try:
        build_checked(text)
    except ValueError as exc:
        raise ValueError(f"schema dump '{path}': {exc}") from None
    return text
