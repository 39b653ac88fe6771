"""Event-driven detection latency: from the PUT of a new object to the moment the SQS trigger an asset
watcher runs yields the event carrying it, with S3 event notifications sent to SQS (no listing at all).

What is measured, on the local S3 and SQS (moto's server, ``FakeS3Server``, in this process): a bucket
whose ``s3:ObjectCreated:*`` events under a prefix go to a queue
(``configure_bucket_notifications``); the trigger runs in this process's asyncio loop, as in the
triggerer; after a random delay (uniform in ``[0, cycle)``, ``cycle`` being the trigger's receive cycle,
so the PUT lands anywhere in it) one object is PUT from a worker thread, and the time from just before
the PUT is sent to the moment the trigger yields the event with that key is taken. ``--runs`` runs
(default 5) per trigger; medians reported, with min and max.

Triggers, configured alike (like for like):

* ``ArizeS3EventsTrigger`` with its defaults (``wait_time_seconds=20``: a long poll that returns as soon
  as a message arrives; messages deleted after the event is handed over).
* The stock ``MessageQueueTrigger(scheme="sqs")`` (the Amazon provider's ``SqsSensorTrigger``) as a
  careful user sets it up: the same long poll (``wait_time_seconds``, SQS's longest, 20 s, as ours;
  ``--wait-time-seconds`` sets both), ``waiter_delay=0`` (its sleep after an empty receive: with a long
  poll the receive is the wait; ``--stock-waiter-delay``), ``max_messages=10`` (SQS's most per receive;
  ``num_batches`` stays 1, since each batch would repeat the whole long poll). With
  ``--stock-defaults``, also its defaults (``wait_time_seconds=1``, ``waiter_delay=60``: a run takes up
  to a minute), reported as such.

Requests are counted at moto's server (its WSGI application wrapped: every request it receives, by
service and operation, whoever sent it), so a count can be non-zero whichever client sends: the
benchmark's own clients carry a user-agent marker, every other request is the trigger's. Per detection:
the trigger's requests from its start until the message is deleted (``ArizeS3EventsTrigger`` deletes
right after the event, the stock trigger before it), SQS and S3 alike; for the whole run, every request
the server received, by sender. Also a backlog: ``--burst`` objects (default 50) PUT before a trigger
starts, the events (so DAG runs) and the requests it takes to report them all.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from _common import base_parser, command_line, emit, fmt_ms, median, table

PREFIX = "incoming/"
WAIT_TIME_SECONDS = 20  # ArizeS3EventsTrigger's default and SQS's longest long poll
STOCK_DEFAULT_WAIT_TIME = 1
STOCK_DEFAULT_WAITER_DELAY = 60
BOUND_S = 120.0  # a run that sees no event by then is a failure, not a figure
#: Added to the user agent of the benchmark's own clients, so the server tells their requests apart.
BENCH_AGENT = "arize-bench-own-client"
BENCHMARK, TRIGGER = "benchmark", "trigger"
#: Query parameters of the listing requests (any other names a subresource: ``?notification``...).
_LISTING_PARAMETERS = frozenset(
    [
        "encoding-type",
        "prefix",
        "delimiter",
        "max-keys",
        "marker",
        "list-type",
        "continuation-token",
        "start-after",
        "fetch-owner",
        "key-marker",
        "version-id-marker",
        "upload-id-marker",
        "max-uploads",
    ]
)
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,]+/[^/]+/[^/]+/([^/]+)/")


# -- counting at the server -------------------------------------------------------------------------------
def s3_operation(method: str, path: str, query: str, copy_source: bool) -> str:
    """The S3 REST operation of a path-style request (what boto3 sends to ``127.0.0.1``)."""
    bucket, _, key = path.lstrip("/").partition("/")
    params = parse_qs(query, keep_blank_values=True)
    sub = next((p for p in params if p not in _LISTING_PARAMETERS), "")
    if not bucket:
        return "ListBuckets" if method == "GET" else f"{method} /"
    if key:
        if method == "GET":
            return "ListParts" if "uploadId" in params else "GetObject"
        if method == "HEAD":
            return "HeadObject"
        if method == "PUT":
            return "UploadPart" if "partNumber" in params else "CopyObject" if copy_source else "PutObject"
        if method == "POST" and sub in ("uploads", "uploadId"):
            return "CreateMultipartUpload" if sub == "uploads" else "CompleteMultipartUpload"
        if method == "POST":
            return f"POST object?{sub}"
        return "AbortMultipartUpload" if "uploadId" in params else "DeleteObject"
    if method == "GET":
        if "list-type" in params:
            return "ListObjectsV2"
        listings = {"versions": "ListObjectVersions", "uploads": "ListMultipartUploads"}
        return listings.get(sub, f"GetBucket?{sub}" if sub else "ListObjects")
    if method == "HEAD":
        return "HeadBucket"
    if method == "POST" and sub == "delete":
        return "DeleteObjects"
    verb = {"PUT": "PutBucket", "DELETE": "DeleteBucket"}.get(method, method)
    if not sub:
        return {"PUT": "CreateBucket", "DELETE": "DeleteBucket"}.get(method, f"{method} bucket")
    return f"{verb}?{sub}"


def operation_of(environ: dict[str, Any]) -> str:
    """``"<service> <operation>"`` of a request moto's server received."""
    target = environ.get("HTTP_X_AMZ_TARGET") or ""
    scope = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION") or "")
    service = scope.group(1) if scope else ""
    if target:  # JSON protocols (SQS): "AmazonSQS.ReceiveMessage"
        return f"{service or target.split('.')[0]} {target.rsplit('.', 1)[-1]}"
    path = environ.get("PATH_INFO") or "/"
    if path.startswith("/moto-api"):
        return f"moto {path}"
    query = environ.get("QUERY_STRING") or ""
    if service == "s3":
        copy = bool(environ.get("HTTP_X_AMZ_COPY_SOURCE"))
        return f"s3 {s3_operation(environ['REQUEST_METHOD'], path, query, copy)}"
    action = parse_qs(query).get("Action", [""])[0]  # query protocols, when the action is in the URL
    return f"{service or '?'} {action or environ['REQUEST_METHOD'] + ' ' + path}"


