"""The S3 new-files sensor and its trigger against moto's S3 over HTTP, with states in Airflow Variables.

Two ways of running it:

* Directly through ``execute(context)`` with a stand-in task instance (``FakeTaskInstance`` only records
  XCom pushes and can fail one on purpose). Outside a task the Task SDK cannot write Variables, so the
  state goes to the metadata DB through ``airflow.models.Variable`` (the store's fallback path). The
  trigger is rebuilt from its ``serialize()`` kwargs after a JSON round trip, as a restarted triggerer
  does, and run on an event loop here.
* Inside real DAG runs with ``dag.test()`` (a DAG file written to a temporary DAG bundle): the Task SDK's
  supervisor, XCom and ``Variable`` (the store's SDK path), and for the deferrable case the trigger run
  inline from the serialised kwargs. The example DAGs' end-to-end tests cover the rest of a deployment.
"""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from airflow.sdk import PokeReturnValue
from airflow.sdk.exceptions import AirflowRescheduleException, AirflowSensorTimeout, TaskDeferred
from fake_task_instance import FakeTaskInstance

from airflow_provider_arize.api.errors import ArizeConfigError, ArizeError, ArizeResponseError
from airflow_provider_arize.s3.detection import MAX_STATE_BYTES, ArizeS3StateError
from airflow_provider_arize.s3.state_store import VariableStateStore, in_task_context
from airflow_provider_arize.sensors.s3_new_files import ArizeS3NewFilesSensor
from airflow_provider_arize.triggers.s3_new_files import ArizeS3NewFilesTrigger

PREFIX = "ctr/production/prediction/"


def context(ti: FakeTaskInstance | None = None) -> dict[str, Any]:
    ti = ti or FakeTaskInstance()
    return {"ti": ti, "task_instance": ti}


@pytest.fixture
def s3(fake_s3: Any, fake_s3_connection: Any, airflow_db: Path) -> Any:
    fake_s3_connection("aws_default")
    return fake_s3.client()


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"new-files-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    return name


def put(s3: Any, bucket: str, key: str, body: bytes = b"x") -> None:
    s3.put_object(Bucket=bucket, Key=PREFIX + key, Body=body)


def set_last_modified(bucket: str, key: str, when: datetime) -> None:
    """What a multipart upload looks like once complete: LastModified is when it *started*."""
    from moto.s3.models import s3_backends

    s3_backends["123456789012"]["aws"].buckets[bucket].keys[PREFIX + key].last_modified = when.replace(
        tzinfo=None
    )


def sensor(bucket: str, **kwargs: Any) -> ArizeS3NewFilesSensor:
    kwargs.setdefault("state_id", f"test.{uuid.uuid4().hex}")
    kwargs.setdefault("deferrable", False)
    kwargs.setdefault("poke_interval", 0.1)
    kwargs.setdefault("timeout", 5)
    return ArizeS3NewFilesSensor(task_id="new_files", bucket=bucket, prefix=PREFIX, **kwargs)


def keys(files: list[dict[str, Any]]) -> list[str]:
    return [f["key"].removeprefix(PREFIX) for f in files]


# -- poke path ---------------------------------------------------------------------------------------------


def test_first_detection_returns_everything_then_only_newer_files(s3: Any, bucket: str) -> None:
    for key in ("a.parquet", "2026/03/01/b.parquet", "2026/03/02/deep/c.parquet"):
        put(s3, bucket, key)
    s3.put_object(Bucket=bucket, Key="ctr/production/actuals/x.parquet", Body=b"x")  # outside the prefix
    task = sensor(bucket)
    ctx = context()
    first = task.execute(ctx)
    assert sorted(keys(first)) == ["2026/03/01/b.parquet", "2026/03/02/deep/c.parquet", "a.parquet"]
    assert ctx["ti"].xcom["return_value"] == first
    assert set(first[0]) == {"key", "size", "etag", "last_modified", "oversized"}
    assert first[0]["last_modified"].endswith("Z") and first[0]["oversized"] is False
    assert [(f["last_modified"], f["key"]) for f in first] == sorted(
        (f["last_modified"], f["key"]) for f in first
    )

    put(s3, bucket, "2026/03/03/d.parquet")
    assert keys(task.execute(context())) == ["2026/03/03/d.parquet"]
    assert task.poke(context()) is False  # nothing new: keep poking


