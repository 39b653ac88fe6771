"""Counting the S3 requests the package's tasks send, for properties that say "nothing was sent"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


class SentToS3:
    """S3 requests sent by every client ``S3Hook.get_conn`` returns while :func:`counting_s3` is active,
    recorded by a botocore ``before-send`` hook: what went over the wire."""

    def __init__(self) -> None:
        self.count = 0

    def record(self, **kwargs: Any) -> None:
        self.count += 1


@contextmanager
def counting_s3(fake_s3: Any) -> Iterator[SentToS3]:
    """The ``aws_default`` connection pointed at ``fake_s3`` (moto's server), and its requests counted."""
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    sent = SentToS3()
    get_conn = S3Hook.get_conn

    def counting_conn(self: S3Hook) -> Any:
        conn = get_conn(self)
        conn.meta.events.register("before-send.s3", sent.record, unique_id="count-s3-requests")
        return conn

    with pytest.MonkeyPatch.context() as mp:
        for key, value in fake_s3.airflow_connection("aws_default").items():
            mp.setenv(key, value)
        mp.setattr(S3Hook, "get_conn", counting_conn)
        yield sent
