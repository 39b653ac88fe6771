"""The Avro reader (files/avro.py) against fastavro: files fastavro writes with the null, deflate and snappy
codecs, read by both on the same bytes.

The package's reader maps the header's schema to column types and walks the block headers without
decoding a block; fastavro decodes every record. They must agree on the columns (names and order), on
each column's type (every value fastavro decodes is of the kind the reader reports), on the row count,
and on which truncated or re-synced files are broken. The validation path runs end to end on fastavro
files: ``validate_file`` over ranged reads of moto's S3, and ``ArizeValidateFilesOperator``.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from decimal import Decimal
from typing import Any

import fastavro
import pytest

from airflow_provider_arize.files import (
    BytesReader,
    ColumnType,
    FileLayout,
    FileValidationError,
    S3RangeReader,
    count_rows,
    inspect_file,
    validate_file,
)
from airflow_provider_arize.files.avro import FIRST_READ_BYTES
from airflow_provider_arize.local_services.avro_writer import write_avro

from .builders import avro_schema, fastavro_bytes, good_table

CODECS = ["null", "deflate", "snappy"]

#: every kind of column the reader maps: primitives, nullable unions (null first and last), the logical
#: types fastavro decodes, enums and fixed types referred to by short and full names, arrays, maps,
#: nested records and a union of two types.
WIDE: dict[str, Any] = {
    "type": "record",
    "name": "Inference",
    "namespace": "org.example.models",
    "fields": [
        {"name": "prediction_id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "ts_ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "ts_us", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]},
        {"name": "local_ts", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "day", "type": ["null", {"type": "int", "logicalType": "date"}]},
        {"name": "t_ms", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "t_us", "type": {"type": "long", "logicalType": "time-micros"}},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
        {
            "name": "fixed_amount",
            "type": [
                "null",
                {
                    "type": "fixed",
                    "name": "Money",
                    "size": 8,
                    "logicalType": "decimal",
                    "precision": 12,
                    "scale": 3,
                },
            ],
        },
        {"name": "flag", "type": "boolean"},
        {"name": "count", "type": "int"},
        {"name": "big", "type": ["null", "long"]},
        {"name": "score", "type": "float"},
        {"name": "prob", "type": ["null", "double"]},
        {"name": "label", "type": ["string", "null"]},
        {"name": "blob", "type": ["null", "bytes"]},
        {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
        {"name": "color_again", "type": ["null", "Color"]},
        {"name": "color_full", "type": ["null", "org.example.models.Color"]},
        {
            "name": "digest",
            "type": {"type": "fixed", "name": "Digest", "namespace": "org.example.hash", "size": 4},
        },
        {"name": "digest_again", "type": ["null", "org.example.hash.Digest"]},
        {"name": "embedding", "type": {"type": "array", "items": "float"}},
        {"name": "tokens", "type": ["null", {"type": "array", "items": ["null", "string"]}]},
        {"name": "boxes", "type": {"type": "array", "items": {"type": "array", "items": "double"}}},
        {"name": "class_scores", "type": {"type": "map", "values": "double"}},
        {"name": "attrs", "type": ["null", {"type": "map", "values": ["null", "string"]}]},
        {
            "name": "point",
            "type": {
                "type": "record",
                "name": "Point",
                "fields": [{"name": "x", "type": "double"}, {"name": "y", "type": ["null", "double"]}],
            },
        },
        {"name": "path", "type": {"type": "array", "items": "Point"}},
        {"name": "either", "type": ["null", "long", "string"]},
    ],
}

WIDE_KINDS = {
    "prediction_id": "string", "ts_ms": "timestamp", "ts_us": "timestamp", "local_ts": "timestamp",
    "day": "date", "t_ms": "time", "t_us": "time", "amount": "decimal", "fixed_amount": "decimal",
    "flag": "boolean", "count": "integer", "big": "integer", "score": "float", "prob": "float",
    "label": "string", "blob": "binary", "color": "string", "color_again": "string", "color_full": "string",
    "digest": "binary", "digest_again": "binary", "embedding": "list<float>", "tokens": "list<string>",
    "boxes": "list<list<float>>", "class_scores": "map<string, float>", "attrs": "map<string, string>",
    "point": "struct<x: float, y: float>", "path": "list<struct<x: float, y: float>>",
    "either": '["null", "long", "string"]',
}  # fmt: skip


def wide_records(rows: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    utc = dt.UTC

    def maybe(value: Any) -> Any:
        return None if rng.random() < 0.2 else value

    def point() -> dict[str, Any]:
        return {"x": rng.uniform(-1, 1), "y": maybe(rng.uniform(-1, 1))}

    base = dt.datetime(2024, 8, 20, tzinfo=utc)
    records = []
    for i in range(rows):
        ts = base + dt.timedelta(milliseconds=rng.randrange(10**9))
        records.append(
            {
                "prediction_id": str(uuid.UUID(int=rng.getrandbits(128))),
                "ts_ms": ts,
                "ts_us": maybe(ts + dt.timedelta(microseconds=rng.randrange(1000))),
                "local_ts": ts.replace(tzinfo=None),
                "day": maybe(ts.date()),
                "t_ms": dt.time(
                    rng.randrange(24), rng.randrange(60), rng.randrange(60), 1000 * rng.randrange(1000)
                ),
                "t_us": dt.time(
                    rng.randrange(24), rng.randrange(60), rng.randrange(60), rng.randrange(10**6)
                ),
                "amount": Decimal(rng.randrange(-(10**9), 10**9)).scaleb(-2),
                "fixed_amount": maybe(Decimal(rng.randrange(10**11)).scaleb(-3)),
                "flag": rng.random() < 0.5,
                "count": rng.randrange(-(2**31), 2**31),
                "big": maybe(rng.randrange(-(2**63), 2**63)),
                "score": rng.random(),
                "prob": maybe(rng.random()),
                "label": maybe(rng.choice(["yes", "no", "ünïcode"])),
                "blob": maybe(rng.randbytes(rng.randrange(20))),
                "color": rng.choice(["RED", "GREEN", "BLUE"]),
                "color_again": maybe("GREEN"),
                "color_full": maybe("BLUE"),
                "digest": rng.randbytes(4),
                "digest_again": maybe(rng.randbytes(4)),
                "embedding": [rng.random() for _ in range(rng.randrange(8))],
                "tokens": maybe([maybe(f"tok{rng.randrange(99)}") for _ in range(rng.randrange(5))]),
                "boxes": [[rng.random() for _ in range(4)] for _ in range(rng.randrange(3))],
                "class_scores": {c: rng.random() for c in rng.sample(["a", "b", "c", "d"], rng.randrange(4))},
                "attrs": maybe({f"k{j}": maybe(f"v{j}") for j in range(rng.randrange(3))}),
                "point": point(),
                "path": [point() for _ in range(rng.randrange(3))],
                "either": rng.choice([None, i, f"s{i}"]),
            }
        )
    return records


def fastavro_file(
    schema: dict[str, Any], records: list[dict[str, Any]], codec: str = "null", sync_interval: int = 512
) -> bytes:
    """fastavro's own writer with its own block sizing: a new block each ``sync_interval`` bytes."""
    sink = io.BytesIO()
    fastavro.writer(sink, schema, records, codec=codec, sync_interval=sync_interval)
    return sink.getvalue()


