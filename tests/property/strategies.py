"""Hypothesis strategies for hostile input: wrong types, blank and control-character strings, huge
strings, nested junk, next to values that are valid, so that both branches (accepted, rejected) run."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

#: Any JSON-ish value, nested a little.
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)

#: Strings a user or a template could produce: names, blanks, whitespace, control characters, long ones.
odd_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "\t\n", "\x00", "None", "null", "{{ ds }}", "a/b", "🙂", "x" * 5000]),
)


#: Numbers that break arithmetic on durations and counts: zero, negatives, infinities, NaN, huge ones.
odd_numbers: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from([0, -1, 0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e308, 2**63, 10**30]),
    st.floats(),
    st.integers(min_value=-(2**70), max_value=2**70),
)


def spoil(
    draw: st.DrawFn,
    kwargs: dict[str, Any],
    hostile: st.SearchStrategy[Any] | Mapping[str, st.SearchStrategy[Any]],
) -> list[str]:
    """Replace none, one or two of ``kwargs`` (the names ``hostile`` maps, or any name when it is one
    strategy) with hostile values, so that both branches (accepted, refused) run often and a refusal can
    be traced to the argument it names; return the names replaced."""
    names = sorted(hostile) if isinstance(hostile, Mapping) else sorted(kwargs)
    spoiled = draw(st.lists(st.sampled_from(names), max_size=2) | st.just([]))
    for name in spoiled:
        kwargs[name] = draw(hostile[name] if isinstance(hostile, Mapping) else hostile)
    return spoiled


def maybe(valid: st.SearchStrategy[Any], weight_valid: int = 3) -> st.SearchStrategy[Any]:
    """Mostly ``valid``, sometimes anything."""
    return st.one_of(*([valid] * weight_valid), odd_text, json_values)


names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,15}", fullmatch=True)

timezones = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))])
aware_datetimes = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=timezones
)
naive_datetimes = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
timestamps: st.SearchStrategy[Any] = st.one_of(
    aware_datetimes,
    naive_datetimes,
    aware_datetimes.map(lambda d: d.isoformat()),
    naive_datetimes.map(lambda d: d.isoformat()),
    aware_datetimes.map(lambda d: d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
    odd_text,
    json_values,
)

SCHEMA_KEYS = [
    "predictionId",
    "timestamp",
    "predictionLabel",
    "predictionScore",
    "actualLabel",
    "actualScore",
    "features",
    "featuresList",
    "tags",
    "tagsList",
    "shapValues",
    "changeTimestamp",
    "exclude",
    "embeddingFeatures",
    "prediction_id",
    "rank",
    "predictionObjectDetection",
]
column_lists = st.lists(names, max_size=4)
schema_values = st.one_of(names, column_lists, odd_text, json_values)
schemas = st.dictionaries(st.sampled_from(SCHEMA_KEYS) | st.text(max_size=12), schema_values, max_size=8)
