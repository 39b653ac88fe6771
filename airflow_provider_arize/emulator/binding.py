"""Binding the emulator's resolvers to a profile's schema, where the schema has what they resolve.

ariadne refuses to bind a resolver to a type or field the schema lacks; a profile (or a user's dump)
lacks some on purpose. :class:`Fitted` binds a bindable only to what exists. :class:`EnumValues` gives
each enum value the emulator's internal value (``ACTIVE`` -> ``"active"``, ``BIGQUERY`` ->
``"BigQuery"``), so resolvers work with one vocabulary whatever casing the schema serves.
"""

from __future__ import annotations

import copy
import functools

from ariadne import EnumType, InterfaceType, ObjectType, ScalarType, SchemaBindable
from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
)

from .profiles import full_sdl

__all__ = ["EnumValues", "Fitted", "fitted"]


class Fitted(SchemaBindable):
    """``inner``, bound only if the schema has its type, and only to the fields the type has."""

    def __init__(self, inner: SchemaBindable) -> None:
        self.inner = inner

    def bind_to_schema(self, schema: GraphQLSchema) -> None:
        name = getattr(self.inner, "name", None)
        if not isinstance(name, str):
            self.inner.bind_to_schema(schema)
            return
        found = schema.type_map.get(name)
        if isinstance(self.inner, ObjectType):  # QueryType, MutationType and InterfaceType too
            kind = GraphQLInterfaceType if isinstance(self.inner, InterfaceType) else GraphQLObjectType
            if not isinstance(found, kind):
                return
            fit = copy.copy(self.inner)
            fit._resolvers = {f: r for f, r in self.inner._resolvers.items() if f in found.fields}
            fit.bind_to_schema(schema)
        elif isinstance(self.inner, ScalarType):
            if isinstance(found, GraphQLScalarType):
                self.inner.bind_to_schema(schema)
        elif found is not None:
            self.inner.bind_to_schema(schema)


def fitted(bindables: list[SchemaBindable]) -> list[SchemaBindable]:
    """Every bindable wrapped in :class:`Fitted`."""
    return [Fitted(b) for b in bindables]


@functools.cache
def _vocabulary() -> dict[str, dict[str, str]]:
    """The emulator's internal enum values (those of ``arize.graphql``), by enum, keyed case-folded."""
    schema = build_schema(full_sdl())
    return {
        name: {value.casefold(): value for value in t.values}
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLEnumType) and not name.startswith("__")
    }


class EnumValues(SchemaBindable):
    """Maps every enum value of the schema to the internal value that matches it case-insensitively;
    an upper-case name nothing matches stands for its lower case (``SUCCESS`` -> ``"success"``)."""

    def bind_to_schema(self, schema: GraphQLSchema) -> None:
        known = _vocabulary()
        for name, t in schema.type_map.items():
            if not isinstance(t, GraphQLEnumType) or name.startswith("__"):
                continue
            ours = known.get(name, {})
            mapping = {v: ours.get(v.casefold(), v.lower() if v.isupper() else v) for v in t.values}
            EnumType(name, mapping).bind_to_schema(schema)