def blocks(data: bytes) -> list[Any]:
    return list(fastavro.block_reader(io.BytesIO(data)))


# --- the cross-check ---------------------------------------------------------------------------------
_PYTHON_TYPES: dict[str, Any] = {
    "integer": int, "float": float, "decimal": Decimal, "boolean": bool, "string": (str, uuid.UUID),
    "binary": bytes, "timestamp": dt.datetime, "time": dt.time, "null": type(None),
}  # fmt: skip


def agrees(column: ColumnType, value: Any) -> bool:
    """``value`` (as fastavro decodes it) is of the kind the package's reader reports for its column."""
    kind = column.kind
    if value is None or kind == "other":
        return True
    if kind == "list":
        assert column.item is not None
        return isinstance(value, list) and all(agrees(column.item, v) for v in value)
    if kind == "map":
        assert column.item is not None
        return isinstance(value, dict) and all(
            isinstance(k, str) and agrees(column.item, v) for k, v in value.items()
        )
    if kind == "struct":
        if not column.fields:  # a recursive reference: a struct whose fields are not expanded again
            return isinstance(value, dict)
        names = [name for name, _ in column.fields]
        return (
            isinstance(value, dict)
            and list(value) == names
            and all(agrees(t, value[name]) for name, t in column.fields)
        )
    if kind == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind in ("integer", "float") and isinstance(value, bool):
        return False
    return isinstance(value, _PYTHON_TYPES[kind])


