"""Validation reads a small, size-independent number of bytes: Parquet and Arrow IPC footers, Avro block
headers, a CSV sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from airflow_provider_arize.files import BytesReader, FileReport, LocalFileReader, count_rows, validate_file

from .builders import avro_bytes

MIB = 1024 * 1024
SCHEMA = {
    "predictionId": "prediction_id",
    "timestamp": "ts",
    "predictionScore": "score",
    "features": "feature_",
}


def _table(rows: int) -> pa.Table:
    rng = np.random.default_rng(rows)
    return pa.table(
        {
            "prediction_id": np.arange(rows, dtype=np.int64),
            "ts": np.full(rows, 1_724_115_600, dtype=np.int64) + np.arange(rows) % 3600,
            "score": rng.random(rows),
            "feature_a": rng.random(rows),
            "feature_b": rng.random(rows),
        }
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small and a large (about 40 MB) Parquet and Arrow IPC file with the same schema."""
    root = tmp_path_factory.mktemp("budget")
    out = {}
    for label, rows in (("small", 1_000), ("large", 1_100_000)):
        table = _table(rows)
        path = root / f"{label}.parquet"
        pq.write_table(table, path, row_group_size=250_000, compression="none", use_dictionary=False)
        out[f"{label}.parquet"] = path
        path = root / f"{label}.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            for batch in table.to_batches(max_chunksize=250_000):
                writer.write_batch(batch)
        out[f"{label}.arrow"] = path
    return out


def _validate(path: Path) -> FileReport:
    report = validate_file(LocalFileReader(path), SCHEMA)
    assert report.ok, report.describe()
    return report


@pytest.mark.parametrize("suffix", [".parquet", ".arrow"])
def test_large_files_cost_what_small_ones_do(files: dict[str, Path], suffix: str) -> None:
    small, large = _validate(files[f"small{suffix}"]), _validate(files[f"large{suffix}"])
    assert large.size is not None and large.size > 35 * MIB
    assert (small.row_count, large.row_count) == (1_000, 1_100_000)
    assert large.bytes_read < 1 * MIB and small.bytes_read < 1 * MIB
    assert abs(large.bytes_read - small.bytes_read) < 8 * 1024  # a few more row-group/batch entries
    assert large.bytes_read < large.size / 5000


def test_parquet_reads_the_trailer_then_the_footer(files: dict[str, Path]) -> None:
    path = files["large.parquet"]
    footer_len = pq.read_metadata(path).serialized_size
    report = _validate(path)
    assert report.requests == 2
    assert report.bytes_read == 8 + footer_len


def test_arrow_file_reads_footer_and_batch_headers(files: dict[str, Path]) -> None:
    report = _validate(files["large.arrow"])
    assert report.requests == 2 + 5  # trailer, footer, 5 record batch headers (250k rows each)


def test_avro_reads_block_headers_only() -> None:
    table = (
        _table(20_000)
        .select(["prediction_id", "ts", "score"])
        .set_column(0, "prediction_id", pa.array([f"p{i}" for i in range(20_000)]))
    )
    data = avro_bytes(table, block_rows=500)  # 40 blocks of about 15 KiB
    reader = BytesReader(data, "x.avro")
    report = validate_file(reader, {"predictionId": "prediction_id", "predictionScore": "score"})
    assert report.ok and report.row_count == 20_000
    first_read = 64 * 1024
    blocks_beyond = 40 - first_read // (len(data) // 40)
    assert report.requests <= 1 + blocks_beyond
    assert report.bytes_read <= first_read + 36 * blocks_beyond


def test_avro_walk_is_capped_at_1024_blocks() -> None:
    table = pa.table({"prediction_id": [f"p{i}" for i in range(3000)], "score": [0.5] * 3000})
    data = avro_bytes(table, block_rows=1)  # 3000 one-row blocks
    reader = BytesReader(data, "x.avro")
    report = validate_file(reader, {"predictionId": "prediction_id", "predictionScore": "score"})
    assert report.ok and report.row_count is None  # more blocks than the walk reads
    assert report.bytes_read < 64 * 1024 + 36 * 1024
    assert count_rows(BytesReader(data, "x.avro")) == 3000


def test_csv_reads_one_64_kib_sample() -> None:
    data = b"prediction_id,score\n" + b"".join(b"p%d,0.%d\n" % (i, i) for i in range(400_000))
    reader = BytesReader(data, "x.csv")
    report = validate_file(reader, {"predictionId": "prediction_id", "predictionScore": "score"})
    assert report.ok
    assert (report.bytes_read, report.requests) == (64 * 1024, 1)
