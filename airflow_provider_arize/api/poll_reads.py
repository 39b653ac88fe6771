"""What a wait's poll reads, through its connection's shared :class:`~.batching.PollBatcher`.

:class:`Poller` turns the raw answers of batched reads into models, with the same errors the unbatched
reads raise. What each read costs and how it is paged: ``docs/internals.md``, "What a wait's poll reads".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_arize.api import constants, payloads
from airflow_provider_arize.api.async_client import AsyncArizeClient
from airflow_provider_arize.api.batch_document import FILE_JOB, TABLE_JOB, TABLE_QUERIES_PAGE, read
from airflow_provider_arize.api.batching import DEFAULT_LINGER, PollBatcher
from airflow_provider_arize.api.errors import ArizeResponseError
from airflow_provider_arize.api.models import ImportJob, TableRunQuery
from airflow_provider_arize.api.models.records import JobType

__all__ = ["Poller"]

_JOB_TEMPLATE = {"table": TABLE_JOB, "file": FILE_JOB}
#: Pages one listing may take before it is declared runaway (50 x 200 = 10 000 queries).
MAX_QUERY_PAGES = 200


class Poller:
    """Batched reads of one connection (``docs/internals.md``, "What a wait's poll reads")."""

    def __init__(self, client: AsyncArizeClient, batcher: PollBatcher) -> None:
        self.client = client
        self.batcher = batcher

    async def global_id(self, job_type: JobType, ref: str) -> str:
        """The global id of ``ref`` (a global id, or a short ``jobId`` resolved through one listing)."""
        ref = ref.strip()
        if not payloads.is_short_job_id(ref):
            return ref
        return (await self.client.get_job(job_type, ref)).id

    async def job(self, job_type: JobType, global_id: str, *, linger: float = DEFAULT_LINGER) -> ImportJob:
        """A job's status and counters (fields of the ``*WaitFields`` fragments)."""
        node = await self.batcher.read(read(_JOB_TEMPLATE[job_type], id=global_id), linger=linger)
        return payloads.parse_get_job(job_type, global_id, {"node": node})

    async def queries(
        self, global_id: str, *, expected: int, linger: float = DEFAULT_LINGER
    ) -> list[TableRunQuery]:
        """Every query of a table job, oldest first by ``createdAt``.

        ``expected`` (the job's counters summed) sizes the first page, so that a job with a few queries
        costs a few units; later pages, if Arize announces more, are full pages and do not linger (they
        follow a cursor, so no other wait's read is likely to be the same).
        """
        first = max(1, min(constants.MAX_PAGE_SIZE, expected))
        after: str | None = None
        found: list[TableRunQuery] = []
        for _ in range(MAX_QUERY_PAGES):
            node = await self.batcher.read(
                read(TABLE_QUERIES_PAGE, id=global_id, first=first, after=after),
                linger=linger if after is None else 0.0,
            )
            connection = _connection(global_id, node)
            found += payloads.parse_query_nodes(connection)
            page_info = connection.get("pageInfo")
            if not isinstance(page_info, Mapping) or not page_info.get("hasNextPage"):
                return payloads.sort_queries(found)
            cursor = page_info.get("endCursor")
            if not isinstance(cursor, str) or not cursor or cursor == after:
                raise ArizeResponseError(
                    f"malformed queries page of table import job {global_id}: no new endCursor",
                    operation_name=TABLE_QUERIES_PAGE,
                )
            after, first = cursor, constants.MAX_PAGE_SIZE
        raise ArizeResponseError(
            f"table import job {global_id} lists more than {MAX_QUERY_PAGES} pages of queries",
            operation_name=TABLE_QUERIES_PAGE,
        )

    async def aclose(self) -> None:
        """Close the batcher (failing reads still waiting), then the client."""
        try:
            await self.batcher.aclose()
        finally:
            await self.client.aclose()


def _connection(global_id: str, node: Any) -> Mapping[str, Any]:
    job = payloads.parse_get_job("table", global_id, {"node": node})
    connection = job.raw.get("queries")
    if not isinstance(connection, Mapping):
        raise ArizeResponseError(
            f"malformed response: queries of table import job {global_id} is not a connection",
            operation_name=TABLE_QUERIES_PAGE,
        )
    return connection
