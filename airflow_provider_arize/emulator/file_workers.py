"""File import jobs against real S3 (e.g. moto): bucket access checks, dry runs, and the polling worker.

Access rules, dry-run codes and what each poll does: ``docs/emulator.md``, "File jobs and the file
worker"."""

from __future__ import annotations

import fnmatch
import json
import logging
import threading
import traceback
from collections.abc import Iterator, Mapping
from typing import Any

from airflow_provider_arize.api import constants as c
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models.schema import ModelSchema
from airflow_provider_arize.files import (
    SUFFIXES,
    FileReadError,
    FileReport,
    FileValidationError,
    S3RangeReader,
    count_rows,
    validate_file,
)

from .records import JOB_KIND_FILE, JobRecord
from .state import EmulatorState, S3Settings
from .ticker import Ticker
from .validation import Failure

log = logging.getLogger("airflow_provider_arize.emulator.file_workers")

BLOB_STORE_S3 = "S3"
_BUCKET_ACTIONS = ("s3:GetBucketTagging", "s3:ListBucket")
_OBJECT_ACTIONS = ("s3:GetObject",)


# --- S3 clients ------------------------------------------------------------------------------------
_clients: dict[S3Settings, Any] = {}
_clients_lock = threading.Lock()


def s3_client(settings: S3Settings) -> Any:
    """A boto3 S3 client for ``settings`` (cached; boto3 clients are safe to share between threads)."""
    with _clients_lock:
        client = _clients.get(settings)
        if client is None:
            import boto3
            from botocore.config import Config

            config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2})
            client = boto3.session.Session().client("s3", config=config, **settings.client_kwargs())
            _clients[settings] = client
        return client


def _error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = (response.get("Error") or {}).get("Code")
        return str(code) if code is not None else None
    return None


def _describe(exc: BaseException) -> str:
    code = _error_code(exc)
    return f"{code} ({exc})" if code else f"{type(exc).__name__}: {exc}"


class AccessDenied(Exception):
    """Arize (the emulator) may not read the bucket; the message says what is missing."""


# --- access ----------------------------------------------------------------------------------------
def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _principal_matches(statement: Mapping[str, Any], *, allow: bool) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return not allow
    if not isinstance(principal, Mapping):
        return False
    for arn in _as_list(principal.get("AWS")):
        if not isinstance(arn, str):
            continue
        if arn == "*" and not allow:
            return True
        if arn.startswith("arn:") and arn.endswith(c.ARIZE_IMPORTER_ROLE_ARN_SUFFIX):
            return True
    return False


def _grants(statement: Mapping[str, Any], action: str, resource: str) -> bool:
    actions = [a.lower() for a in _as_list(statement.get("Action")) if isinstance(a, str)]
    resources = [r for r in _as_list(statement.get("Resource")) if isinstance(r, str)]
    return any(fnmatch.fnmatchcase(action.lower(), a) for a in actions) and any(
        fnmatch.fnmatchcase(resource, r) for r in resources
    )


def policy_gaps(policy: str, bucket: str) -> list[str]:
    """``"<action> on <resource>"`` for every grant the importer role lacks under ``policy`` (JSON text)."""
    try:
        document = json.loads(policy)
    except json.JSONDecodeError:
        document = {}
    statements = [s for s in _as_list(document.get("Statement")) if isinstance(s, Mapping)]
    statements = [s for s in statements if not {"NotPrincipal", "NotAction", "NotResource"} & set(s)]
    arn = bucket_arn(bucket)
    needed = [(a, arn) for a in _BUCKET_ACTIONS] + [(a, f"{arn}/*") for a in _OBJECT_ACTIONS]
    gaps = []
    for action, resource in needed:
        allowed = any(
            s.get("Effect") == "Allow" and _principal_matches(s, allow=True) and _grants(s, action, resource)
            for s in statements
        )
        denied = any(
            s.get("Effect") == "Deny" and _principal_matches(s, allow=False) and _grants(s, action, resource)
            for s in statements
        )
        if denied or not allowed:
            gaps.append(f"{action} on {resource}")
    return gaps


