"""The arrival-order decision on constructed listings: only keys after the last seen key are new, the
state is that key (bounded whatever the keys), each mode refuses the other's state, and what the mode
gives up (a key that sorts before the last seen key is never reported) is what happens."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.arrival import ArrivalState, detect_arrivals, find_disorder
from airflow_provider_arize.s3.detection import (
    MAX_STATE_BYTES,
    ArizeS3StateError,
    Detection,
    DetectionState,
    detect,
)
from airflow_provider_arize.s3.filters import KeyFilter
from airflow_provider_arize.s3.listing import Listing
from airflow_provider_arize.s3.objects import S3Object, format_time
from airflow_provider_arize.s3.state_store import parse_state

T0 = datetime(2026, 11, 23, tzinfo=UTC)
BUCKET, PREFIX = "inferences", "ctr/production/"
FILTER = KeyFilter.of(BUCKET, PREFIX, suffixes=[".parquet"])


def obj(key: str, minutes: float = 0) -> S3Object:
    return S3Object(PREFIX + key, 10, f"etag-{key}", T0 + timedelta(minutes=minutes))


def listing_after(bucket: Sequence[S3Object], start_after: str | None) -> Listing:
    """What ListObjectsV2 returns for ``bucket``'s objects with ``StartAfter=start_after``."""
    listing = Listing()
    entries = [
        {"Key": o.key, "Size": o.size, "ETag": f'"{o.etag}"', "LastModified": o.last_modified}
        for o in sorted(bucket, key=lambda o: o.key)
        if start_after is None or o.key > start_after
    ]
    listing.add({"Contents": entries}, FILTER)
    return listing


def poke(bucket: Sequence[S3Object], state: ArrivalState | None, **kwargs: object) -> Detection:
    """One detection as the sensor makes it: list after the state's last key, then decide."""
    listing = listing_after(bucket, state.start_after if state else None)
    return detect_arrivals(listing, state, bucket=BUCKET, prefix=PREFIX, **kwargs)  # type: ignore[arg-type]


def keys(detection: Detection) -> list[str]:
    return [o.key.removeprefix(PREFIX) for o in detection.files]


def last_key(detection: Detection) -> str | None:
    assert isinstance(detection.state, ArrivalState)
    return detection.state.last_key


def test_first_detection_reports_everything_then_only_keys_after_the_last_one() -> None:
    bucket = [obj("2026/11/22/part-0.parquet", 1), obj("2026/11/23/part-0.parquet", 0), obj("notes.txt")]
    first = poke(bucket, None)
    assert keys(first) == ["2026/11/23/part-0.parquet", "2026/11/22/part-0.parquet"]  # (last_modified, key)
    assert last_key(first) == PREFIX + "notes.txt"  # the greatest key listed, though filtered out

    bucket += [obj("notes.txt/2026/11/24/part-0.parquet", 5)]
    second = poke(bucket, first.state)  # type: ignore[arg-type]
    assert keys(second) == ["notes.txt/2026/11/24/part-0.parquet"]
    assert poke(bucket, second.state).files == ()  # type: ignore[arg-type]


def test_keys_at_or_before_the_last_key_in_a_listing_are_ignored() -> None:
    state = ArrivalState(BUCKET, PREFIX, PREFIX + "2026/11/23/b.parquet")
    listing = listing_after([obj("2026/11/23/a.parquet"), obj("2026/11/23/b.parquet")], None)
    detection = detect_arrivals(listing, state, bucket=BUCKET, prefix=PREFIX)
    assert detection.files == () and last_key(detection) == PREFIX + "2026/11/23/b.parquet"


def test_max_files_reports_the_earliest_keys_and_none_is_missed_or_reported_twice() -> None:
    bucket = [obj(f"2026/11/{10 + i // 4}/part-{i:02}.parquet", -i) for i in range(10)]
    reported: list[str] = []
    state = None
    for expected in (3, 3, 3, 1, 0):
        detection = poke(bucket, state, max_files=3)
        assert len(detection.files) == expected
        assert detection.pending == max(0, 10 - len(reported) - 3)
        reported += sorted(keys(detection))
        state = detection.state
    assert reported == sorted(o.key.removeprefix(PREFIX) for o in bucket)


def test_first_run_none_records_the_last_key_and_reports_only_later_keys() -> None:
    bucket = [obj("2026/11/22/a.parquet"), obj("2026/11/23/b.parquet")]
    baseline = poke(bucket, None, first_run="none")
    assert baseline.baseline and baseline.files == () and last_key(baseline) == bucket[-1].key
    bucket += [obj("2026/11/24/c.parquet", 1)]
    assert keys(poke(bucket, baseline.state)) == ["2026/11/24/c.parquet"]  # type: ignore[arg-type]


