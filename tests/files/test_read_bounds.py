"""The read bounds the README names, at their edges: a Parquet footer declared one byte over 64 MiB is
refused without being read; a CSV header line or an Avro header over 1 MiB is refused after reading at
most 1 MiB (and a header just within the bound is read)."""

from __future__ import annotations

import struct

from airflow_provider_arize.files import BytesReader, validate_file
from airflow_provider_arize.files.avro import MAX_HEADER_BYTES as AVRO_MAX
from airflow_provider_arize.files.csv_sample import MAX_HEADER_BYTES as CSV_MAX
from airflow_provider_arize.files.parquet import MAX_FOOTER_BYTES
from airflow_provider_arize.local_services.avro_writer import length_prefixed, long_bytes

from .builders import SCHEMA, avro_bytes, good_table


class _Sparse(BytesReader):
    """A file of ``size`` bytes of which only the last ``tail`` are real; counts what is read."""

    def __init__(self, size: int, tail: bytes, name: str) -> None:
        super().__init__(b"", name)
        self.size, self.tail, self.read_bytes = size, tail, 0

    def read(self, offset: int, length: int) -> bytes:
        start = self.size - len(self.tail)
        assert offset >= start, f"read at {offset}, before the trailer at {start}"
        self.read_bytes += length
        return self.tail[offset - start : offset - start + length]


def test_a_parquet_footer_over_64_mib_is_refused_unread() -> None:
    for footer, refused in ((MAX_FOOTER_BYTES + 1, True), (MAX_FOOTER_BYTES, False)):
        reader = _Sparse(500_000_000, struct.pack("<I", footer) + b"PAR1", "big.parquet")
        report = validate_file(reader, SCHEMA)
        said = " ".join(p.reason for p in report.problems)
        assert ("over the 67108864-byte limit" in said) is refused, said
        if refused:
            assert reader.read_bytes <= 16  # the trailer, nothing of the footer


def test_a_csv_header_line_over_1_mib_is_refused_after_reading_at_most_1_mib() -> None:
    long_name = "c" * (CSV_MAX + 1)
    reader = BytesReader(f"{long_name},x\n1,2\n".encode(), "wide.csv")
    report = validate_file(reader, SCHEMA)
    assert any(f"longer than {CSV_MAX} bytes" in p.reason for p in report.problems), report.problems
    assert report.bytes_read <= CSV_MAX
    within = BytesReader(("c" * (CSV_MAX - 100) + ",x\n1,2\n").encode(), "wide.csv")
    assert not any("longer than" in p.reason for p in validate_file(within, SCHEMA).problems)


def test_an_avro_header_over_1_mib_is_refused() -> None:
    good = avro_bytes(good_table(3))
    meta = b"x" * (AVRO_MAX + 10)  # an oversized metadata value after the magic
    bloated = good[:4] + long_bytes(1) + length_prefixed(b"pad") + length_prefixed(meta) + good[4:]
    report = validate_file(BytesReader(bloated, "big.avro"), SCHEMA)
    assert any("over the" in p.reason and str(AVRO_MAX) in p.reason for p in report.problems), report.problems
    assert report.bytes_read <= AVRO_MAX + 16