def test_it_keeps_poking_until_a_file_arrives(s3: Any, bucket: str) -> None:
    task = sensor(bucket, timeout=20)
    threading.Timer(0.5, put, (s3, bucket, "late.csv")).start()
    assert keys(task.execute(context())) == ["late.csv"]


def test_nothing_new_times_out_and_changes_nothing(s3: Any, bucket: str) -> None:
    put(s3, bucket, "a.csv")
    task = sensor(bucket, timeout=0.3)
    task.execute(context())
    with pytest.raises(AirflowSensorTimeout):
        task.execute(context())


def test_reschedule_mode_reschedules_when_nothing_is_new(s3: Any, bucket: str) -> None:
    task = sensor(bucket, mode="reschedule", poke_interval=30, timeout=600)
    with pytest.raises(AirflowRescheduleException):
        task.execute(context())


def test_a_retry_after_a_failure_reports_the_same_files_and_a_success_never_again(
    s3: Any, bucket: str
) -> None:
    put(s3, bucket, "a.csv")
    put(s3, bucket, "b.csv")
    task = sensor(bucket)
    with pytest.raises(RuntimeError, match="worker lost"):
        task.execute(context(FakeTaskInstance(fail_push=True)))
    retried = task.execute(context())
    assert keys(retried) == ["a.csv", "b.csv"]
    assert task.poke(context()) is False


def test_a_late_multipart_upload_is_reported_once(s3: Any, bucket: str) -> None:
    put(s3, bucket, "a.csv")
    task = sensor(bucket)
    task.execute(context())
    put(s3, bucket, "big.parquet")
    # its upload started ten minutes ago: older than everything already reported
    set_last_modified(bucket, "big.parquet", datetime.now(UTC) - timedelta(minutes=10))
    late = task.execute(context())
    assert keys(late) == ["big.parquet"]
    assert task.poke(context()) is False


def test_patterns_and_suffixes_filter(s3: Any, bucket: str) -> None:
    for key in ("a.parquet", "b.CSV", "c.json", "2026/03/d.csv", "2025/03/e.csv"):
        put(s3, bucket, key)
    # sorted: the sensor lists in arrival order, and these puts may straddle a second
    assert sorted(keys(sensor(bucket, suffixes=[".parquet", ".csv"]).execute(context()))) == [
        "2025/03/e.csv",
        "2026/03/d.csv",
        "a.parquet",
        "b.CSV",
    ]
    assert sorted(keys(sensor(bucket, patterns=["2026/*/*.csv", "*.json"]).execute(context()))) == [
        "2026/03/d.csv",
        "c.json",
    ]


def test_an_oversized_file_is_reported_flagged_and_logged(
    s3: Any, bucket: str, capfd: pytest.CaptureFixture[str]
) -> None:
    put(s3, bucket, "small.csv", b"x" * 10)
    put(s3, bucket, "big.csv", b"x" * 100)
    files = sensor(bucket, max_file_size=50).execute(context())
    flagged = {f["key"].removeprefix(PREFIX): f["oversized"] for f in files}
    assert flagged == {"small.csv": False, "big.csv": True}
    out = capfd.readouterr().out
    assert (
        "big.csv is 100 bytes, over max_file_size (50 bytes)" in out
        and "Arize's own file limit is 1 GB" in out
    )


def test_first_run_none_reports_only_later_files(s3: Any, bucket: str) -> None:
    put(s3, bucket, "old.csv")
    task = sensor(bucket, first_run="none")
    assert task.poke(context()) is False
    put(s3, bucket, "new.csv")
    assert keys(task.execute(context())) == ["new.csv"]