def cross_check(data: bytes, name: str = "x.avro") -> FileLayout:
    """The package's reader and fastavro agree on ``data``: columns, types, row count. Returns the layout."""
    avro = fastavro.reader(io.BytesIO(data))
    records = list(avro)
    field_names = [f["name"] for f in avro.writer_schema["fields"]]
    layout = inspect_file(BytesReader(data, name))
    assert list(layout.columns) == field_names
    for i, record in enumerate(records):
        assert list(record) == field_names
        for column, value in record.items():
            assert agrees(layout.columns[column], value), (i, column, str(layout.columns[column]), value)
    assert count_rows(BytesReader(data, name)) == len(records) == sum(b.num_records for b in blocks(data))
    if len(data) <= FIRST_READ_BYTES:  # the whole file is in the first read: counted without a request more
        assert layout.row_count == len(records)
    return layout


def hand_rows(data: bytes) -> int | None:
    try:
        return count_rows(BytesReader(data, "x.avro"))
    except FileValidationError:
        return None


def fastavro_rows(data: bytes) -> int | None:
    try:
        return len(list(fastavro.reader(io.BytesIO(data))))
    except Exception:  # EOFError, "expected sync marker not found", a codec's error
        return None


# --- valid files -------------------------------------------------------------------------------------
@pytest.mark.parametrize("codec", CODECS)
def test_every_kind_of_column_agrees_with_fastavro(codec: str) -> None:
    data = fastavro_file(WIDE, wide_records(120), codec)
    assert fastavro.reader(io.BytesIO(data)).codec == codec
    assert len(blocks(data)) > 10  # several blocks (a 512-byte sync interval)
    layout = cross_check(data)
    assert {name: str(t) for name, t in layout.columns.items()} == WIDE_KINDS
    assert layout.row_count == 120


@pytest.mark.parametrize("codec", CODECS)
def test_a_wide_fastavro_file_validates(codec: str) -> None:
    data = fastavro_file(WIDE, wide_records(60), codec)
    schema = {
        "predictionId": "prediction_id",
        "timestamp": "ts_ms",
        "predictionScores": "class_scores",
        "actualScores": "class_scores",
        "featuresList": ["count", "big", "score", "label", "flag", "tokens"],
        "tagsList": ["color", "color_again"],
        "embeddingFeatures": [{"featureName": "e", "vectorCol": "embedding"}],
    }
    report = validate_file(BytesReader(data, "wide.avro"), schema, "multi_class")
    assert report.ok, report.describe()
    assert report.row_count == 60 and report.requests == 1
    bad = validate_file(BytesReader(data, "wide.avro"), {**schema, "timestamp": "label"}, "multi_class")
    assert [(p.column, p.role) for p in bad.problems] == [("label", "timestamp")]
    assert bad.problems[0].reason.startswith("is string, Arize needs")


@pytest.mark.parametrize("codec", CODECS)
def test_block_walk_counts_what_fastavro_counts_at_every_block_size(codec: str) -> None:
    table = good_table(257)
    for block_rows in (1, 2, 7, 100, 256, 257, 1000):
        data = fastavro_bytes(avro_schema(table), table.to_pylist(), block_rows, codec)
        assert [b.num_records for b in blocks(data)] == [block_rows] * (257 // block_rows) + (
            [257 % block_rows] if 257 % block_rows else []
        )
        assert cross_check(data).row_count == 257


@pytest.mark.parametrize("codec", CODECS)
def test_an_empty_fastavro_file_has_its_columns_and_no_rows(codec: str) -> None:
    data = fastavro_file(WIDE, [], codec)
    assert blocks(data) == []
    layout = cross_check(data)
    assert layout.row_count == 0 and list(layout.columns) == list(WIDE_KINDS)


