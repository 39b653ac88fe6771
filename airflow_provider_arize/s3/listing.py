"""List the watched objects with ListObjectsV2, and classify S3 errors for waits.

A listing of ``N`` objects under the listing prefix costs ``max(1, ceil(N / 1000))`` ListObjectsV2
requests (1,000 keys a page, no delimiter: recursive). Only matching objects are kept in memory. The
clients come from the caller (``S3Hook.get_conn()`` / ``await S3Hook.get_async_conn()``): this module
imports neither boto3 nor aiobotocore, and botocore only inside :func:`is_transient_error`.
"""

from __future__ import annotations

from typing import Any, Final

from airflow_provider_arize.s3.filters import KeyFilter
from airflow_provider_arize.s3.objects import S3Object

#: Keys per ListObjectsV2 page (S3's maximum).
PAGE_SIZE: Final = 1000

#: S3 error codes a wait may retry: throttling and server-side trouble.
TRANSIENT_ERROR_CODES: Final = frozenset(
    {
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "RequestTimeout",
        "RequestTimeTooSkewed",
        "InternalError",
        "ServiceUnavailable",
        "503",
        "500",
    }
)


def _pagination(key_filter: KeyFilter) -> dict[str, Any]:
    return {
        "Bucket": key_filter.bucket,
        "Prefix": key_filter.listing_prefix,
        "PaginationConfig": {"PageSize": PAGE_SIZE},
    }


def _matching(page: dict[str, Any], key_filter: KeyFilter) -> list[S3Object]:
    return [S3Object.from_listing(e) for e in page.get("Contents") or () if key_filter.matches(e["Key"])]


def list_objects(client: Any, key_filter: KeyFilter) -> list[S3Object]:
    """The matching objects, through a boto3 S3 client (blocking)."""
    paginator = client.get_paginator("list_objects_v2")
    found: list[S3Object] = []
    for page in paginator.paginate(**_pagination(key_filter)):
        found.extend(_matching(page, key_filter))
    return found


async def list_objects_async(client: Any, key_filter: KeyFilter) -> list[S3Object]:
    """The matching objects, through an aiobotocore S3 client."""
    paginator = client.get_paginator("list_objects_v2")
    found: list[S3Object] = []
    async for page in paginator.paginate(**_pagination(key_filter)):
        found.extend(_matching(page, key_filter))
    return found


def error_code(exc: BaseException) -> str | None:
    """The S3 error code of a botocore ``ClientError`` (``AccessDenied``, ``NoSuchBucket``...)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = (response.get("Error") or {}).get("Code")
    return str(code) if code is not None else None


def is_transient_error(exc: BaseException) -> bool:
    """Errors a wait may ride out: throttling, 5xx, timeouts and dropped connections. Access denied, a
    missing bucket or bad credentials are not (retrying cannot fix them)."""
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(exc, ClientError):
        status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        return error_code(exc) in TRANSIENT_ERROR_CODES or (isinstance(status, int) and status >= 500)
    return isinstance(exc, ConnectionError | HTTPClientError | TimeoutError | ConnectionResetError)