class ServerLog:
    """Every request moto's server receives, in order, as ``(sender, "<service> <operation>")``: the
    benchmark's own clients (user agent carrying :data:`BENCH_AGENT`) or the trigger (any other)."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def attach(self, server: Any) -> None:
        """Wrap the WSGI application of ``server`` (a started ``FakeS3Server``: its moto
        ``ThreadedMotoServer``, whose werkzeug server calls ``.app`` for each request)."""
        wsgi = server._server._server
        app = wsgi.app

        def counted(environ: dict[str, Any], start_response: Any) -> Any:
            sender = BENCHMARK if BENCH_AGENT in (environ.get("HTTP_USER_AGENT") or "") else TRIGGER
            with self._lock:
                self.entries.append((sender, operation_of(environ)))
            return app(environ, start_response)

        wsgi.app = counted

    def mark(self) -> int:
        with self._lock:
            return len(self.entries)

    def sent(self, sender: str, start: int, end: int | None = None) -> list[str]:
        with self._lock:
            return [op for who, op in self.entries[start:end] if who == sender]


def until_deleted(ops: list[str]) -> Counter[str]:
    """``ops`` without the ``ReceiveMessage`` requests after the last ``DeleteMessage*``: the detection's
    work ends with the deletion; a receive after it is the next long poll a trigger that keeps running
    opens before it is stopped (anything else after it still counts)."""
    last = max((i for i, op in enumerate(ops) if op.startswith("sqs DeleteMessage")), default=len(ops))
    return Counter(op for i, op in enumerate(ops) if i <= last or op != "sqs ReceiveMessage")


def describe(counts: Counter[str] | dict[str, float], service: str | None = None) -> str:
    """``"ReceiveMessage 2, DeleteMessageBatch 1"``, operations of ``service`` only when given."""
    wanted = [(op, n) for op, n in counts.items() if n and (service is None or op.startswith(f"{service} "))]
    items = sorted(wanted)
    return ", ".join(f"{op if service is None else op.split(' ', 1)[1]} {n:g}" for op, n in items) or "none"


def median_counts(runs: Iterable[Counter[str]]) -> dict[str, float]:
    per_run = list(runs)
    ops = {op for r in per_run for op in r}
    return {op: median([r.get(op, 0) for r in per_run]) for op in ops}


# -- the triggers ------------------------------------------------------------------------------------------
def arize_trigger(queue_url: str, bucket: str, wait: int) -> Any:
    from airflow_provider_arize.triggers.s3_events import ArizeS3EventsTrigger

    trigger = ArizeS3EventsTrigger(queue_url=queue_url, bucket=bucket, prefix=PREFIX, wait_time_seconds=wait)
    return ArizeS3EventsTrigger(**trigger.serialize()[1])  # as the triggerer builds it


def stock_trigger(queue_url: str, wait: int, waiter_delay: int) -> Any:
    from airflow.providers.amazon.aws.triggers.sqs import SqsSensorTrigger
    from airflow.providers.common.messaging.triggers.msg_queue import MessageQueueTrigger

    stock = MessageQueueTrigger(
        scheme="sqs",
        sqs_queue=queue_url,
        aws_conn_id="aws_default",
        max_messages=10,
        wait_time_seconds=wait,
        waiter_delay=waiter_delay,
    )
    inner = stock.trigger  # the SqsSensorTrigger the triggerer would run (serialize() names it)
    assert type(inner) is SqsSensorTrigger
    return SqsSensorTrigger(**inner.serialize()[1])


# -- measuring ---------------------------------------------------------------------------------------------
def keys_of(payload: dict[str, Any], bucket: str) -> list[str]:
    """The keys an event carries, whichever trigger fired it."""
    from airflow_provider_arize.s3.event_messages import files_from_payloads

    return [f.key for f in files_from_payloads([payload], bucket=bucket).files]


def in_flight(sqs: Any, queue_url: str) -> int:
    """Messages received and not deleted yet (hidden until their visibility timeout ends)."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessagesNotVisible"])