@pytest.mark.parametrize("codec", CODECS)
def test_large_files_read_a_bounded_amount_and_count_exactly(codec: str) -> None:
    """Past the first 64 KiB the cheap check reads only the last 16 bytes; the exact walk counts all."""
    rng = random.Random(codec)
    schema = {"type": "record", "name": "R", "fields": [
        {"name": "prediction_id", "type": "string"}, {"name": "score", "type": ["null", "double"]}]}  # fmt: skip
    records = [{"prediction_id": rng.randbytes(12).hex(), "score": rng.random()} for _ in range(12_000)]
    data = fastavro_file(schema, records, codec, sync_interval=4096)
    assert len(data) > 4 * FIRST_READ_BYTES
    report = validate_file(
        BytesReader(data, "big.avro"), {"predictionId": "prediction_id", "predictionScore": "score"}
    )
    assert report.ok, report.describe()
    assert (report.row_count, report.requests, report.bytes_read) == (None, 2, FIRST_READ_BYTES + 16)
    assert count_rows(BytesReader(data, "big.avro")) == fastavro_rows(data) == 12_000
    cut = validate_file(BytesReader(data[:-7], "cut.avro"), {"predictionId": "prediction_id"})
    assert "does not end with its sync marker" in cut.problems_text()
    assert fastavro_rows(data[:-7]) is None


# --- named types, recursion, logical types: what fastavro reads, the reader maps -----------------------
def test_full_names_and_namespaces_resolve_as_fastavro_resolves_them() -> None:
    schema = {
        "type": "record", "name": "R", "namespace": "x",
        "fields": [
            # a full name as the name, a short reference in the same namespace
            {"name": "kind", "type": {"type": "enum", "name": "x.Kind", "symbols": ["A", "B"]}},
            {"name": "kind_again", "type": ["null", "Kind"]},
            # one short name in two namespaces: a short reference means the enclosing namespace's
            {"name": "item", "type": {"type": "record", "name": "Item", "fields": [{"name": "v", "type": "double"}]}},
            {"name": "other_item", "type": {"type": "enum", "name": "Item", "namespace": "y", "symbols": ["Q"]}},
            {"name": "item_short", "type": ["null", "Item"]},
            {"name": "item_y", "type": ["null", "y.Item"]},
            # a type defined in a union of several types, referred to later
            {"name": "code", "type": ["null", "int", {"type": "fixed", "name": "Code", "size": 2}]},
            {"name": "code_again", "type": "Code"},
        ],
    }  # fmt: skip
    records = [
        {"kind": "A", "kind_again": "B", "item": {"v": 1.0}, "other_item": "Q", "item_short": {"v": 2.0},
         "item_y": "Q", "code": b"ab", "code_again": b"cd"},
        {"kind": "B", "kind_again": None, "item": {"v": 3.0}, "other_item": "Q", "item_short": None,
         "item_y": None, "code": 7, "code_again": b"ef"},
    ]  # fmt: skip
    for codec in CODECS:
        layout = cross_check(fastavro_file(schema, records, codec))
        assert {name: str(t) for name, t in layout.columns.items()} == {
            "kind": "string", "kind_again": "string", "item": "struct<v: float>", "other_item": "string",
            "item_short": "struct<v: float>", "item_y": "string",
            "code": '["null", "int", {"type": "fixed", "name": "Code", "size": 2}]', "code_again": "binary",
        }  # fmt: skip


def test_a_recursive_record_is_read_without_expanding_it_forever() -> None:
    schema = {"type": "record", "name": "Node", "namespace": "t", "fields": [
        {"name": "id", "type": "long"},
        {"name": "next", "type": ["null", "Node"]},
        {"name": "children", "type": {"type": "array", "items": "t.Node"}}]}  # fmt: skip
    leaf = {"id": 3, "next": None, "children": []}
    records = [{"id": 1, "next": {"id": 2, "next": leaf, "children": []}, "children": [leaf, leaf]}] * 5
    for codec in CODECS:
        layout = cross_check(fastavro_file(schema, records, codec, sync_interval=64))
        assert {name: str(t) for name, t in layout.columns.items()} == {
            "id": "integer",
            "next": "struct<>",
            "children": "list<struct<>>",
        }
        report = validate_file(
            BytesReader(fastavro_file(schema, records, codec), "tree.avro"),
            {"predictionId": "id", "predictionLabel": "next"},
        )
        assert [(p.column, p.role) for p in report.problems] == [("next", "predictionLabel")]
        assert report.problems[0].reason.startswith("is struct<>, Arize needs"), report.describe()


