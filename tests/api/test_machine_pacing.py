"""The tasks' pacing: one adaptive bucket per API key and machine, kept in a file every process shares.

Unit tests drive two :class:`MachineBucket` objects on one file (as two task processes would) on a fake
clock. One test runs real processes: the file and its lock are what make them share one budget.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import httpx
import pytest

from airflow_provider_arize.api.machine_pacing import MachineBucket, machine_bucket
from airflow_provider_arize.api.retry import Outcome, RetryPolicy
from airflow_provider_arize.api.transport import AttemptInfo, GraphQLTransport, TransportConfig


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _info(*, rate_limited: bool, retry_after: float | None = None) -> AttemptInfo:
    return AttemptInfo(
        operation_name="GetTableImportJob",
        attempt=1,
        status_code=429 if rate_limited else 200,
        outcome=Outcome.RETRY_SAFE if rate_limited else Outcome.SUCCESS,
        reason="rate limited" if rate_limited else "ok",
        elapsed=0.0,
        delay=None,
        response_bytes=10,
        rate_limited=rate_limited,
        retry_after=retry_after,
    )


def _pair(tmp_path: Path, per_minute: float = 60) -> tuple[FakeTime, MachineBucket, MachineBucket]:
    t = FakeTime()
    path = tmp_path / "bucket.json"
    one, two = (MachineBucket(path, per_minute, sleep=t.sleep, clock=t.clock) for _ in range(2))
    return t, one, two


def test_two_processes_draw_on_one_burst_and_one_rate(tmp_path: Path) -> None:
    t, one, two = _pair(tmp_path, per_minute=60)  # a token a second, 10 at once
    for _ in range(10):
        one.acquire()
    assert t.slept == []
    two.acquire()  # the other process finds the bucket empty: it waits for the next token
    assert sum(t.slept) == pytest.approx(1.0)


def test_a_rate_limit_met_by_one_process_holds_and_slows_the_other(tmp_path: Path) -> None:
    t, one, two = _pair(tmp_path, per_minute=80)
    one.observe(_info(rate_limited=True, retry_after=5))
    two.acquire()
    assert sum(t.slept) >= 5.0  # Retry-After holds the whole machine
    assert two.bucket.current_per_minute == pytest.approx(40)  # and the cut is the machine's
    two.observe(_info(rate_limited=False))
    one.acquire()
    assert one.bucket.current_per_minute > 40  # the recovery too


def test_a_folder_that_cannot_be_written_leaves_pacing_in_memory(tmp_path: Path) -> None:
    t = FakeTime()
    bucket = MachineBucket(tmp_path / "missing" / "bucket.json", 60, sleep=t.sleep, clock=t.clock)
    for _ in range(11):
        bucket.acquire()
    assert bucket.path is None and sum(t.slept) == pytest.approx(1.0)


def test_connections_with_one_key_share_the_machine_bucket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARIZE_PROVIDER_CACHE_DIR", str(tmp_path))
    a = machine_bucket("https://arize.test/", "key-one-for-machine-test", 80)
    assert machine_bucket("https://arize.test", "key-one-for-machine-test", 50) is a
    other = machine_bucket("https://arize.test", "key-two-for-machine-test", 80)
    assert other is not a and other.path != a.path
    assert a.path is not None and a.path.parent == tmp_path / "pacing"
    a.acquire()
    saved = a.path.read_text()
    assert "key-one" not in a.path.name and "key-one" not in saved and "current" in saved


def test_the_sync_transport_takes_a_token_before_every_attempt_and_reports_each_answer() -> None:
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json={"data": {}})]
    )
    events: list[str] = []
    transport = GraphQLTransport(
        TransportConfig(endpoint="https://arize.test", api_key="k", retry=RetryPolicy(max_attempts=3)),
        http_transport=httpx.MockTransport(lambda _r: next(answers)),
        pace=lambda: events.append("token"),
        sleep=lambda s: events.append(f"wait {s:g} then token"),
        on_response=lambda info: events.append("429" if info.rate_limited else "ok"),
    )
    transport.execute("{ __typename }", operation_name="TestConnection")
    assert events == ["token", "429", "wait 2 then token", "ok"]


def _take_tokens(path: str, count: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    bucket = MachineBucket(Path(path), per_minute=120)  # 2 a second, 10 at once
    for _ in range(count):
        bucket.acquire()
        out.put(time.time())


def test_real_processes_share_one_budget(tmp_path: Path) -> None:
    """Three processes take 10 tokens each from one machine's bucket: 10 go at once, the other 20 at two
    a second, so the last is granted about 10 s after the first (alone, each would take 10 at once)."""
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    out: multiprocessing.Queue = ctx.Queue()  # type: ignore[type-arg]
    procs = [ctx.Process(target=_take_tokens, args=(str(tmp_path / "b.json"), 10, out)) for _ in range(3)]
    for p in procs:
        p.start()
    grants = sorted(out.get(timeout=60) for _ in range(30))
    for p in procs:
        p.join(timeout=10)
    assert grants[-1] - grants[0] >= 9.0
