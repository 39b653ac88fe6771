"""Learning a host's shape: one introspection request, or the names its validation errors reject.

:data:`DISCOVERY_DOCUMENT` asks for every type's fields and their arguments (names only, no
descriptions). :func:`present_keys` walks the host's types from the roots alongside ``arize.graphql``,
so a type the host names differently (say ``IngestionParams`` for our ``TableIngestionParameters``) is
still matched by the field that leads to it. :func:`rejected_keys` reads graphql-core's, graphql-js's and
graphql-java's "no such field / argument" messages.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

from airflow_provider_arize.api.shape.registry import OPTIONAL

__all__ = ["DISCOVERY_DOCUMENT", "DISCOVERY_OPERATION", "present_keys", "rejected_keys", "wish_schema"]

DISCOVERY_OPERATION = "DiscoverArizeSchema"
DISCOVERY_DOCUMENT = """query DiscoverArizeSchema {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      name
      fields(includeDeprecated: true) { name args { name } type { ...TypeRef } }
    }
  }
}
fragment TypeRef on __Type { name ofType { name ofType { name ofType { name } } } }
"""
#: Types whose names Arize's pages show: matched by name as well as by the path that leads to them.
_NAMED = ("TableImportJob", "FileImportJob", "Space")


@functools.cache
def wish_schema() -> Any:
    """``arize.graphql`` built with graphql-core: every name the provider might use (cached)."""
    from graphql import build_schema

    text = resources.files(__package__).joinpath("arize.graphql").read_text(encoding="utf-8")
    return build_schema(text)


def _named(ref: Mapping[str, Any] | None) -> str | None:
    while isinstance(ref, Mapping):
        if ref.get("name"):
            return str(ref["name"])
        ref = ref.get("ofType")
    return None


def present_keys(data: Mapping[str, Any]) -> frozenset[str]:
    """The optional names (:data:`~.registry.OPTIONAL`) an introspection answer shows."""
    from graphql import GraphQLInterfaceType, GraphQLObjectType, get_named_type

    schema_data = data.get("__schema") or {}
    host: dict[str, dict[str, Any]] = {}
    for t in schema_data.get("types") or ():
        if isinstance(t, Mapping) and t.get("name"):
            host[str(t["name"])] = {f["name"]: f for f in t.get("fields") or () if isinstance(f, Mapping)}
    wish = wish_schema()
    pairs: list[tuple[str, str]] = [(n, n) for n in _NAMED if n in host]
    for ours, root in (("Query", "queryType"), ("Mutation", "mutationType")):
        name = _named(schema_data.get(root))
        if name in host:
            pairs.append((ours, str(name)))
    seen: set[str] = set()
    found: set[str] = set()
    while pairs:
        ours, theirs = pairs.pop()
        if ours in seen:
            continue
        seen.add(ours)
        wish_type = wish.get_type(ours)
        if not isinstance(wish_type, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for fname, wfield in wish_type.fields.items():
            hfield = host[theirs].get(fname)
            if hfield is None:
                continue
            found.add(f"{ours}.{fname}")
            host_args = {a.get("name") for a in hfield.get("args") or () if isinstance(a, Mapping)}
            found.update(f"{ours}.{fname}({arg})" for arg in wfield.args if arg in host_args)
            child, host_child = get_named_type(wfield.type).name, _named(hfield.get("type"))
            if host_child in host and child not in seen:
                pairs.append((child, host_child))
    return frozenset(found & set(OPTIONAL))


_FIELD_PATTERNS = (
    re.compile(r"""Cannot query field ['"](?P<field>\w+)['"] on type ['"](?P<type>\w+)['"]"""),
    re.compile(r"""Field ['"](?P<field>\w+)['"] in type ['"](?P<type>\w+)['"] is undefined"""),
)
_ARG_PATTERNS = (
    re.compile(r"""Unknown argument ['"](?P<arg>\w+)['"] on field ['"](?P<type>\w+)\.(?P<field>\w+)['"]"""),
    re.compile(
        r"""Unknown argument ['"](?P<arg>\w+)['"] on field ['"](?P<field>\w+)['"] """
        r"""of type ['"](?P<type>\w+)['"]"""
    ),
)


def rejected_keys(errors: Sequence[Mapping[str, Any]], used: Iterable[str]) -> set[str]:
    """The optional names of ``used`` (the keys a document named) that ``errors`` say the host lacks.

    The host's type names may differ from ours, so a field is matched by name among the keys the document
    used, preferring the one on the type of the same name.
    """
    used = set(used)
    out: set[str] = set()
    for error in errors:
        message = str(error.get("message") or "") if isinstance(error, Mapping) else ""
        for pattern in _FIELD_PATTERNS:
            for m in pattern.finditer(message):
                out |= _match(used, m["type"], m["field"], None)
        for pattern in _ARG_PATTERNS:
            for m in pattern.finditer(message):
                out |= _match(used, m["type"], m["field"], m["arg"])
    return {k for k in out if k in OPTIONAL}


def _match(used: set[str], type_name: str, field: str, arg: str | None) -> set[str]:
    suffix = f".{field}({arg})" if arg else f".{field}"
    exact = f"{type_name}{suffix}"
    if exact in used:
        return {exact}
    return {k for k in used if k.endswith(suffix)}
