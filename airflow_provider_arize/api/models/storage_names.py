"""Bucket names and object keys as a user passes them, checked before any client is made or request sent,
so the error names the argument instead of surfacing as the AWS SDK's ``ParamValidationError`` from
inside a task. Pure: no imports beyond the error type.
"""

from __future__ import annotations

import re

from airflow_provider_arize.api.errors import ArizeConfigError

_BUCKET = re.compile(r"[a-zA-Z0-9.\-_]{1,255}")
#: S3's limit on the length of a key, in UTF-8 bytes.
MAX_KEY_BYTES = 1024


def bucket_name(value: object, *, field: str = "bucket") -> str:
    """``value`` stripped, when it is a bucket name; else ``ArizeConfigError`` naming ``field``.

    A name the AWS SDK would refuse client-side (spaces, ``s3://``, a slash, non-ASCII) is refused. The
    rule is the SDK's own: letters, digits, ``.``, ``-`` and ``_``, 1 to 255 characters (current S3 names
    are stricter, 3 to 63 lowercase characters, but older buckets and GCS and Azure names fit the wider
    rule).
    """
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not _BUCKET.fullmatch(text):
        hint = " (the name only: no s3:// and no slash)" if isinstance(text, str) and "/" in text else ""
        raise ArizeConfigError(
            f"{field} must be a bucket name of letters, digits, '.', '-' and '_'{hint}, got {value!r}"[:300],
            field=field,
        )
    return text


def object_key(value: object, *, field: str = "key") -> str:
    """``value`` when it is a usable object key (not blank, at most 1,024 UTF-8 bytes, S3's limit); else
    ``ArizeConfigError`` naming ``field``. Keys are kept as they are: leading spaces are part of a key."""
    if not isinstance(value, str) or not value.strip():
        raise ArizeConfigError(
            f"{field} holds {value!r}, which is not an object key (a non-empty string)"[:300], field=field
        )
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate cannot name an object
        raise ArizeConfigError(f"{field} is not valid UTF-8: {value!r}"[:300], field=field) from None
    if size > MAX_KEY_BYTES:
        raise ArizeConfigError(
            f"{field} is {size} bytes long; S3 keys are at most {MAX_KEY_BYTES}: {value[:80]!r}...",
            field=field,
        )
    return value
