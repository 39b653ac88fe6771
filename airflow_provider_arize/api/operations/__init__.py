"""Every GraphQL operation the provider sends, one named document per ``<OperationName>.graphql`` file.

Shared job selections live in ``fragments/``, the batched poll reads in ``batched/``; operations in
:data:`SEED_FORM` are sent with their input inline. Why, and how each is pruned before sending:
``docs/api-variants.md``, "Where the names live".
"""

from __future__ import annotations

import enum
import functools
from importlib import resources

__all__ = ["NON_IDEMPOTENT", "SEED_FORM", "Operation", "fragment_names", "load", "load_fragment", "names"]

_SUFFIX = ".graphql"
_FRAGMENT_DIR = "fragments"
_BATCHED_DIR = "batched"


class Operation(enum.StrEnum):
    """Names of the shipped operations (each value is the file name and the GraphQL operation name)."""

    TEST_CONNECTION = "TestConnection"
    LIST_SPACES = "ListSpaces"
    GET_SPACE = "GetSpace"
    # Table import jobs
    DRY_RUN_TABLE_IMPORT_JOB = "DryRunTableImportJob"
    CREATE_TABLE_IMPORT_JOB = "CreateTableImportJob"
    CREATE_TRIGGERED_ONGOING_TABLE_IMPORT_JOB = "CreateTriggeredOngoingTableImportJob"
    CREATE_TRIGGERED_ONGOING_TABLE_RUN = "CreateTriggeredOngoingTableRun"
    PAUSE_TABLE_IMPORT_JOB = "PauseTableImportJob"
    START_TABLE_IMPORT_JOB = "StartTableImportJob"
    DELETE_TABLE_IMPORT_JOB = "DeleteTableImportJob"
    UPDATE_TABLE_INGESTION_PARAMETERS = "UpdateTableIngestionParameters"
    UPDATE_TABLE_IMPORT_JOB = "UpdateTableImportJob"
    GET_TABLE_IMPORT_JOB = "GetTableImportJob"
    LIST_TABLE_IMPORT_JOBS = "ListTableImportJobs"
    LIST_TABLE_IMPORT_JOB_QUERIES = "ListTableImportJobQueries"
    # File import jobs
    DRY_RUN_FILE_IMPORT_JOB = "DryRunFileImportJob"
    CREATE_FILE_IMPORT_JOB = "CreateFileImportJob"
    UPDATE_FILE_IMPORT_JOB = "UpdateFileImportJob"
    START_FILE_IMPORT_JOB = "StartFileImportJob"
    PAUSE_FILE_IMPORT_JOB = "PauseFileImportJob"
    DELETE_FILE_IMPORT_JOB = "DeleteFileImportJob"
    GET_FILE_IMPORT_JOB = "GetFileImportJob"
    LIST_FILE_IMPORT_JOBS = "ListFileImportJobs"

    @property
    def document(self) -> str:
        """The self-contained document text (fragments appended)."""
        return load(self.value)

    @property
    def idempotent(self) -> bool:
        """Whether re-sending after an ambiguous failure is harmless (see :data:`NON_IDEMPOTENT`)."""
        return self not in NON_IDEMPOTENT


#: Operations that must not be blindly re-sent after a failure that may have reached the server: a
#: second real create can make a duplicate job, a second trigger a duplicate run. Dry runs, reads and
#: state changes (pause/start/delete/update converge on the same state) are idempotent.
NON_IDEMPOTENT: frozenset[Operation] = frozenset(
    {
        Operation.CREATE_TABLE_IMPORT_JOB,
        Operation.CREATE_TRIGGERED_ONGOING_TABLE_IMPORT_JOB,
        Operation.CREATE_TRIGGERED_ONGOING_TABLE_RUN,
        Operation.CREATE_FILE_IMPORT_JOB,
    }
)


def _read_dir(*parts: str) -> dict[str, str]:
    folder = resources.files(__name__)
    for part in parts:
        folder = folder.joinpath(part)
    return {
        entry.name[: -len(_SUFFIX)]: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(_SUFFIX)
    }


#: Operations sent in the form Arize's page writes them (input written inline): their input type names
#: are guesses.
SEED_FORM: frozenset[str] = frozenset(
    {
        Operation.CREATE_TRIGGERED_ONGOING_TABLE_IMPORT_JOB,
        Operation.CREATE_TRIGGERED_ONGOING_TABLE_RUN,
        Operation.PAUSE_TABLE_IMPORT_JOB,
        Operation.START_TABLE_IMPORT_JOB,
        Operation.DELETE_TABLE_IMPORT_JOB,
        Operation.UPDATE_TABLE_INGESTION_PARAMETERS,
        Operation.UPDATE_FILE_IMPORT_JOB,
        Operation.PAUSE_FILE_IMPORT_JOB,
        Operation.START_FILE_IMPORT_JOB,
        Operation.DELETE_FILE_IMPORT_JOB,
    }
)


@functools.cache
def _operations() -> dict[str, str]:
    return _read_dir()


@functools.cache
def _documents() -> dict[str, str]:
    """Operations and batched read templates."""
    return {**_read_dir(), **_read_dir(_BATCHED_DIR)}


@functools.cache
def _fragments() -> dict[str, str]:
    return _read_dir(_FRAGMENT_DIR)


def names() -> list[str]:
    """Sorted names of all shipped operations."""
    return sorted(_operations())


def fragment_names() -> list[str]:
    """Sorted names of all shipped fragments."""
    return sorted(_fragments())


def _spreads(text: str) -> list[str]:
    from graphql import FragmentSpreadNode, Visitor, parse, visit

    found: list[str] = []

    class _Collect(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
            found.append(node.name.value)

    visit(parse(text, no_location=True), _Collect())
    return found


def load_fragment(name: str) -> str:
    """The raw text of one fragment file (without its dependencies)."""
    try:
        return _fragments()[name]
    except KeyError:
        raise KeyError(f"unknown GraphQL fragment {name!r}; known: {', '.join(fragment_names())}") from None


@functools.cache
def load(name: str) -> str:
    """Return the document of operation ``name`` with the fragments it needs appended (cached).

    Raises ``KeyError`` listing the known names when ``name`` is unknown.
    """
    operations = _documents()
    if name not in operations:
        raise KeyError(f"unknown GraphQL operation {name!r}; known: {', '.join(names())}")
    text = operations[str(name)]
    needed: list[str] = []
    pending = _spreads(text)
    while pending:
        fragment = pending.pop(0)
        if fragment in needed:
            continue
        needed.append(fragment)
        pending.extend(_spreads(load_fragment(fragment)))
    return "\n".join([text.rstrip(), *(load_fragment(f).rstrip() for f in needed)]) + "\n"
