"""Corrupt, truncated, empty, oversized and misnamed files give a report naming the file and the reason;
nothing escapes validate_file."""

from __future__ import annotations

import random

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.files import (
    BytesReader,
    FileReport,
    FileValidationError,
    LocalFileReader,
    detect_format,
    inspect_file,
    validate_file,
)

from .builders import BUILDERS, SCHEMA, avro_bytes, good_table, parquet_bytes

SUFFIXES = [".csv", ".parquet", ".avro", ".arrow"]


def _only_problem(report: FileReport) -> str:
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    problem = report.problems[0]
    assert problem.column is None and problem.role == "file"
    return problem.reason


def test_detect_format_by_suffix_case_insensitive() -> None:
    assert detect_format("a/b.CSV") == "csv"
    assert detect_format("x.Parquet") == detect_format("x.pq") == "parquet"
    assert detect_format("x.avro") == "avro"
    assert {detect_format(f"x{s}") for s in (".arrow", ".FEATHER", ".ipc")} == {"arrow"}
    with pytest.raises(FileValidationError) as info:
        detect_format("bucket/preds.json")
    assert isinstance(info.value, ArizeConfigError)
    assert "bucket/preds.json" in str(info.value) and ".parquet" in str(info.value)


def test_unknown_suffix_reads_nothing() -> None:
    reader = BytesReader(parquet_bytes(good_table(3)), "preds/2024.json")
    report = validate_file(reader, SCHEMA)
    reason = _only_problem(report)
    assert "unknown file type" in reason and ".csv" in reason and ".feather" in reason
    assert report.describe().startswith("preds/2024.json: unknown file type")
    assert report.format is None and report.bytes_read == 0 and report.requests == 0


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_empty_file(suffix: str) -> None:
    report = validate_file(BytesReader(b"", f"empty{suffix}"), SCHEMA)
    assert _only_problem(report) == "file is empty (0 bytes)"
    assert report.describe() == f"empty{suffix}: file is empty (0 bytes)"


def test_over_the_size_limit_is_found_without_reading() -> None:
    reader = BytesReader(b"x" * 2048, "big.parquet")
    report = validate_file(reader, SCHEMA, max_bytes=1024)
    assert _only_problem(report) == (
        "file is 2048 bytes, over Arize's 1 GB file limit (this check's limit is 1024 bytes)"
    )
    assert report.bytes_read == 0 and report.requests == 0 and report.size == 2048


class _HugeReader(BytesReader):
    """Claims to be 2 GB; any read fails the test."""

    def __init__(self, name: str) -> None:
        super().__init__(b"", name)
        self.size = 2_000_000_000

    def read(self, offset: int, length: int) -> bytes:
        raise AssertionError("an oversized file must not be read")


def test_default_limit_is_arizes_1_gb() -> None:
    report = validate_file(_HugeReader("s3://b/huge.csv"), SCHEMA)
    assert _only_problem(report) == "file is 2000000000 bytes, over Arize's 1 GB file limit"


@pytest.mark.parametrize(
    ("builder", "name", "expected"),
    [
        ("parquet", "x.csv", "not a CSV text file: it looks like Parquet"),
        ("avro", "x.csv", "not a CSV text file: it looks like Avro"),
        ("arrow-file", "x.csv", "not a CSV text file: it looks like Arrow IPC file"),
        (
            "csv",
            "x.parquet",
            "not a valid Parquet file: no PAR1 magic at the end (truncated, or another format); its content looks like text",
        ),
        ("avro", "x.parquet", "its content looks like Avro"),
        (
            "parquet",
            "x.avro",
            "not a valid Avro file: no Obj\\x01 magic at the start; its content looks like Parquet",
        ),
        (
            "parquet",
            "x.arrow",
            "not a valid Arrow IPC file or stream: no schema message at the start; its content looks like Parquet",
        ),
        ("csv", "x.feather", "its content looks like text"),
    ],
)
def test_wrongly_suffixed_files(builder: str, name: str, expected: str) -> None:
    data = BUILDERS[builder][1](good_table(20))
    report = validate_file(BytesReader(data, name), SCHEMA)
    reason = _only_problem(report)
    assert expected in reason
    assert report.describe().startswith(f"{name}: ")


