"""Which keys a new-files sensor watches: everything under a literal prefix, recursively, optionally
narrowed by globs and suffixes.

The rules: ``docs/file-jobs.md``, "Which keys are watched"."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models.storage_names import bucket_name

_GLOB_CHARS = "*?["


def _string_list(field: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) and v for v in value):
        raise ArizeConfigError(f"{field} must be a list of non-empty strings, got {value!r}", field=field)
    return tuple(value)


def literal_head(pattern: str) -> str:
    """The part of a glob before its first wildcard."""
    cut = min((i for i in (pattern.find(c) for c in _GLOB_CHARS) if i >= 0), default=len(pattern))
    return pattern[:cut]


@dataclass(frozen=True)
class KeyFilter:
    """The keys of ``bucket`` a sensor watches (rules: ``docs/file-jobs.md``, "Which keys are watched")."""

    bucket: str
    prefix: str = ""
    patterns: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, bucket: object, prefix: object, patterns: object = None, suffixes: object = None
    ) -> KeyFilter:
        """Validated (``ArizeConfigError`` naming the field), e.g. after templates were rendered."""
        name = bucket_name(bucket)
        if prefix is None:
            prefix = ""
        if not isinstance(prefix, str):
            raise ArizeConfigError(f"prefix must be a string, got {prefix!r}", field="prefix")
        if prefix.startswith("s3://"):
            raise ArizeConfigError(
                f"prefix must be the key prefix inside the bucket, not a URL: {prefix!r}", field="prefix"
            )
        return cls(
            bucket=name,
            prefix=prefix,
            patterns=_string_list("patterns", patterns),
            suffixes=tuple(s.lower() for s in _string_list("suffixes", suffixes)),
        )

    @property
    def listing_prefix(self) -> str:
        """The prefix sent to ListObjectsV2: the prefix plus the literal head shared by all patterns."""
        if not self.patterns:
            return self.prefix
        heads = [literal_head(p) for p in self.patterns]
        shared = min(heads, key=len)
        while not all(h.startswith(shared) for h in heads):
            shared = shared[:-1]
        return self.prefix + shared

    def matches(self, key: str) -> bool:
        """Whether ``key`` (a full key) is one of the watched files."""
        if not key.startswith(self.prefix) or key.endswith("/"):
            return False
        if self.suffixes and not key.lower().endswith(self.suffixes):
            return False
        relative = key[len(self.prefix) :]
        return not self.patterns or any(fnmatch.fnmatchcase(relative, p) for p in self.patterns)

    def describe(self) -> str:
        """``s3://bucket/prefix`` plus the filters, for messages."""
        parts = [f"s3://{self.bucket}/{self.prefix}"]
        if self.patterns:
            parts.append(f"patterns {list(self.patterns)}")
        if self.suffixes:
            parts.append(f"suffixes {list(self.suffixes)}")
        return ", ".join(parts)
