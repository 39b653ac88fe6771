"""The executable GraphQL schema: a profile's SDL (:mod:`.profiles`) plus the emulator's resolvers.

The SDL derives from ``api/shape/arize.graphql`` (or a user's schema dump, profile ``file:<PATH>``), read
at startup; resolvers bind only to the types and fields it has (:mod:`.binding`). The
``DateTime`` scalar accepts RFC 3339 strings that carry a timezone (parsed to epoch seconds) and
serializes epoch seconds as RFC 3339 UTC (``2024-08-20T01:00:00Z``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ariadne import ScalarType, make_executable_schema
from graphql import GraphQLSchema

from .binding import EnumValues, fitted
from .clock import parse_rfc3339, to_rfc3339
from .profiles import FULL, SDL_PATH, Profile
from .resolvers import bindables

SCHEMA_PATH = SDL_PATH

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


@lru_cache(maxsize=32)
def build_schema(profile: Profile = FULL) -> GraphQLSchema:
    """Build the executable schema of ``profile`` with every resolver that fits it (cached: it is
    immutable)."""
    resolvers = fitted([datetime_scalar, *bindables(upper_enums=profile.upper_enums)])
    return make_executable_schema(profile.sdl(), *resolvers, EnumValues())
