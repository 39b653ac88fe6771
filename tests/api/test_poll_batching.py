"""Batched poll documents and pacing, checked against the emulator's own code (no server needed).

* A batch costs the sum of its reads' prices (the client and the emulator share one cost function,
  ``api/cost.py``), so a batch the client prices under the limit is one the emulator accepts.
* Read templates and batched documents are valid against the emulator's SDL, take every value as a
  variable and select ``id`` and ``jobId`` for every job.
* The token bucket, driven on simulated time, never lets the emulator's sliding-window rate limiter
  (default 100 queries a minute) refuse a request.
"""

from __future__ import annotations

import asyncio
import math
import random
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLSchema,
    OperationDefinitionNode,
    VariableNode,
    Visitor,
    build_schema,
    get_operation_ast,
    parse,
    validate,
    visit,
)

import airflow_provider_arize
from airflow_provider_arize.api import constants, operations
from airflow_provider_arize.api.batch_document import (
    BATCH_OPERATION,
    FILE_JOB,
    TABLE_JOB,
    TABLE_QUERIES_PAGE,
    build_document,
    read,
)
from airflow_provider_arize.api.batching import DEFAULT_MAX_BATCH_COST
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.pacing import TokenBucket
from airflow_provider_arize.emulator.clock import TestClock
from airflow_provider_arize.emulator.cost import operation_cost
from airflow_provider_arize.emulator.ratelimit import RateLimiter

SCHEMA_PATH = Path(airflow_provider_arize.__file__).parent / "api" / "shape" / "arize.graphql"
ID = "VGFibGVJbXBvcnRKb2I6MQ=="  # TableImportJob:1


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


def emulator_cost(document: str, variables: dict[str, Any]) -> int:
    doc = parse(document)
    operation = get_operation_ast(doc, None)
    assert isinstance(operation, OperationDefinitionNode)
    return operation_cost(doc, operation, variables)


def literal_arguments(document: str) -> list[str]:
    found: list[str] = []

    class Finder(Visitor):
        def enter_argument(self, node: Any, *_: Any) -> None:
            if not isinstance(node.value, VariableNode):
                found.append(node.name.value)

    visit(parse(document), Finder())
    return found


@pytest.mark.parametrize("name", [TABLE_JOB, FILE_JOB, TABLE_QUERIES_PAGE])
def test_read_templates_are_valid_one_field_queries(name: str, schema: GraphQLSchema) -> None:
    text = operations.load(name)
    assert validate(schema, parse(text)) == []
    assert literal_arguments(text) == []


def test_read_costs_are_what_the_module_docstrings_say() -> None:
    assert read(TABLE_JOB, id=ID).cost == 7
    assert read(FILE_JOB, id=ID).cost == 10
    assert read(TABLE_QUERIES_PAGE, id=ID, first=1, after=None).cost == 14
    assert read(TABLE_QUERIES_PAGE, id=ID, first=constants.MAX_PAGE_SIZE, after="x").cost == 504
    assert read(TABLE_QUERIES_PAGE, id=ID, first=constants.MAX_PAGE_SIZE, after="x").cost <= (
        DEFAULT_MAX_BATCH_COST
    )
    with pytest.raises(ArizeConfigError, match="takes the variables"):
        read(TABLE_QUERIES_PAGE, id=ID)


def _random_reads(rng: random.Random, budget: int) -> list[Any]:
    reads: list[Any] = []
    cost = 0
    while True:
        kind = rng.choice([TABLE_JOB, FILE_JOB, TABLE_QUERIES_PAGE])
        job_id = f"{ID}{rng.randrange(1000)}"
        if kind == TABLE_QUERIES_PAGE:
            candidate = read(
                kind, id=job_id, first=rng.randint(1, 50), after=rng.choice([None, "YXJyYXk6MQ=="])
            )
        else:
            candidate = read(kind, id=job_id)
        if cost + candidate.cost > budget:
            return reads
        reads.append(candidate)
        cost += candidate.cost


@pytest.mark.parametrize("seed", range(8))
def test_batched_documents_are_valid_and_cost_what_the_emulator_computes(
    seed: int, schema: GraphQLSchema
) -> None:
    reads = _random_reads(random.Random(seed), DEFAULT_MAX_BATCH_COST)
    built = build_document(reads)
    document, variables = built.text, built.variables
    doc = parse(document)
    assert validate(schema, doc) == []
    (operation,) = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    assert operation.name is not None and operation.name.value == BATCH_OPERATION
    assert literal_arguments(document) == []
    cost = emulator_cost(document, variables)
    assert cost == sum(r.cost for r in reads)
    assert cost <= DEFAULT_MAX_BATCH_COST < constants.MAX_QUERY_COMPLEXITY
    assert len(variables) == sum(1 for r in reads for _, value in r.variables if value is not None)


def test_a_full_batch_of_the_cheapest_reads_is_large() -> None:
    """The per-request capacity the coalescing tests rely on."""
    assert DEFAULT_MAX_BATCH_COST // read(TABLE_JOB, id=ID).cost == 128
    assert DEFAULT_MAX_BATCH_COST // read(FILE_JOB, id=ID).cost == 90
    reads = [read(TABLE_JOB, id=f"{ID}{i}") for i in range(128)]
    built = build_document(reads)
    document, variables = built.text, built.variables
    assert emulator_cost(document, variables) == 896


class SimulatedTime:
    """One clock for both sides: the bucket sleeps by advancing it, the emulator's limiter reads it."""

    def __init__(self) -> None:
        self.clock = TestClock(start=1_000_000.0)

    def monotonic(self) -> float:
        return self.clock.now()

    async def sleep(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await asyncio.sleep(0)


@pytest.mark.parametrize("per_minute", [80, 90])
def test_the_token_bucket_never_trips_the_emulators_default_rate_limit(per_minute: int) -> None:
    """Saturating demand for 30 simulated minutes, with quiet spells that refill the burst: the emulator's
    own limiter (100 queries a minute per key, sliding window) accepts every request the bucket lets go."""
    time = SimulatedTime()
    limiter = RateLimiter(time.clock)
    bucket = TokenBucket(per_minute, clock=time.monotonic, sleep=time.sleep)
    rng = random.Random(1)

    async def main() -> int:
        sent = 0
        end = time.monotonic() + 30 * 60
        while time.monotonic() < end:
            for _ in range(rng.randint(1, 200)):  # a burst of demand
                await bucket.acquire()
                assert limiter.acquire("key", is_mutation=False) is None, "the emulator would answer 429"
                sent += 1
            if rng.random() < 0.3:
                await time.sleep(rng.uniform(0, 20))  # a quiet spell
        return sent

    sent = asyncio.run(main())
    assert sent >= 30 * per_minute * 0.9  # the budget is used, not just respected
    assert bucket.granted == sent


def test_the_token_bucket_refuses_nonsense() -> None:
    for bad in (0, -1, math.inf, "80", True):
        with pytest.raises(ArizeConfigError):
            TokenBucket(bad)  # type: ignore[arg-type]
    with pytest.raises(ArizeConfigError):
        TokenBucket(80, burst=0)