def test_a_state_of_another_prefix_under_the_same_state_id_is_an_error(s3: Any, bucket: str) -> None:
    put(s3, bucket, "a.csv")
    state_id = f"test.{uuid.uuid4().hex}"
    sensor(bucket, state_id=state_id).execute(context())
    other = ArizeS3NewFilesSensor(
        task_id="other", bucket=bucket, prefix="ctr/", state_id=state_id, deferrable=False
    )
    with pytest.raises(ArizeS3StateError, match=rf"s3://{bucket}/{PREFIX}, not of s3://{bucket}/ctr/:"):
        other.execute(context())


def test_a_missing_bucket_fails_at_once(s3: Any) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="NoSuchBucket"):
        sensor(f"missing-{uuid.uuid4().hex[:8]}").execute(context())


def test_bad_arguments_fail_when_the_dag_is_parsed() -> None:
    with pytest.raises(ArizeConfigError) as info:
        ArizeS3NewFilesSensor(task_id="t", bucket="b", prefix="p/", settle_seconds=0)
    assert info.value.field == "settle_seconds"
    with pytest.raises(ArizeConfigError) as info:
        ArizeS3NewFilesSensor(task_id="t", bucket="b", prefix="p/", max_file_size=0)
    assert info.value.field == "max_file_size"
    with pytest.raises(ArizeConfigError) as info:
        ArizeS3NewFilesSensor(task_id="t", bucket="b", prefix="p/", keys_sort_by_arrival="yes")  # type: ignore[arg-type]
    assert info.value.field == "keys_sort_by_arrival"


def test_templated_fields_and_defaults() -> None:
    task = ArizeS3NewFilesSensor(task_id="t", bucket="b", prefix="p/")
    assert set(task.template_fields) == {"bucket", "prefix", "patterns", "suffixes", "state_id"}
    assert task.max_active_tis_per_dag == 1 and task.retry_policy is not None
    assert task.keys_sort_by_arrival is False  # the full listing, which misses no late key
    assert task._state_key(context()) == "arize_s3_new_files.adhoc_airflow.t"


# -- deferrable path ---------------------------------------------------------------------------------------


def rebuilt(trigger: Any) -> ArizeS3NewFilesTrigger:
    """The trigger as a restarted triggerer rebuilds it: from its serialised kwargs, after JSON."""
    from airflow.sdk._shared.module_loading import import_string

    classpath, kwargs = trigger.serialize()
    return import_string(classpath)(**json.loads(json.dumps(kwargs)))  # type: ignore[no-any-return]


async def events(trigger: ArizeS3NewFilesTrigger) -> list[dict[str, Any]]:
    return [event.payload async for event in trigger.run()]


def defer(task: ArizeS3NewFilesSensor, ctx: dict[str, Any]) -> TaskDeferred:
    with pytest.raises(TaskDeferred) as info:
        task.execute(ctx)
    assert info.value.method_name == "execute_complete"
    return info.value


def test_deferrable_returns_at_once_when_files_are_already_new(s3: Any, bucket: str) -> None:
    put(s3, bucket, "a.csv")
    assert keys(sensor(bucket, deferrable=True, poke_interval=1).execute(context())) == ["a.csv"]