async def settle(events: Any, sqs: Any, queue_url: str) -> None:
    """Let the trigger go on after its event, as the triggerer does at once (``ArizeS3EventsTrigger``
    deletes its messages then; the stock trigger has ended), until nothing is in flight; then stop it."""
    follow = asyncio.ensure_future(anext(events))
    for _ in range(100):
        if follow.done() or await asyncio.to_thread(in_flight, sqs, queue_url) == 0:
            break
        await asyncio.sleep(0.1)
    if not follow.done():
        follow.cancel()
    await asyncio.gather(follow, return_exceptions=True)
    await events.aclose()


async def one_run(
    ctx: dict[str, Any], make: Callable[[], Any], cycle: float
) -> tuple[float, float, Counter[str]]:
    """``(PUT sent -> event with the key, PUT round trip, the trigger's requests until the message was
    deleted)``, fresh trigger."""
    s3, bucket, log = ctx["s3"], ctx["bucket"], ctx["log"]
    key = f"{PREFIX}{uuid.uuid4().hex}.csv"
    start = log.mark()
    events = make().run()
    pending = asyncio.ensure_future(anext(events))
    await asyncio.sleep(0.3 + random.uniform(0, cycle))  # connected and polling, then anywhere in a cycle
    t0 = time.perf_counter()
    await asyncio.to_thread(s3.put_object, Bucket=bucket, Key=key, Body=b"id,score\n1,0.5\n")
    put_s = time.perf_counter() - t0
    deadline = t0 + BOUND_S
    while True:
        try:
            event = await asyncio.wait_for(pending, max(deadline - time.perf_counter(), 0.01))
        except BaseException:
            await events.aclose()
            raise
        if key in keys_of(event.payload, bucket):
            latency = time.perf_counter() - t0
            await settle(events, ctx["sqs"], ctx["queue_url"])
            return latency, put_s, until_deleted(log.sent(TRIGGER, start))
        pending = asyncio.ensure_future(anext(events))  # an earlier event (S3's test event, say)


async def backlog(ctx: dict[str, Any], make: Callable[[], Any]) -> tuple[int, Counter[str]]:
    """Events and the trigger's requests needed to report ``--burst`` objects PUT before the trigger
    starts (a trigger that ends after an event, as the stock one does, is started again, as the
    triggerer would)."""
    s3, bucket, log = ctx["s3"], ctx["bucket"], ctx["log"]
    fresh_queue(ctx)
    wanted = {f"{PREFIX}burst/{i:04}.csv" for i in range(ctx["burst"])}
    for key in sorted(wanted):
        await asyncio.to_thread(s3.put_object, Bucket=bucket, Key=key, Body=b"x")
    seen: set[str] = set()
    count = 0
    deadline = time.perf_counter() + BOUND_S
    start = log.mark()
    events = make().run()
    while seen < wanted:
        try:
            event = await asyncio.wait_for(anext(events), max(deadline - time.perf_counter(), 0.01))
        except StopAsyncIteration:
            events = make().run()
            continue
        count += 1
        seen.update(keys_of(event.payload, bucket))
    await settle(events, ctx["sqs"], ctx["queue_url"])
    return count, until_deleted(log.sent(TRIGGER, start))


