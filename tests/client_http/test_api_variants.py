"""Behaviour on API variants that the example DAGs do not reach, over HTTP against emulator profiles:
``job_id_form="auto"`` on an Arize whose mutations find jobs only by the short ``jobId`` (``short-ids``),
and a poll batch the host finds too complex (``low-complexity``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from airflow_provider_arize.api.errors import ArizeAPIError
from airflow_provider_arize.api.models import (
    QueryWindow,
)
from airflow_provider_arize.api.shape.host import forget_shapes

from .helpers import client, triggered_spec

WINDOW = QueryWindow(datetime(2026, 3, 1, 9, tzinfo=UTC), datetime(2026, 3, 1, 10, tzinfo=UTC))


def test_auto_learns_the_short_form_on_the_first_trigger_and_triggers_once(
    arize_emulator_factory: Any,
) -> None:
    forget_shapes()
    emulator = arize_emulator_factory("short-ids", run_workers=False)
    job = client(emulator).create_triggered_table_job(triggered_spec(emulator.space_id)).job
    forget_shapes()  # a fresh process: the first mutation it sends is the trigger
    result = client(emulator).trigger_table_run(job.id, WINDOW)
    assert result.triggered
    (stored,) = emulator.admin.jobs()
    assert len(stored["queries"]) == 1
    assert client(emulator).set_status("table", job.id, "pause").changed  # remembered: no second miss
    by_operation = emulator.admin.stats()["requests"]["by_operation"]
    assert by_operation["CreateTriggeredOngoingTableRun"] == 2 and by_operation["PauseTableImportJob"] == 1


def test_a_fixed_form_is_not_second_guessed(arize_emulator_factory: Any) -> None:
    forget_shapes()
    emulator = arize_emulator_factory("short-ids", run_workers=False)
    job = client(emulator).create_triggered_table_job(triggered_spec(emulator.space_id)).job
    with pytest.raises(ArizeAPIError, match="found"):
        client(emulator, "global").set_status("table", job.id, "pause")
    assert client(emulator, "short").set_status("table", job.id, "pause").changed


def test_a_batch_the_host_finds_too_complex_is_split_not_failed(arize_emulator_factory: Any) -> None:
    """(On the ``low-complexity`` profile: 300 instead of Arize's 1000.)"""
    import asyncio

    from airflow_provider_arize.api.async_client import AsyncArizeClient
    from airflow_provider_arize.api.batch_document import TABLE_JOB, alias, read
    from airflow_provider_arize.api.transport import AsyncGraphQLTransport, TransportConfig

    forget_shapes()
    emulator = arize_emulator_factory("low-complexity", run_workers=False)
    job = client(emulator).create_triggered_table_job(triggered_spec(emulator.space_id)).job
    reads = [read(TABLE_JOB, id=job.id)] + [read(TABLE_JOB, id=f"VGFibGVJbXBvcnRKb2I6{i}") for i in range(59)]
    assert sum(r.cost for r in reads) > 300

    async def run() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        transport = AsyncGraphQLTransport(TransportConfig(endpoint=emulator.url, api_key=emulator.api_key))
        async with AsyncArizeClient(transport, space_id=emulator.space_id) as async_client:
            return await async_client.execute_batch(reads)

    data, _errors = asyncio.run(run())
    assert sorted(data) == sorted(alias(i) for i in range(60))
    assert data[alias(0)]["jobId"] == job.job_id
    by_operation = emulator.admin.stats()["requests"]["by_operation"]
    assert by_operation["PollImportJobs"] == 3  # refused whole, then two halves