def test_deferrable_defers_then_the_rebuilt_trigger_reports_the_new_file(
    s3: Any, bucket: str, fake_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(s3, bucket, "seen.csv")
    task = sensor(bucket, deferrable=True, poke_interval=1, timeout=60)
    task.execute(context())

    deferred = defer(task, context())
    _classpath, kwargs = deferred.trigger.serialize()
    text = json.dumps(kwargs)
    assert len(text) < 70_000
    assert fake_s3.secret_access_key not in text and fake_s3.access_key_id not in text
    assert not {"password", "login", "aws_secret_access_key", "extra"} & set(kwargs)
    assert kwargs["poll_interval"] >= 1 and kwargs["deadline"] > time.time()

    sleeps: list[float] = []
    real_sleep = asyncio.sleep

    async def recording_sleep(delay: float, *args: Any) -> Any:
        sleeps.append(delay)
        return await real_sleep(delay, *args)

    monkeypatch.setattr(asyncio, "sleep", recording_sleep)

    async def scenario() -> list[dict[str, Any]]:
        waiting = asyncio.ensure_future(events(rebuilt(deferred.trigger)))
        while not sleeps:  # the trigger has listed (nothing new) and sleeps: on a loaded machine, later
            await real_sleep(0.05)
        await asyncio.to_thread(put, s3, bucket, "new/arrived.csv")
        return await waiting

    (event,) = asyncio.run(scenario())
    assert event["status"] == "success"
    assert sleeps and min(sleeps) > 0  # it waited between listings, never zero seconds

    ctx = context()
    files = task.execute_complete(ctx, event)
    assert keys(files) == ["new/arrived.csv"] and ctx["ti"].xcom["return_value"] == files
    assert task.poke(context()) is False  # the state was saved by execute_complete


def test_trigger_ends_with_one_timeout_event_at_the_deadline(s3: Any, bucket: str) -> None:
    task = sensor(bucket, deferrable=True, poke_interval=1, timeout=1.5)
    deferred = defer(task, context())
    started = time.monotonic()
    (event,) = asyncio.run(events(rebuilt(deferred.trigger)))
    assert event["status"] == "timeout" and 1 < time.monotonic() - started < 10
    with pytest.raises(AirflowSensorTimeout):
        task.execute_complete(context(), event)


def test_trigger_ends_with_one_error_event_for_a_missing_bucket(s3: Any) -> None:
    trigger = ArizeS3NewFilesTrigger(
        aws_conn_id="aws_default",
        bucket=f"missing-{uuid.uuid4().hex[:8]}",
        prefix=PREFIX,
        settle_seconds=3600,
        max_file_size=10,
        max_files=None,
        deadline=time.time() + 60,
        poll_interval=1,
    )
    (event,) = asyncio.run(events(trigger))
    assert event["status"] == "error" and "NoSuchBucket" in event["message"]
    with pytest.raises(ArizeError, match="NoSuchBucket"):
        sensor("any-bucket").execute_complete(context(), event)


@pytest.mark.parametrize("event", [None, {}, {"status": "running"}, {"status": "success", "files": []}])
def test_execute_complete_refuses_unexpected_events(event: Any) -> None:
    with pytest.raises(ArizeResponseError):
        sensor("any-bucket").execute_complete(context(), event)


def test_a_deferral_overtaken_by_another_run_rechecks_instead_of_reporting_twice(
    s3: Any, bucket: str
) -> None:
    put(s3, bucket, "a.csv")
    state_id = f"test.{uuid.uuid4().hex}"
    slow = sensor(bucket, state_id=state_id, deferrable=True, poke_interval=1, timeout=60)
    fast = sensor(bucket, state_id=state_id)
    slow.execute(context())
    deferred = defer(slow, context())
    put(s3, bucket, "b.csv")
    (event,) = asyncio.run(events(rebuilt(deferred.trigger)))
    assert keys(event["files"]) == ["b.csv"]
    assert keys(fast.execute(context())) == ["b.csv"]  # another run committed b.csv meanwhile
    with pytest.raises(TaskDeferred):  # nothing is new any more: wait again, same deadline
        slow.execute_complete(context(), event)


def test_deferrable_needs_a_poll_interval_of_at_least_a_second(s3: Any, bucket: str) -> None:
    with pytest.raises(ArizeConfigError) as info:
        sensor(bucket, deferrable=True, poke_interval=0.2).execute(context())
    assert info.value.field == "poke_interval"


# -- requests per poke, and the arrival-order mode ----------------------------------------------------------


def put_many(bucket: str, keys: list[str]) -> None:
    """Create objects straight in moto's backend (thousands in a fraction of a second, where as many PUTs
    take a minute); the sensor still lists them over HTTP."""
    from moto.s3.models import s3_backends

    backend = s3_backends["123456789012"]["aws"]
    for key in keys:
        backend.put_object(bucket, PREFIX + key, b"x", disable_notification=True)


class CountingClientContext:
    """Wraps aiobotocore's client context so that the client records its ListObjectsV2 requests."""

    def __init__(self, inner: Any, record: Any) -> None:
        self.inner, self.record = inner, record

    async def __aenter__(self) -> Any:
        client = await self.inner.__aenter__()
        client.meta.events.register("before-send.s3.ListObjectsV2", self.record, unique_id="count-lists")
        return client

    async def __aexit__(self, *exc: Any) -> Any:
        return await self.inner.__aexit__(*exc)


class ListRequests(list[str]):
    """The URLs of the ListObjectsV2 requests sent; ``clients``: how many sync clients were made."""

    clients = 0

    def start_after(self) -> list[str | None]:
        """Each request's ``StartAfter`` (``None`` when absent)."""
        return [(parse_qs(urlsplit(url).query).get("start-after") or [None])[0] for url in self]


@pytest.fixture
def list_requests(monkeypatch: pytest.MonkeyPatch) -> ListRequests:
    """The ListObjectsV2 requests sent in this test by every S3 client ``S3Hook`` makes (sync and
    async), recorded by a botocore ``before-send`` hook on the client: what went over the wire."""
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    sent = ListRequests()

    def record(request: Any, **kwargs: Any) -> None:
        sent.append(request.url)

    get_conn, get_async_conn = S3Hook.get_conn, S3Hook.get_async_conn

    def counting_conn(self: S3Hook) -> Any:
        client = get_conn(self)
        sent.clients += 1
        client.meta.events.register("before-send.s3.ListObjectsV2", record, unique_id="count-lists")
        return client

    async def counting_async_conn(self: S3Hook) -> Any:
        return CountingClientContext(await get_async_conn(self), record)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(S3Hook, "get_conn", counting_conn)
    monkeypatch.setattr(S3Hook, "get_async_conn", counting_async_conn)
    return sent


def stored_state(task: ArizeS3NewFilesSensor) -> dict[str, Any]:
    """The state the sensor saved (its Variable), checked to be under 64 KiB."""
    text = VariableStateStore().load(task._state_key(context()))
    assert text is not None and len(text.encode()) < MAX_STATE_BYTES
    return json.loads(text)  # type: ignore[no-any-return]


def day_keys(day: int, count: int) -> list[str]:
    return [f"2026/11/{day:02}/part-{i:04}.parquet" for i in range(count)]


def reported(result: bool | PokeReturnValue) -> list[str]:
    return keys(result.xcom_value) if isinstance(result, PokeReturnValue) else []


def test_a_full_listing_poke_over_2500_objects_makes_3_requests_with_a_carried_state(
    s3: Any, bucket: str, list_requests: ListRequests
) -> None:
    put_many(bucket, day_keys(1, 2500))
    task = sensor(bucket, first_run="none")
    assert task.poke(context()) is False  # the baseline, saved at once
    assert len(list_requests) == math.ceil(2500 / 1000) == 3
    list_requests.clear()

    assert task.poke(context()) is False  # nothing new, against the carried state
    assert len(list_requests) == 3 and list_requests.start_after() == [None] * 3
    put(s3, bucket, "2026/11/02/part-0000.parquet")
    list_requests.clear()
    assert reported(task.poke(context())) == ["2026/11/02/part-0000.parquet"]
    assert len(list_requests) == math.ceil(2501 / 1000)
    assert stored_state(task)["version"] == 1
    assert list_requests.clients == 1  # one S3 client for all the pokes of a task instance


def test_arrival_order_pokes_list_after_the_last_seen_key(
    s3: Any, bucket: str, list_requests: ListRequests
) -> None:
    put_many(bucket, day_keys(1, 2500))
    task = sensor(bucket, keys_sort_by_arrival=True, suffixes=[".parquet"], max_files=1000)
    seen: list[str] = []
    for expected_files, expected_requests in [(1000, 3), (1000, 2), (500, 1), (0, 1)]:
        list_requests.clear()
        files = reported(task.poke(context()))
        assert (len(files), len(list_requests)) == (expected_files, expected_requests)
        assert list_requests.start_after()[0] == (PREFIX + max(seen) if seen else None)
        seen += files
        state = stored_state(task)
        assert state["version"] == 2 and state["last_key"] == PREFIX + max(seen)
    assert sorted(seen) == day_keys(1, 2500)  # none missed, none twice

    put(s3, bucket, "2026/11/02/part-0000.parquet")
    put(s3, bucket, "2026/11/02/part-0001.parquet")
    s3.put_object(Bucket=bucket, Key=PREFIX + "2026/11/02/zz-manifest.json", Body=b"{}")  # filtered out
    list_requests.clear()
    assert sorted(reported(task.poke(context()))) == day_keys(2, 2)
    assert list_requests.start_after() == [PREFIX + "2026/11/01/part-2499.parquet"]
    # the next listing starts after the filtered-out key too: it is not listed again
    assert stored_state(task)["last_key"] == PREFIX + "2026/11/02/zz-manifest.json"
    list_requests.clear()
    assert task.poke(context()) is False and len(list_requests) == 1


def test_arrival_order_never_reports_a_key_that_sorts_before_the_last_seen_key(s3: Any, bucket: str) -> None:
    put(s3, bucket, "2026/11/23/part-0001.parquet")
    task = sensor(bucket, keys_sort_by_arrival=True)
    assert reported(task.poke(context())) == ["2026/11/23/part-0001.parquet"]
    put(s3, bucket, "2026/11/22/late.parquet")  # a late file in yesterday's partition
    put(s3, bucket, "2026/11/23/part-0000.parquet")  # an earlier part completing after a later one
    put(s3, bucket, "2026/11/23/part-0001.parquet", b"overwritten")
    assert task.poke(context()) is False  # the documented price of the mode
    full = sensor(bucket)  # the full-listing mode reports them all
    assert set(reported(full.poke(context()))) == {
        "2026/11/22/late.parquet",
        "2026/11/23/part-0000.parquet",
        "2026/11/23/part-0001.parquet",
    }


def test_arrival_order_warns_when_listed_keys_did_not_arrive_in_key_order(
    s3: Any, bucket: str, capfd: pytest.CaptureFixture[str]
) -> None:
    put(s3, bucket, "2026/11/23/part-0000.parquet")
    put(s3, bucket, "2026/11/23/part-0001.parquet")
    set_last_modified(bucket, "2026/11/23/part-0001.parquet", datetime.now(UTC) - timedelta(minutes=5))
    files = reported(sensor(bucket, keys_sort_by_arrival=True).poke(context()))
    assert sorted(files) == ["2026/11/23/part-0000.parquet", "2026/11/23/part-0001.parquet"]
    out = capfd.readouterr().out
    assert "did not arrive in key order" in out and f"{PREFIX}2026/11/23/part-0000.parquet" in out


def test_arrival_order_first_run_none_reports_only_later_keys(
    s3: Any, bucket: str, list_requests: ListRequests
) -> None:
    put_many(bucket, day_keys(1, 1500))
    task = sensor(bucket, keys_sort_by_arrival=True, first_run="none")
    assert task.poke(context()) is False and len(list_requests) == 2
    assert stored_state(task)["last_key"] == PREFIX + "2026/11/01/part-1499.parquet"
    put(s3, bucket, "2026/11/02/part-0000.parquet")
    list_requests.clear()
    assert reported(task.poke(context())) == ["2026/11/02/part-0000.parquet"] and len(list_requests) == 1


@pytest.mark.parametrize("arrival_first", [True, False], ids=["arrival-then-full", "full-then-arrival"])
def test_a_state_of_the_other_mode_is_refused_naming_both(s3: Any, bucket: str, arrival_first: bool) -> None:
    put(s3, bucket, "2026/11/23/a.csv")
    state_id = f"test.{uuid.uuid4().hex}"
    sensor(bucket, state_id=state_id, keys_sort_by_arrival=arrival_first).execute(context())
    other = sensor(bucket, state_id=state_id, keys_sort_by_arrival=not arrival_first)
    with pytest.raises(ArizeS3StateError) as info:
        other.poke(context())
    stored, expected = (
        ("an arrival-order", "a full-listing") if arrival_first else ("a full-listing", "an arrival-order")
    )
    assert f"holds {stored} state" in str(info.value) and f"keeps {expected} state" in str(info.value)
    assert "state_id" in str(info.value)  # what to do about it


def test_deferrable_arrival_order_polls_after_the_last_seen_key(
    s3: Any, bucket: str, list_requests: ListRequests, monkeypatch: pytest.MonkeyPatch
) -> None:
    polls: list[int] = []
    original_detect = ArizeS3NewFilesTrigger._detect

    async def counted_detect(self: ArizeS3NewFilesTrigger, *args: Any) -> Any:
        polls.append(len(polls))
        return await original_detect(self, *args)

    monkeypatch.setattr(ArizeS3NewFilesTrigger, "_detect", counted_detect)
    put_many(bucket, day_keys(1, 1200))
    task = sensor(bucket, keys_sort_by_arrival=True, deferrable=True, poke_interval=1, timeout=60)
    assert len(task.execute(context())) == 1000  # max_files: the first 1,000 keys
    assert len(task.execute(context())) == 200
    deferred = defer(task, context())
    _classpath, kwargs = deferred.trigger.serialize()
    last = PREFIX + "2026/11/01/part-1199.parquet"
    assert kwargs["keys_sort_by_arrival"] is True and kwargs["state"]["last_key"] == last
    list_requests.clear()

    async def scenario() -> list[dict[str, Any]]:
        waiting = asyncio.ensure_future(events(rebuilt(deferred.trigger)))
        await asyncio.sleep(1.5)
        await asyncio.to_thread(put, s3, bucket, "2026/11/02/part-0000.parquet")
        return await waiting

    (event,) = asyncio.run(scenario())
    assert event["status"] == "success" and keys(event["files"]) == ["2026/11/02/part-0000.parquet"]
    assert len(list_requests) == len(polls) >= 1  # one request a poll, each after the last seen key
    assert set(list_requests.start_after()) == {last}
    assert keys(task.execute_complete(context(), event)) == ["2026/11/02/part-0000.parquet"]
    assert stored_state(task)["last_key"] == PREFIX + "2026/11/02/part-0000.parquet"
    assert task.poke(context()) is False


# -- real DAG runs -----------------------------------------------------------------------------------------

DAG_FILE = """
from datetime import datetime

from airflow.sdk import DAG

from airflow_provider_arize.sensors.s3_new_files import ArizeS3NewFilesSensor

with DAG("{dag_id}", schedule=None, start_date=datetime(2026, 1, 1), catchup=False):
    ArizeS3NewFilesSensor(
        task_id="new_files",
        bucket="{{{{ params.bucket }}}}",
        prefix="{prefix}",
        suffixes=[".csv"],
        params={{"bucket": "{bucket}"}},
        poke_interval=1,
        timeout=60,
        deferrable={deferrable},
        keys_sort_by_arrival={arrival},
    )
"""


def run_in_dag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bucket: str, deferrable: bool, arrival: bool = False
) -> Any:
    """Write the DAG into a DAG bundle of its own and return a function running it with ``dag.test()``."""
    from airflow_provider_arize.dag_testing import load_dag

    dag_id = f"s3_new_files_{'deferrable' if deferrable else 'poke'}_{uuid.uuid4().hex[:6]}"
    path = tmp_path / f"{dag_id}.py"
    text = DAG_FILE.format(
        dag_id=dag_id, bucket=bucket, prefix=PREFIX, deferrable=deferrable, arrival=arrival
    )
    path.write_text(textwrap.dedent(text))
    bundle = {
        "name": "s3-new-files-tests",
        "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
        "kwargs": {"path": str(tmp_path), "refresh_interval": 0},
    }
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps([bundle]))
    dag = load_dag(path)

    def run() -> tuple[str, Any]:
        from airflow.models.xcom import XComModel
        from airflow.utils.session import create_session

        dag_run = dag.test()
        with create_session() as session:
            row = session.scalars(
                XComModel.get_many(
                    run_id=dag_run.run_id, dag_ids=dag_id, task_ids="new_files", key="return_value"
                )
            ).first()
            value = XComModel.deserialize_value(row) if row is not None else None
        return str(dag_run.state), value

    return dag_id, run