def fresh_queue(ctx: dict[str, Any]) -> None:
    """A new queue for the next measurement, the bucket's events sent there (``ctx["queue_url"]``) and
    S3's test event drained: a long poll the previous trigger left on the server when it was stopped may
    still take a message (hidden for the visibility timeout), so no queue is used twice."""
    from airflow_provider_arize.s3.notifications import configure_bucket_notifications

    ctx["queues"] += 1
    queue_url = ctx["sqs"].create_queue(QueueName=f"bench-events-{ctx['queues']}")["QueueUrl"]
    configure_bucket_notifications(
        ctx["s3"], ctx["sqs"], bucket=ctx["bucket"], queue_url=queue_url, prefix=PREFIX
    )
    drain(ctx["sqs"], queue_url)
    ctx["queue_url"] = queue_url


def drain(sqs: Any, queue_url: str) -> None:
    """Receive and delete whatever is in the queue (S3's test event, a previous run's leftovers)."""
    while got := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
        "Messages"
    ):
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=entries)


def measure(
    name: str, settings: str, make: Callable[[], Any], cycle: float, ctx: dict[str, Any], runs: int
) -> dict[str, Any]:
    latencies, puts, per_run = [], [], []
    for i in range(runs):
        fresh_queue(ctx)
        latency, put_s, requests = asyncio.run(one_run(ctx, make, cycle))
        latencies.append(latency)
        puts.append(put_s)
        per_run.append(requests)
        print(
            f"  {name} run {i + 1}: {latency * 1000:.1f} ms, requests {describe(requests)}",
            file=sys.stderr,
            flush=True,
        )
    events, burst_requests = asyncio.run(backlog(ctx, make))
    print(f"  {name} backlog: {events} events, requests {describe(burst_requests)}", file=sys.stderr)
    per_detection = median_counts(per_run)
    return {
        "name": name,
        "settings": settings,
        "latency": median(latencies),
        "min": min(latencies),
        "max": max(latencies),
        "put": median(puts),
        "sqs": describe(per_detection, "sqs"),
        "not_sqs": describe({op: n for op, n in per_detection.items() if not op.startswith("sqs ")}),
        "burst_events": events,
        "burst_requests": describe(burst_requests),
    }


PARSE_SNIPPETS = {
    "`arize_s3_events_asset(...)`": (
        "from airflow_provider_arize.operators.s3_events import arize_s3_events_asset\n"
        "asset = arize_s3_events_asset(bucket='b', prefix='p/', queue_url=QUEUE)\n"
    ),
    '`Asset(watchers=[AssetWatcher(trigger=MessageQueueTrigger(scheme="sqs", ...))])`': (
        "from airflow.sdk import Asset, AssetWatcher\n"
        "from airflow.providers.common.messaging.triggers.msg_queue import MessageQueueTrigger\n"
        "trigger = MessageQueueTrigger(scheme='sqs', sqs_queue=QUEUE)\n"
        "asset = Asset(name='p', uri='x-sqs://b/p', watchers=[AssetWatcher(name='w', trigger=trigger)])\n"
    ),
}
PARSE_SCRIPT = """
import json, sys, time
import airflow.sdk
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/arize-new-files"
before = set(sys.modules)
t0 = time.perf_counter()
exec(compile(sys.argv[1], "<dag>", "exec"))
elapsed = time.perf_counter() - t0
added = set(sys.modules) - before
heavy = sorted({m.split(".")[0] for m in added if m.split(".")[0] in ("boto3", "botocore", "aiobotocore")})
print(json.dumps({"seconds": elapsed, "modules": len(added), "heavy": heavy}))
"""