@pytest.mark.timeout(30)
def test_types_that_refer_twice_to_the_one_before_are_mapped_once() -> None:
    """60 records, each with two fields of the one before: 2**60 nested structs if every reference were
    expanded again (a 6 KiB header)."""
    fields: list[dict[str, Any]] = [{"name": "t0", "type": {"type": "record", "name": "T0", "fields": [
        {"name": "v", "type": "int"}]}}]  # fmt: skip
    for d in range(1, 60):
        pair = [{"name": "a", "type": f"T{d - 1}"}, {"name": "b", "type": ["null", f"T{d - 1}"]}]
        fields.append({"name": f"t{d}", "type": {"type": "record", "name": f"T{d}", "fields": pair}})
    schema = {"type": "record", "name": "Top", "fields": [*fields, {"name": "id", "type": "string"}]}
    data = fastavro_file(schema, [])
    layout = cross_check(data)
    column = layout.columns["t59"]
    for _ in range(59):  # down the "a" fields to T0 (``repr()`` would go through 2**59 of them)
        (a_name, a_type), (b_name, b_type) = column.fields
        shared = b_type.fields is a_type.fields  # the one mapping of the type, twice ("b" is nullable)
        assert (a_name, b_name, a_type.kind, b_type.kind, shared) == ("a", "b", "struct", "struct", True)
        column = a_type
    assert str(column) == "struct<v: integer>"
    report = validate_file(BytesReader(data, "x.avro"), {"predictionId": "id"})
    assert report.ok and report.row_count == 0, report.describe()
    # named where Arize needs a scalar, the type is shown three levels deep: the message stays one line
    report = validate_file(BytesReader(data, "x.avro"), {"predictionId": "id", "predictionLabel": "t59"})
    third = "struct<a: struct<...>, b: struct<...>>"  # the third level shown, the fourth elided
    second = f"struct<a: {third}, b: {third}>"
    shown = [p.reason.split(", Arize needs")[0] for p in report.problems]
    assert shown == [f"is struct<a: {second}, b: {second}>"]


def test_a_logical_type_on_a_type_it_does_not_annotate_is_ignored_as_fastavro_ignores_it() -> None:
    schema = {"type": "record", "name": "R", "fields": [
        {"name": "ts", "type": {"type": "string", "logicalType": "timestamp-millis"}},
        {"name": "day", "type": {"type": "string", "logicalType": "date"}},
        {"name": "id", "type": {"type": "long", "logicalType": "uuid"}},
        {"name": "clock", "type": {"type": "double", "logicalType": "time-millis"}},
        {"name": "money", "type": {"type": "string", "logicalType": "decimal", "precision": 4, "scale": 2}},
        {"name": "mystery", "type": {"type": "long", "logicalType": "no-such-type"}}]}  # fmt: skip
    records = [{"ts": "2024-08-20", "day": "monday", "id": 5, "clock": 1.5, "money": "1.25", "mystery": 9}]
    for codec in CODECS:
        layout = cross_check(fastavro_file(schema, records, codec))
        assert {name: str(t) for name, t in layout.columns.items()} == {
            "ts": "string", "day": "string", "id": "integer", "clock": "float", "money": "string", "mystery": "integer"
        }  # fmt: skip
    report = validate_file(BytesReader(fastavro_file(schema, records), "x.avro"), {"timestamp": "ts"})
    assert [(p.column, p.role) for p in report.problems] == [("ts", "timestamp")]


def test_the_package_sample_writer_writes_what_fastavro_reads() -> None:
    """``local_services.avro_writer`` (sample files for the demo and benchmarks) against fastavro."""
    table = good_table(230)
    records = table.to_pylist()
    data = write_avro(avro_schema(table), records, block_rows=50)
    assert list(fastavro.reader(io.BytesIO(data))) == records
    assert [b.num_records for b in blocks(data)] == [50, 50, 50, 50, 30]
    ours = cross_check(data)
    theirs = cross_check(fastavro_bytes(avro_schema(table), records, 50))
    assert ours == theirs


