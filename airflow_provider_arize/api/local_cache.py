"""The provider's small per-machine files: learnt API shapes and the workers' shared pacing state.

They live in ``$ARIZE_PROVIDER_CACHE_DIR``, else ``$XDG_CACHE_HOME/airflow-provider-arize``, else
``~/.cache/airflow-provider-arize`` (created private, ``0700``). Nothing secret is written there: files are
named by a SHA-256 of the endpoint (and of the API key, for pacing). See docs/connection.md, "Files on
each machine".
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["CACHE_DIR_ENV", "cache_dir", "cache_file"]

#: Environment variable naming the folder (used as is).
CACHE_DIR_ENV = "ARIZE_PROVIDER_CACHE_DIR"


def cache_dir() -> Path:
    """The folder, as configured now (not created)."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "airflow-provider-arize"


def cache_file(kind: str, *parts: str) -> Path:
    """``<cache dir>/<kind>/<sha256 of parts>.json``; the folders are created private. Raises ``OSError``
    where they cannot be."""
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]
    folder = cache_dir() / kind
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / f"{digest}.json"
