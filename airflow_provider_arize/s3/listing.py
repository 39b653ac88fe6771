"""List the watched objects with ListObjectsV2, parse their timestamps fast, and classify S3 errors for
waits. Imports neither boto3 nor aiobotocore: the clients come from the caller.

Requests per listing and the timestamp parsing: ``docs/file-jobs.md``, "Listing"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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


@dataclass
class Listing:
    """One pass of ListObjectsV2 over the listing prefix.

    ``objects``: the matching objects, in key order; ``last_key``: the greatest key listed, matching
    or not (``None`` when nothing was listed), where a later listing may start after; ``pages``: the
    pages received (one request each, not counting the client's retries).
    """

    objects: list[S3Object] = field(default_factory=list)
    last_key: str | None = None
    pages: int = 0

    def add(self, page: dict[str, Any], key_filter: KeyFilter) -> None:
        self.pages += 1
        for entry in page.get("Contents") or ():
            key = entry["Key"]
            if key_filter.matches(key):
                self.objects.append(S3Object.from_listing(entry))
            if self.last_key is None or key > self.last_key:
                self.last_key = key


def _pagination(key_filter: KeyFilter, start_after: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "Bucket": key_filter.bucket,
        "Prefix": key_filter.listing_prefix,
        "PaginationConfig": {"PageSize": PAGE_SIZE},
    }
    if start_after:
        params["StartAfter"] = start_after
    return params


def scan(client: Any, key_filter: KeyFilter, *, start_after: str | None = None) -> Listing:
    """List the listing prefix (only after ``start_after`` when given) through a boto3 S3 client
    (blocking)."""
    listing = Listing()
    for page in client.get_paginator("list_objects_v2").paginate(**_pagination(key_filter, start_after)):
        listing.add(page, key_filter)
    return listing


async def scan_async(client: Any, key_filter: KeyFilter, *, start_after: str | None = None) -> Listing:
    """:func:`scan` through an aiobotocore S3 client."""
    listing = Listing()
    async for page in client.get_paginator("list_objects_v2").paginate(
        **_pagination(key_filter, start_after)
    ):
        listing.add(page, key_filter)
    return listing


def list_objects(client: Any, key_filter: KeyFilter) -> list[S3Object]:
    """The matching objects, through a boto3 S3 client (blocking)."""
    return scan(client, key_filter).objects


async def list_objects_async(client: Any, key_filter: KeyFilter) -> list[S3Object]:
    """The matching objects, through an aiobotocore S3 client."""
    return (await scan_async(client, key_filter)).objects


def parse_s3_timestamp(value: Any) -> datetime:
    """botocore's timestamp parser with a fast path for the form S3's XML uses
    (``2026-11-23T09:27:36.000Z``): :meth:`datetime.fromisoformat`, hundreds of times faster than
    dateutil. Anything that does not parse that way into an aware datetime (HTTP dates, epoch
    seconds, naive times) goes to botocore's own parser, so results never differ."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    from botocore.utils import parse_timestamp

    result: datetime = parse_timestamp(value)
    return result


def use_fast_timestamps(client: Any) -> bool:
    """Make ``client`` (boto3 or aiobotocore) parse timestamps with :func:`parse_s3_timestamp`.

    botocore supports replacing the parser (``ResponseParserFactory.set_parser_defaults``) but reaches
    the factory only through the client's endpoint, a private attribute: with a botocore that lacks it,
    nothing changes and this returns ``False``. The factory belongs to the client's botocore session,
    and ``S3Hook`` makes a session of its own per hook, so other clients are not affected.
    """
    factory = getattr(getattr(client, "_endpoint", None), "_response_parser_factory", None)
    if factory is None or not callable(getattr(factory, "set_parser_defaults", None)):
        return False
    factory.set_parser_defaults(timestamp_parser=parse_s3_timestamp)
    return True


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