def parse_cost(samples: int) -> list[list[object]]:
    """Per way of declaring the watched asset: the median time it adds to a DAG file's parse after
    ``import airflow.sdk`` (a fresh interpreter per sample, interleaved), the modules it loads, and which
    AWS libraries among them."""
    import json
    import subprocess

    times: dict[str, list[float]] = {name: [] for name in PARSE_SNIPPETS}
    last: dict[str, dict[str, Any]] = {}
    for _ in range(samples):
        for name, code in PARSE_SNIPPETS.items():
            out = subprocess.run(
                [sys.executable, "-c", PARSE_SCRIPT, code], capture_output=True, text=True, check=True
            ).stdout
            last[name] = json.loads(out.strip().splitlines()[-1])
            times[name].append(last[name]["seconds"])
    return [
        [name, fmt_ms(median(times[name])), last[name]["modules"], ", ".join(last[name]["heavy"]) or "none"]
        for name in PARSE_SNIPPETS
    ]


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--runs", type=int, default=5, help="detections per trigger (default 5)")
    parser.add_argument(
        "--wait-time-seconds",
        type=int,
        default=WAIT_TIME_SECONDS,
        help="long poll of both triggers' receives (1 to 20; default 20)",
    )
    parser.add_argument(
        "--stock-waiter-delay", type=int, default=0, help="waiter_delay of the stock trigger (default 0)"
    )
    parser.add_argument(
        "--stock-defaults", action="store_true", help="also the stock trigger's defaults (slow)"
    )
    parser.add_argument("--burst", type=int, default=50, help="objects in the backlog case (default 50)")
    parser.add_argument(
        "--parse-samples", type=int, default=5, help="fresh interpreters per DAG-parse figure"
    )
    args = parser.parse_args()
    wait, delay = args.wait_time_seconds, args.stock_waiter_delay

    home = Path(tempfile.mkdtemp(prefix="arize-bench-events-"))
    os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "WARNING"  # the triggers log every poll at INFO
    import boto3
    from botocore.config import Config

    from airflow_provider_arize.dag_testing import configure_local_airflow
    from airflow_provider_arize.local_services import FakeS3Server

    configure_local_airflow(home, home)
    random.seed(20260301)
    log = ServerLog()
    with FakeS3Server() as server:
        log.attach(server)
        os.environ.update(server.airflow_connection("aws_default"))
        own = Config(user_agent_extra=BENCH_AGENT)
        s3 = boto3.client("s3", config=own, **server.client_kwargs())
        sqs = boto3.client("sqs", config=own, **server.client_kwargs())
        bucket = "bench-events"
        s3.create_bucket(Bucket=bucket)
        ctx = {
            "s3": s3,
            "sqs": sqs,
            "bucket": bucket,
            "queue_url": "",
            "queues": 0,
            "burst": args.burst,
            "log": log,
        }
        stock_name = '`MessageQueueTrigger(scheme="sqs")` (stock `SqsSensorTrigger`)'
        results = [
            measure(
                "`ArizeS3EventsTrigger`",
                ("its defaults: " if wait == WAIT_TIME_SECONDS else "")
                + f"`wait_time_seconds={wait}` (long poll), `max_messages=100`",
                lambda: arize_trigger(ctx["queue_url"], bucket, wait),
                cycle=wait,
                ctx=ctx,
                runs=args.runs,
            ),
            measure(
                stock_name,
                f"`wait_time_seconds={wait}` (the same long poll), `waiter_delay={delay}`, `max_messages=10`",
                lambda: stock_trigger(ctx["queue_url"], wait, delay),
                cycle=wait + delay,
                ctx=ctx,
                runs=args.runs,
            ),
        ]
        if args.stock_defaults:
            results.append(
                measure(
                    stock_name,
                    f"its defaults, not like for like: `wait_time_seconds={STOCK_DEFAULT_WAIT_TIME}`, "
                    f"`waiter_delay={STOCK_DEFAULT_WAITER_DELAY}`, `max_messages=10`",
                    lambda: stock_trigger(
                        ctx["queue_url"], STOCK_DEFAULT_WAIT_TIME, STOCK_DEFAULT_WAITER_DELAY
                    ),
                    cycle=STOCK_DEFAULT_WAIT_TIME + STOCK_DEFAULT_WAITER_DELAY,
                    ctx=ctx,
                    runs=args.runs,
                )
            )
        whole_run = {sender: Counter(log.sent(sender, 0)) for sender in (TRIGGER, BENCHMARK)}

    listings = sum(n for c in whole_run.values() for op, n in c.items() if op.startswith("s3 List"))
    rows = [
        [
            r["name"],
            r["settings"],
            fmt_ms(r["latency"]),
            f"{fmt_ms(r['min'])} to {fmt_ms(r['max'])}",
            r["sqs"],
            r["not_sqs"],
            r["burst_events"],
            r["burst_requests"],
        ]
        for r in results
    ]
    parse_rows = parse_cost(args.parse_samples)
    cmd_args = [
        f"--runs {args.runs}",
        f"--wait-time-seconds {wait}",
        f"--stock-waiter-delay {delay}",
        f"--burst {args.burst}",
        f"--parse-samples {args.parse_samples}",
    ]
    if args.stock_defaults:
        cmd_args.append("--stock-defaults")
    puts = median([r["put"] for r in results])
    md = "\n\n".join(
        [
            "## Event-driven detection (`bench_s3_events.py`)",
            f"Command: `{command_line('bench_s3_events.py', cmd_args)}`",
            "Local S3 and SQS (moto's server on 127.0.0.1, same process); the bucket sends "
            "`s3:ObjectCreated:*` events under `incoming/` to a standard queue "
            "(`configure_bucket_notifications`). Like for like: both triggers long-poll the queue "
            f"with the same `wait_time_seconds={wait}`; the stock trigger is set up as a careful user would "
            f"(`waiter_delay={delay}`, its sleep after an empty receive; `max_messages=10`, SQS's most "
            "per receive; `num_batches=1`, since each further batch repeats the whole long poll). "
            "Latency: from just before the PUT is sent to the moment the trigger, running in an asyncio loop "
            "as in the triggerer, yields the event carrying the key; the PUT lands at a random point of the "
            f"trigger's receive cycle; median of {args.runs} runs (min to max beside it). The PUT round "
            f"trip is included (median {fmt_ms(puts)}).",
            "Requests are counted at moto's server, whoever sends them (its WSGI application wrapped; the "
            "benchmark's own clients are told apart by their user agent, every other request is the "
            "trigger's). Per detection, median of the runs: the trigger's requests from its start until "
            "the message is deleted (`ArizeS3EventsTrigger` deletes right after handing the event over, "
            "the stock trigger before; a `ReceiveMessage` after the deletion, the next long poll of a "
            "trigger still running when it is stopped, is left out). Backlog: the events and the "
            "trigger's requests to report files PUT before it started (the stock trigger ends after each "
            "event and is started again, as the triggerer does).",
            table(
                [
                    "trigger",
                    "settings",
                    "detection latency (median)",
                    "min to max",
                    "SQS requests per detection (median)",
                    "other requests per detection (S3, ...)",
                    f"events for a backlog of {args.burst} files",
                    "requests for the backlog",
                ],
                rows,
            ),
            "Every request moto's server received in the whole run, by sender: the triggers: "
            f"{describe(whole_run[TRIGGER])}; the benchmark's own clients (setting up queues and "
            f"notifications, PUTs, draining, checking what is in flight): {describe(whole_run[BENCHMARK])}. "
            f"ListObjects requests (any `s3 List*`) from anyone: {listings}.",
            "DAG-parse cost of declaring the watched asset: time added after `import airflow.sdk`, median of "
            f"{args.parse_samples} fresh interpreters (interleaved), the modules it loads, and the AWS "
            "libraries among them. `MessageQueueTrigger`'s module loads every installed queue provider when "
            "imported. Both use an `x-` asset URI (an `s3://` one would also load the Amazon provider's URI "
            "normaliser, boto3 included).",
            table(
                ["declaration", "added parse time (median)", "modules loaded", "AWS libraries loaded"],
                parse_rows,
            ),
            "What carries over to AWS: S3 documents its event notifications as typically delivered in "
            "seconds, sometimes a minute or longer, and an SQS request costs tens of ms. With the same long "
            "poll open, either trigger adds about one round trip to S3's delivery, whatever the prefix "
            "holds. What differs: the stock trigger sleeps `waiter_delay` after each empty receive (a "
            "message arriving then waits for it) and ends after each event, so the triggerer restarts it "
            "(a new trigger and client; not measured here), and it hands over at most `max_messages` (10) "
            "messages an event; `ArizeS3EventsTrigger` keeps one loop running and gathers up to "
            "`max_messages` (100) into one event with zero-wait receives. An idle queue costs "
            "`60 / wait_time_seconds` `ReceiveMessage` requests a minute with ours (3 at 20 s), "
            "`60 / (wait_time_seconds + waiter_delay)` with the stock trigger. Not measured either: the "
            "triggerer's hand-off of the event to the metadata database (its loop runs about once a "
            "second) and the scheduler creating the DAG run.",
        ]
    )
    emit(md, args.output)


if __name__ == "__main__":
    main()
