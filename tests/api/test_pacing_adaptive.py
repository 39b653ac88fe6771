"""The adaptive token bucket (additive increase, multiplicative decrease), on simulated time.

Every test runs on an event loop whose clock is virtual: when nothing is ready to run, the loop jumps to
its next timer instead of sleeping, so minutes of pacing take milliseconds and the bucket, its waiters
and the server model all read one clock (the loop's).

* Unit behaviour: a rate limit cuts the rate once per congestion episode, ``Retry-After`` holds every
  waiter, successes add the rate back up to the ceiling and no further, cuts stop at the floor.
* Wiring: the async transport reports every attempt to :meth:`TokenBucket.observe`.
* Convergence: 2 and 3 processes (independent buckets, no shared state) saturating one key against the
  emulator's own sliding-minute limiter (100 a minute) settle under it: after the first minutes the 429s
  are a small fraction and the key's budget is used.
"""

from __future__ import annotations

import asyncio
import logging
import random
import selectors
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.pacing import TokenBucket
from airflow_provider_arize.api.retry import Outcome
from airflow_provider_arize.api.transport import AsyncGraphQLTransport, AttemptInfo, TransportConfig
from airflow_provider_arize.emulator.ratelimit import RateLimiter

T = TypeVar("T")


class _VirtualSelector(selectors.DefaultSelector):
    """Never blocks: a wait of ``timeout`` seconds moves the virtual clock on by that much."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:
            raise RuntimeError("every task waits on something that will never happen")
        self.now += max(0.0, timeout)
        return super().select(0)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop on virtual time (``loop.time()``), for buckets built with ``clock=loop.time``."""

    def __init__(self) -> None:
        self._virtual = _VirtualSelector()
        super().__init__(self._virtual)

    def time(self) -> float:
        return self._virtual.now

    def now(self) -> float:  # the emulator's Clock protocol
        return self._virtual.now


def run(main: Callable[[VirtualTimeLoop], Coroutine[Any, Any, T]]) -> T:
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(main(loop))
    finally:
        for task in asyncio.all_tasks(loop):  # after a failure: no task left to complain at exit
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()


def bucket_on(loop: VirtualTimeLoop, per_minute: float = 80, **kwargs: Any) -> TokenBucket:
    return TokenBucket(per_minute, clock=loop.time, **kwargs)


