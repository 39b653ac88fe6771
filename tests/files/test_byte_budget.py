"""Validation reads a small, size-independent number of bytes: Parquet and Arrow IPC footers (and up to
16 record batch headers), the Avro header and last 16 bytes, a CSV sample."""

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


def _avro(rows: int, block_rows: int) -> bytes:
    table = pa.table({"prediction_id": [f"p{i}" for i in range(rows)], "score": [0.5] * rows})
    return avro_bytes(table, block_rows=block_rows)


AVRO_SCHEMA = {"predictionId": "prediction_id", "predictionScore": "score"}


@pytest.mark.parametrize(("rows", "block_rows"), [(20_000, 500), (60_000, 1), (200_000, 100)])
def test_avro_reads_its_header_and_its_last_16_bytes_at_any_size(rows: int, block_rows: int) -> None:
    data = _avro(rows, block_rows)
    assert len(data) > 4 * 64 * 1024
    report = validate_file(BytesReader(data, "x.avro"), AVRO_SCHEMA)
    assert report.ok, report.describe()
    assert report.row_count is None  # blocks beyond the first read are not walked
    assert (report.requests, report.bytes_read) == (2, 64 * 1024 + 16)
    assert count_rows(BytesReader(data, "x.avro")) == rows  # the exact walk, on request


def test_small_avro_is_counted_from_the_first_read() -> None:
    data = _avro(2_000, 100)
    assert len(data) < 64 * 1024
    report = validate_file(BytesReader(data, "x.avro"), AVRO_SCHEMA)
    assert report.ok and report.row_count == 2_000
    assert (report.requests, report.bytes_read) == (1, len(data))


def test_avro_truncated_past_the_first_read_is_named() -> None:
    data = _avro(20_000, 500)
    report = validate_file(BytesReader(data[: len(data) - 7], "cut.avro"), AVRO_SCHEMA)
    assert not report.ok
    assert "Avro file is truncated or corrupt: it does not end with its sync marker" in report.problems_text()
    assert report.requests == 2


def test_arrow_file_with_many_batches_reads_no_batch_header(tmp_path: Path) -> None:
    table = _table(34_000)
    path = tmp_path / "many.arrow"
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=2_000):  # 17 batches: one over the cap
            writer.write_batch(batch)
    report = _validate(path)
    assert report.row_count is None and report.requests == 2
    assert count_rows(LocalFileReader(path)) == 34_000


def test_csv_reads_one_64_kib_sample() -> None:
    data = b"prediction_id,score\n" + b"".join(b"p%d,0.%d\n" % (i, i) for i in range(400_000))
    reader = BytesReader(data, "x.csv")
    report = validate_file(reader, {"predictionId": "prediction_id", "predictionScore": "score"})
    assert report.ok
    assert (report.bytes_read, report.requests) == (64 * 1024, 1)
