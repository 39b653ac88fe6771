"""Asynchronous twin of the read side of :class:`ArizeClient`, for triggers on the triggerer's event loop.

It only reads; every write happens on a worker through the sync client. With a ``pacer`` every request
of :meth:`_run` first takes a token; :meth:`execute_batch` does not (the poll batcher takes it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from airflow_provider_arize.api import payloads
from airflow_provider_arize.api.batch_document import BATCH_OPERATION, BatchRead, build_document
from airflow_provider_arize.api.errors import (
    ArizeAPIError,
    ArizeConfigError,
    ArizeNotFoundError,
    is_complexity_error,
)
from airflow_provider_arize.api.models import ImportJob, QueryWindow, TableRunQuery
from airflow_provider_arize.api.models.records import JobType
from airflow_provider_arize.api.pacing import TokenBucket
from airflow_provider_arize.api.pagination import aiter_nodes
from airflow_provider_arize.api.sender import MAX_ROUNDS, AsyncSender
from airflow_provider_arize.api.transport import AsyncGraphQLTransport


class AsyncArizeClient:
    """Read-only async Arize client bound to one space (see :class:`ArizeClient` for the contract)."""

    def __init__(
        self, transport: AsyncGraphQLTransport, *, space_id: str, pacer: TokenBucket | None = None
    ) -> None:
        if not isinstance(space_id, str) or not space_id.strip():
            raise ArizeConfigError("space_id must not be empty", field="spaceId")
        self.transport = transport
        self.sender = AsyncSender(transport)
        self.space_id = space_id.strip()
        self.pacer = pacer

    async def _run(self, name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        if self.pacer is not None:
            await self.pacer.acquire()
        result: dict[str, Any] = await self.sender.run(name, variables)
        return result

    async def execute_batch(
        self, reads: list[BatchRead], *, start: int = 0
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Send ``reads`` as one batched request (read ``i`` under alias ``r<start + i>``); return its
        ``data`` and the GraphQL errors that came with it.

        Unlike :meth:`_run`, an answer with partial ``data`` and ``errors`` is returned rather than raised
        (each error's ``path`` names the alias it concerns; messages are scrubbed of the key). Names the
        host rejects are dropped and the batch sent again; a batch the host finds too complex is split
        in two. Anything else the transport raises (after its retries) propagates. Takes no token for
        the first request (the caller paces); a split's second half takes one.
        """
        await self.sender.discover()
        for _ in range(MAX_ROUNDS):
            built = build_document(reads, self.sender.shape.has, start=start)
            try:
                data = await self.transport.execute(
                    built.text, built.variables, operation_name=BATCH_OPERATION
                )
            except ArizeAPIError as exc:
                if exc.data is None and is_complexity_error(exc.errors) and len(reads) > 1:
                    return await self._split(reads, start)
                if exc.data is None and self.sender.core.adapt(exc, built):
                    continue
                if type(exc) is not ArizeAPIError or exc.data is None or not exc.errors:
                    raise
                key = self.transport.config.api_key
                return exc.data, [_scrub(error, key) for error in exc.errors]
            return data, []
        raise self.sender.core.exhausted(BATCH_OPERATION)

    async def _split(self, reads: list[BatchRead], start: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        half = len(reads) // 2
        data, errors = await self.execute_batch(reads[:half], start=start)
        if self.pacer is not None:
            await self.pacer.acquire()
        more, more_errors = await self.execute_batch(reads[half:], start=start + half)
        return {**data, **more}, errors + more_errors

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def __aenter__(self) -> AsyncArizeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def test_connection(self) -> str:
        """Send ``{ __typename }``; return the root type name."""
        return str(payloads.field_of(await self._run("TestConnection"), "__typename"))

    async def iter_jobs(self, job_type: JobType, *, search: str | None = None) -> AsyncIterator[ImportJob]:
        """Every table or file job of the space, page by page."""

        async def page(first: int, after: str | None) -> Any:
            name, variables = payloads.list_jobs_request(job_type, self.space_id, first, after, search)
            return payloads.parse_connection(
                await self._run(name, variables), "node", payloads.LIST_FIELD[job_type]
            )

        async for node in aiter_nodes(page):
            yield ImportJob.from_output(job_type, node)

    async def get_job(self, job_type: JobType, ref: str) -> ImportJob:
        """A job by global id or short ``jobId``; raises ``ArizeNotFoundError``."""
        ref = ref.strip()
        if payloads.is_short_job_id(ref):
            async for job in self.iter_jobs(job_type):
                if job.job_id == ref:
                    return await self.get_job(job_type, job.id)  # listings are slim
            raise ArizeNotFoundError(f"no {job_type} import job with jobId {ref} in space {self.space_id}")
        name, variables = payloads.get_job_request(job_type, ref)
        return payloads.parse_get_job(job_type, ref, await self._run(name, variables))

    async def list_table_queries(self, global_id: str) -> list[TableRunQuery]:
        """Every query of a table job (by global id), oldest first."""

        async def page(first: int, after: str | None) -> Any:
            name, variables = payloads.list_queries_request(global_id, first, after)
            return payloads.parse_connection(await self._run(name, variables), "node", "queries")

        return payloads.sort_queries([TableRunQuery.from_output(n) async for n in aiter_nodes(page)])

    async def find_table_run(self, global_id: str, window: QueryWindow) -> TableRunQuery | None:
        """The query Arize reports for exactly ``window``, if any."""
        return payloads.window_query(await self.list_table_queries(global_id), window)


def _scrub(error: dict[str, Any], secret: str) -> dict[str, Any]:
    message = error.get("message")
    if isinstance(message, str) and secret and secret in message:
        return {**error, "message": message.replace(secret, "***")}
    return error