@pytest.fixture
def saves_in_task(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, for every state save, whether it ran inside a task (the Task SDK path)."""
    seen: list[bool] = []
    original = VariableStateStore.save

    def save(self: VariableStateStore, key: str, value: str) -> None:
        seen.append(in_task_context())
        original(self, key, value)

    monkeypatch.setattr(VariableStateStore, "save", save)
    return seen


@pytest.mark.parametrize("deferrable", [False, True], ids=["poke", "deferrable"])
def test_real_dag_runs_report_each_file_once_across_runs(
    s3: Any,
    bucket: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    saves_in_task: list[bool],
    deferrable: bool,
) -> None:
    from airflow.models import Variable

    put(s3, bucket, "a.csv")
    put(s3, bucket, "2026/b.csv")
    put(s3, bucket, "notes.txt")
    dag_id, run = run_in_dag(tmp_path, monkeypatch, bucket, deferrable)
    waits: list[dict[str, Any]] = []
    original_wait = ArizeS3NewFilesTrigger._wait

    async def wait(self: ArizeS3NewFilesTrigger) -> dict[str, Any]:
        waits.append(await original_wait(self))
        return waits[-1]

    monkeypatch.setattr(ArizeS3NewFilesTrigger, "_wait", wait)

    state, files = run()
    assert state == "success" and sorted(keys(files)) == ["2026/b.csv", "a.csv"]

    # the second run finds nothing new at first: it pokes (or defers to the trigger) until c.csv arrives
    threading.Timer(3, put, (s3, bucket, "c.csv")).start()
    state, files = run()
    assert state == "success" and keys(files) == ["c.csv"]

    assert [w["status"] for w in waits] == (["success"] if deferrable else [])  # it deferred once
    assert saves_in_task == [True, True]  # the Task SDK's Variable, inside the task
    stored = json.loads(Variable.get(f"arize_s3_new_files.{dag_id}.new_files"))
    assert stored["bucket"] == bucket and stored["prefix"] == PREFIX and len(stored["recent"]) == 3


def test_a_real_deferrable_dag_run_in_arrival_order_reports_each_file_once(
    s3: Any, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saves_in_task: list[bool]
) -> None:
    from airflow.models import Variable

    put(s3, bucket, "2026/11/22/part-0.csv")
    put(s3, bucket, "2026/11/23/part-0.csv")
    dag_id, run = run_in_dag(tmp_path, monkeypatch, bucket, deferrable=True, arrival=True)
    state, files = run()
    assert state == "success" and sorted(keys(files)) == ["2026/11/22/part-0.csv", "2026/11/23/part-0.csv"]

    threading.Timer(3, put, (s3, bucket, "2026/11/24/part-0.csv")).start()  # after the task deferred
    state, files = run()
    assert state == "success" and keys(files) == ["2026/11/24/part-0.csv"]
    assert saves_in_task == [True, True]
    stored = json.loads(Variable.get(f"arize_s3_new_files.{dag_id}.new_files"))
    assert stored["version"] == 2 and stored["last_key"] == PREFIX + "2026/11/24/part-0.csv"


def test_importing_the_sensor_and_operator_loads_no_aws_library() -> None:
    script = (
        "import sys, json; import airflow.sdk; before = set(sys.modules);"
        "import airflow_provider_arize.sensors.s3_new_files, airflow_provider_arize.operators.s3_access;"
        "import airflow_provider_arize.triggers.s3_new_files;"
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    added = json.loads(out.strip().splitlines()[-1])
    assert [
        m for m in added if m.split(".")[0] in {"boto3", "botocore", "aiobotocore"} or "amazon" in m
    ] == []
