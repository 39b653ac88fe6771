"""The new-files decision on constructed listings: what is new, what the next state remembers, and the
bounds of that state (the pure function both the poke and the deferrable paths call)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.detection import (
    MAX_RECENT,
    MAX_STATE_BYTES,
    ArizeS3StateError,
    DetectionState,
    detect,
)
from airflow_provider_arize.s3.objects import S3Object

T0 = datetime(2026, 3, 1, 10, tzinfo=UTC)
BUCKET, PREFIX = "inferences", "ctr/production/"
HOUR = 3600


def obj(key: str, minutes: float = 0, size: int = 10, etag: str | None = None) -> S3Object:
    return S3Object(PREFIX + key, size, etag or f"etag-{key}", T0 + timedelta(minutes=minutes))


def run(listing: list[S3Object], state: DetectionState | None, **kwargs: object):  # type: ignore[no-untyped-def]
    kwargs.setdefault("settle_seconds", HOUR)
    return detect(listing, state, bucket=BUCKET, prefix=PREFIX, **kwargs)  # type: ignore[arg-type]


def keys(detection) -> list[str]:  # type: ignore[no-untyped-def]
    return [o.key.removeprefix(PREFIX) for o in detection.files]


def test_first_run_reports_everything_sorted_then_only_newer_files() -> None:
    listing = [obj("b.csv", 5), obj("a/deep/x.csv", 5), obj("old.csv", -10_000)]
    first = run(listing, None)
    assert keys(first) == ["old.csv", "a/deep/x.csv", "b.csv"]  # (last_modified, key)
    assert first.state.watermark == T0 + timedelta(minutes=5)

    second = run([*listing, obj("c.csv", 6)], first.state)
    assert keys(second) == ["c.csv"]
    third = run([*listing, obj("c.csv", 6)], second.state)
    assert third.files == ()


def test_a_file_with_the_watermark_timestamp_is_still_reported_once() -> None:
    # S3 listings have second (moto) or millisecond resolution: ties with the watermark are common
    first = run([obj("a.csv", 1)], None)
    second = run([obj("a.csv", 1), obj("b.csv", 1)], first.state)
    assert keys(second) == ["b.csv"]
    assert run([obj("a.csv", 1), obj("b.csv", 1)], second.state).files == ()


def test_late_multipart_upload_inside_the_settle_window_is_reported_once() -> None:
    first = run([obj("a.csv", 0), obj("b.csv", 30)], None)
    # a multipart upload started at minute 10 completes now: older than the watermark (minute 30)
    late = obj("late.parquet", 10)
    second = run([obj("a.csv", 0), obj("b.csv", 30), late], first.state)
    assert keys(second) == ["late.parquet"]
    assert second.state.watermark == first.state.watermark
    assert run([obj("a.csv", 0), obj("b.csv", 30), late], second.state).files == ()


def test_an_upload_older_than_the_settle_window_is_missed_as_documented() -> None:
    first = run([obj("a.csv", 120)], None)
    too_late = obj("too-late.csv", 120 - 61)  # LastModified 61 minutes before the watermark
    assert run([obj("a.csv", 120), too_late], first.state).files == ()


def test_an_overwrite_is_a_new_version() -> None:
    first = run([obj("a.csv", 0)], None)
    again = run([obj("a.csv", 1, etag="new")], first.state)
    assert keys(again) == ["a.csv"]


def test_deleted_objects_drop_out_of_the_state() -> None:
    first = run([obj("a.csv", 0), obj("b.csv", 1)], None)
    assert len(first.state.recent) == 2
    second = run([obj("b.csv", 1), obj("c.csv", 2)], first.state)
    assert keys(second) == ["c.csv"]
    assert second.state.recent == {obj("b.csv", 1).fingerprint, obj("c.csv", 2).fingerprint}


def test_first_run_none_records_a_baseline_and_reports_only_later_files() -> None:
    existing = [obj("a.csv", 0), obj("b.csv", 1)]
    baseline = run(existing, None, first_run="none")
    assert baseline.baseline and baseline.files == ()
    assert run(existing, baseline.state).files == ()
    assert keys(run([*existing, obj("c.csv", 2)], baseline.state)) == ["c.csv"]


def test_first_run_none_on_an_empty_prefix_reports_the_first_file() -> None:
    baseline = run([], None, first_run="none")
    assert baseline.baseline and baseline.state.watermark is None
    assert keys(run([obj("a.csv", 0)], baseline.state)) == ["a.csv"]


def test_max_files_reports_the_oldest_and_keeps_the_rest_new() -> None:
    listing = [obj(f"f{i:02}.csv", i) for i in range(10)]
    reported: list[str] = []
    state = None
    for _ in range(4):
        detection = run(listing, state, max_files=3)
        reported += keys(detection)
        state = detection.state
    assert reported == [f"f{i:02}.csv" for i in range(10)]  # none missed, none twice
    assert run(listing, state, max_files=3).files == ()


def test_max_files_never_splits_equal_timestamps() -> None:
    listing = [obj("a.csv", 0), obj("b.csv", 1), obj("c.csv", 1), obj("d.csv", 1), obj("e.csv", 2)]
    first = run(listing, None, max_files=2)
    assert keys(first) == ["a.csv"] and first.pending == 4
    second = run(listing, first.state, max_files=2)
    assert keys(second) == ["b.csv", "c.csv", "d.csv"]  # the whole group, larger than max_files
    assert keys(run(listing, second.state, max_files=2)) == ["e.csv"]


def test_pending_late_files_survive_a_capped_state() -> None:
    # more late files than max_files at once, while the settle window overflows the cap
    seen = [obj(f"s{i}.csv", 30 + i / 100) for i in range(5)]
    first = run(seen, None, max_recent=10)
    late = [obj(f"late{i:02}.csv", 20 + i / 100) for i in range(30)]
    reported: list[str] = []
    state, capped = first.state, False
    for _ in range(6):
        detection = run([*seen, *late], state, max_files=7, max_recent=10)
        reported += keys(detection)
        state, capped = detection.state, capped or detection.capped
        assert len(state.recent) <= 10
    assert capped
    assert reported == [f"late{i:02}.csv" for i in range(30)]  # oldest first, none missed, none twice


def test_at_the_cap_a_late_file_older_than_the_raised_horizon_is_missed_as_documented() -> None:
    seen = [obj(f"s{i}.csv", 30 + i / 100) for i in range(50)]
    first = run(seen, None, max_recent=10)
    assert first.capped and len(first.state.recent) == 10
    assert run([*seen, obj("late.csv", 20)], first.state, max_recent=10).files == ()
    assert keys(run([*seen, obj("late.csv", 31)], first.state, max_recent=10)) == ["late.csv"]


def test_state_stays_under_64_kib_with_50000_keys_in_the_settle_window() -> None:
    listing = [obj(f"day/{i:05}.parquet", i / 1000) for i in range(50_000)]  # 50 minutes
    detection = run(listing, None, max_files=None)
    assert len(detection.files) == 50_000
    assert detection.capped
    text = detection.state.dumps()
    assert len(text.encode()) < MAX_STATE_BYTES
    assert len(detection.state.recent) == MAX_RECENT
    # the newest MAX_RECENT are remembered; nothing is reported twice
    assert run(listing, detection.state).files == ()
    # a new file after the capped horizon is still found
    assert keys(run([*listing, obj("day/new.parquet", 60)], detection.state)) == ["day/new.parquet"]


def test_state_stays_small_with_50000_keys_spread_over_weeks() -> None:
    listing = [obj(f"{i:05}.csv", i) for i in range(50_000)]  # one a minute: 60 inside the window
    detection = run(listing, None, max_files=None)
    assert not detection.capped
    assert len(detection.state.recent) == 60  # (watermark - 1 h, watermark]
    assert len(detection.state.dumps()) < 2000


def test_state_round_trips_and_refuses_another_bucket_or_prefix() -> None:
    state = run([obj("a.csv", 0)], None).state
    text = state.dumps()
    assert DetectionState.from_json(text, bucket=BUCKET, prefix=PREFIX, where="V") == state
    assert json.loads(text)["version"] == 1
    with pytest.raises(ArizeS3StateError) as info:
        DetectionState.from_json(text, bucket=BUCKET, prefix="other/", where="Variable 'x'")
    message = str(info.value)
    assert f"s3://{BUCKET}/{PREFIX}" in message and f"s3://{BUCKET}/other/" in message
    with pytest.raises(ArizeS3StateError, match="version"):
        DetectionState.from_json('{"watermark": null}', bucket=BUCKET, prefix=PREFIX, where="V")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"settle_seconds": 0}, "settle_seconds"),
        ({"first_run": "some"}, "first_run"),
        ({"max_files": 0}, "max_files"),
    ],
)
def test_bad_settings_are_config_errors(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ArizeConfigError) as info:
        run([], None, **kwargs)
    assert info.value.field == field


def test_the_fingerprint_cap_at_its_edge_keeps_the_state_under_64_kib() -> None:
    from airflow_provider_arize.s3.detection import MAX_RECENT, MAX_STATE_BYTES

    long_prefix = "p" * 1023 + "/"  # the longest prefix S3 allows

    def listing(n: int) -> list[S3Object]:  # n objects inside the settle window
        return [
            S3Object(f"{long_prefix}{i:06d}.csv", 10, f"{i:032x}", T0 + timedelta(seconds=i / 10))
            for i in range(n)
        ]

    at_cap = detect(listing(MAX_RECENT), None, bucket=BUCKET, prefix=long_prefix, settle_seconds=HOUR)
    assert not at_cap.capped and len(at_cap.state.recent) <= MAX_RECENT
    over = detect(listing(MAX_RECENT + 1), None, bucket=BUCKET, prefix=long_prefix, settle_seconds=HOUR)
    assert over.capped and len(over.state.recent) == MAX_RECENT
    assert len(over.state.dumps().encode()) < MAX_STATE_BYTES
