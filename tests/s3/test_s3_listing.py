"""Listing against moto over HTTP: ceil(N/1000) ListObjectsV2 requests, sync (boto3 through ``S3Hook``)
and async (aiobotocore through ``S3Hook.get_async_conn``), counted with botocore event hooks; with
``StartAfter``, ceil(M/1000) for the M keys after it; and which S3 errors a wait may ride out."""

from __future__ import annotations

import asyncio
import math
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from airflow_provider_arize.s3.filters import KeyFilter
from airflow_provider_arize.s3.listing import (
    is_transient_error,
    list_objects,
    list_objects_async,
    parse_s3_timestamp,
    scan,
    scan_async,
    use_fast_timestamps,
)

N = 2001  # three pages


def all_keys() -> list[str]:
    """The keys of ``big_bucket`` under ``data/``."""
    return [f"data/{i % 7}/{i:05}.csv" for i in range(N - 2)] + ["data/readme.txt", "data/empty/"]


@pytest.fixture(scope="module")
def big_bucket(fake_s3: Any) -> str:
    """A bucket with N objects under ``data/`` (2 of them folder markers or other suffixes) and one outside."""
    bucket = f"listing-{uuid.uuid4().hex[:8]}"
    client = fake_s3.client()
    client.create_bucket(Bucket=bucket)
    keys = all_keys()

    def put(key: str) -> None:
        client.put_object(Bucket=bucket, Key=key, Body=b"x")

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(put, keys))
    client.put_object(Bucket=bucket, Key="elsewhere/a.csv", Body=b"x")
    return bucket


def counting(client: Any) -> list[str]:
    calls: list[str] = []
    client.meta.events.register("before-send.s3.ListObjectsV2", lambda **kw: calls.append("list"))
    return calls


def test_sync_listing_makes_ceil_n_over_1000_requests(big_bucket: str, fake_s3_connection: Any) -> None:
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    client = S3Hook(aws_conn_id=fake_s3_connection("aws_default")).get_conn()
    calls = counting(client)
    found = list_objects(client, KeyFilter.of(big_bucket, "data/", suffixes=[".csv"]))
    assert len(found) == N - 2
    assert len(calls) == math.ceil(N / 1000) == 3


def test_async_listing_makes_ceil_n_over_1000_requests(big_bucket: str, fake_s3_connection: Any) -> None:
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    async def go() -> tuple[int, int]:
        hook = S3Hook(aws_conn_id=fake_s3_connection("aws_default"))
        async with await hook.get_async_conn() as client:
            calls = counting(client)
            found = await list_objects_async(client, KeyFilter.of(big_bucket, "data/"))
            return len(found), len(calls)

    assert asyncio.run(go()) == (N - 1, 3)  # the folder marker is never a file


def test_globs_narrow_the_listing(big_bucket: str, fake_s3: Any) -> None:
    client = fake_s3.client()
    calls = counting(client)
    found = list_objects(client, KeyFilter.of(big_bucket, "data/", patterns=["3/*.csv"]))
    assert len(found) == len([i for i in range(N - 2) if i % 7 == 3])
    assert len(calls) == 1  # only data/3/ is listed


def test_an_empty_prefix_costs_one_request(big_bucket: str, fake_s3: Any) -> None:
    client = fake_s3.client()
    calls = counting(client)
    assert list_objects(client, KeyFilter.of(big_bucket, "nothing/")) == []
    assert len(calls) == 1


def test_start_after_lists_only_the_keys_after_it(big_bucket: str, fake_s3: Any) -> None:
    client = fake_s3.client()
    calls = counting(client)
    after = sorted(k for k in all_keys() if k > "data/2/")  # data/2/... to data/readme.txt
    listing = scan(client, KeyFilter.of(big_bucket, "data/", suffixes=[".csv"]), start_after="data/2/")
    assert len(calls) == listing.pages == math.ceil(len(after) / 1000) == 2
    assert [o.key for o in listing.objects] == [k for k in after if k.endswith(".csv")]
    assert listing.last_key == after[-1] == "data/readme.txt"  # the greatest key listed, even filtered out


def test_start_after_the_last_key_costs_one_request_and_lists_nothing(
    big_bucket: str, fake_s3_connection: Any
) -> None:
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    async def go() -> tuple[int, int, str | None, int]:
        hook = S3Hook(aws_conn_id=fake_s3_connection("aws_default"))
        async with await hook.get_async_conn() as client:
            calls = counting(client)
            key_filter = KeyFilter.of(big_bucket, "data/")
            listing = await scan_async(client, key_filter, start_after="data/readme.txt")
            return len(listing.objects), len(calls), listing.last_key, listing.pages

    assert asyncio.run(go()) == (0, 1, None, 1)


def test_a_full_scan_reports_its_pages_and_last_key(big_bucket: str, fake_s3: Any) -> None:
    listing = scan(fake_s3.client(), KeyFilter.of(big_bucket, "data/"))
    assert listing.pages == 3 and listing.last_key == max(all_keys())


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-23T09:27:36.000Z",
        "2026-11-23T09:27:36Z",
        "2026-11-23T09:27:36.123456+02:00",
        "Mon, 23 Nov 2026 09:27:36 GMT",
        "1795000000",
        "2026-11-23T09:27:36",
    ],
)
def test_the_fast_timestamp_parser_agrees_with_botocores(value: str) -> None:
    from botocore.utils import parse_timestamp

    fast, slow = parse_s3_timestamp(value), parse_timestamp(value)
    assert fast == slow and fast.utcoffset() == slow.utcoffset()


def test_a_client_with_fast_timestamps_lists_the_same_objects(big_bucket: str, fake_s3: Any) -> None:
    import boto3

    client = boto3.session.Session().client("s3", **fake_s3.client_kwargs())  # a session of its own
    assert use_fast_timestamps(client)
    key_filter = KeyFilter.of(big_bucket, "data/3/")
    assert list_objects(client, key_filter) == list_objects(fake_s3.client(), key_filter)


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "ListObjectsV2"
    )


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (client_error("SlowDown", 503), True),
        (client_error("InternalError", 500), True),
        (client_error("Weird", 502), True),
        (EndpointConnectionError(endpoint_url="http://x"), True),
        (client_error("AccessDenied", 403), False),
        (client_error("NoSuchBucket", 404), False),
        (client_error("InvalidAccessKeyId", 403), False),
        (ValueError("bug"), False),
    ],
)
def test_transient_errors(exc: BaseException, transient: bool) -> None:
    assert is_transient_error(exc) is transient
