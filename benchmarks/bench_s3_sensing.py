"""New-file detection at scale: what one poke costs with 1k, 10k and 50k objects under a prefix, for
``ArizeS3NewFilesSensor`` in its two listing modes next to the Amazon provider's S3 sensors.

What is measured, on one local S3 (moto's server, ``FakeS3Server``, in a thread of this process; every
sensor talks to it over HTTP), for each size ``N`` of ``--sizes`` (default 1000,10000,50000): a bucket
of its own holding ``N`` objects under ``data/``, date-partitioned (``data/2026/11/22/part-00042.parquet``,
250 a day up to yesterday, ``LastModified`` spread over each day), created straight in moto's backend
(seconds, where 50,000 PUTs take minutes). Then, side by side in the same run and interleaved poke by
poke, so that all see the same machine noise:

* ``ArizeS3NewFilesSensor`` in full-listing mode (``suffixes=[".parquet"]``, ``first_run="none"``): a
  first poke records the baseline; the timed pokes run against that state, carried in its Airflow
  Variable, with nothing new.
* The same with ``keys_sort_by_arrival=True``: the timed pokes list after the last seen key.
* ``S3KeySensor(bucket_key="s3://<bucket>/data/*.parquet", wildcard_match=True)``: as configured it
  succeeds at the first matching key (it tests existence, not newness), so it stops after one page.
* The same with a ``check_fn``: it then gathers every match first, a full listing like that of any
  sensor telling new files from old.
* ``S3KeysUnchangedSensor(prefix="data/")``: pokes after the first, each comparing the listed key set
  with the one it keeps in the operator instance.

Reported per sensor: the wall time of ``poke(context)`` (median of ``--runs`` pokes after a warm-up
poke, and min-max), the S3 requests per poke (every request its clients send, counted by a botocore
``before-send`` hook), the time ratio to both S3KeySensor variants, and the state carried between pokes
or runs; then pass/fail against the targets, and the time to parse the ``LastModified`` values of a
page of 1,000 keys with the sensor's parser and with botocore's default. Detection latency of the two
modes: expected
``poke_interval / 2 + poke time``, and measured by a poking loop (poke, then sleep ``--poke-interval``
seconds, as Airflow's ``poke`` mode does) while an object is PUT at a random moment: from the start of
the PUT to the end of the poke that reports it, median of ``--latency-samples``. The Airflow metadata DB
is a temporary SQLite one, removed afterwards with everything else.
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import base_parser, command_line, emit, fmt_bytes, fmt_ms, fmt_s, median, table

PREFIX = "data/"
FILES_PER_DAY = 250
SETTLE_SECONDS = 3600
STATE_LIMIT = 64 * 1024
MOTO_ACCOUNT = "123456789012"  # moto's default account: the backend the server's requests use

FULL = "ArizeS3NewFilesSensor, full listing"
ARRIVAL = "ArizeS3NewFilesSensor, keys_sort_by_arrival"
KEY = "S3KeySensor (wildcard)"
KEY_ALL = "S3KeySensor (wildcard + check_fn)"
UNCHANGED = "S3KeysUnchangedSensor"


# -- set-up ------------------------------------------------------------------------------------------------


@contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send file descriptor 1 to stderr meanwhile: whatever Airflow or moto print stays out of the
    Markdown on stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


class RequestCounter:
    """Counts the S3 requests sent by every botocore client created after :meth:`install`."""

    def __init__(self) -> None:
        self.count = 0
        self.operations: list[str] = []

    def install(self) -> None:
        from botocore.client import ClientCreator

        original = ClientCreator.create_client
        counter = self

        def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
            client = original(self, *args, **kwargs)
            client.meta.events.register("before-send.s3", counter.record, unique_id="bench-count")
            return client

        ClientCreator.create_client = create_client  # type: ignore[method-assign]

    def record(self, event_name: str = "", **kwargs: Any) -> None:
        self.count += 1
        self.operations.append(event_name.rsplit(".", 1)[-1])

    def reset(self) -> None:
        self.count = 0
        self.operations.clear()


def day_path(day: datetime) -> str:
    return f"{PREFIX}{day:%Y/%m/%d}/"


def populate(client: Any, bucket: str, n: int, today: datetime) -> str:
    """``n`` date-partitioned objects, ``FILES_PER_DAY`` a day up to yesterday, created in moto's backend
    with their ``LastModified`` spread over their day. Returns the greatest key."""
    from moto.s3.models import s3_backends

    client.create_bucket(Bucket=bucket)
    backend = s3_backends[MOTO_ACCOUNT]["aws"]
    days = math.ceil(n / FILES_PER_DAY)
    first_day = today - timedelta(days=days)
    step = timedelta(seconds=86_400 / FILES_PER_DAY)
    key = ""
    for i in range(n):
        day = first_day + timedelta(days=i // FILES_PER_DAY)
        key = f"{day_path(day)}part-{i:05}.parquet"
        obj = backend.put_object(bucket, key, b"x", disable_notification=True)
        obj.last_modified = (day + step * (i % FILES_PER_DAY)).replace(tzinfo=None)
    return key


class BenchTaskInstance:
    """The part of a task instance a poke touches: XCom pushes (kept here) and the map index."""

    map_index = -1

    def __init__(self) -> None:
        self.xcom: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcom[key] = value


def context() -> dict[str, Any]:
    ti = BenchTaskInstance()
    return {"ti": ti, "task_instance": ti}


# -- subjects ----------------------------------------------------------------------------------------------


@dataclass
class Subject:
    """One sensor under test, the result its timed pokes must give, and where its state lives."""

    name: str
    sensor: Any
    expect_done: bool
    state_bytes: Callable[[], int | None]
    state_where: str
    times: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)


def variable_bytes(state_id: str) -> Callable[[], int | None]:
    def size() -> int | None:
        from airflow_provider_arize.s3.state_store import VariableStateStore, variable_key

        text = VariableStateStore().load(variable_key(state_id))
        return None if text is None else len(text.encode("utf-8"))

    return size


def every_match(files: list[dict[str, Any]]) -> bool:
    """A ``check_fn`` that makes S3KeySensor gather every match before deciding."""
    return bool(files)


def subjects_for(bucket: str, n: int) -> list[Subject]:
    from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor, S3KeysUnchangedSensor

    from airflow_provider_arize.sensors.s3_new_files import ArizeS3NewFilesSensor

    def ours(state_id: str, arrival: bool) -> Any:
        return ArizeS3NewFilesSensor(
            task_id=state_id.replace(".", "_"),
            bucket=bucket,
            prefix=PREFIX,
            suffixes=[".parquet"],
            state_id=state_id,
            first_run="none",
            settle_seconds=SETTLE_SECONDS,
            keys_sort_by_arrival=arrival,
            deferrable=False,
        )

    unchanged = S3KeysUnchangedSensor(
        task_id=f"unchanged_{n}", bucket_name=bucket, prefix=PREFIX, inactivity_period=3600
    )
    wildcard = f"s3://{bucket}/{PREFIX}*.parquet"
    return [
        Subject(
            FULL, ours(f"bench.full.{n}", False), False, variable_bytes(f"bench.full.{n}"), "Airflow Variable"
        ),
        Subject(
            ARRIVAL,
            ours(f"bench.arrival.{n}", True),
            False,
            variable_bytes(f"bench.arrival.{n}"),
            "Airflow Variable",
        ),
        Subject(
            KEY,
            S3KeySensor(task_id=f"key_{n}", bucket_key=wildcard, wildcard_match=True),
            True,
            lambda: None,
            "none",
        ),
        Subject(
            KEY_ALL,
            S3KeySensor(
                task_id=f"key_all_{n}", bucket_key=wildcard, wildcard_match=True, check_fn=every_match
            ),
            True,
            lambda: None,
            "none",
        ),
        Subject(
            UNCHANGED,
            unchanged,
            False,
            lambda: len(json.dumps(sorted(unchanged.previous_objects))),
            "operator instance (memory; not kept across runs)",
        ),
    ]


# -- measurements ------------------------------------------------------------------------------------------


def time_pokes(subjects: list[Subject], counter: RequestCounter, runs: int) -> None:
    """A warm-up poke each (baselines, clients, the first key set), then ``runs`` timed pokes each,
    interleaved subject by subject."""
    for run in range(runs + 1):
        for subject in subjects:
            counter.reset()
            t0 = time.perf_counter()
            result = subject.sensor.poke(context())
            elapsed = time.perf_counter() - t0
            if run == 0:
                continue
            if bool(result) is not subject.expect_done:
                raise SystemExit(f"{subject.name}: poke returned {result!r}, expected {subject.expect_done}")
            subject.times.append(elapsed)
            subject.requests.append(counter.count)
        print(f"  run {run}/{runs}", file=sys.stderr, flush=True)


def detection_latency(
    sensor: Any,
    writer: Any,
    bucket: str,
    new_key: Callable[[], str],
    interval: float,
    poke_s: float,
    samples: int,
) -> list[float]:
    """Seconds from the start of a PUT, at a random moment of a poking loop, to the end of the poke
    that reports the object (the loop sleeps ``interval`` after each poke)."""
    rng = random.Random(f"{bucket}:{samples}")  # a different sequence for every size
    sensor.poke(context())  # first report what the other mode's measurement added
    latencies = []
    for _ in range(samples):
        key = new_key()
        started: list[float] = []

        def put(delay: float, key: str = key, started: list[float] = started) -> None:
            time.sleep(delay)
            started.append(time.perf_counter())
            writer.put_object(Bucket=bucket, Key=key, Body=b"x")

        thread = threading.Thread(target=put, args=(rng.uniform(0, interval + poke_s),))
        thread.start()
        while True:
            result = sensor.poke(context())
            if result and any(f["key"] == key for f in result.xcom_value):
                done = time.perf_counter()
                break
            time.sleep(interval)
        thread.join()
        latencies.append(done - started[0])
    return latencies


def worst_case_state_bytes(n: int) -> int:
    """The full-listing state when all ``n`` objects fall inside the settle window (a burst): computed
    with :func:`detect` alone, no S3."""
    from airflow_provider_arize.s3.detection import detect
    from airflow_provider_arize.s3.objects import S3Object

    now = datetime.now(UTC)
    burst = [
        S3Object(f"{PREFIX}burst/{i:05}.parquet", 1, f"{i:032x}", now - timedelta(milliseconds=i))
        for i in range(n)
    ]
    detection = detect(burst, None, bucket="b", prefix=PREFIX, settle_seconds=SETTLE_SECONDS, max_files=None)
    return len(detection.state.dumps().encode("utf-8"))


def timestamp_parse_cost() -> tuple[float, float]:
    """Seconds to parse the ``LastModified`` values of a page of 1,000 keys: with the sensor's parser,
    and with botocore's default (median of 5 each)."""
    from botocore.utils import parse_timestamp

    from airflow_provider_arize.s3.listing import parse_s3_timestamp

    values = [f"2026-11-23T09:{i // 60 % 60:02}:{i % 60:02}.000Z" for i in range(1000)]
    costs = []
    for parse in (parse_s3_timestamp, parse_timestamp):
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            for value in values:
                parse(value)
            runs.append(time.perf_counter() - t0)
        costs.append(median(runs))
    return costs[0], costs[1]