# -- cuts ------------------------------------------------------------------------------------------
def test_a_rate_limit_cuts_the_rate_by_the_factor_and_empties_the_bucket(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        bucket = bucket_on(loop)
        assert bucket.current_per_minute == 80 and bucket.available == 10
        with caplog.at_level(logging.INFO, logger="airflow_provider_arize.api.pacing"):
            assert bucket.note_rate_limited() is True
        assert "pacing cut to 40.0 requests a minute (cut 1, 1 rate limits seen" in caplog.text
        assert bucket.current_per_minute == 40
        assert bucket.cuts == 1 and bucket.rate_limited == 1
        assert bucket.available == 0 and bucket.capacity == 5  # the burst scales with the rate
        # it now paces at 40 a minute: 40 tokens take a minute (the first one 1.5 s)
        for _ in range(40):
            await bucket.acquire()
        assert loop.time() == pytest.approx(60.0)

    run(main)


def test_one_congestion_episode_cuts_once() -> None:
    """Requests sent before the cut meet the same full window: their 429s cut nothing more. A 429 for a
    request sent after the cut is a new episode."""

    async def main(loop: VirtualTimeLoop) -> None:
        bucket = bucket_on(loop)
        sent = loop.time()
        await asyncio.sleep(0.3)
        assert bucket.note_rate_limited(1, sent_at=sent)
        for delay in (0.01, 0.2, 0.5):  # the other requests in flight come back
            await asyncio.sleep(delay)
            assert not bucket.note_rate_limited(1, sent_at=sent + delay / 10)
        assert bucket.current_per_minute == 40
        assert bucket.cuts == 1 and bucket.rate_limited == 4
        await bucket.acquire()  # after the hold: a request of the next episode
        assert bucket.note_rate_limited(1, sent_at=loop.time())
        assert bucket.current_per_minute == 20 and bucket.cuts == 2

    run(main)


def test_cuts_stop_at_the_floor() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        bucket = bucket_on(loop)
        for _ in range(20):
            await asyncio.sleep(1)
            bucket.note_rate_limited(sent_at=loop.time())
            assert bucket.current_per_minute >= 4
        assert bucket.current_per_minute == 4 and bucket.cuts == 20
        low = bucket_on(loop, 3)  # a budget under the default floor: that budget is the floor
        low.note_rate_limited()
        assert low.current_per_minute == 3
        custom = bucket_on(loop, decrease=0.25, min_per_minute=10)
        custom.note_rate_limited()
        assert custom.current_per_minute == 20
        custom.note_rate_limited(sent_at=loop.time() + 1)
        assert custom.current_per_minute == 10

    run(main)


# -- holds -----------------------------------------------------------------------------------------
def test_retry_after_holds_every_waiter_in_order() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        bucket = bucket_on(loop)  # a full bucket: 10 tokens at hand
        bucket.note_rate_limited(30)
        granted: list[tuple[int, float]] = []

        async def take(i: int) -> None:
            await bucket.acquire()
            granted.append((i, loop.time()))

        await asyncio.gather(*(take(i) for i in range(3)))
        assert [i for i, _ in granted] == [0, 1, 2]  # first come, first served
        # nothing before the hold ends; then paced at the cut rate (40 a minute) from zero tokens
        assert [t for _, t in granted] == pytest.approx([31.5, 33.0, 34.5])
        assert bucket.held == 30

    run(main)


def test_a_later_retry_after_extends_the_hold_and_a_cancelled_waiter_leaves_the_rest() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        bucket = bucket_on(loop, max_hold=50)
        bucket.note_rate_limited(10)
        first = asyncio.ensure_future(bucket.acquire())
        second = asyncio.ensure_future(bucket.acquire())
        await asyncio.sleep(5)
        assert not bucket.note_rate_limited(20, sent_at=-1)  # same episode: the hold grows, the rate not
        assert not bucket.note_rate_limited(500, sent_at=0)  # sent at the cut: that episode too
        assert bucket.held == 55  # 10, then to 25, then capped at 5 + 50
        first.cancel()
        await second
        assert loop.time() == pytest.approx(55 + 1.5)
        assert bucket.granted == 1 and bucket.current_per_minute == 40

    run(main)


# -- recovery --------------------------------------------------------------------------------------
def test_successes_add_the_rate_back_to_the_ceiling_and_never_above() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        bucket = bucket_on(loop)
        bucket.note_rate_limited(sent_at=0.0)
        bucket.note_success(sent_at=0.0)  # sent before (at) the cut: adds nothing
        assert bucket.current_per_minute == 40
        minutes = 0
        while bucket.current_per_minute < 80:
            start = loop.time()
            while loop.time() < start + 60:  # a minute of clean sending at full speed
                await bucket.acquire()
                bucket.note_success(sent_at=loop.time())
            minutes += 1
            assert bucket.current_per_minute <= 80
        # + 8 a minute (a tenth of the ceiling) per minute: 40 -> 80 in about five minutes
        assert 4 <= minutes <= 6
        for _ in range(1000):
            bucket.note_success()
        assert bucket.current_per_minute == 80 and bucket.capacity == 10
        assert bucket.cuts == 1

    run(main)


def test_a_custom_increase() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        bucket = bucket_on(loop, 60, increase=30)
        bucket.note_rate_limited()
        bucket.note_success(sent_at=loop.time() + 1)
        assert bucket.current_per_minute == pytest.approx(30 + 30 / 30)

    run(main)


def test_the_adaptive_settings_refuse_nonsense() -> None:
    for kwargs in (
        {"decrease": 0},
        {"decrease": 1.5},
        {"decrease": True},
        {"increase": -1},
        {"min_per_minute": float("nan")},
        {"min_per_minute": 0},
        {"max_hold": "10"},
    ):
        with pytest.raises(ArizeConfigError):
            TokenBucket(80, **kwargs)


# -- wiring ----------------------------------------------------------------------------------------
def _info(outcome: Outcome, *, rate_limited: bool = False, retry_after: float | None = None) -> AttemptInfo:
    return AttemptInfo(
        "Op", 1, 429 if rate_limited else 200, outcome, "", 0.2, None, 0, rate_limited, retry_after
    )


def test_observe_feeds_rate_limits_and_successes_and_ignores_other_failures() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        bucket = bucket_on(loop)
        await asyncio.sleep(1)
        bucket.observe(_info(Outcome.RETRY_SAFE, rate_limited=True, retry_after=7))
        assert bucket.cuts == 1 and bucket.held == 7
        bucket.observe(_info(Outcome.RETRY_SAFE, rate_limited=True))  # sent 0.2 s ago: before the cut
        assert bucket.cuts == 1 and bucket.rate_limited == 2
        await asyncio.sleep(1)
        bucket.observe(_info(Outcome.SUCCESS))
        assert bucket.current_per_minute == pytest.approx(40 + 8 / 40)
        bucket.observe(_info(Outcome.RETRY_AMBIGUOUS))  # a 503 says nothing about the rate
        bucket.observe(_info(Outcome.FATAL))
        assert bucket.current_per_minute == pytest.approx(40 + 8 / 40)
        assert bucket.counters() == {
            "per_minute": 80.0,
            "current_per_minute": pytest.approx(40.2),
            "cuts": 1,
            "rate_limited": 2,
            "held": 7.0,
            "granted": 0,
            "waited": 0.0,
        }

    run(main)


def test_the_async_transport_reports_every_429_and_its_retry_after_to_the_bucket() -> None:
    answers = [
        httpx.Response(
            429, json={"errors": [{"message": "rate limit exceeded"}]}, headers={"Retry-After": "12"}
        ),
        httpx.Response(200, json={"errors": [{"message": "Too many requests, slow down"}]}),
        httpx.Response(200, json={"data": {"__typename": "Query"}}),
    ]

    async def main(loop: VirtualTimeLoop) -> tuple[TokenBucket, float]:
        bucket = bucket_on(loop)
        transport = AsyncGraphQLTransport(
            TransportConfig(api_key="k", endpoint="http://arize.test"),
            sleep=bucket.sleep_then_acquire,
            on_response=bucket.observe,
            http_transport=httpx.MockTransport(lambda request: answers.pop(0)),
        )
        async with transport:
            await bucket.acquire()
            assert await transport.execute("{ __typename }", operation_name="TestConnection")
        return bucket, loop.time()

    bucket, ended = run(main)
    assert bucket.rate_limited == 2  # the HTTP 429 and the GraphQL rate-limit error
    assert bucket.cuts == 2  # the retry left after the first cut: a new episode
    assert bucket.held == 12 and ended >= 12
    assert bucket.current_per_minute == pytest.approx(20 + 8 / 20)  # and the success added back


# -- convergence -----------------------------------------------------------------------------------
@dataclass
class _Sent:
    at: float
    process: int
    accepted: bool


@dataclass
class _Run:
    sent: list[_Sent] = field(default_factory=list)
    buckets: list[TokenBucket] = field(default_factory=list)

    def minute(self, m: int) -> tuple[int, int]:
        """Accepted requests and 429s sent in minute ``m``."""
        inside = [s for s in self.sent if m * 60 <= s.at < (m + 1) * 60]
        accepted = sum(s.accepted for s in inside)
        return accepted, len(inside) - accepted


def _simulate(processes: int, minutes: int, seed: int, senders: int = 4) -> _Run:
    """``processes`` triggerers on one key, each its own bucket (80 a minute, the default) and
    ``senders`` concurrent pollers with endless work, against the emulator's limiter (100 a minute over
    a sliding minute, integer Retry-After). A 429 is waited out for its Retry-After, then retried."""
    rng = random.Random(seed)
    result = _Run()

    async def main(loop: VirtualTimeLoop) -> None:
        limiter = RateLimiter(loop)
        result.buckets = [bucket_on(loop) for _ in range(processes)]

        async def poller(process: int, bucket: TokenBucket) -> None:
            while loop.time() < minutes * 60:
                await bucket.acquire()
                sent = loop.time()
                await asyncio.sleep(rng.uniform(0.05, 0.25))  # to the server
                retry_after = limiter.acquire("key", is_mutation=False)
                await asyncio.sleep(rng.uniform(0.05, 0.25))  # and back
                result.sent.append(_Sent(sent, process, retry_after is None))
                if retry_after is None:
                    bucket.note_success(sent_at=sent)
                else:
                    bucket.note_rate_limited(retry_after, sent_at=sent)
                    await asyncio.sleep(retry_after)

        await asyncio.gather(
            *(poller(p, b) for p, b in enumerate(result.buckets) for _ in range(senders)),
        )

    run(main)
    return result


@pytest.mark.parametrize("processes", [2, 3])
@pytest.mark.parametrize("seed", [1, 2])
def test_independent_buckets_on_one_key_converge_under_the_limit(processes: int, seed: int) -> None:
    minutes, settled = 20, 3
    sim = _simulate(processes, minutes, seed)
    per_minute = [sim.minute(m) for m in range(minutes)]
    accepted = sum(a for a, _ in per_minute[settled:])
    refused = sum(r for _, r in per_minute[settled:])
    # together they would send 160 or 240 a minute: they did have to adapt
    assert all(bucket.cuts >= 1 for bucket in sim.buckets)
    # after the first minutes, 429s are a small fraction of what is sent...
    assert refused / (accepted + refused) < 0.03, per_minute
    # ...and the key's budget is used: on average over 80 % of Arize's 100 a minute
    assert accepted / (minutes - settled) > 80, per_minute
    # no process starves: each gets at least half of a fair share
    shares = [
        sum(s.accepted for s in sim.sent if s.process == p and s.at >= settled * 60) for p in range(processes)
    ]
    assert min(shares) > accepted / processes / 2, shares
    # the counters tell the story: every 429 was reported, each one cut at most once
    assert sum(b.rate_limited for b in sim.buckets) == sum(not s.accepted for s in sim.sent)
    assert all(b.cuts <= b.rate_limited for b in sim.buckets)


def test_one_process_alone_never_meets_the_limit() -> None:
    sim = _simulate(1, 10, seed=1)
    assert all(s.accepted for s in sim.sent)
    assert sim.buckets[0].cuts == 0 and sim.buckets[0].current_per_minute == 80
