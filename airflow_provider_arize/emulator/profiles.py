"""Profiles: the plausible variants of Arize's API the emulator can serve, one at a time.

Every profile is derived from the one SDL (``api/shape/arize.graphql``) and the registry of guessed names
(``api/shape/registry.py``): it removes some optional names (:func:`derive_sdl`), and may refuse
introspection, serve ``JobStatus`` upper-case or lower the complexity limit. ``file:<PATH>`` serves a
user's own schema dump (``python -m airflow_provider_arize.schema_dump``). Names compose with commas
(``pages,no-introspection``): removals add up, the lowest limit wins.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from graphql import GraphQLEnumType

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.shape.registry import GROUPS, optional_keys

from .sdl import build_checked, prune_sdl, read_dump

__all__ = [
    "FULL",
    "PROFILES",
    "SDL_PATH",
    "Profile",
    "derive_sdl",
    "full_sdl",
    "get_profile",
    "profile_names",
]

#: The SDL of every name the provider might use: the ``full`` profile, and the base of all others.
SDL_PATH = Path(__file__).parent.parent / "api" / "shape" / "arize.graphql"
#: Enums an ``upper_enums`` profile serves upper-case. Input-only enums (``ModelType``,
#: ``ModelEnvironmentName``, ``TableStore``, ``BlobStore``) stay as Arize's pages show them.
UPPER_ENUMS = frozenset({"JobStatus"})
FILE_PREFIX = "file:"


@dataclass(frozen=True)
class Profile:
    """One variant of the API: what it lacks and how it behaves.

    ``removed``: optional names (``"Type.field"``, ``"Type.field(arg)"``) it does not serve;
    ``introspection``: ``__schema`` / ``__type`` are answered; ``upper_enums``: ``JobStatus`` values and
    ``validationStatus`` strings are upper-case; ``max_complexity``: the per-request cost limit
    (``None``: Arize's 1000); ``sdl_path``: serve this schema dump instead of ``arize.graphql``;
    ``job_id_form``: the only ``jobId`` form mutation inputs accept (``"global"`` or ``"short"``; ``None``:
    both), the other answered "not found".
    """

    name: str
    removed: frozenset[str] = field(default=frozenset(), repr=False)
    introspection: bool = True
    upper_enums: bool = False
    max_complexity: int | None = None
    sdl_path: Path | None = None
    job_id_form: str | None = None
    about: str = field(default="", compare=False)

    @property
    def complexity_limit(self) -> int:
        """The largest cost a request may have."""
        return constants.MAX_QUERY_COMPLEXITY if self.max_complexity is None else self.max_complexity

    def sdl(self) -> str:
        """The SDL this profile serves (derived once per process)."""
        return _profile_sdl(self.removed, self.upper_enums, self.sdl_path, _mtime(self.sdl_path))


def _mtime(path: Path | None) -> int:
    return os.stat(path).st_mtime_ns if path is not None and path.exists() else 0


@functools.cache
def full_sdl() -> str:
    """The text of ``arize.graphql``."""
    return SDL_PATH.read_text(encoding="utf-8")


def derive_sdl(removed: frozenset[str], *, upper_enums: bool = False, base: str | None = None) -> str:
    """The SDL of ``base`` (default: the full ``arize.graphql``) without the ``removed`` names, without
    object types left with no fields, and without fields and arguments whose type no longer exists (until
    stable); ``JobStatus`` upper-cased with ``upper_enums``. Printed, checked valid (:mod:`.sdl`)."""
    return prune_sdl(
        full_sdl() if base is None else base, removed, UPPER_ENUMS if upper_enums else frozenset()
    )


@functools.lru_cache(maxsize=32)
def _profile_sdl(removed: frozenset[str], upper: bool, path: Path | None, _mtime_ns: int) -> str:
    base = read_dump(path) if path is not None else full_sdl()
    if not removed and not upper:
        return base  # served as written
    return derive_sdl(removed, upper_enums=upper, base=base)


def _all_groups_but(*kept: str) -> frozenset[str]:
    return optional_keys(*(g.name for g in GROUPS if g.name not in kept))


FULL = Profile("full", about="every name in arize.graphql (the default)")
PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        FULL,
        # Only what Arize's own pages show. File jobs are unusable without their core fields (and the
        # spaces listing is documented), so ``file-job-core`` and ``viewer`` stay.
        Profile("pages", _all_groups_but("file-job-core", "viewer"), about="only names Arize's pages show"),
        Profile(
            "ingestion-minutes",
            optional_keys("ingestion-seconds"),
            about="ingestion parameters in minutes/hours",
        ),
        Profile(
            "ingestion-seconds",
            optional_keys("ingestion-minutes-hours"),
            about="ingestion parameters in seconds",
        ),
        Profile("no-ingestion", optional_keys("ingestion-parameters"), about="no tableIngestionParameters"),
        Profile(
            "no-metadata",
            optional_keys(
                "table-job-metadata",
                "file-job-metadata",
                "table-job-schema",
                "schema-extra-columns",
                "pending-count",
            ),
            about="jobs without metadata, schema or pending count",
        ),
        Profile("no-search", optional_keys("listing-search"), about="listings without search"),
        Profile("no-paging", optional_keys("paging"), about="listings without after / pageInfo"),
        Profile(
            "no-mutation-id", optional_keys("client-mutation-id"), about="payloads without clientMutationId"
        ),
        Profile(
            "no-file-payloads",
            optional_keys("file-job-payloads"),
            about="file payloads without fileImportJob",
        ),
        Profile("no-introspection", introspection=False, about="__schema and __type refused"),
        Profile("upper-enums", upper_enums=True, about="JobStatus and validationStatus upper-case"),
        Profile("low-complexity", max_complexity=300, about="complexity limit 300 instead of 1000"),
        Profile("short-ids", job_id_form="short", about="mutations find jobs by the short jobId only"),
    )
}


def profile_names() -> list[str]:
    """Every profile name a CLI accepts, ``file:<PATH>`` last."""
    return [*PROFILES, f"{FILE_PREFIX}<PATH>"]


def _file_profile(spec: str) -> Profile:
    text = spec[len(FILE_PREFIX) :].strip()
    if not text:
        raise ValueError(f"profile '{spec}' names no file: use {FILE_PREFIX}<PATH of a schema dump>")
    path = Path(text).expanduser().resolve()
    schema = build_checked(_profile_sdl(frozenset(), False, path, _mtime(path)))
    status = schema.type_map.get("JobStatus")
    upper = isinstance(status, GraphQLEnumType) and all(v.isupper() for v in status.values)
    return Profile(f"{FILE_PREFIX}{path}", sdl_path=path, upper_enums=upper, about="a schema dump")


def _one(spec: str) -> Profile:
    if spec.startswith(FILE_PREFIX):
        return _file_profile(spec)
    profile = PROFILES.get(spec)
    if profile is None:
        raise ValueError(f"unknown emulator profile '{spec}'; known profiles: {', '.join(profile_names())}")
    return profile


def get_profile(spec: str | Profile | None = None) -> Profile:
    """The profile named by ``spec`` (``"pages"``, ``"pages,no-introspection"``, ``"file:dump.json"``;
    ``None`` or ``""``: ``full``). ``ValueError`` names an unknown profile and lists the known ones."""
    if isinstance(spec, Profile):
        return spec
    parts = [p.strip() for p in (spec or "").split(",") if p.strip()]
    if not parts:
        return FULL
    profiles = [_one(p) for p in parts]
    if len(profiles) == 1:
        return profiles[0]
    paths = {p.sdl_path for p in profiles if p.sdl_path is not None}
    if len(paths) > 1:
        raise ValueError("a profile can serve only one schema dump (one file:<PATH>)")
    limits = [p.max_complexity for p in profiles if p.max_complexity is not None]
    return Profile(
        ",".join(p.name for p in profiles),
        removed=frozenset().union(*(p.removed for p in profiles)),
        introspection=all(p.introspection for p in profiles),
        upper_enums=any(p.upper_enums for p in profiles),
        max_complexity=min(limits) if limits else None,
        sdl_path=next(iter(paths), None),
        job_id_form=next((p.job_id_form for p in profiles if p.job_id_form), None),
        about=" + ".join(p.about for p in profiles),
    )
