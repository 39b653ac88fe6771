"""Asynchronous twin of the read side of :class:`ArizeClient`, for triggers on the triggerer's event loop.

It only reads (jobs, job listings, table-run queries): every write happens on a worker through the sync
client. Requests go through :class:`AsyncGraphQLTransport`, with the same retry policy as the sync side.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from airflow_provider_arize.api import operations, requests
from airflow_provider_arize.api.errors import ArizeConfigError, ArizeNotFoundError
from airflow_provider_arize.api.models import ImportJob, QueryWindow, TableRunQuery
from airflow_provider_arize.api.models.records import JobType
from airflow_provider_arize.api.pagination import aiter_nodes
from airflow_provider_arize.api.transport import AsyncGraphQLTransport


class AsyncArizeClient:
    """Read-only async Arize client bound to one space (see :class:`ArizeClient` for the contract)."""

    def __init__(self, transport: AsyncGraphQLTransport, *, space_id: str):
        if not isinstance(space_id, str) or not space_id.strip():
            raise ArizeConfigError("space_id must not be empty", field="spaceId")
        self.transport = transport
        self.space_id = space_id.strip()

    async def _run(self, name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.transport.execute(operations.load(name), variables, operation_name=name)

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def __aenter__(self) -> AsyncArizeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def test_connection(self) -> str:
        """Send ``{ __typename }``; return the root type name."""
        return str(requests.field_of(await self._run("TestConnection"), "__typename"))

    async def iter_jobs(self, job_type: JobType, *, search: str | None = None) -> AsyncIterator[ImportJob]:
        """Every table or file job of the space, page by page."""

        async def page(first: int, after: str | None) -> Any:
            name, variables = requests.list_jobs_request(job_type, self.space_id, first, after, search)
            return requests.parse_connection(
                await self._run(name, variables), "node", requests.LIST_FIELD[job_type]
            )

        async for node in aiter_nodes(page):
            yield ImportJob.from_output(job_type, node)

    async def get_job(self, job_type: JobType, ref: str) -> ImportJob:
        """A job by global id or short ``jobId``; raises ``ArizeNotFoundError``."""
        ref = ref.strip()
        if requests.is_short_job_id(ref):
            async for job in self.iter_jobs(job_type):
                if job.job_id == ref:
                    return await self.get_job(job_type, job.id)  # listings are slim
            raise ArizeNotFoundError(f"no {job_type} import job with jobId {ref} in space {self.space_id}")
        name, variables = requests.get_job_request(job_type, ref)
        return requests.parse_get_job(job_type, ref, await self._run(name, variables))

    async def list_table_queries(self, global_id: str) -> list[TableRunQuery]:
        """Every query of a table job (by global id), oldest first."""

        async def page(first: int, after: str | None) -> Any:
            name, variables = requests.list_queries_request(global_id, first, after)
            return requests.parse_connection(await self._run(name, variables), "node", "queries")

        return requests.sort_queries([TableRunQuery.from_output(n) async for n in aiter_nodes(page)])

    async def find_table_run(self, global_id: str, window: QueryWindow) -> TableRunQuery | None:
        """The query Arize reports for exactly ``window``, if any."""
        return requests.window_query(await self.list_table_queries(global_id), window)
