"""Read S3 event notifications out of SQS messages (plain, SNS-wrapped, test events) and turn them into the
files the new-files sensor returns. Pure: no boto3, botocore or Airflow import.

Contract (messages, decoding, duplicates in a batch): ``docs/file-jobs.md``, "Messages, requests and
events"."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Protocol
from urllib.parse import unquote_plus

from airflow_provider_arize.s3.filters import KeyFilter
from airflow_provider_arize.s3.objects import S3Object, parse_time

log = logging.getLogger(__name__)

#: The ``Event`` of S3's test message.
TEST_EVENT: Final = "s3:TestEvent"
#: Records of these events are files (``eventName`` is ``ObjectCreated:Put`` and so on, without ``s3:``).
CREATED_EVENT_PREFIX: Final = "ObjectCreated:"


class Log(Protocol):
    """The logging calls used here (a ``logging.Logger``, or the one of an Airflow task or trigger)."""

    def info(self, msg: str, /, *args: Any) -> Any: ...

    def warning(self, msg: str, /, *args: Any) -> Any: ...


class MalformedMessage(ValueError):
    """A message that is neither an S3 event notification nor S3's test event."""


@dataclass(frozen=True)
class CreatedRecord:
    """One ``ObjectCreated`` record: the object as a file, its bucket, event name and ``sequencer``."""

    bucket: str
    file: S3Object
    event_name: str
    sequencer: str = ""


@dataclass(frozen=True)
class ParsedBody:
    """What one message body holds: created-object records, or S3's test event (``test_event``);
    ``other_records`` counts records of other events (``ObjectRemoved`` and the like); ``malformed``
    holds the reasons of records that could not be read (the rest of the message is kept)."""

    records: tuple[CreatedRecord, ...] = ()
    test_event: bool = False
    other_records: int = 0
    malformed: tuple[str, ...] = ()


