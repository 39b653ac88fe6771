"""validate_file / validate_layout: good files pass in every format; wrong types and missing columns are
named with the file, the column, the role and the reason."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.files import (
    BytesReader,
    FileFormat,
    FileLayout,
    FileProblem,
    count_rows,
    inspect_file,
    validate_file,
    validate_layout,
)

from .builders import BUILDERS, SCHEMA, avro_bytes, csv_bytes, fastavro_bytes, good_table, parquet_bytes

FORMATS = list(BUILDERS)


def _reader(fmt: str, table: pa.Table, name: str = "preds/part-0") -> BytesReader:
    suffix, build = BUILDERS[fmt]
    return BytesReader(build(table), name + suffix)


@pytest.mark.parametrize("fmt", FORMATS)
def test_good_files_pass_with_row_counts(fmt: str) -> None:
    report = validate_file(_reader(fmt, good_table(50)), SCHEMA, "score_categorical")
    assert report.ok, report.describe()
    assert report.problems == ()
    expected_rows = None if fmt in ("csv", "arrow-stream") else 50
    assert report.row_count == expected_rows
    assert report.describe().startswith("preds/part-0") and "ok" in report.describe()
    assert count_rows(_reader(fmt, good_table(50))) == 50


@pytest.mark.parametrize("fmt", FORMATS)
def test_wrong_column_type_is_named(fmt: str) -> None:
    table = good_table(20).set_column(3, "prediction_score", pa.array([f"s{i}" for i in range(20)]))
    report = validate_file(_reader(fmt, table, "bucket/model/bad"), SCHEMA)
    assert not report.ok
    assert report.problems == (
        FileProblem("prediction_score", "predictionScore", "is string, Arize needs a number"),
    )
    text = report.describe()
    assert text.startswith("bucket/model/bad")
    assert "column prediction_score (predictionScore): is string, Arize needs a number" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_columns_and_unmatched_prefix_are_named(fmt: str) -> None:
    table = good_table(10).drop_columns(["prediction_id", "tag_region"])
    schema = {**SCHEMA, "featuresList": ["feature_x", "feature_gone"], "version": "Prediction_TS"}
    report = validate_file(_reader(fmt, table), schema)
    problems = {(p.column, p.role): p.reason for p in report.problems}
    assert problems[("prediction_id", "predictionId")] == "is missing from the file"
    assert problems[("feature_gone", "featuresList")] == "is missing from the file"
    assert problems[(None, "tags")] == "no column starts with the prefix 'tag_'"
    assert "case-sensitive" in problems[("Prediction_TS", "version")]
    assert "prediction_ts" in problems[("Prediction_TS", "version")]
    assert len(problems) == 4
    assert "tags: no column starts with the prefix 'tag_'" in report.describe()


def test_prefix_matched_columns_are_checked_as_their_role() -> None:
    table = good_table(5).append_column("feature_blob", pa.array([{"a": 1}] * 5))
    table = table.append_column("shap_x", pa.array(["high"] * 5))
    report = validate_file(BytesReader(parquet_bytes(table), "f.parquet"), {**SCHEMA, "shapValues": "shap_"})
    assert [(p.column, p.role) for p in report.problems] == [
        ("feature_blob", "features"),
        ("shap_x", "shapValues"),
    ]
    assert (
        report.problems[0].reason
        == "is struct<a: integer>, Arize needs a number, string, boolean or list of strings"
    )
    assert report.problems[1].reason == "is string, Arize needs a number"


def test_exclude_skips_columns_and_prefix_matches() -> None:
    table = good_table(5).append_column("feature_blob", pa.array([{"a": 1}] * 5))
    report = validate_file(
        BytesReader(parquet_bytes(table), "f.parquet"), {**SCHEMA, "exclude": ["feature_blob"]}
    )
    assert report.ok, report.describe()


def _types_table() -> pa.Table:
    n = 4
    return pa.table(
        {
            "id": pa.array(range(n), pa.int32()),
            "ts": pa.array([1_700_000_000_000_000] * n, pa.timestamp("us", tz="UTC")),
            "day": pa.array([19_000] * n, pa.date32()),
            "label": pa.array([True, False] * 2),
            "score": pa.array([1, 2, 3, 4], pa.decimal128(5, 2)),
            "feature_tags": pa.array([["a", "b"]] * n, pa.list_(pa.large_string())),
            "feature_n": pa.array([1] * n, pa.int8()),
            "feature_cat": pa.array(["x", "y"] * 2).dictionary_encode(),
            "tag_flag": pa.array([True] * n),
            "shap_n": pa.array([0.5] * n, pa.float32()),
            "vec": pa.array([[0.1, 0.2]] * n, pa.list_(pa.float32(), 2)),
            "vec_int": pa.array([[1, 2]] * n, pa.list_(pa.int64())),
            "vec_str": pa.array([["a"]] * n),
            "raw": pa.array([["tok", "en"]] * n),
            "link": pa.array(["https://x/y.png"] * n),
            "scores_map": pa.array([[("cat", 0.9), ("dog", 0.1)]] * n, pa.map_(pa.string(), pa.float64())),
            "scores_list": pa.array([[{"class_name": "cat", "score": 0.9}]] * n),
            "scores_struct": pa.array([{"cat": 0.9, "dog": 0.1}] * n),
            "boxes": pa.array([[[0.0, 0.0, 1.0, 1.0]]] * n),
            "cats": pa.array([["car"]] * n),
            "box_scores": pa.array([[0.7]] * n),
            "rank": pa.array([1] * n, pa.int16()),
            "nothing": pa.nulls(n),
            "mapped_label": pa.array([[("a", 1.0)]] * n, pa.map_(pa.string(), pa.float64())),
        }
    )


def _layout(fmt: FileFormat = FileFormat.PARQUET) -> FileLayout:
    columns = inspect_file(BytesReader(parquet_bytes(_types_table()), "t.parquet")).columns
    return FileLayout(columns=columns, row_count=4, format=fmt)


def test_every_role_accepts_its_types() -> None:
    schema: dict[str, Any] = {
        "predictionId": "id",
        "timestamp": "ts",
        "predictionLabel": "label",
        "predictionScore": "score",
        "actualLabel": "nothing",
        "actualScore": "nothing",
        "version": "link",
        "batchId": "id",
        "features": "feature_",
        "tags": "tag_",
        "shapValues": "shap_",
        "predictionScores": "scores_map",
        "actualScores": "scores_list",
        "thresholdScores": "scores_struct",
        "embeddingFeatures": [
            {"featureName": "image", "vectorCol": "vec", "rawDataCol": "raw", "linkToDataCol": "link"},
            {"featureName": "ints", "vectorCol": "vec_int"},
        ],
        "predictionObjectDetection": {
            "boundingBoxesCoordinatesColumnName": "boxes",
            "boundingBoxesCategoriesColumnName": "cats",
            "boundingBoxesScoresColumnName": "box_scores",
        },
        "predictionGroupId": "id",
        "rank": "rank",
        "relevanceLabel": "raw",
    }
    assert validate_layout(_layout(), schema) == []
    assert validate_layout(_layout(), {"predictionId": "id", "timestamp": "day"}) == []


@pytest.mark.parametrize(
    ("field", "column", "reason"),
    [
        ("predictionId", "score", "is decimal, Arize needs a string or an integer"),
        (
            "timestamp",
            "link",
            "is string, Arize needs epoch seconds (an integer or a float) or a timestamp/date",
        ),
        (
            "predictionLabel",
            "raw",
            "is list<string>, Arize needs a single value (string, number or boolean), not a list, struct or map",
        ),
        ("actualScore", "label", "is boolean, Arize needs a number"),
        (
            "predictionScores",
            "score",
            "is decimal, Arize needs class scores: a map<string, number>, a list of {class, score} structs or a struct of numbers",
        ),
        ("rank", "shap_n", "is float, Arize needs an integer"),
        (
            "batchId",
            "scores_map",
            "is map<string, float>, Arize needs a single value (a string), not a list, struct or map",
        ),
    ],
)
def test_wrong_types_per_role(field: str, column: str, reason: str) -> None:
    assert validate_layout(_layout(), {"predictionId": "id", field: column}) == [
        FileProblem(column, field, reason)
    ]


def test_embedding_and_object_detection_type_problems() -> None:
    schema = {
        "predictionId": "id",
        "embeddingFeatures": [
            {"featureName": "img", "vectorCol": "vec_str", "rawDataCol": "score", "linkToDataCol": "vec"}
        ],
        "actualObjectDetection": {
            "boundingBoxesCoordinatesColumnName": "vec",
            "boundingBoxesCategoriesColumnName": "vec_int",
        },
    }
    assert [(p.column, p.role, p.reason) for p in validate_layout(_layout(), schema)] == [
        ("vec_str", "embeddingFeatures[img].vectorCol", "is list<string>, Arize needs a list of floats"),
        ("score", "embeddingFeatures[img].rawDataCol", "is decimal, Arize needs a string or list of strings"),
        ("vec", "embeddingFeatures[img].linkToDataCol", "is list<float>, Arize needs a URL string"),
        (
            "vec",
            "actualObjectDetection.boundingBoxesCoordinates",
            "is list<float>, Arize needs a list of boxes, each a list of 4 floats",
        ),
        (
            "vec_int",
            "actualObjectDetection.boundingBoxesCategories",
            "is list<integer>, Arize needs a list of strings",
        ),
    ]


def test_multi_class_score_columns_accept_maps_only_for_multi_class() -> None:
    schema = {"predictionId": "id", "predictionScore": "mapped_label"}
    assert validate_layout(_layout(), schema, "multi_class") == []
    assert validate_layout(_layout(), schema, "score_categorical")[0].reason.startswith(
        "is map<string, float>"
    )


def test_csv_cannot_hold_embeddings_or_class_scores() -> None:
    csv = b'id,vec,scores\n1,"[0.1, 0.2]",x\n'
    schema = {
        "predictionId": "id",
        "embeddingFeatures": [{"featureName": "img", "vectorCol": "vec"}],
        "predictionScores": "scores",
    }
    report = validate_file(BytesReader(csv, "x.csv"), schema, "multi_class")
    assert [(p.column, p.role) for p in report.problems] == [
        ("scores", "predictionScores"),
        ("vec", "embeddingFeatures[img].vectorCol"),
    ]
    assert all("CSV cannot hold" in p.reason for p in report.problems)


def test_csv_type_inference() -> None:
    csv = (
        b"\xef\xbb\xbfi,f,b,t,d,s,n,mix\n"
        b"1,1.5,true,2024-08-20T01:00:00Z,2024-08-20,a,,1\n"
        b'-2,3,FALSE,2024-08-20 01:00:00.5+02:00,2024-08-21,"b,c",NA,x\n'
        b"3,1e-3,true,2024-08-20T02:00,2024-08-22,d,null,2\n"
    )
    layout = inspect_file(BytesReader(csv, "x.csv"))
    assert {k: str(v) for k, v in layout.columns.items()} == {
        "i": "integer", "f": "float", "b": "boolean", "t": "timestamp", "d": "date",
        "s": "string", "n": "null", "mix": "string",
    }  # fmt: skip
    assert layout.row_count is None


def test_csv_sample_drops_the_cut_last_line() -> None:
    lines = [b"id,score"] + [b"%d,%d.5" % (i, i) for i in range(20_000)]
    data = b"\n".join(lines) + b"\n"
    reader = BytesReader(data, "big.csv")
    layout = inspect_file(reader)
    assert str(layout.columns["score"]) == "float"
    assert reader.bytes_read == 64 * 1024 and reader.requests == 1
    assert count_rows(BytesReader(data, "big.csv")) == 20_000


def test_avro_types_and_named_references() -> None:
    schema = {
        "type": "record",
        "name": "R",
        "fields": [
            {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
            {"name": "other", "type": ["null", "Kind"]},
            {"name": "pair", "type": ["int", "string"]},
        ],
    }
    data = fastavro_bytes(schema, [{"id": "u", "ts": 1, "kind": "A", "other": None, "pair": 3}])
    layout = inspect_file(BytesReader(data, "x.avro"))
    assert {k: str(v) for k, v in layout.columns.items()} == {
        "id": "string", "ts": "timestamp", "kind": "string", "other": "string", "pair": '["int", "string"]',
    }  # fmt: skip
    assert layout.row_count == 1


def test_avro_with_lists_and_maps_validates() -> None:
    table = pa.table(
        {
            "id": ["a", "b"],
            "vec": pa.array([[0.1], [0.2]], pa.list_(pa.float64())),
            "scores": pa.array([[("x", 0.5)], [("y", 0.1)]], pa.map_(pa.string(), pa.float64())),
        }
    )
    schema = {"predictionId": "id", "embeddingFeatures": [{"featureName": "e", "vectorCol": "vec"}],
              "predictionScores": "scores"}  # fmt: skip
    report = validate_file(BytesReader(avro_bytes(table), "x.avro"), schema, "multi_class")
    assert report.ok, report.describe()
    assert report.row_count == 2


def test_an_invalid_schema_raises_config_error() -> None:
    with pytest.raises(ArizeConfigError):
        validate_file(BytesReader(csv_bytes(good_table(2)), "x.csv"), {"noSuchField": "x"})