def access_problems(client: Any, bucket: str, ingestion_key: str) -> list[str]:
    """What keeps Arize out of ``bucket`` for a space with ``ingestion_key`` (empty: access is granted).

    Raises :class:`AccessDenied` when the bucket does not exist or S3 cannot be reached.
    """
    problems: list[str] = []
    role = f"arn:aws:iam::<account>{c.ARIZE_IMPORTER_ROLE_ARN_SUFFIX}"
    try:
        tags = client.get_bucket_tagging(Bucket=bucket).get("TagSet", [])
    except Exception as exc:
        code = _error_code(exc)
        if code == "NoSuchBucket":
            raise AccessDenied(f"bucket '{bucket}' does not exist") from exc
        if code is None:
            raise AccessDenied(f"cannot reach S3 to check bucket '{bucket}': {_describe(exc)}") from exc
        if code != "NoSuchTagSet":
            raise AccessDenied(f"cannot read the tags of bucket '{bucket}': {_describe(exc)}") from exc
        tags = []
    values = [t.get("Value") for t in tags if t.get("Key") == c.INGESTION_TAG_KEY]
    if not values:
        problems.append(
            f"bucket '{bucket}' has no '{c.INGESTION_TAG_KEY}' tag: tag it with this space's ingestion key"
        )
    elif values[0] != ingestion_key:
        problems.append(
            f"bucket '{bucket}' tag '{c.INGESTION_TAG_KEY}' does not match this space's ingestion key"
        )
    grants = f"{', '.join(c.IMPORTER_ACTIONS)} on {bucket_arn(bucket)} and {bucket_arn(bucket)}/*"
    try:
        policy = client.get_bucket_policy(Bucket=bucket)["Policy"]
    except Exception as exc:
        code = _error_code(exc)
        if code != "NoSuchBucketPolicy":
            raise AccessDenied(f"cannot read the policy of bucket '{bucket}': {_describe(exc)}") from exc
        problems.append(f"bucket '{bucket}' has no bucket policy: it must grant {role} {grants}")
        return problems
    gaps = policy_gaps(policy, bucket)
    if gaps:
        problems.append(f"bucket '{bucket}' policy does not grant {role} {'; '.join(gaps)}")
    return problems


def check_access(state: EmulatorState, bucket: str, space_id: int) -> Any:
    """Return an S3 client for ``bucket`` if the space may read it; else raise :class:`AccessDenied`."""
    if state.s3 is None:
        raise AccessDenied(
            f"the emulator has no S3 configured, so bucket '{bucket}' cannot be reached "
            f"(set $ARIZE_EMULATOR_S3, --s3 FILE or PUT /_emulator/s3)"
        )
    client = s3_client(state.s3)
    problems = access_problems(client, bucket, state.store.runs.ingestion_key(space_id))
    if problems:
        raise AccessDenied("; ".join(problems))
    return client