@pytest.mark.parametrize(
    ("builder", "expected"),
    [
        ("parquet", "no PAR1 magic at the end"),
        ("avro", "Avro file is truncated"),
        ("arrow-file", "Arrow IPC file is truncated: no ARROW1 magic at the end"),
    ],
)
def test_truncated_files(builder: str, expected: str) -> None:
    suffix, build = BUILDERS[builder]
    data = build(good_table(300))
    report = validate_file(BytesReader(data[: len(data) - 7], f"cut{suffix}"), SCHEMA)
    assert expected in _only_problem(report)


def test_corrupt_parquet_footer() -> None:
    data = bytearray(parquet_bytes(good_table(30)))
    footer_len = int.from_bytes(data[-8:-4], "little")
    start = len(data) - 8 - footer_len
    data[start : start + 40] = b"\xff" * 40
    reason = _only_problem(validate_file(BytesReader(bytes(data), "bad.parquet"), SCHEMA))
    assert reason.startswith("corrupt Parquet footer")


def test_corrupt_avro_sync_marker() -> None:
    data = bytearray(avro_bytes(good_table(300), 100))
    data[-3] ^= 0xFF  # inside the last block's sync marker
    reason = _only_problem(validate_file(BytesReader(bytes(data), "bad.avro"), SCHEMA))
    assert "sync marker mismatch" in reason


def test_csv_problems() -> None:
    cases = {
        b"\n\n": "CSV file has no header line",
        b"a,b\n1,2,3\n4,5\n": "line 2 has 3 fields, the header has 2",
        b"a,a\n1,2\n": "CSV header repeats column(s) 'a'",
        b"a,b\n" + b"x,1\n" * 200 + b"\xff\xfe,1\n": "not a UTF-8 CSV file: invalid byte at offset 804",
        b"a,b\n\xff\xfe,1\n": "not a CSV text file: it holds binary data",
        b"\x00\x01\x02garbage": "not a CSV text file: it holds binary data",
    }
    for data, expected in cases.items():
        assert expected in _only_problem(validate_file(BytesReader(data, "x.csv"), SCHEMA)), data


def test_feather_v1_is_refused() -> None:
    reason = _only_problem(validate_file(BytesReader(b"FEA1" + b"\0" * 40 + b"FEA1", "old.feather"), SCHEMA))
    assert "Feather v1" in reason


@pytest.mark.parametrize("fmt", list(BUILDERS))
def test_no_cut_or_bit_flip_escapes(fmt: str) -> None:
    """Truncations at many points and random byte flips never raise out of validate_file."""
    suffix, build = BUILDERS[fmt]
    data = build(good_table(200))
    rng = random.Random(fmt)
    variants = [data[:cut] for cut in sorted({1, 3, 7, 8, 11, 12, 17, 40, len(data) // 2, len(data) - 1})]
    for _ in range(60):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        variants.append(bytes(flipped))
    for variant in variants:
        report = validate_file(BytesReader(variant, f"fuzz{suffix}"), SCHEMA)
        assert report.ok or all(p.describe() for p in report.problems)


def test_missing_local_file_is_a_read_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "preds.parquet"
    path.write_bytes(parquet_bytes(good_table(5)))
    reader = LocalFileReader(path)
    path.unlink()
    report = validate_file(reader, SCHEMA)
    assert [p.role for p in report.problems] == ["read"] and report.unreadable
    assert "cannot read" in report.problems[0].reason


def test_inspect_file_raises_for_callers_who_want_exceptions() -> None:
    with pytest.raises(FileValidationError, match="no PAR1 magic"):
        inspect_file(BytesReader(b"hello world, not parquet", "x.parquet"))