def _record(raw: object) -> CreatedRecord | None:
    """A created-object record, ``None`` for a record of another event; ``MalformedMessage`` otherwise."""
    if not isinstance(raw, Mapping):
        raise MalformedMessage("a record is not an object")
    name = raw.get("eventName")
    if not isinstance(name, str):
        raise MalformedMessage("a record has no eventName")
    if not name.removeprefix("s3:").startswith(CREATED_EVENT_PREFIX):
        return None
    try:
        s3 = raw["s3"]
        obj = s3["object"]
        key = obj["key"]
        if not isinstance(key, str) or not key:
            raise MalformedMessage("a record's key is not a string")
        size = obj["size"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise MalformedMessage(f"a record's size is not a byte count: {size!r}")
        etag = obj.get("eTag") or ""
        return CreatedRecord(
            bucket=str(s3["bucket"]["name"]),
            file=S3Object(
                key=unquote_plus(key),
                size=size,
                etag=str(etag).strip('"'),
                last_modified=parse_time(raw["eventTime"]),
            ),
            event_name=name,
            sequencer=str(obj.get("sequencer") or ""),
        )
    except (KeyError, TypeError) as exc:
        raise MalformedMessage(f"a record lacks {exc}") from exc
    except ValueError as exc:
        if isinstance(exc, MalformedMessage):
            raise
        raise MalformedMessage(f"a record's eventTime is not a timestamp ({exc})") from exc


def parse_body(body: str | bytes | Mapping[str, Any]) -> ParsedBody:
    """The records (or test event) of one message body; ``MalformedMessage`` when it is neither."""
    document: object = body
    for _ in range(2):  # the notification itself, or SNS's envelope around it
        if isinstance(document, str | bytes):
            try:
                document = json.loads(document)
            except ValueError as exc:
                raise MalformedMessage(f"the body is not JSON ({exc.__class__.__name__})") from exc
        if not isinstance(document, Mapping):
            raise MalformedMessage("the body is not a JSON object")
        if document.get("Type") == "Notification" and isinstance(document.get("Message"), str):
            document = document["Message"]
            continue
        break
    if not isinstance(document, Mapping):
        raise MalformedMessage("the SNS message is not a JSON object")
    if document.get("Event") == TEST_EVENT:
        return ParsedBody(test_event=True)
    raw_records = document.get("Records")
    if not isinstance(raw_records, list):
        raise MalformedMessage("not an S3 event notification (no Records)")
    records: list[CreatedRecord] = []
    other = 0
    malformed: list[str] = []
    for raw in raw_records:
        try:
            record = _record(raw)
        except MalformedMessage as exc:
            malformed.append(str(exc))
            continue
        if record is None:
            other += 1
        else:
            records.append(record)
    if not records and not other and malformed:
        raise MalformedMessage("; ".join(dict.fromkeys(malformed)))
    return ParsedBody(tuple(records), other_records=other, malformed=tuple(malformed))


@dataclass(frozen=True)
class EventBatch:
    """The files announced by a batch of messages, and how every other record or message was counted.

    ``messages``: messages read; ``test_events``: S3 test messages; ``malformed``: unreadable messages or
    records; ``ignored``: records of other events, other buckets, keys outside the filter, folder
    markers; ``duplicates``: repeated ``(key, eTag)``; ``superseded``: older versions of a key.
    """

    bucket: str
    files: tuple[S3Object, ...] = ()
    messages: int = 0
    test_events: int = 0
    malformed: int = 0
    ignored: int = 0
    duplicates: int = 0
    superseded: int = 0
    malformed_ids: tuple[str, ...] = field(default=(), repr=False)

    def describe(self, max_file_size: int) -> list[dict[str, Any]]:
        """The files as the new-files sensor returns them (JSON-serialisable)."""
        return [f.describe(max_file_size) for f in self.files]

    def counts(self) -> dict[str, int]:
        return {
            "messages": self.messages,
            "files": len(self.files),
            "test_events": self.test_events,
            "malformed": self.malformed,
            "ignored": self.ignored,
            "duplicates": self.duplicates,
            "superseded": self.superseded,
        }

    def summary(self) -> str:
        """``"3 files from 4 messages (1 test event, ...)"`` for logs."""
        extra = [
            f"{v} {k.replace('_', ' ')}"
            for k, v in self.counts().items()
            if v and k not in ("messages", "files")
        ]
        return f"{len(self.files)} files from {self.messages} messages" + (
            f" ({', '.join(extra)})" if extra else ""
        )


def _message(message: Mapping[str, Any] | str | bytes, index: int) -> tuple[str, Any]:
    """``(message id, body)`` of an SQS message dict (``MessageId``, ``Body``) or a bare body."""
    if isinstance(message, Mapping):
        return str(message.get("MessageId") or f"#{index}"), message.get("Body")
    return f"#{index}", message


def _sequence_key(record: CreatedRecord, arrival: int, width: int) -> tuple[str, datetime, int]:
    """Orders versions of one key: S3's sequencer (right-padded), then eventTime, then arrival."""
    return (record.sequencer.upper().ljust(width, "0"), record.file.last_modified, arrival)


def files_from_messages(
    messages: Iterable[Mapping[str, Any] | str | bytes],
    *,
    bucket: str,
    key_filter: KeyFilter | None = None,
    logger: Log | None = None,
) -> EventBatch:
    """The files of ``bucket`` (matching ``key_filter`` when given) that ``messages`` announce, each once
    (``docs/file-jobs.md``, "Messages, requests and events"). Test events and malformed messages are
    counted and logged, never raised."""
    logger = logger if logger is not None else log
    count = test_events = malformed = ignored = duplicates = 0
    malformed_ids: list[str] = []
    kept: list[tuple[CreatedRecord, int]] = []
    seen: set[tuple[str, str]] = set()
    for index, message in enumerate(messages):
        count += 1
        message_id, body = _message(message, index)
        if body is None:
            malformed += 1
            malformed_ids.append(message_id)
            logger.warning("Ignored SQS message %s: it has no body", message_id)
            continue
        try:
            parsed = parse_body(body)
        except MalformedMessage as exc:
            malformed += 1
            malformed_ids.append(message_id)
            logger.warning("Ignored SQS message %s: %s", message_id, exc)
            continue
        if parsed.test_event:
            test_events += 1
            logger.info("Ignored S3's test event (message %s)", message_id)
            continue
        if parsed.malformed:
            malformed += len(parsed.malformed)
            malformed_ids.append(message_id)
            logger.warning(
                "Ignored %d unreadable records of SQS message %s: %s",
                len(parsed.malformed),
                message_id,
                "; ".join(dict.fromkeys(parsed.malformed)),
            )
        ignored += parsed.other_records
        for record in parsed.records:
            key = record.file.key
            wanted = key_filter.matches(key) if key_filter is not None else not key.endswith("/")
            if record.bucket != bucket or not wanted:
                ignored += 1
                continue
            if (key, record.file.etag) in seen:
                duplicates += 1
                continue
            seen.add((key, record.file.etag))
            kept.append((record, len(kept)))
    width = max((len(r.sequencer) for r, _ in kept), default=0)
    newest: dict[str, tuple[CreatedRecord, int]] = {}
    for record, arrival in kept:
        current = newest.get(record.file.key)
        if current is None or _sequence_key(record, arrival, width) > _sequence_key(*current, width):
            newest[record.file.key] = (record, arrival)
    superseded = len(kept) - len(newest)
    if superseded:
        logger.info(
            "%d files were overwritten within the batch: only their newest version is kept", superseded
        )
    files = tuple(sorted((r.file for r, _ in newest.values()), key=lambda f: f.order))
    batch = EventBatch(
        bucket=bucket,
        files=files,
        messages=count,
        test_events=test_events,
        malformed=malformed,
        ignored=ignored,
        duplicates=duplicates,
        superseded=superseded,
        malformed_ids=tuple(malformed_ids),
    )
    if ignored:
        logger.info(
            "Ignored %d records: other events, another bucket than %s, or keys outside %s",
            ignored,
            bucket,
            key_filter.describe() if key_filter is not None else "the bucket (folder markers)",
        )
    return batch


def files_from_payloads(
    payloads: Iterable[object],
    *,
    bucket: str,
    key_filter: KeyFilter | None = None,
    logger: Log | None = None,
) -> EventBatch:
    """The files of several trigger event payloads (the asset events of one DAG run), each once.

    A payload is either this package's (``{"bucket", "files": [descriptions]}``, from
    :class:`~airflow_provider_arize.triggers.s3_events.ArizeS3EventsTrigger`) or the Amazon provider's
    ``SqsSensorTrigger``'s (``{"message_batch": [SQS messages]}``), whose messages are parsed here. Files
    repeated across payloads count once per ``(key, eTag)``; of several versions of a key, the newest by
    ``last_modified`` is kept. Payloads of another bucket, and anything unreadable, are counted and logged.
    """
    logger = logger if logger is not None else log
    files: list[S3Object] = []
    messages = test_events = malformed = ignored = 0
    for payload in payloads:
        if not isinstance(payload, Mapping):
            malformed += 1
            logger.warning("Ignored a trigger payload that is not an object: %s", type(payload).__name__)
            continue
        if isinstance(payload.get("message_batch"), list):
            batch = files_from_messages(
                payload["message_batch"], bucket=bucket, key_filter=key_filter, logger=logger
            )
            files.extend(batch.files)
            messages += batch.messages
            test_events += batch.test_events
            malformed += batch.malformed
            ignored += batch.ignored
            continue
        if payload.get("bucket") != bucket or not isinstance(payload.get("files"), list):
            ignored += 1
            logger.warning(
                "Ignored a trigger payload of another bucket (%r) or without files", payload.get("bucket")
            )
            continue
        for description in payload["files"]:
            try:
                file = S3Object.from_description(description)
            except (KeyError, TypeError, ValueError) as exc:
                malformed += 1
                logger.warning("Ignored an unreadable file description (%s)", exc)
                continue
            if key_filter is not None and not key_filter.matches(file.key):
                ignored += 1
                continue
            files.append(file)
    unique: dict[tuple[str, str], S3Object] = {}
    for file in files:
        unique.setdefault((file.key, file.etag), file)
    newest: dict[str, S3Object] = {}
    for file in unique.values():
        if file.key not in newest or file.order > newest[file.key].order:
            newest[file.key] = file
    return EventBatch(
        bucket=bucket,
        files=tuple(sorted(newest.values(), key=lambda f: f.order)),
        messages=messages,
        test_events=test_events,
        malformed=malformed,
        ignored=ignored,
        duplicates=len(files) - len(unique),
        superseded=len(unique) - len(newest),
    )