def test_first_run_none_on_an_empty_prefix_reports_the_first_file() -> None:
    baseline = poke([], None, first_run="none")
    assert baseline.baseline and last_key(baseline) is None
    assert keys(poke([obj("2026/11/24/c.parquet")], baseline.state)) == ["2026/11/24/c.parquet"]  # type: ignore[arg-type]


def test_a_key_sorting_before_the_last_key_is_never_reported_as_documented() -> None:
    bucket = [obj("2026/11/23/part-1.parquet")]
    state = poke(bucket, None).state
    # a late file in yesterday's partition, an earlier part completing late, an overwrite
    bucket += [obj("2026/11/22/late.parquet", 5), obj("2026/11/23/part-0.parquet", 5)]
    bucket[0] = obj("2026/11/23/part-1.parquet", 6)
    assert poke(bucket, state).files == ()  # type: ignore[arg-type]


def test_find_disorder_flags_keys_modified_before_a_key_that_sorts_ahead() -> None:
    assert find_disorder([obj("a/1.parquet", 0), obj("a/2.parquet", 0), obj("a/3.parquet", 1)]) is None
    disorder = find_disorder([obj("a/3.parquet", 1), obj("a/1.parquet", 5), obj("a/2.parquet", 2)])
    assert disorder is not None and disorder.count == 2  # a/2 and a/3 were modified before a/1
    assert (disorder.ahead.key, disorder.behind.key) == (PREFIX + "a/1.parquet", PREFIX + "a/2.parquet")
    assert format_time(T0 + timedelta(minutes=5)) in disorder.describe()


def test_the_state_stays_small_whatever_the_keys() -> None:
    # S3 keys are at most 1,024 bytes, and JSON escapes a control character in six
    worst_prefix, key = "\x01" * 1000, "\x01" * 1024
    state = ArrivalState(BUCKET, worst_prefix, key)
    text = state.dumps()
    assert len(text.encode()) < 16 * 1024 < MAX_STATE_BYTES
    assert ArrivalState.from_json(text, bucket=BUCKET, prefix=worst_prefix, where="V") == state


def test_the_state_round_trips_with_its_own_layout_version() -> None:
    state = poke([obj("2026/11/23/a.parquet")], None).state
    stored = json.loads(state.dumps())
    assert stored == {
        "version": 2,
        "mode": "arrival",
        "bucket": BUCKET,
        "prefix": PREFIX,
        "last_key": PREFIX + "2026/11/23/a.parquet",
    }
    assert parse_state(stored, bucket=BUCKET, prefix=PREFIX, where="V", keys_sort_by_arrival=True) == state


def test_each_mode_refuses_the_other_modes_state_naming_both() -> None:
    arrival = poke([obj("2026/11/23/a.parquet")], None).state.dumps()
    full = detect([obj("2026/11/23/a.parquet")], None, bucket=BUCKET, prefix=PREFIX, settle_seconds=60)
    with pytest.raises(ArizeS3StateError) as info:
        DetectionState.from_json(arrival, bucket=BUCKET, prefix=PREFIX, where="Variable 'x'")
    assert "holds an arrival-order state (keys_sort_by_arrival=True)" in str(info.value)
    assert "keeps a full-listing state (keys_sort_by_arrival=False)" in str(info.value)
    with pytest.raises(ArizeS3StateError, match=r"holds a full-listing state .* keeps an arrival-order"):
        parse_state(
            full.state.dumps(), bucket=BUCKET, prefix=PREFIX, where="Variable 'x'", keys_sort_by_arrival=True
        )


@pytest.mark.parametrize(
    "value",
    [
        {"version": 2, "bucket": BUCKET, "prefix": PREFIX, "last_key": "elsewhere/a.parquet"},
        {"version": 2, "bucket": BUCKET, "prefix": PREFIX, "last_key": 7},
        {"version": 2, "bucket": BUCKET, "prefix": "other/", "last_key": None},
        {"version": True, "bucket": BUCKET, "prefix": PREFIX, "last_key": None},
        "not json",
    ],
)
def test_malformed_or_foreign_arrival_states_are_refused(value: object) -> None:
    with pytest.raises(ArizeS3StateError):
        ArrivalState.from_json(value, bucket=BUCKET, prefix=PREFIX, where="V")


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"first_run": "some"}, "first_run"), ({"max_files": 0}, "max_files")]
)
def test_bad_settings_are_config_errors(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ArizeConfigError) as info:
        poke([], None, **kwargs)
    assert info.value.field == field
