"""Validate inference files on S3 against an Arize file schema before Arize ingests them.

Operational contract:

* Reads only, and as little as each format allows (Parquet footer, Arrow schema and batch headers, Avro
  header and block headers, CSV header plus a sample): see :mod:`airflow_provider_arize.files`. A file
  over Arize's 1 GB limit is refused from its size alone.
* Every file is checked; one bad file never hides another, and nothing valid in the batch is dropped.
* ``on_invalid="fail"`` (default) fails the task after checking them all, naming each bad file, column,
  role and reason; ``"skip"`` logs them and returns only the valid files, for downstream tasks.
* Safe to retry (no side effects). Corrupt, truncated, empty and wrongly-suffixed files are reported as
  invalid with the reason, never as a crash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from airflow_provider_arize.operators.base import fail_fast_retry_policy

if TYPE_CHECKING:
    from airflow.sdk import Context

ON_INVALID = ("fail", "skip")


class ArizeValidateFilesOperator(BaseOperator):
    """Check S3 files against an Arize schema, reading a few KiB of each.

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
        kwargs.setdefault("retry_policy", fail_fast_retry_policy())
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

        from airflow_provider_arize.api.errors import ArizeConfigError
        from airflow_provider_arize.api.models import ModelSchema
        from airflow_provider_arize.files import (
            MAX_FILE_BYTES,
            FileValidationError,
            S3RangeReader,
            validate_file,
        )

        if self.on_invalid not in ON_INVALID:
            raise ArizeConfigError(
                f"on_invalid must be 'fail' or 'skip', got {self.on_invalid!r}", field="on_invalid"
            )
        schema = ModelSchema.from_value(self.schema)
        if self.model_type:
            schema.validate_for(self.model_type, "file")
        files = _file_entries(self.files)
        client = S3Hook(aws_conn_id=self.aws_conn_id).get_conn()
        limit = int(self.max_file_size) if self.max_file_size else MAX_FILE_BYTES
        valid: list[dict[str, Any]] = []
        invalid: list[dict[str, Any]] = []
        read = 0
        for entry in files:
            reader = S3RangeReader(
                client, self.bucket, entry["key"], size=entry.get("size"), etag=entry.get("etag")
            )
            report = validate_file(reader, schema, self.model_type, max_bytes=limit)
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
                self.log.info("valid: s3://%s/%s (%s rows)", self.bucket, report.key, report.row_count or "?")
            else:
                invalid.append({"key": report.key, "problems": report.problems_text()})
                self.log.warning("invalid: s3://%s/%s: %s", self.bucket, report.key, report.problems_text())
        self.log.info(
            "Checked %d files (%d valid, %d invalid), reading %d bytes in all",
            len(files),
            len(valid),
            len(invalid),
            read,
        )
        if invalid and self.on_invalid == "fail":
            listing = "; ".join(f"s3://{self.bucket}/{i['key']}: {i['problems']}" for i in invalid)
            raise FileValidationError(
                f"{len(invalid)} of {len(files)} files do not match the Arize schema: {listing}",
                field="files",
            )
        return {"valid": valid, "invalid": invalid}


def _file_entries(files: Any) -> list[dict[str, Any]]:
    """Normalise keys or sensor dicts (or a JSON string of them) to ``[{"key", "size"?, "etag"?}]``."""
    import json

    from airflow_provider_arize.api.errors import ArizeConfigError

    if isinstance(files, str):
        text = files.strip()
        files = json.loads(text) if text.startswith(("[", "{")) else [text]
    if isinstance(files, Mapping):
        files = [files]
    if not isinstance(files, list | tuple):
        raise ArizeConfigError(
            f"files must be a list of keys or file dicts, got {files!r}"[:300], field="files"
        )
    out: list[dict[str, Any]] = []
    for item in files:
        if isinstance(item, str) and item.strip():
            out.append({"key": item.strip()})
        elif isinstance(item, Mapping) and isinstance(item.get("key"), str) and item["key"].strip():
            out.append({"key": item["key"], "size": item.get("size"), "etag": item.get("etag")})
        else:
            raise ArizeConfigError(f"files has an entry without a key: {item!r}"[:300], field="files")
    return out
