"""Validation cost versus file size: bytes and requests ``validate_file`` spends on a file in S3, and its
wall time, next to downloading the whole object.

What is measured, per format and size: files of about ``--sizes`` MB (default 10, 100, 1000; the 1 GB
size only for Parquet) with the columns of ``sample_files.PREDICTIONS_SCHEMA`` (string ids, epoch
timestamps, labels, random scores, integer and string features, a tag) are written to a temporary
directory (streamed batch by batch, so memory stays low), uploaded to the local S3 (moto's server,
``FakeS3Server``) with a multipart ``upload_file``, then

* validated with ``validate_file(S3RangeReader(client, bucket, key, size, etag), schema)``, size and
  ETag given as a listing gives them (without them, add one ``HeadObject`` request): the requests and
  bytes the reader counted, and the median wall time of ``--runs`` runs (default 5);
* downloaded whole (``get_object`` and its body read to the end): median of ``--download-runs`` runs
  (default 3).

Formats: Parquet (trailer + footer: 2 ranged GETs whatever the size), Arrow IPC file (trailer, footer,
then one read per record batch header when there are at most 16 batches), Avro (the 64 KiB header read,
then its last 16 bytes: 2 ranged GETs whatever the size; 64 KB blocks here as Java's and fastavro's
writers make by default), CSV (header and one 64 KiB sample). Target: under 1 MiB read and a time that stays
flat across sizes. Temporary files and the objects are deleted afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from _common import MIB, base_parser, command_line, emit, fmt_bytes, fmt_ms, fmt_s, median, table

from airflow_provider_arize.files import MAX_FILE_BYTES, LocalFileReader, S3RangeReader, validate_file
from airflow_provider_arize.local_services import FakeS3Server
from airflow_provider_arize.local_services.avro_writer import length_prefixed, long_bytes
from airflow_provider_arize.local_services.sample_files import PREDICTIONS_SCHEMA

MB = 1_000_000
BATCH_ROWS = 250_000
PARQUET_ROW_GROUP = 1024 * 1024
BUCKET = "bench-validation"
#: Formats written at every requested size; the others only at sizes up to ``SMALL_ONLY_MAX_MB``.
ALL_SIZES_FORMATS = ("parquet",)
SMALL_ONLY_MAX_MB = 100
#: An S3 validation run slower than this is not repeated (Avro's walk on moto: see the README).
SLOW_RUN_S = 10.0


def batches(seed: int, rows: int, chunk: int = BATCH_ROWS) -> Iterator[Any]:
    """``rows`` rows of predictions as pyarrow record batches of ``chunk`` rows (random-ish values)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    labels = pa.array(["no_click", "click"])
    devices = pa.array(["mobile", "desktop", "tablet"])
    campaigns = pa.array([f"c{i}" for i in range(50)])
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        serial = pa.array(np.arange(start, start + n)).cast(pa.string())
        salt = pa.array(rng.integers(0, 2**62, n)).cast(pa.string())
        scores = rng.random(n)
        yield pa.record_batch(
            {
                "prediction_id": pc.binary_join_element_wise("pred", salt, serial, "-"),
                "prediction_ts": pa.array(1_724_112_000 + rng.integers(0, 86_400, n), pa.int64()),
                "predicted_click": pc.take(labels, pa.array((scores > 0.5).astype(np.int8))),
                "click_probability": pa.array(scores, pa.float64()),
                "feature_position": pa.array(rng.integers(0, 10, n), pa.int64()),
                "feature_device": pc.take(devices, pa.array(rng.integers(0, 3, n))),
                "tag_campaign": pc.take(campaigns, pa.array(rng.integers(0, 50, n))),
            }
        )


def rows_for(write: Callable[[Path, int], None], path: Path, target: int) -> int:
    """How many rows make about ``target`` bytes in ``write``'s format (measured on a sample: one row group
    for Parquet, 100 000 rows otherwise)."""
    sample_rows = PARQUET_ROW_GROUP if write is write_parquet else 100_000
    write(path, sample_rows)
    per_row = path.stat().st_size / sample_rows
    path.unlink()
    return max(1, round(target / per_row))


