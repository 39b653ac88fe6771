"""Every numeric bound the README names, tested at its edge: the largest accepted value is accepted, the
next one is refused with ``ArizeConfigError`` naming the field (before anything is sent)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models import TableIngestionParameters
from airflow_provider_arize.s3.detection import MAX_SETTLE_SECONDS, check_settings
from airflow_provider_arize.waits import (
    MAX_POLL_INTERVAL,
    MAX_WAIT_SECONDS,
    check_poll_interval,
    check_wait_timeout,
)

INT_MAX = 2**31 - 1  # GraphQL's Int


@pytest.mark.parametrize(
    ("field", "largest"),
    [
        ("rowLimit", INT_MAX),
        ("refreshIntervalMinutes", INT_MAX // 60),  # its seconds (refreshIntervalSeconds) fit an Int too
        ("queryWindowSizeHours", INT_MAX // 3600),  # likewise queryWindowSizeSeconds
    ],
)
def test_ingestion_parameters_fit_a_graphql_int_in_every_unit_arize_may_report(
    field: str, largest: int
) -> None:
    accepted = TableIngestionParameters.from_value({field: largest})
    assert accepted.to_input()[field] == largest
    if field != "rowLimit":
        seconds = largest * (60 if field == "refreshIntervalMinutes" else 3600)
        assert seconds <= INT_MAX < seconds + (60 if field == "refreshIntervalMinutes" else 3600)
    with pytest.raises(ArizeConfigError) as refused:
        TableIngestionParameters.from_value({field: largest + 1})
    assert refused.value.field == field


def test_wait_bounds_a_day_between_polls_and_a_year_in_all() -> None:
    assert check_poll_interval(MAX_POLL_INTERVAL) == 86400
    assert check_wait_timeout(MAX_WAIT_SECONDS) == MAX_WAIT_SECONDS >= 365 * 86400
    assert check_wait_timeout(timedelta(seconds=MAX_WAIT_SECONDS)) == MAX_WAIT_SECONDS
    for check, field, over in [
        (check_poll_interval, "poll_interval", MAX_POLL_INTERVAL + 0.001),
        (check_wait_timeout, "timeout", MAX_WAIT_SECONDS + 0.001),
    ]:
        with pytest.raises(ArizeConfigError) as refused:
            check(over)
        assert refused.value.field == field
        for bad in (0, -1, float("inf"), float("nan")):
            with pytest.raises(ArizeConfigError):
                check(bad)


def test_settle_seconds_at_most_a_year() -> None:
    check_settings(MAX_SETTLE_SECONDS, "all", 1000)
    bad: list[Any] = [MAX_SETTLE_SECONDS + 0.001, 0, float("nan")]
    for value in bad:
        with pytest.raises(ArizeConfigError) as refused:
            check_settings(value, "all", 1000)
        assert refused.value.field == "settle_seconds"
