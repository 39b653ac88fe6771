"""Windows carried by asset events: what a load announces is what the Arize DAG triggers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.assets import (
    arize_model_asset,
    model_dataset,
    model_event_extra,
    model_from_uri,
    model_outlets,
    model_updates,
    window_extra,
    windows_from_asset_events,
)

HOUR = datetime(2026, 12, 2, 15, tzinfo=UTC)
ONE_HOUR = timedelta(hours=1)


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


# -- Arize model assets --------------------------------------------------------------------------------
SPACE = "U3BhY2U6MQ=="  # base64 ids end in "=", which a URI must encode


def test_a_model_asset_names_space_and_model_and_reads_back() -> None:
    asset = arize_model_asset(SPACE, "churn model/v2")
    assert asset.uri == "x-arize://U3BhY2U6MQ%3D%3D/churn%20model%2Fv2"
    assert model_from_uri(asset.uri) == (SPACE, "churn model/v2")
    assert model_from_uri("arize://U3BhY2U6MQ%3D%3D/churn") == (SPACE, "churn")  # the registered scheme
    # the OpenLineage dataset of the same model: the space is the namespace
    assert model_dataset(SPACE, "churn model/v2") == ("arize://U3BhY2U6MQ%3D%3D", "churn model/v2")


@pytest.mark.parametrize("uri", ["s3://bucket/key", "arize://space", "arize:///model", "arize://s/m/extra"])
def test_other_uris_are_not_models(uri: str) -> None:
    with pytest.raises(ArizeConfigError, match="not an Arize model asset URI"):
        model_from_uri(uri)


@pytest.mark.parametrize(("space", "model", "field"), [("", "m", "space_id"), (SPACE, "  ", "modelName")])
def test_a_model_asset_needs_both_names(space: str, model: str, field: str) -> None:
    with pytest.raises(ArizeConfigError) as raised:
        arize_model_asset(space, model)
    assert raised.value.field == field


def test_only_arize_outlets_are_model_assets() -> None:
    from airflow.sdk import Asset

    model = arize_model_asset(SPACE, "churn")
    assert model_outlets([Asset("s3://b/k"), model, Asset("churn_events")]) == [model]
    assert model_outlets(None) == []


def test_a_table_window_event_carries_window_and_counts() -> None:
    result = {
        "job_id": "VGFibGU6Mw==",
        "window_start": "2026-12-02T15:00:00Z",
        "window_end": "2026-12-02T16:00:00Z",
        "triggered": True,
        "query_id": "q-7",
        "records_processed_count": 29,
    }
    assert model_event_extra(result) == {
        "job_id": "VGFibGU6Mw==",
        "query_id": "q-7",
        "records_processed_count": 29,
        "window_start": "2026-12-02T15:00:00Z",
        "window_end": "2026-12-02T16:00:00Z",
    }


def test_a_file_batch_event_carries_file_counts_and_the_runs_interval() -> None:
    from airflow_provider_arize.api.models import QueryWindow

    result = {"job_id": "j", "success": 3, "failed": 0, "pending": 0, "expected": 3}
    day = QueryWindow.of(HOUR, "2026-12-03T15:00:00Z")
    assert model_event_extra(result, day) == {
        **result,
        "window_start": "2026-12-02T15:00:00Z",
        "window_end": "2026-12-03T15:00:00Z",
    }
    assert model_event_extra(result) == result  # no interval: counts only


def test_a_monitor_run_sees_each_ingested_window_once_oldest_first() -> None:
    model = arize_model_asset(SPACE, "churn")
    later = window_extra("2026-12-02T16:00:00Z", "2026-12-02T17:00:00Z", records_processed_count=36)
    first = window_extra(HOUR, "2026-12-02T16:00:00Z", records_processed_count=35)
    again = {**first, "records_processed_count": 35}  # a cleared task that succeeded again
    other = {"rows": 3}  # an event without a window says nothing about ingestion
    triggering = {model: [event(later), event(first), event(again), event(other)]}
    updates = model_updates(triggering)
    assert [(u["window_start"], u["records_processed_count"]) for u in updates] == [
        ("2026-12-02T15:00:00Z", 35),
        ("2026-12-02T16:00:00Z", 36),
    ]
    assert {u["model_asset"] for u in updates} == {model.uri}


@pytest.mark.parametrize(
    "triggering", [None, {}, {"churn_events": [event(window_extra(HOUR, HOUR + ONE_HOUR))]}]
)
def test_a_monitor_run_without_a_model_event_says_so(triggering: Any) -> None:
    with pytest.raises(ArizeConfigError, match="no Arize model-asset event with a window triggered this run"):
        model_updates(triggering)
