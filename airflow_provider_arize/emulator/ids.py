"""Global node ids, short job ids and connection cursors.

* A global id is base64 of ``"<Type>:<n>"`` (``U3BhY2U6MQ==`` is ``Space:1``), as Arize mints them.
* A job's short ``jobId`` is the decimal string of its number ``n``.
* Every ``jobId`` input accepts either form; ``node(id:)`` accepts only global ids.
* Cursors are opaque base64 strings; clients must not parse them.
"""

from __future__ import annotations

import base64
import binascii
import re

from graphql import GraphQLError

NODE_TYPES = frozenset({"Space", "TableImportJob", "FileImportJob", "Model"})
_GLOBAL_RE = re.compile(r"^([A-Za-z]+):([0-9]+)$")


class IdError(GraphQLError):
    """A malformed, wrongly typed or unknown id. The message always names the id."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "BAD_ID"})


def to_global_id(type_name: str, number: int) -> str:
    """Return the global id of object ``number`` of ``type_name``."""
    return base64.b64encode(f"{type_name}:{number}".encode()).decode()


def from_global_id(value: str) -> tuple[str, int] | None:
    """Decode a global id into ``(type, number)``, or ``None`` when it is not one."""
    try:
        text = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    match = _GLOBAL_RE.match(text)
    if not match:
        return None
    return match.group(1), int(match.group(2))


def parse_node_id(value: str) -> tuple[str, int]:
    """Decode an id given to ``node(id:)``: a global id of a known type, else :class:`IdError`."""
    decoded = from_global_id(value)
    if decoded is None:
        raise IdError(f"Invalid node id '{value}': expected a global id (base64 of '<Type>:<number>')")
    if decoded[0] not in NODE_TYPES:
        raise IdError(f"Invalid node id '{value}': unknown type '{decoded[0]}'")
    return decoded


def parse_typed_id(value: str, type_name: str, field: str = "jobId") -> int:
    """Decode an input id that must name a ``type_name``: its global id or the plain decimal number.

    Raises :class:`IdError` naming the value when it is neither, or decodes to another type.
    """
    text = value.strip()
    if text.isdigit():
        return int(text)
    decoded = from_global_id(text)
    if decoded is None:
        raise IdError(f"Invalid {field} '{value}': expected a {type_name} global id or a numeric id")
    if decoded[0] != type_name:
        raise IdError(f"Invalid {field} '{value}': it is a {decoded[0]} id, expected a {type_name} id")
    return decoded[1]


def encode_cursor(number: int) -> str:
    """Return the opaque cursor for the row ``number`` of a connection."""
    return base64.b64encode(f"cursor:{number}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """Decode a cursor made by :func:`encode_cursor`; raise ``GraphQLError`` naming a bad one."""
    try:
        text = base64.b64decode(cursor, validate=True).decode()
        prefix, number = text.split(":", 1)
        if prefix == "cursor" and number.isdigit():
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise GraphQLError(f"Invalid cursor '{cursor}'", extensions={"code": "BAD_CURSOR"})
