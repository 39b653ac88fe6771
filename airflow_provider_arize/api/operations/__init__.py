"""Every GraphQL operation the provider sends, one named document per ``<OperationName>.graphql`` file.

Shared field selections live in ``fragments/<FragmentName>.graphql``, one fragment per file. :func:`load`
returns an operation's text with every fragment it spreads (transitively) appended once, so each sent
document is self-contained. Documents take all values as variables (``$input``, ``$id``, ``$first``...);
none inlines a literal.

Job selections: mutation payloads and ``Get*`` queries select the full ``TableImportJobFields`` /
``FileImportJobFields`` fragments (every SDL field except ``queries``, with ``schema`` and
``tableIngestionParameters``; fields the SDL marks ``[emulator]`` are left out, since the real API
lacks them). Listings select the ``*SummaryFields`` fragments: the ``*WaitFields`` a trigger's batched
poll reads (ids, status, counters) plus the model and location, without
``modelId`` / ``modelType`` / ``batchId`` / ``schema`` / ingestion parameters and without the edge
``cursor`` (``pageInfo.endCursor`` drives paging), so that a 50-node page stays under Arize's per-call
complexity limit ``constants.MAX_QUERY_COMPLEXITY`` (a connection costs ``first`` x its whole
sub-selection: ``ListTableImportJobs`` costs 953 at ``first: 50``). Fetch ``Get*`` for the rest.
Every job selection includes both ``id`` and ``jobId``.

The loader reads package data through :mod:`importlib.resources` (works from a wheel or a zip) and
caches. Use :class:`Operation` rather than bare strings::

    transport.execute(Operation.LIST_SPACES.document, {"first": 50}, operation_name=Operation.LIST_SPACES,
                      idempotent=Operation.LIST_SPACES.idempotent)
"""

from __future__ import annotations

import enum
import functools
import re
from importlib import resources

__all__ = ["NON_IDEMPOTENT", "Operation", "fragment_names", "load", "load_fragment", "names"]

_SUFFIX = ".graphql"
_FRAGMENT_DIR = "fragments"
_COMMENT_RE = re.compile(r"#[^\n\r]*")
_SPREAD_RE = re.compile(r"\.\.\.\s*(?!on\b)([_A-Za-z][_0-9A-Za-z]*)")


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


@functools.cache
def _operations() -> dict[str, str]:
    return _read_dir()


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
    return _SPREAD_RE.findall(_COMMENT_RE.sub("", text))


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
    operations = _operations()
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
