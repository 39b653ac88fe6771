"""Listing against moto over HTTP: ceil(N/1000) ListObjectsV2 requests, sync (boto3 through ``S3Hook``)
and async (aiobotocore through ``S3Hook.get_async_conn``), counted with botocore event hooks; and which
S3 errors a wait may ride out."""

from __future__ import annotations

import asyncio
import math
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from airflow_provider_arize.s3.filters import KeyFilter
from airflow_provider_arize.s3.listing import is_transient_error, list_objects, list_objects_async

N = 2001  # three pages


@pytest.fixture(scope="module")
def big_bucket(fake_s3: Any) -> str:
    """A bucket with N objects under ``data/`` (2 of them folder markers or other suffixes) and one outside."""
    bucket = f"listing-{uuid.uuid4().hex[:8]}"
    client = fake_s3.client()
    client.create_bucket(Bucket=bucket)
    keys = [f"data/{i % 7}/{i:05}.csv" for i in range(N - 2)] + ["data/readme.txt", "data/empty/"]

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
