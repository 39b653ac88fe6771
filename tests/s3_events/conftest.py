"""Fixtures of the event-driven detection tests: a bucket and an SQS queue on moto's server (the ``fake_s3``
fixture serves both), wired with S3 event notifications."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from s3_events_wiring import Wired

from airflow_provider_arize.s3.notifications import configure_bucket_notifications


@pytest.fixture
def wire(fake_s3: Any, fake_s3_connection: Callable[[str], str]) -> Callable[..., Wired]:
    """A factory: a fresh bucket and queue, the bucket's events under ``prefix`` sent to the queue."""
    fake_s3_connection("aws_default")

    def make(prefix: str = "incoming/", suffix: str | None = None) -> Wired:
        s3, sqs = fake_s3.client("s3"), fake_s3.client("sqs")
        name = f"events-{uuid.uuid4().hex[:8]}"
        s3.create_bucket(Bucket=name)
        queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
        setup = configure_bucket_notifications(
            s3, sqs, bucket=name, queue_url=queue_url, prefix=prefix, suffix=suffix
        )
        return Wired(s3, sqs, name, prefix, queue_url, setup)

    return make
