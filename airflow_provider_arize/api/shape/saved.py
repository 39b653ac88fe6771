"""A host's learnt shape kept on disk for an hour, so each task process does not discover it again.

One JSON file per GraphQL URL in the provider's cache folder (:mod:`..local_cache`). A saved shape is
only a starting point: a name it lists that the host has since dropped is rejected and dropped as
usual; a name the host has since added is used once the file is an hour old.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from typing import Any

from airflow_provider_arize.api.local_cache import cache_dir, cache_file

__all__ = ["MAX_AGE", "forget_saved", "load", "save"]

log = logging.getLogger(__name__)

#: Seconds a saved shape is trusted.
MAX_AGE = 3600.0
_KIND = "shapes"


def load(url: str) -> dict[str, Any] | None:
    """The shape saved for ``url`` within :data:`MAX_AGE`, or ``None``."""
    try:
        path = cache_file(_KIND, url)
        if time.time() - path.stat().st_mtime > MAX_AGE:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("url") == url else None


def save(url: str, state: dict[str, Any]) -> None:
    """Write ``state`` for ``url`` atomically (best effort: a folder that cannot be written is skipped)."""
    try:
        path = cache_file(_KIND, url)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".shape-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"url": url, **state}, handle)
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("cannot save the shape of %s: %s", url, exc)


def forget_saved() -> None:
    """Delete every saved shape (tests that reuse an address for another API variant)."""
    folder = cache_dir() / _KIND
    for path in folder.glob("*.json") if folder.is_dir() else ():
        path.unlink(missing_ok=True)
