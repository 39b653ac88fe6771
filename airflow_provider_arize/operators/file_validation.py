"""Validate inference files on S3 against an Arize file schema before Arize ingests them.

It reads only, and as little as each format allows (:mod:`airflow_provider_arize.files`); what it reads
and checks: ``docs/file-jobs.md``, "What each task guarantees" and "Validation in detail".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.compat import set_default_retry_policy
from airflow_provider_arize.operators.base import fail_fast_retry_policy

if TYPE_CHECKING:
    from airflow.sdk import Context

ON_INVALID = ("fail", "skip")


class ArizeValidateFilesOperator(BaseOperator):
    """Check S3 files against an Arize schema, reading a few KiB of each.

    The arguments (bucket name, file keys and listed sizes, schema, model type, ``on_invalid``, size
    limit) are checked first: a bad one fails the task with ``ArizeConfigError`` naming it, before any S3
    request. Every file is checked; one bad file never hides another, and nothing valid in the batch is
    dropped. ``on_invalid="fail"`` fails after checking them all, naming each bad file, column, role and
    reason; ``"skip"`` logs them and returns only the valid files. Corrupt, truncated, empty and
    wrongly-suffixed files are reported as invalid with the reason, never as a crash. Safe to retry (no
    side effects).

    :param bucket: the bucket the files are in.
    :param files: the files: keys, or the dicts :class:`ArizeS3NewFilesSensor` returns (``key``, ``size``,
        ``etag``); typically the sensor's ``.output`` (an ``XComArg``).
    :param schema: the Arize file schema (camelCase or snake_case keys).
    :param model_type: the model type (decides which columns are required; optional).
    :param aws_conn_id: the ``aws`` connection.
    :param on_invalid: ``fail`` (default) or ``skip``.
    :param max_file_size: bytes; default Arize's 1 GB limit.

    Returns ``{"valid": [{"key", "size", "etag", "format", "row_count"}], "invalid": [{"key", "problems"}]}``.
    """

    template_fields: Sequence[str] = ("bucket", "files", "schema", "model_type", "on_invalid")
    ui_color = "#dff5e6"

    def __init__(
        self,
        *,
        bucket: str,
        files: Any,
        schema: Mapping[str, Any],
        model_type: str | None = None,
        aws_conn_id: str | None = "aws_default",
        on_invalid: str = "fail",
        max_file_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        set_default_retry_policy(kwargs, fail_fast_retry_policy)
        super().__init__(**kwargs)
        self.bucket = bucket
        self.files = files
        self.schema = schema
        self.model_type = model_type
        self.aws_conn_id = aws_conn_id
        self.on_invalid = on_invalid
        self.max_file_size = max_file_size

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow.providers.amazon.aws.hooks.s3 import S3Hook

        from airflow_provider_arize.files import FileValidationError, S3RangeReader, validate_file

        bucket, files, schema, model_type, limit = self._checked_arguments()
        client = S3Hook(aws_conn_id=self.aws_conn_id).get_conn()
        valid: list[dict[str, Any]] = []
        invalid: list[dict[str, Any]] = []
        read = 0
        for entry in files:
            reader = S3RangeReader(
                client, bucket, entry["key"], size=entry.get("size"), etag=entry.get("etag")
            )
            report = validate_file(reader, schema, model_type, max_bytes=limit)
            read += report.bytes_read
            if report.ok:
                valid.append(
                    {
                        "key": report.key,
                        "size": report.size,
                        "etag": report.etag,
                        "format": str(report.format) if report.format else None,
                        "row_count": report.row_count,
                    }
                )
                self.log.info("valid: s3://%s/%s (%s rows)", bucket, report.key, report.row_count or "?")
            else:
                invalid.append({"key": report.key, "problems": report.problems_text()})
                self.log.warning("invalid: s3://%s/%s: %s", bucket, report.key, report.problems_text())
        self.log.info(
            "Checked %d files (%d valid, %d invalid), reading %d bytes in all",
            len(files),
            len(valid),
            len(invalid),
            read,
        )
        if invalid and self.on_invalid == "fail":
            listing = "; ".join(f"s3://{bucket}/{i['key']}: {i['problems']}" for i in invalid)
            raise FileValidationError(
                f"{len(invalid)} of {len(files)} files do not match the Arize schema: {listing}",
                field="files",
            )
        return {"valid": valid, "invalid": invalid}

    def _checked_arguments(self) -> tuple[str, list[dict[str, Any]], Any, str | None, int]:
        """The rendered arguments, checked before any client is made: the bucket, the file entries, the
        schema, the model type (``None`` when not given) and the size limit, or ``ArizeConfigError`` naming
        the argument."""
        from airflow_provider_arize.api.models import ModelSchema
        from airflow_provider_arize.api.models._validate import optional_positive_int, require_choice
        from airflow_provider_arize.api.models.storage_names import bucket_name
        from airflow_provider_arize.files import MAX_FILE_BYTES

        if self.on_invalid not in ON_INVALID:
            raise ArizeConfigError(
                f"on_invalid must be 'fail' or 'skip', got {self.on_invalid!r}"[:300], field="on_invalid"
            )
        bucket = bucket_name(self.bucket)
        limit = optional_positive_int("max_file_size", self.max_file_size, most=None) or MAX_FILE_BYTES
        schema = ModelSchema.from_value(self.schema)
        model_type = None
        if self.model_type is not None and self.model_type != "":
            model_type = require_choice(
                "model_type", self.model_type, constants.MODEL_TYPES | constants.LEGACY_MODEL_TYPES
            )
            schema.validate_for(model_type, "file")
        return bucket, _file_entries(self.files), schema, model_type, limit


def _file_entries(files: Any) -> list[dict[str, Any]]:
    """Normalise keys or sensor dicts (or a JSON string of them, as a template renders an XCom) to
    ``[{"key", "size"?, "etag"?}]``; ``ArizeConfigError`` (field ``files``) for anything else."""
    import json

    from airflow_provider_arize.api.models.storage_names import object_key

    def refuse(problem: str) -> ArizeConfigError:
        return ArizeConfigError(f"files {problem}"[:300], field="files")

    if isinstance(files, str):
        text = files.strip()
        try:
            files = json.loads(text) if text.startswith(("[", "{")) else [text]
        except ValueError as exc:
            raise refuse(f"looks like JSON but is not ({exc}): {text!r}") from None
    if isinstance(files, Mapping):
        files = [files]
    if not isinstance(files, list | tuple):
        raise refuse(f"must be a list of keys or file dicts, got {files!r}")
    out: list[dict[str, Any]] = []
    for item in files:
        if isinstance(item, str):
            out.append({"key": object_key(item.strip(), field="files")})
        elif isinstance(item, Mapping):
            size, etag = item.get("size"), item.get("etag")
            if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
                raise refuse(f"entry has a size that is not a number of bytes: {item!r}")
            if etag is not None and not isinstance(etag, str):
                raise refuse(f"entry has an etag that is not a string: {item!r}")
            out.append({"key": object_key(item.get("key"), field="files"), "size": size, "etag": etag})
        else:
            raise refuse(f"has an entry that is neither a key nor a file dict: {item!r}")
    return out