# --- broken files: the reader rejects exactly what fastavro rejects -----------------------------------
@pytest.mark.parametrize("codec", CODECS)
def test_every_cut_is_judged_as_fastavro_judges_it(codec: str) -> None:
    """A file cut at any byte: whole blocks are a valid, shorter file (both count the same rows), any other
    cut is refused by both."""
    data = fastavro_file(WIDE, wide_records(24, seed=3), codec, sync_interval=256)
    found = blocks(data)
    assert len(found) > 5
    header_end = found[0].offset
    counts = {header_end: 0}
    for block in found:
        counts[block.offset + block.size] = counts[block.offset] + block.num_records
    assert counts[len(data)] == 24
    for cut in range(1, len(data) + 1):
        expected = counts.get(cut)
        assert (hand_rows(data[:cut]), fastavro_rows(data[:cut])) == (expected, expected), cut
    report = validate_file(BytesReader(data[: header_end + 5], "cut.avro"), {"predictionId": "prediction_id"})
    assert "truncated" in report.problems_text()


@pytest.mark.parametrize("codec", CODECS)
def test_a_changed_sync_marker_is_refused_by_both(codec: str) -> None:
    data = fastavro_file(WIDE, wide_records(30, seed=5), codec, sync_interval=400)
    found = blocks(data)
    markers = [found[0].offset - 16] + [b.offset + b.size - 16 for b in found]  # the header's, each block's
    rng = random.Random(codec)
    for start in markers:
        for position in (start, start + rng.randrange(1, 15), start + 15):
            broken = bytearray(data)
            broken[position] ^= 0x5A
            assert hand_rows(bytes(broken)) is None and fastavro_rows(bytes(broken)) is None, position
            report = validate_file(BytesReader(bytes(broken), "bad.avro"), {"predictionId": "prediction_id"})
            assert "sync marker" in report.problems_text(), position


# --- end to end over S3 --------------------------------------------------------------------------------
def test_fastavro_files_validate_over_s3_ranged_reads(fake_s3: Any) -> None:
    s3 = fake_s3.client()
    bucket = "files-fastavro-codecs"
    s3.create_bucket(Bucket=bucket)
    schema = {"predictionId": "prediction_id", "timestamp": "ts_ms", "predictionLabel": "label",
              "predictionScore": "prob", "featuresList": ["count", "score"]}  # fmt: skip
    for codec in CODECS:
        data = fastavro_file(WIDE, wide_records(80), codec)
        s3.put_object(Bucket=bucket, Key=f"preds/{codec}.avro", Body=data)
        report = validate_file(S3RangeReader(s3, bucket, f"preds/{codec}.avro"), schema, "score_categorical")
        assert report.ok, report.describe()
        assert (report.row_count, report.requests, report.bytes_read) == (80, 2, len(data))
        assert count_rows(S3RangeReader(s3, bucket, f"preds/{codec}.avro")) == fastavro_rows(data) == 80


def test_the_validation_operator_reads_fastavro_files_of_every_codec(
    fake_s3: Any, fake_s3_connection: Any
) -> None:
    from airflow_provider_arize.operators.file_validation import ArizeValidateFilesOperator

    fake_s3_connection("aws_default")
    s3 = fake_s3.client()
    bucket = "ops-fastavro-codecs"
    s3.create_bucket(Bucket=bucket)
    keys = []
    for rows, codec in zip((40, 41, 42), CODECS, strict=True):
        s3.put_object(
            Bucket=bucket, Key=f"d/{codec}.avro", Body=fastavro_file(WIDE, wide_records(rows), codec)
        )
        keys.append(f"d/{codec}.avro")
    snappy = fastavro_file(WIDE, wide_records(43), "snappy")
    s3.put_object(Bucket=bucket, Key="d/cut.avro", Body=snappy[: len(snappy) - 3])
    op = ArizeValidateFilesOperator(
        task_id="v", bucket=bucket, files=[*keys, "d/cut.avro"], on_invalid="skip",
        schema={"predictionId": "prediction_id", "timestamp": "ts_ms", "predictionScore": "prob",
                "actualLabel": "label", "tagsList": ["color"]},
    )  # fmt: skip
    result = op.execute({})  # type: ignore[arg-type]
    assert [(v["key"], v["format"], v["row_count"]) for v in result["valid"]] == [
        ("d/null.avro", "avro", 40), ("d/deflate.avro", "avro", 41), ("d/snappy.avro", "avro", 42)
    ]  # fmt: skip
    assert [i["key"] for i in result["invalid"]] == ["d/cut.avro"]
    assert "Avro file is truncated" in result["invalid"][0]["problems"]