@dataclass
class SizeResult:
    n: int
    subjects: list[Subject]
    worst_state: int
    latency: dict[str, list[float]]


def measure_size(
    s3: Any, counter: RequestCounter, n: int, runs: int, interval: float, samples: int, latency: bool
) -> SizeResult:
    bucket = f"bench-sensing-{n}"
    writer = s3.client()
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    t0 = time.perf_counter()
    populate(writer, bucket, n, today)
    print(f"N={n}: {n} objects in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    subjects = subjects_for(bucket, n)
    time_pokes(subjects, counter, runs)
    by_name = {s.name: s for s in subjects}
    latencies: dict[str, list[float]] = {}
    if latency:
        serial = iter(range(1_000_000))

        def new_key() -> str:
            return f"{day_path(today)}new-{next(serial):05}.parquet"

        for name in (ARRIVAL, FULL):
            poke_s = median(by_name[name].times)
            latencies[name] = detection_latency(
                by_name[name].sensor, writer, bucket, new_key, interval, poke_s, samples
            )
            print(f"  latency {name}: {latencies[name]}", file=sys.stderr, flush=True)
    return SizeResult(n, subjects, worst_case_state_bytes(n), latencies)


# -- report ------------------------------------------------------------------------------------------------


#: "No worse than" within this margin is reported as such rather than as a failure: on a shared 2-core
#: machine the same poke varies by more than that from run to run.
NOISE = 1.10


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def time_verdict(ratio: float) -> str:
    if ratio <= 1.0:
        return "pass"
    return f"within noise (≤ {NOISE:.2f}x)" if ratio <= NOISE else "**FAIL**"


def sensor_rows(r: SizeResult) -> list[list[object]]:
    s = {x.name: x for x in r.subjects}
    key_t, key_all_t = median(s[KEY].times), median(s[KEY_ALL].times)
    rows: list[list[object]] = []
    for subject in r.subjects:
        t = median(subject.times)
        state = subject.state_bytes()
        rows.append(
            [
                f"{r.n:,}",
                subject.name,
                "/".join(str(q) for q in sorted(set(subject.requests))),
                fmt_ms(t),
                f"{fmt_ms(min(subject.times))} - {fmt_ms(max(subject.times))}",
                f"{t / key_t:.2f}",
                f"{t / key_all_t:.2f}",
                "—" if state is None else fmt_bytes(state),
                subject.state_where,
            ]
        )
    return rows


def target_rows(r: SizeResult) -> list[list[object]]:
    s = {x.name: x for x in r.subjects}
    key_t, key_all_t = median(s[KEY].times), median(s[KEY_ALL].times)
    full, arrival = s[FULL], s[ARRIVAL]
    full_t, arrival_t = median(full.times), median(arrival.times)
    want = math.ceil(r.n / 1000)
    full_state, arrival_state = full.state_bytes() or 0, arrival.state_bytes() or 0
    n = f"{r.n:,}"

    def vs(t: float, other: float) -> str:
        return f"{fmt_ms(t)} vs {fmt_ms(other)} ({t / other:.2f}x)"

    return [
        [
            n,
            "full listing: requests per poke = ceil(N/1000)",
            f"{sorted(set(full.requests))} vs {want}",
            verdict(set(full.requests) == {want}),
        ],
        [
            n,
            "full listing: time per poke ≤ S3KeySensor (wildcard)",
            vs(full_t, key_t),
            time_verdict(full_t / key_t),
        ],
        [
            n,
            "full listing: time per poke ≤ S3KeySensor (wildcard + check_fn)",
            vs(full_t, key_all_t),
            time_verdict(full_t / key_all_t),
        ],
        [
            n,
            "full listing: carried state < 64 KiB (these objects / all N in the settle window)",
            f"{fmt_bytes(full_state)} / {fmt_bytes(r.worst_state)}",
            verdict(max(full_state, r.worst_state) < STATE_LIMIT),
        ],
        [
            n,
            "arrival order: requests per poke = max(1, ceil(new/1000)) = 1",
            str(sorted(set(arrival.requests))),
            verdict(set(arrival.requests) == {1}),
        ],
        [
            n,
            "arrival order: time per poke ≤ S3KeySensor (wildcard)",
            vs(arrival_t, key_t),
            time_verdict(arrival_t / key_t),
        ],
        [
            n,
            "arrival order: carried state < 64 KiB",
            fmt_bytes(arrival_state),
            verdict(arrival_state < STATE_LIMIT),
        ],
    ]


def latency_rows(r: SizeResult, interval: float) -> list[list[object]]:
    s = {x.name: x for x in r.subjects}
    rows: list[list[object]] = []
    for name in (FULL, ARRIVAL):
        poke_t = median(s[name].times)
        measured = r.latency.get(name)
        rows.append(
            [
                f"{r.n:,}",
                name.split(", ")[1],
                fmt_ms(poke_t),
                fmt_s(interval / 2 + poke_t),
                fmt_s(median(measured)) if measured else "not measured",
                f"{fmt_s(min(measured))} - {fmt_s(max(measured))}" if measured else "",
            ]
        )
    return rows


EXPLAIN = [
    "How to read it:",
    "* **S3KeySensor (wildcard)** tests existence: it succeeds at the first key matching the glob, after "
    "one page, so it cannot tell a new file from one seen yesterday. With a `check_fn` it lists every match "
    "first: the listing any sensor telling new files from old has to make, and the like-for-like comparison "
    "for the full-listing mode. **S3KeysUnchangedSensor** lists everything on each poke too; it keeps the "
    "key set in the operator instance, so the set is lost when the task ends (and between pokes in "
    "`reschedule` mode).",
    "* The full-listing mode costs ceil(N/1000) requests a poke, the listing API's limit, and cannot beat an "
    "existence check that stops after one page once N > 1000; against the same listing it is faster, "
    "because its client parses `LastModified` with `datetime.fromisoformat` ({fast} a page of 1,000 keys "
    "on this machine) where botocore's default parser (dateutil) takes {slow}. Its state is a watermark "
    "plus the fingerprints of the objects in the last `settle_seconds`, capped at 4,000, so it stays under "
    "64 KiB however large N or "
    "the burst (the second figure computes the state with all N objects inside the settle window). The "
    "arrival-order mode lists after the last seen key: one request a poke while fewer than 1,000 keys "
    "arrived, whatever N, and a state holding that key; its price is that a key sorting before the last "
    "seen one is never reported.",
    "* moto scans the whole bucket for every page and is slow per listed key, so a page of 1,000 keys "
    "takes a large fraction of a second here, more as the bucket grows, where real S3 answers in tens of "
    "milliseconds. The request counts carry over, and so does the client-side parsing cost; the absolute "
    "times and the ratios between sensors making different numbers of requests do not. Latency scales "
    "with the poke interval: at `poke_interval=60` expect 30 s plus the poke "
    "time. A PUT landing during a poke is often caught by that same poke (new keys sort last, so the "
    "listing reaches them last), which is why measured latencies can be under the estimate.",
]


def render(results: list[SizeResult], args: Any, cmd: list[str], parse_cost: tuple[float, float]) -> str:
    description = (
        f"Local S3: moto's server on 127.0.0.1 in this process; one bucket per size N with N objects under "
        f"`{PREFIX}`, date-partitioned ({FILES_PER_DAY} a day up to yesterday, `LastModified` spread over "
        "each day). Each sensor's `poke(context)` is called directly, interleaved with the others. Time: "
        f"median of {args.runs} pokes after a warm-up poke (min - max). Requests: every S3 request its "
        "clients sent during the poke (botocore `before-send` hook). Ratios: median poke time over "
        "S3KeySensor's, both measured in this run. Our sensors' timed pokes find nothing new against the "
        'state the warm-up poke saved (`first_run="none"`), read each time from its Airflow Variable '
        f"(a temporary SQLite metadata DB); `settle_seconds={SETTLE_SECONDS}`."
    )
    latency_text = (
        f"Detection latency with a poke interval of {args.poke_interval:g} s. Expected: interval / 2 + "
        "poke time (a file lands at a random moment and waits for the next poke; exact when the poke is "
        "short next to the interval). Measured: a poking loop (poke, then sleep the interval, as Airflow's "
        "`poke` mode) while another thread PUTs a new object at a random moment, from the start of the PUT "
        f"to the end of the poke that reports it; median of {args.latency_samples} samples (min - max)."
    )
    return "\n\n".join(
        [
            "## New-file detection at scale (`bench_s3_sensing.py`)",
            f"Command: `{command_line('bench_s3_sensing.py', cmd)}`",
            description,
            table(
                [
                    "N",
                    "sensor",
                    "S3 requests per poke",
                    "poke time (median)",
                    "min - max",
                    "vs S3KeySensor",
                    "vs S3KeySensor + check_fn",
                    "carried state",
                    "state kept in",
                ],
                [row for r in results for row in sensor_rows(r)],
            ),
            f"Targets (a time ratio up to {NOISE:.2f} is reported as within noise):",
            table(["N", "target", "measured", "result"], [row for r in results for row in target_rows(r)]),
            latency_text,
            table(
                ["N", "mode", "poke time", "expected latency", "measured latency (median)", "min - max"],
                [row for r in results for row in latency_rows(r, args.poke_interval)],
            ),
            EXPLAIN[0]
            + "\n\n"
            + "\n".join(EXPLAIN[1:]).format(fast=fmt_ms(parse_cost[0]), slow=fmt_ms(parse_cost[1])),
        ]
    )


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument(
        "--sizes", default="1000,10000,50000", help="objects per prefix (default 1000,10000,50000)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed pokes per sensor and size (default 3)")
    parser.add_argument("--poke-interval", type=float, default=2.0, help="seconds between pokes (default 2)")
    parser.add_argument("--latency-samples", type=int, default=3, help="latency samples per mode (default 3)")
    parser.add_argument(
        "--latency-sizes", default=None, help="sizes at which latency is measured (default: every size)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    latency_sizes = (
        sizes if args.latency_sizes is None else [int(s) for s in args.latency_sizes.split(",") if s]
    )

    with tempfile.TemporaryDirectory(prefix="arize-bench-sensing-") as tmp, stdout_to_stderr():
        from airflow_provider_arize.dag_testing import configure_local_airflow, migrate_metadata_db

        os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "WARNING"  # a log line a poke would swamp stderr
        configure_local_airflow(Path(tmp) / "airflow", Path(tmp) / "dags")
        (Path(tmp) / "dags").mkdir()
        migrate_metadata_db()

        from airflow_provider_arize.local_services import FakeS3Server

        counter = RequestCounter()
        counter.install()
        with FakeS3Server() as s3:
            os.environ.update(s3.airflow_connection("aws_default"))
            results = [
                measure_size(
                    s3, counter, n, args.runs, args.poke_interval, args.latency_samples, n in latency_sizes
                )
                for n in sizes
            ]
        cmd = [
            f"--sizes {args.sizes}",
            f"--runs {args.runs}",
            f"--poke-interval {args.poke_interval:g}",
            f"--latency-samples {args.latency_samples}",
        ]
        if args.latency_sizes is not None:
            cmd.append(f"--latency-sizes {args.latency_sizes}")
        markdown = render(results, args, cmd, timestamp_parse_cost())
    emit(markdown, args.output)


if __name__ == "__main__":
    main()
