"""Windows carried by asset events: what a load announces is what the Arize DAG triggers."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.assets import window_extra, windows_from_asset_events

HOUR = datetime(2026, 12, 2, 15, tzinfo=UTC)


def event(extra: dict[str, Any]) -> Any:
    return SimpleNamespace(extra=extra)


def test_a_load_announces_its_window_in_utc_with_its_counts() -> None:
    extra = window_extra(HOUR, "2026-12-02T17:00:00+01:00", rows=11)
    assert extra == {"rows": 11, "window_start": "2026-12-02T15:00:00Z", "window_end": "2026-12-02T16:00:00Z"}


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (datetime(2026, 12, 2, 15), HOUR, "queryStart"),  # naive
        (HOUR, HOUR, "queryStart"),  # empty
        (HOUR, "not a time", "queryEnd"),
    ],
)
def test_a_bad_window_is_refused_when_announced(start: Any, end: Any, field: str) -> None:
    with pytest.raises(ArizeConfigError) as raised:
        window_extra(start, end)
    assert raised.value.field == field


def test_loads_close_together_give_each_window_once_oldest_first() -> None:
    late = window_extra("2026-12-02T17:00:00Z", "2026-12-02T18:00:00Z")
    early = window_extra("2026-12-02T15:00:00Z", "2026-12-02T16:00:00Z", rows=3)
    triggering = {"churn_events": [event(late), event(early)], "other": [event(late), event({"x": 1})]}
    assert windows_from_asset_events(triggering) == [
        {"window_start": "2026-12-02T15:00:00Z", "window_end": "2026-12-02T16:00:00Z"},
        {"window_start": "2026-12-02T17:00:00Z", "window_end": "2026-12-02T18:00:00Z"},
    ]


@pytest.mark.parametrize("triggering", [None, {}, {"churn_events": [event({}), event({"rows": 3})]}])
def test_a_run_without_a_window_says_what_it_lacks(triggering: Any) -> None:
    with pytest.raises(ArizeConfigError, match=r"no data interval and .* triggering asset events, none with"):
        windows_from_asset_events(triggering)


def test_half_a_window_is_named() -> None:
    with pytest.raises(ArizeConfigError) as raised:
        windows_from_asset_events({"a": [event({"window_start": "2026-12-02T15:00:00Z"})]})
    assert raised.value.field == "queryEnd"