# --- listing ---------------------------------------------------------------------------------------
def list_objects(client: Any, bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
    """Every object under ``prefix`` (recursively, all pages), skipping "directory" keys ending in ``/``."""
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            if not obj["Key"].endswith("/"):
                yield obj


def _has_known_suffix(key: str) -> bool:
    return any(key.lower().endswith(s) for s in SUFFIXES)


def job_schema(schema: Mapping[str, Any] | None) -> ModelSchema:
    """The job's schema input as a :class:`ModelSchema` (``ArizeConfigError`` when it is unusable)."""
    parsed = ModelSchema.from_output(schema)
    if parsed is None:
        raise ArizeConfigError("the job has no schema", field="schema")
    return parsed


# --- dry run ---------------------------------------------------------------------------------------
def _find_named(client: Any, bucket: str, prefix: str, file_name: str) -> dict[str, Any] | None:
    name = file_name
    if name.startswith("s3://"):
        named_bucket, _, name = name[len("s3://") :].partition("/")
        if named_bucket != bucket:
            return None
    candidates = [name]
    if prefix and not name.startswith(prefix):
        candidates.insert(0, f"{prefix.rstrip('/')}/{name.lstrip('/')}")
    for key in candidates:
        try:
            head = client.head_object(Bucket=bucket, Key=key)
        except Exception as exc:
            if _error_code(exc) in ("404", "NoSuchKey", "NotFound"):
                continue
            raise AccessDenied(f"cannot read s3://{bucket}/{key}: {_describe(exc)}") from exc
        return {"Key": key, "Size": head["ContentLength"], "ETag": head.get("ETag")}
    return None


def dry_run_file_job(
    state: EmulatorState, space_id: int, inp: Mapping[str, Any]
) -> tuple[Failure | None, str | None]:
    """Check access and validate one file of an S3 file job input; return (failure, file path)."""
    bucket = str(inp["bucketName"])
    prefix = str(inp.get("prefix") or "")
    file_name = inp.get("fileName") or None
    try:
        client = check_access(state, bucket, space_id)
        if file_name:
            found = _find_named(client, bucket, prefix, str(file_name))
            if found is None:
                message = f"fileName '{file_name}' not found in s3://{bucket}/{prefix}"
                return Failure(c.VALIDATION_CODE_INVALID_VALUE, message), str(file_name)
        else:
            objects = list(list_objects(client, bucket, prefix))
            found = next((o for o in objects if _has_known_suffix(o["Key"])), objects[0] if objects else None)
            if found is None:
                message = f"no files under s3://{bucket}/{prefix} to validate (upload one, or pass fileName)"
                return Failure(c.VALIDATION_CODE_INVALID_VALUE, message), None
        schema = job_schema(inp.get("schema"))
    except AccessDenied as exc:
        return Failure(c.VALIDATION_CODE_ACCESS, str(exc)), file_name
    except ArizeConfigError as exc:
        return Failure(c.VALIDATION_CODE_INVALID_VALUE, f"invalid schema: {exc}"), file_name
    key = str(found["Key"])
    reader = S3RangeReader(client, bucket, key, int(found["Size"]), found.get("ETag"))
    report = validate_file(reader, schema, inp.get("modelType"), state.max_file_bytes)
    if report.unreadable:
        return Failure(c.VALIDATION_CODE_ACCESS, report.problems_text()), key
    if not report.ok:
        return Failure(c.VALIDATION_CODE_SCHEMA, report.problems_text()), key
    return None, key


# --- the worker ------------------------------------------------------------------------------------
def _polled(job: JobRecord) -> bool:
    """Active S3 file jobs are polled; paused, deleted, GCS and Azure jobs are not."""
    kind_ok = job.kind == JOB_KIND_FILE and (job.store or BLOB_STORE_S3) == BLOB_STORE_S3
    return kind_ok and job.status == c.JOB_STATUS_ACTIVE


class FileWorker(Ticker):
    """Polls active S3 file jobs' buckets on a background thread (``docs/emulator.md``, "File jobs and the
    file worker")."""

    name = "file worker"

    def __init__(self, state: EmulatorState, interval: float = 10.0) -> None:
        super().__init__(interval)
        self.state = state

    def work(self) -> int:
        """Poll every active S3 file job once; return how many files were processed."""
        processed = 0
        if self.state.s3 is not None:
            for job in self.state.store.all_jobs():
                if self.stopping:
                    break
                if _polled(job):
                    processed += self._poll(job)
        return processed

    def _poll(self, job: JobRecord) -> int:
        bucket = str(job.location.get("bucketName") or "")
        prefix = str(job.location.get("prefix") or "")
        try:
            client = check_access(self.state, bucket, job.space_id)
            listed = {obj["Key"]: obj for obj in list_objects(client, bucket, prefix)}
            current = self.state.store.get_job(job.id)  # paused while listing? then it saw nothing
            if current is None or not _polled(current):
                return 0
            known = {f.path for f in self.state.store.runs.list_files(job.id)}
            for key in listed:
                if key not in known and self.state.store.runs.record_file(job.id, key):
                    log.debug("file job %s: new file s3://%s/%s", job.id, bucket, key)
        except AccessDenied as exc:
            log.debug("file job %s cannot read its bucket (retrying next poll): %s", job.id, exc)
            return 0
        except Exception as exc:
            log.info("file job %s: listing s3://%s/%s failed: %s", job.id, bucket, prefix, _describe(exc))
            return 0
        processed = 0
        for record in self.state.store.runs.pending_files(job.id):
            if self.stopping:
                break
            try:
                processed += self._process(client, job, record.path, listed.get(record.path))
            except Exception as exc:
                self._fail_unexpected(job, record.path, exc)
                processed += 1
        return processed

    def _process(self, client: Any, job: JobRecord, key: str, listed: dict[str, Any] | None) -> int:
        """Validate and count one pending file; return 1 if its status was settled."""
        runs = self.state.store.runs
        bucket = str(job.location["bucketName"])
        if listed is None:
            runs.set_file_status(job.id, key, False, error_message="the object was deleted before ingestion")
            return 1
        try:
            schema = job_schema(job.schema)
        except ArizeConfigError as exc:
            runs.set_file_status(job.id, key, False, error_message=f"the job's schema is invalid: {exc}")
            return 1
        size, etag = int(listed["Size"]), listed.get("ETag")
        report = validate_file(
            S3RangeReader(client, bucket, key, size, etag), schema, job.model_type, self.state.max_file_bytes
        )
        if report.unreadable:
            log.info("file job %s: %s (retrying next poll)", job.id, report.describe())
            return 0
        if not report.ok:
            log.debug("file job %s: %s", job.id, report.describe())
            runs.set_file_status(job.id, key, False, error_message=report.problems_text())
            return 1
        try:
            rows = self._rows(report, S3RangeReader(client, bucket, key, size, etag))
        except FileReadError as exc:
            log.info("file job %s: %s (retrying next poll)", job.id, exc)
            return 0
        except FileValidationError as exc:
            runs.set_file_status(job.id, key, False, error_message=str(exc))
            return 1
        runs.set_file_status(job.id, key, True, rows=rows)
        log.debug("file job %s ingested s3://%s/%s: %d rows", job.id, bucket, key, rows)
        return 1

    @staticmethod
    def _rows(report: FileReport, reader: S3RangeReader) -> int:
        """The layout's row count, else the whole object read and counted (as Arize ingests it all)."""
        if report.row_count is not None:
            return report.row_count
        return count_rows(reader, report.format)

    def _fail_unexpected(self, job: JobRecord, key: str, exc: Exception) -> None:
        described = f"{type(exc).__name__}: {exc}"
        log.error("file job %s: processing %s failed unexpectedly: %s", job.id, key, described)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s", "".join(traceback.format_exception(exc)))
        self.state.store.runs.set_file_status(
            job.id, key, False, error_message=f"emulator error while ingesting the file: {described}"
        )
