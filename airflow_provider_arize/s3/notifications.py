"""Set a bucket up to announce new files under a prefix to an SQS queue (S3 event notifications), keeping
every other statement and configuration. Pure apart from :func:`configure_bucket_notifications`.

Contract (what is written, idempotence, what is refused): ``docs/file-jobs.md``, "Setting the bucket up"."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.access import bucket_arn

log = logging.getLogger(__name__)

#: The events announced: every way an object is created (Put, Post, Copy, CompleteMultipartUpload).
OBJECT_CREATED_EVENTS: Final = ("s3:ObjectCreated:*",)
#: The default ``Id`` of the bucket's queue configuration written here.
DEFAULT_CONFIGURATION_ID: Final = "arize-new-files"
#: The notification configuration kinds of a bucket (the keys of the document S3 returns).
CONFIGURATION_KINDS: Final = (
    "QueueConfigurations",
    "TopicConfigurations",
    "LambdaFunctionConfigurations",
)
#: The other key a bucket's notification document may hold (kept as it is).
EVENTBRIDGE_KEY: Final = "EventBridgeConfiguration"


def policy_sid(bucket: str) -> str:
    """The Sid of the queue policy statement that lets ``bucket`` send."""
    return f"arize-s3-events-{bucket}"


def check_queue_arn(queue_arn: object) -> str:
    """``queue_arn`` as a standard SQS queue ARN (``ArizeConfigError`` otherwise)."""
    if not isinstance(queue_arn, str) or not queue_arn.startswith("arn:") or ":sqs:" not in queue_arn:
        raise ArizeConfigError(f"not an SQS queue ARN: {queue_arn!r}", field="queue_url")
    if queue_arn.endswith(".fifo"):
        raise ArizeConfigError(
            f"{queue_arn} is a FIFO queue; S3 event notifications can only be sent to standard queues",
            field="queue_url",
        )
    return queue_arn


# -- the bucket's notification configuration ------------------------------------------------------------


def queue_configuration(
    queue_arn: str,
    *,
    prefix: str = "",
    suffix: str | None = None,
    configuration_id: str = DEFAULT_CONFIGURATION_ID,
) -> dict[str, Any]:
    """One ``QueueConfigurations`` entry: ``s3:ObjectCreated:*`` under ``prefix`` (and ``suffix``)."""
    if not configuration_id:
        raise ArizeConfigError("configuration_id must not be empty", field="configuration_id")
    rules = [{"Name": "prefix", "Value": prefix}] if prefix else []
    if suffix:
        rules.append({"Name": "suffix", "Value": suffix})
    entry: dict[str, Any] = {
        "Id": configuration_id,
        "QueueArn": check_queue_arn(queue_arn),
        "Events": list(OBJECT_CREATED_EVENTS),
    }
    if rules:
        entry["Filter"] = {"Key": {"FilterRules": rules}}
    return entry


def _rules(entry: Mapping[str, Any]) -> dict[str, str]:
    """An entry's key filter as ``{"prefix": ..., "suffix": ...}`` (S3 returns ``Prefix``/``Suffix``)."""
    rules = ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    return {str(r.get("Name", "")).lower(): str(r.get("Value", "")) for r in rules if r.get("Value")}


def _normalised(entry: Mapping[str, Any]) -> tuple[Any, ...]:
    """What decides whether two entries configure the same thing (ignoring spelling S3 changes)."""
    rules = _rules(entry)
    target = entry.get("QueueArn") or entry.get("TopicArn") or entry.get("LambdaFunctionArn")
    return (entry.get("Id"), target, tuple(sorted(entry.get("Events") or ())), tuple(sorted(rules.items())))


def _creates_objects(events: Sequence[str]) -> bool:
    return any(e in ("s3:*", "s3:ObjectCreated:*") or e.startswith("s3:ObjectCreated:") for e in events)


def _overlaps(a: str | None, b: str | None, *, suffix: bool) -> bool:
    if not a or not b:
        return True
    return a.endswith(b) or b.endswith(a) if suffix else a.startswith(b) or b.startswith(a)


def overlapping(document: Mapping[str, Any], entry: Mapping[str, Any]) -> list[str]:
    """The other configurations of ``document`` (kind and Id) that S3 would find overlapping
    ``entry``: both announce created objects and their prefixes and suffixes can match the same key."""
    mine = _rules(entry)
    found = []
    for kind in CONFIGURATION_KINDS:
        for other in document.get(kind) or ():
            if other.get("Id") == entry.get("Id") or not _creates_objects(other.get("Events") or ()):
                continue
            theirs = _rules(other)
            if _overlaps(mine.get("prefix"), theirs.get("prefix"), suffix=False) and _overlaps(
                mine.get("suffix"), theirs.get("suffix"), suffix=True
            ):
                found.append(f"{kind[:-14]} configuration {other.get('Id') or '(no Id)'}")
    return found


