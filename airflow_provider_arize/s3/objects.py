"""One listed S3 object version, and the RFC 3339 timestamps the sensor reports and stores."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

#: Arize's per-file limit for file imports (its file-import documentation: "the total file limit being 1GB").
ARIZE_MAX_FILE_BYTES: Final = 1_000_000_000
#: Hex characters of a fingerprint: 48 bits; the chance that a new object collides with one of the
#: (at most ``MAX_RECENT``) remembered ones is below 1e-10.
FINGERPRINT_HEX_CHARS: Final = 12


def format_time(value: datetime) -> str:
    """RFC 3339 UTC with ``Z`` (``2026-03-01T10:00:00Z``; fractional seconds only when present)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(value: object) -> datetime:
    """An aware UTC datetime from a datetime or an RFC 3339 string (naive values are read as UTC)."""
    if isinstance(value, str):
        text = value.strip()
        value = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    if not isinstance(value, datetime):
        raise ValueError(f"not a timestamp: {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class S3Object:
    """An object as ListObjectsV2 reports it. ``etag`` is stored without its quotes."""

    key: str
    size: int
    etag: str
    last_modified: datetime

    @classmethod
    def from_listing(cls, entry: Mapping[str, Any]) -> S3Object:
        """From one ``Contents`` entry of a ListObjectsV2 page (boto3 or aiobotocore)."""
        return cls(
            key=str(entry["Key"]),
            size=int(entry.get("Size") or 0),
            etag=str(entry.get("ETag") or "").strip('"'),
            last_modified=parse_time(entry["LastModified"]),
        )

    @property
    def fingerprint(self) -> str:
        """A short hash of this object *version* (key, ETag and LastModified): an overwrite is new."""
        text = f"{len(self.key)}:{self.key}|{self.etag}|{format_time(self.last_modified)}"
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=FINGERPRINT_HEX_CHARS // 2)
        return digest.hexdigest()

    @property
    def order(self) -> tuple[datetime, str]:
        """The order files are reported in: ``(last_modified, key)``."""
        return (self.last_modified, self.key)

    def describe(self, max_file_size: int) -> dict[str, Any]:
        """What the sensor returns for this file (JSON-serialisable)."""
        return {
            "key": self.key,
            "size": self.size,
            "etag": self.etag,
            "last_modified": format_time(self.last_modified),
            "oversized": self.size > max_file_size,
        }

    @classmethod
    def from_description(cls, value: Mapping[str, Any]) -> S3Object:
        """Inverse of :meth:`describe` (``oversized`` is recomputed by whoever describes it again)."""
        return cls(
            key=str(value["key"]),
            size=int(value["size"]),
            etag=str(value["etag"]),
            last_modified=parse_time(value["last_modified"]),
        )
