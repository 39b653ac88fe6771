"""Builders of inference files in every format, from one pyarrow table.

Avro files are written by fastavro (null, deflate or snappy codec); the package's own minimal writer
(``local_services.avro_writer``) is checked against fastavro in ``test_fastavro.py``.
"""

from __future__ import annotations

import io
from typing import Any

import fastavro
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

#: A score_categorical schema naming every kind of column the good table has.
SCHEMA: dict[str, Any] = {
    "predictionId": "prediction_id",
    "timestamp": "prediction_ts",
    "predictionLabel": "prediction_label",
    "predictionScore": "prediction_score",
    "actualLabel": "actual_label",
    "features": "feature_",
    "tags": "tag_",
}


def good_table(rows: int = 50) -> pa.Table:
    return pa.table(
        {
            "prediction_id": [f"p{i}" for i in range(rows)],
            "prediction_ts": [1_724_115_600 + i for i in range(rows)],
            "prediction_label": ["yes" if i % 2 else "no" for i in range(rows)],
            "prediction_score": [i / rows for i in range(rows)],
            "actual_label": ["yes" if i % 3 else "no" for i in range(rows)],
            "feature_x": [float(i) for i in range(rows)],
            "feature_city": [f"city{i % 5}" for i in range(rows)],
            "tag_region": ["eu" if i % 2 else "us" for i in range(rows)],
        }
    )


def parquet_bytes(table: pa.Table, **options: Any) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, **options)
    return sink.getvalue()


def arrow_file_bytes(table: pa.Table, max_chunksize: int | None = None) -> bytes:
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=max_chunksize):
            writer.write_batch(batch)
    return sink.getvalue()


def arrow_stream_bytes(table: pa.Table, max_chunksize: int | None = None) -> bytes:
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=max_chunksize):
            writer.write_batch(batch)
    return sink.getvalue()


def csv_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(quoting_style="needed"))
    return sink.getvalue()


_AVRO_TYPES = {
    pa.string(): "string",
    pa.int64(): "long",
    pa.int32(): "int",
    pa.float64(): "double",
    pa.float32(): "float",
    pa.bool_(): "boolean",
}


def _avro_type(data_type: pa.DataType) -> Any:
    if pa.types.is_list(data_type):
        return {"type": "array", "items": _avro_type(data_type.value_type)}
    if pa.types.is_map(data_type):
        return {"type": "map", "values": _avro_type(data_type.item_type)}
    return ["null", _AVRO_TYPES[data_type]]


def avro_schema(table: pa.Table) -> dict[str, Any]:
    """The Avro record schema of ``table``: nullable primitives, arrays and maps."""
    return {
        "type": "record",
        "name": "Inference",
        "namespace": "test",
        "fields": [{"name": f.name, "type": _avro_type(f.type)} for f in table.schema],
    }


def fastavro_bytes(
    schema: dict[str, Any], records: list[dict[str, Any]], block_rows: int = 100, codec: str = "null"
) -> bytes:
    """An Avro object container file written by fastavro: ``block_rows`` records a block (the last may
    hold fewer), compressed with ``codec``."""
    sink = io.BytesIO()
    writer = fastavro.write.Writer(sink, schema, codec=codec, sync_interval=1 << 62)
    for i, record in enumerate(records, 1):
        writer.write(record)
        if i % block_rows == 0:
            writer.flush()
    writer.flush()
    return sink.getvalue()


def avro_bytes(table: pa.Table, block_rows: int = 100, codec: str = "null") -> bytes:
    records = table.to_pylist()
    for record in records:  # pyarrow gives maps as lists of (key, value) pairs
        for f in table.schema:
            if pa.types.is_map(f.type) and record[f.name] is not None:
                record[f.name] = dict(record[f.name])
    return fastavro_bytes(avro_schema(table), records, block_rows, codec)


def avro_deflate_bytes(table: pa.Table) -> bytes:
    return avro_bytes(table, codec="deflate")


def avro_snappy_bytes(table: pa.Table) -> bytes:
    return avro_bytes(table, codec="snappy")


#: (suffix, builder) of every format; an Arrow stream is written under ``.arrow`` too.
BUILDERS = {
    "csv": (".csv", csv_bytes),
    "parquet": (".parquet", parquet_bytes),
    "avro": (".avro", avro_bytes),
    "avro-deflate": (".avro", avro_deflate_bytes),
    "avro-snappy": (".avro", avro_snappy_bytes),
    "arrow-file": (".arrow", arrow_file_bytes),
    "arrow-stream": (".arrow", arrow_stream_bytes),
}
