"""Helpers of the event-driven detection tests: a bucket wired to an SQS queue, a request counter, and
reading a queue to the end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from airflow_provider_arize.s3.notifications import NotificationSetup


@dataclass
class Wired:
    """A bucket whose created-object events under ``prefix`` go to the queue at ``queue_url``."""

    s3: Any
    sqs: Any
    bucket: str
    prefix: str
    queue_url: str
    setup: NotificationSetup


def count_calls(*clients: Any) -> list[str]:
    """The operation names every later call of ``clients`` makes (botocore ``before-call`` hook)."""
    calls: list[str] = []
    for client in clients:
        client.meta.events.register("before-call", lambda model, **_: calls.append(model.name))
    return calls


def receive_all(sqs: Any, queue_url: str, *, delete: bool = True) -> list[dict[str, Any]]:
    """Every message now in the queue (until a short poll comes back empty)."""
    messages: list[dict[str, Any]] = []
    while True:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages"
        )
        if not got:
            return messages
        messages.extend(got)
        if delete:
            sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)],
            )


def in_queue(w: Wired) -> int:
    """Messages in ``w``'s queue, visible or in flight (received, neither deleted nor visible again)."""
    attributes = w.sqs.get_queue_attributes(
        QueueUrl=w.queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )
