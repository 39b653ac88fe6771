"""The executable GraphQL schema: the SDL file ``schema.graphql`` plus the emulator's resolvers.

The SDL is read from the file at startup, so a real Arize introspection dump can replace it. The
``DateTime`` scalar accepts RFC 3339 strings that carry a timezone (parsed to epoch seconds) and
serializes epoch seconds as RFC 3339 UTC (``2024-08-20T01:00:00Z``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ariadne import ScalarType, make_executable_schema
from graphql import GraphQLSchema

from .clock import parse_rfc3339, to_rfc3339
from .resolvers import bindables

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")

datetime_scalar = ScalarType("DateTime")


@datetime_scalar.serializer
def _serialize_datetime(value: Any) -> str:
    if isinstance(value, int | float):
        return to_rfc3339(float(value))
    return str(value)


@datetime_scalar.value_parser
def _parse_datetime(value: Any) -> float:
    if not isinstance(value, str):
        raise ValueError(f"DateTime must be an RFC 3339 string, got {value!r}")
    return parse_rfc3339(value)


def load_sdl(path: Path = SCHEMA_PATH) -> str:
    """Return the SDL text the emulator serves."""
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def build_schema(path: Path = SCHEMA_PATH) -> GraphQLSchema:
    """Build the executable schema from the SDL file and every resolver (cached: it is immutable)."""
    return make_executable_schema(load_sdl(path), datetime_scalar, *bindables())
