"""Small validators shared by the model classes. Every failure is an ``ArizeConfigError`` naming the field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from airflow_provider_arize.api.errors import ArizeConfigError


def require_text(field: str, value: object, *, allow_empty: bool = False) -> str:
    """Return ``value`` stripped, or raise when it is not a (non-empty) string."""
    if not isinstance(value, str):
        raise ArizeConfigError(f"{field} must be a string, got {type(value).__name__}", field=field)
    text = value.strip()
    if not text and not allow_empty:
        raise ArizeConfigError(f"{field} must not be empty", field=field)
    return text


def optional_text(field: str, value: object) -> str | None:
    """Return ``None`` for ``None``, else a non-empty stripped string."""
    return None if value is None else require_text(field, value)


def require_choice(field: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` when it is one of ``choices`` (exact spelling), else raise listing them."""
    allowed = sorted(choices)
    if not isinstance(value, str) or value not in allowed:
        raise ArizeConfigError(f"{field} must be one of {', '.join(allowed)}; got {value!r}", field=field)
    return value


#: The largest GraphQL ``Int`` (a 32-bit signed integer): Arize refuses a larger value for an ``Int`` field.
GRAPHQL_INT_MAX = 2**31 - 1


def optional_positive_int(
    field: str, value: object, *, allow_zero: bool = False, most: int | None = GRAPHQL_INT_MAX
) -> int | None:
    """Return ``None`` or a positive (or, if allowed, zero) ``int`` of at most ``most`` (by default the
    largest GraphQL ``Int``; ``None``: no bound); bools and floats are rejected."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArizeConfigError(f"{field} must be an integer, got {value!r}"[:300], field=field)
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ArizeConfigError(f"{field} must be {bound}, got {value}"[:300], field=field)
    if most is not None and value > most:
        raise ArizeConfigError(f"{field} must be at most {most}, got {value}"[:300], field=field)
    return value


def text_tuple(field: str, value: object) -> tuple[str, ...] | None:
    """Return ``None`` or a tuple of non-empty strings from a list or tuple."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ArizeConfigError(f"{field} must be a list of column names, got {value!r}", field=field)
    return tuple(require_text(f"{field}[{i}]", item) for i, item in enumerate(value))


def reject_unknown_keys(kind: str, data: Mapping[str, Any], known: Iterable[str]) -> None:
    """Raise naming the first key of ``data`` that is not in ``known`` (the error's ``field`` is that key,
    or ``kind`` when the key is blank or not a string)."""
    allowed = set(known)
    for key in data:
        if key not in allowed:
            field = key if isinstance(key, str) and key.strip() else kind
            raise ArizeConfigError(
                f"unknown {kind} field {key!r}; expected one of {', '.join(sorted(allowed))}", field=field
            )


def snake_to_camel(name: str) -> str:
    """``prediction_id`` -> ``predictionId``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