def write_parquet(path: Path, rows: int) -> None:
    """Row groups of up to 1 Mi rows (pyarrow's default maximum), written one at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    try:
        for group in range(0, rows, PARQUET_ROW_GROUP):
            table = pa.Table.from_batches(list(batches(1 + group, min(PARQUET_ROW_GROUP, rows - group))))
            if writer is None:
                writer = pq.ParquetWriter(str(path), table.schema)
            writer.write_table(table, row_group_size=PARQUET_ROW_GROUP)
    finally:
        if writer is not None:
            writer.close()


def write_arrow(path: Path, rows: int) -> None:
    """Record batches of ``BATCH_ROWS`` rows."""
    import pyarrow as pa

    source = batches(2, rows)
    first = next(source)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, first.schema) as writer:
        writer.write_batch(first)
        for batch in source:
            writer.write_batch(batch)


def write_csv(path: Path, rows: int) -> None:
    import pyarrow.csv as pacsv

    source = batches(3, rows)
    first = next(source)
    with pacsv.CSVWriter(str(path), first.schema) as writer:
        writer.write_batch(first)
        for batch in source:
            writer.write_batch(batch)


# -- Avro: a minimal object-container writer (null codec; no Avro library in the environment) ---------


def _string(value: str) -> bytes:
    return length_prefixed(value.encode())


AVRO_BLOCK_BYTES = 64_000  # Java's DataFileWriter sync interval; fastavro's is 16 000
AVRO_TYPES = {
    "prediction_id": "string",
    "prediction_ts": "long",
    "predicted_click": "string",
    "click_probability": "double",
    "feature_position": "long",
    "feature_device": "string",
    "tag_campaign": "string",
}


def write_avro(path: Path, rows: int) -> None:
    """Encode a pool of distinct ~64 KB blocks from the same kind of rows as the other formats and append
    them in turn until ``rows`` rows (a valid file: blocks are independent; the last one is cut short)."""
    schema = {
        "type": "record",
        "name": "Prediction",
        "fields": [{"name": k, "type": v} for k, v in AVRO_TYPES.items()],
    }
    sync = os.urandom(16)
    meta = {"avro.schema": json.dumps(schema).encode(), "avro.codec": b"null"}
    header = b"Obj\x01" + long_bytes(len(meta))
    header += b"".join(_string(k) + long_bytes(len(v)) + v for k, v in meta.items()) + long_bytes(0) + sync
    sample = next(batches(4, 40_000)).to_pylist()
    pool: list[bytes] = []
    block_rows: list[int] = []
    sample_records: list[list[bytes]] = []
    encoded: list[bytes] = []
    size = 0
    for row in sample:
        record = b"".join(
            struct.pack("<d", row[k])
            if t == "double"
            else long_bytes(row[k])
            if t == "long"
            else _string(row[k])
            for k, t in AVRO_TYPES.items()
        )
        encoded.append(record)
        size += len(record)
        if size >= AVRO_BLOCK_BYTES:
            data = b"".join(encoded)
            pool.append(long_bytes(len(encoded)) + long_bytes(len(data)) + data + sync)
            block_rows.append(len(encoded))
            sample_records.append(encoded)
            encoded, size = [], 0
    with path.open("wb") as out:
        out.write(header)
        written = 0
        i = 0
        while written < rows:
            block = pool[i % len(pool)]
            count = min(rows - written, block_rows[i % len(pool)])
            if count < block_rows[i % len(pool)]:
                records = sample_records[i % len(pool)][:count]
                data = b"".join(records)
                block = long_bytes(count) + long_bytes(len(data)) + data + sync
            out.write(block)
            written += count
            i += 1


WRITERS: dict[str, Callable[[Path, int], None]] = {
    "parquet": write_parquet,
    "arrow": write_arrow,
    "avro": write_avro,
    "csv": write_csv,
}
LABELS = {"parquet": "Parquet", "arrow": "Arrow IPC file", "avro": "Avro", "csv": "CSV"}


def measure(client: Any, key: str, path: Path, runs: int, download_runs: int) -> dict[str, Any]:
    """Validate ``key`` in S3 up to ``runs`` times (fewer when one run exceeds ``SLOW_RUN_S``), the same
    file on local disk ``runs`` times, and download the object ``download_runs`` times."""
    head = client.head_object(Bucket=BUCKET, Key=key)
    size, etag = int(head["ContentLength"]), head["ETag"]
    local = []
    for _ in range(runs):
        t0 = time.perf_counter()
        local_report = validate_file(LocalFileReader(path, name=key), PREDICTIONS_SCHEMA)
        local.append(time.perf_counter() - t0)
        if not local_report.ok:
            raise SystemExit(f"validation failed: {local_report.describe()}")
    times = []
    report = None
    for _ in range(runs):
        reader = S3RangeReader(client, BUCKET, key, size=size, etag=etag)
        t0 = time.perf_counter()
        report = validate_file(reader, PREDICTIONS_SCHEMA)
        times.append(time.perf_counter() - t0)
        if not report.ok:
            raise SystemExit(f"validation failed: {report.describe()}")
        if times[-1] > SLOW_RUN_S:
            break
    assert report is not None
    downloads = []
    for _ in range(download_runs):
        t0 = time.perf_counter()
        body = client.get_object(Bucket=BUCKET, Key=key)["Body"]
        got = 0
        while chunk := body.read(8 * MIB):
            got += len(chunk)
        body.close()
        downloads.append(time.perf_counter() - t0)
        if got != size:
            raise SystemExit(f"download of {key} returned {got} of {size} bytes")
    return {
        "size": size,
        "rows": report.row_count,
        "requests": report.requests,
        "bytes_read": report.bytes_read,
        "validate_s": median(times),
        "s3_runs": len(times),
        "local_s": median(local),
        "download_s": median(downloads),
    }


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument(
        "--sizes", default="10,100,1000", help="sizes in MB, comma-separated (default 10,100,1000)"
    )
    parser.add_argument("--runs", type=int, default=5, help="validation runs per file (default 5)")
    parser.add_argument("--download-runs", type=int, default=3, help="full downloads per file (default 3)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the temporary directory is removed

    from boto3.s3.transfer import TransferConfig

    transfer = TransferConfig(multipart_threshold=64 * MIB, multipart_chunksize=64 * MIB, max_concurrency=2)
    results: list[tuple[str, int, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="arize-bench-") as tmp, FakeS3Server() as s3:
        client = s3.client()
        client.create_bucket(Bucket=BUCKET)
        for fmt in WRITERS:
            for mb in sizes:
                if fmt not in ALL_SIZES_FORMATS and mb > SMALL_ONLY_MAX_MB:
                    continue
                path = Path(tmp) / f"predictions-{mb}mb.{fmt}"
                t0 = time.perf_counter()
                # stay under Arize's 1 GB limit, else validation reports the size alone
                target = min(mb * MB, int(MAX_FILE_BYTES * 0.97))
                WRITERS[fmt](path, rows_for(WRITERS[fmt], path, target))
                t1 = time.perf_counter()
                client.upload_file(str(path), BUCKET, path.name, Config=transfer)
                t2 = time.perf_counter()
                print(
                    f"{path.name}: written in {t1 - t0:.1f} s, uploaded in {t2 - t1:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
                results.append((fmt, mb, measure(client, path.name, path, args.runs, args.download_runs)))
                path.unlink()
                client.delete_object(Bucket=BUCKET, Key=path.name)
                print(f"  {results[-1][2]}", file=sys.stderr, flush=True)

    rows = []
    for fmt, _mb, r in results:
        rows.append(
            [
                LABELS[fmt],
                fmt_bytes(r["size"]),
                r["rows"] if r["rows"] is not None else "not counted",
                r["requests"],
                fmt_bytes(r["bytes_read"]),
                fmt_ms(r["validate_s"]) + ("" if r["s3_runs"] == args.runs else f" ({r['s3_runs']} run)"),
                fmt_ms(r["local_s"]),
                fmt_s(r["download_s"]),
                f"{r['size'] / r['bytes_read']:,.0f}x",
                f"{r['download_s'] / r['validate_s']:,.1f}x",
            ]
        )
    worst = max(r["bytes_read"] for _, _, r in results)
    cmd_args = [f"--sizes {args.sizes}", f"--runs {args.runs}", f"--download-runs {args.download_runs}"]
    md = "\n\n".join(
        [
            "## Validation bytes and time versus size (`bench_validation_bytes.py`)",
            f"Command: `{command_line('bench_validation_bytes.py', cmd_args)}`",
            "Local S3 (moto's server on 127.0.0.1, same process). `validate_file(S3RangeReader(...))` with "
            "the object's size and ETag known (as from a listing; otherwise one more `HeadObject` request); "
            f"validation time on S3 is the median of {args.runs} runs (a run over {SLOW_RUN_S:.0f} s is not "
            "repeated: the number of runs is then shown), the same file validated from local disk "
            f"(`LocalFileReader`) the median of {args.runs}, the full download (`get_object`, body read to "
            f"the end) the median of {args.download_runs}. Ratios: object size / bytes read, and download "
            "time / S3 validation time.",
            "Caveat: moto reads and copies the whole object on every GET, ranged or not, so on this local "
            "S3 each request costs time proportional to the object's size: the S3 validation time grows "
            "with size here although the bytes requested do not. The local-file column is the library's "
            "own cost; against real S3 a ranged GET costs its latency (tens of ms) whatever the size.",
            table(
                [
                    "format",
                    "size",
                    "rows found",
                    "requests",
                    "bytes read",
                    "validate on S3 (median)",
                    "validate local file (median)",
                    "download whole (median)",
                    "bytes ratio",
                    "time ratio",
                ],
                rows,
            ),
            "The 1000 MB size is made about 3 % under Arize's 1 GB limit (`MAX_FILE_BYTES`), since a "
            "larger file is rejected from its size alone without reading it.",
            f"Most bytes read by one validation: {fmt_bytes(worst)} "
            f"(target under 1 MiB: {'met' if worst < MIB else 'MISSED'}).",
            "What each format allows: **Parquet** reads the 8-byte trailer then the footer (2 ranged GETs "
            "at any size; the footer grows only with the number of row groups, of up to 1 Mi rows here). "
            "**Arrow IPC file** reads the trailer, the footer, then each record batch's header (one GET "
            "per batch, 250 000 rows each here) when there are at most 16 batches; with more, the row "
            'count is left unknown ("not counted") and no batch header is read, so at most 18 GETs at any '
            "size. **Avro** has no footer and no index: the header (first 64 KiB read) gives the columns, "
            "the blocks inside that first read are walked (rows counted when the whole file is there), "
            "and for a larger file one 16-byte GET checks that it ends with its sync marker (a truncated "
            'file does not); rows are then "not counted" (`count_rows` walks every block on request). '
            "**CSV** has no index either: its header and column types come from one 64 KiB sample, and "
            "rows are not counted.",
        ]
    )
    emit(md, args.output)


if __name__ == "__main__":
    main()