def merge_notification_configuration(
    document: Mapping[str, Any] | None, entry: Mapping[str, Any]
) -> dict[str, Any]:
    """The full document to put: ``document`` (what ``GetBucketNotificationConfiguration`` returned) with
    ``entry`` added to its queue configurations, replacing one with the same ``Id``; every other
    configuration is kept. ``ArizeConfigError`` when another configuration overlaps ``entry``."""
    document = dict(document or {})
    clashes = overlapping(document, entry)
    if clashes:
        raise ArizeConfigError(
            f"the bucket already sends created-object events for overlapping keys ({', '.join(clashes)}); "
            "S3 refuses overlapping notification configurations: remove or narrow the other one, or reuse "
            "its Id as configuration_id to replace it",
            field="prefix",
        )
    merged: dict[str, Any] = {}
    for kind in CONFIGURATION_KINDS:
        kept = [
            dict(c)
            for c in document.get(kind) or ()
            if not (kind == "QueueConfigurations" and c.get("Id") == entry.get("Id"))
        ]
        if kind == "QueueConfigurations":
            kept.append(dict(entry))
        if kept:
            merged[kind] = kept
    if EVENTBRIDGE_KEY in document:
        merged[EVENTBRIDGE_KEY] = document[EVENTBRIDGE_KEY]
    return merged


def same_configuration(current: Mapping[str, Any] | None, wanted: Mapping[str, Any]) -> bool:
    """Whether ``current`` already configures exactly what ``wanted`` does (S3's spelling aside)."""
    current = current or {}
    for kind in CONFIGURATION_KINDS:
        mine = sorted(_normalised(c) for c in wanted.get(kind) or ())
        theirs = sorted(_normalised(c) for c in current.get(kind) or ())
        if mine != theirs:
            return False
    return (EVENTBRIDGE_KEY in current) == (EVENTBRIDGE_KEY in wanted)


# -- the queue's policy -----------------------------------------------------------------------------------


def queue_policy_statement(
    queue_arn: str, bucket: str, *, source_account: str | None = None
) -> dict[str, Any]:
    """The statement allowing S3 to send ``bucket``'s events to the queue (and nothing else)."""
    condition: dict[str, Any] = {"ArnLike": {"aws:SourceArn": bucket_arn(bucket)}}
    if source_account:
        condition["StringEquals"] = {"aws:SourceAccount": source_account}
    return {
        "Sid": policy_sid(bucket),
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": check_queue_arn(queue_arn),
        "Condition": condition,
    }


def merge_queue_policy(
    policy: str | Mapping[str, Any] | None, statement: Mapping[str, Any]
) -> dict[str, Any]:
    """The queue's policy with ``statement`` added (replacing, in place, one with the same Sid); every
    other statement and field is kept. A new policy when the queue had none."""
    if isinstance(policy, str):
        policy = json.loads(policy) if policy.strip() else None
    document = dict(policy or {"Version": "2012-10-17"})
    statements = document.get("Statement") or []
    if isinstance(statements, Mapping):
        statements = [statements]
    merged = [
        dict(statement) if isinstance(s, Mapping) and s.get("Sid") == statement.get("Sid") else s
        for s in statements
    ]
    if dict(statement) not in merged:
        merged.append(dict(statement))
    return {**document, "Statement": merged}


# -- applying both ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationSetup:
    """What :func:`configure_bucket_notifications` did: the queue's ARN, the configuration's ``Id``, and
    which of the two documents it had to write (``False``: already as wanted)."""

    bucket: str
    queue_arn: str
    configuration_id: str
    policy_written: bool
    configuration_written: bool


def configure_bucket_notifications(
    s3_client: Any,
    sqs_client: Any,
    *,
    bucket: str,
    queue_url: str,
    prefix: str = "",
    suffix: str | None = None,
    configuration_id: str = DEFAULT_CONFIGURATION_ID,
    source_account: str | None = None,
) -> NotificationSetup:
    """Make ``bucket`` send ``s3:ObjectCreated:*`` events under ``prefix`` to the queue at ``queue_url``
    (boto3 ``s3`` and ``sqs`` clients). Idempotent; keeps every other configuration and policy statement
    (``docs/file-jobs.md``, "Setting the bucket up")."""
    attributes = sqs_client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn", "Policy"])
    attributes = attributes.get("Attributes") or {}
    queue_arn = check_queue_arn(attributes.get("QueueArn"))
    entry = queue_configuration(queue_arn, prefix=prefix, suffix=suffix, configuration_id=configuration_id)
    current = s3_client.get_bucket_notification_configuration(Bucket=bucket)
    current = {k: v for k, v in current.items() if k != "ResponseMetadata"}
    wanted = merge_notification_configuration(current, entry)  # refuses overlaps before any write

    statement = queue_policy_statement(queue_arn, bucket, source_account=source_account)
    old_policy = attributes.get("Policy")
    new_policy = merge_queue_policy(old_policy, statement)
    policy_written = new_policy != (json.loads(old_policy) if old_policy else None)
    if policy_written:
        sqs_client.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(new_policy)})
        log.info("Allowed s3://%s to send event notifications to %s", bucket, queue_arn)

    configuration_written = not same_configuration(current, wanted)
    if configuration_written:
        s3_client.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=wanted)
        log.info(
            "s3://%s now sends s3:ObjectCreated:* events under %r%s to %s (configuration %s)",
            bucket,
            prefix,
            f" ending in {suffix!r}" if suffix else "",
            queue_arn,
            configuration_id,
        )
    else:
        log.info("s3://%s already sends its created-object events under %r to %s", bucket, prefix, queue_arn)
    return NotificationSetup(bucket, queue_arn, configuration_id, policy_written, configuration_written)
