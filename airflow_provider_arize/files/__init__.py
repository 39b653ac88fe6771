"""Validate inference files against an Arize file schema, reading as few bytes as possible.

No Airflow, and cheap to import: pyarrow is imported only inside the functions that parse Parquet or
Arrow metadata or count CSV rows, and boto3 never (an :class:`S3RangeReader` takes a client). Avro and
CSV headers are parsed without pyarrow. Example::

    from airflow_provider_arize.files import S3RangeReader, validate_file

    report = validate_file(S3RangeReader(s3_client, "bucket", "preds/2024-08-20.parquet"),
                           {"predictionId": "id", "predictionScore": "score", "features": "f_"},
                           model_type="score_categorical")
    if not report.ok:
        raise ValueError(report.describe())
        # preds/2024-08-20.parquet: column score (predictionScore): is string, Arize needs a number

Formats (:func:`detect_format`, by suffix, case-insensitive): CSV ``.csv``; Parquet ``.parquet``/``.pq``;
Avro ``.avro``; Arrow IPC ``.arrow``/``.feather``/``.ipc`` (file or stream format). What
:func:`inspect_file` reads is bounded independently of the file's size (details in
:mod:`.inspection`): Parquet reads the last 8 bytes and the footer; an Arrow IPC file the footer and its
record batch headers (up to 16 batches); an Arrow stream its schema message; Avro its header and its
last 16 bytes; CSV its header and the first 64 KiB.

Rules (docs/arize-api.md §6.3; :func:`validate_layout`). Every exact column the schema names must
exist, with a type as below. A prefix (``features``, ``tags``, ``shapValues``) must match at least one
column, and each matched column is checked as its role. ``exclude`` columns are skipped. Names are
case-sensitive. A column whose type is ``null`` (all null; no value in a CSV sample) passes any check.

=====================================================  ====================================================
schema field (role)                                    the column must be
=====================================================  ====================================================
``predictionId``, ``predictionGroupId``                string or integer
``timestamp``                                          integer or float (epoch seconds), timestamp or date
``predictionLabel``, ``actualLabel``                   a scalar (string, number, boolean...): not a
                                                       list, struct or map
``version``, ``batchId``                               a scalar
``predictionScore``, ``actualScore``,                  numeric (integer, float, decimal); for
``relevanceScore``                                     ``model_type="multi_class"`` the two score columns
                                                       may also hold class scores (below)
``predictionScores``, ``actualScores``,                class scores: ``map<string, number>``, a list of
``thresholdScores`` (multi-class)                      structs with a numeric field (``[{class, score}]``)
                                                       or a struct of numbers
``rank``                                               integer
``relevanceLabel``                                     a scalar or ``list<string>``
``features`` / ``featuresList``, ``tags`` /            numeric, string, boolean or ``list<string>``
``tagsList``
``shapValues`` (prefix)                                numeric
``embeddingFeatures[].vectorCol``                      ``list<float>`` (any numeric element type)
``embeddingFeatures[].rawDataCol``                     string or ``list<string>``
``embeddingFeatures[].linkToDataCol``                  string (a URL)
``*ObjectDetection`` coordinates / categories /        ``list<list<float>>`` / ``list<string>`` /
scores                                                 ``list<float>``
=====================================================  ====================================================

CSV holds no lists, structs or maps: a CSV file whose schema names an embedding vector, class-score or
object-detection column gets a problem for that column ("write Parquet, Avro or Arrow files").

A file over ``max_bytes`` (default :data:`MAX_FILE_BYTES`, Arize's 1 GB limit, seed 000) is a problem
found from its size alone, without reading it. :func:`validate_file` never raises for the file's sake:
an unknown suffix, an empty, corrupt or truncated file, or content that is not the format its name says
(a Parquet file named ``.csv``) is a problem naming the reason (role ``"file"``); a failure to read
(missing object, access denied) is a problem with role ``"read"``.
"""

from __future__ import annotations

from .errors import FileReadError, FileValidationError
from .formats import SUFFIXES, FileFormat, detect_format, sniff_format
from .inspection import count_rows, inspect_file
from .layout import ColumnType, FileLayout
from .readers import BytesReader, LocalFileReader, RangeReader, ReaderFile, S3RangeReader
from .report import MAX_FILE_BYTES, FileReport, validate_file
from .rules import FileProblem, validate_layout

__all__ = [
    "MAX_FILE_BYTES",
    "SUFFIXES",
    "BytesReader",
    "ColumnType",
    "FileFormat",
    "FileLayout",
    "FileProblem",
    "FileReadError",
    "FileReport",
    "FileValidationError",
    "LocalFileReader",
    "RangeReader",
    "ReaderFile",
    "S3RangeReader",
    "count_rows",
    "detect_format",
    "inspect_file",
    "sniff_format",
    "validate_file",
    "validate_layout",
]
