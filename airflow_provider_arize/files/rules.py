"""Check a file's columns against a model schema: :func:`validate_layout`.

The table of rules: ``docs/file-jobs.md``, "Validation in detail". Column names are compared exactly
(case-sensitive); a missing column whose name matches another only by case says so. A column of type
``null`` (all values null, or none in a CSV sample) passes every type check. ``exclude`` columns are
never checked, and are left out of prefix matches."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_arize.api.models.schema import ModelSchema

from .formats import FileFormat
from .layout import (
    BOOLEAN,
    DATE,
    INTEGER,
    LIST,
    MAP,
    NUMERIC_KINDS,
    STRING,
    STRUCT,
    TIMESTAMP,
    ColumnType,
    FileLayout,
)

__all__ = ["FileProblem", "Rule", "validate_layout"]


@dataclass(frozen=True)
class FileProblem:
    """One reason a file would not import.

    ``column`` is the file column concerned (``None`` for a prefix that matches nothing, and for
    problems of the whole file); ``role`` the schema field in Arize's camelCase (``predictionScore``,
    ``embeddingFeatures[image].vectorCol``), or ``"file"`` (content, format, size) or ``"read"`` (the
    bytes could not be read: not a property of the file, may pass on retry).
    """

    column: str | None
    role: str
    reason: str

    def describe(self) -> str:
        """``column X (predictionScore): is string, Arize needs a number`` and similar."""
        if self.column is not None:
            return f"column {self.column} ({self.role}): {self.reason}"
        if self.role in ("file", "read"):
            return self.reason
        return f"{self.role}: {self.reason}"


@dataclass(frozen=True)
class Rule:
    """What a role's column must hold: ``check`` accepts a type; ``needs`` says what in words."""

    needs: str
    check: Callable[[ColumnType], bool]
    nested: bool = False  # only list/struct/map columns satisfy it: impossible in CSV


def _numeric(t: ColumnType) -> bool:
    return t.is_numeric


def _class_scores(t: ColumnType) -> bool:
    if t.kind == MAP:
        return t.item is not None and (t.item.is_numeric or t.item.is_null)
    if t.kind == STRUCT:
        return bool(t.fields) and all(f.is_numeric or f.is_null for _, f in t.fields)
    if t.kind == LIST and t.item is not None and t.item.kind == STRUCT:
        return any(f.is_numeric for _, f in t.item.fields)
    return False


ID = Rule("a string or an integer", lambda t: t.kind in (STRING, INTEGER))
TIME = Rule(
    "epoch seconds (an integer or a float) or a timestamp/date",
    lambda t: t.is_numeric or t.kind in (TIMESTAMP, DATE),
)
LABEL = Rule("a single value (string, number or boolean), not a list, struct or map", lambda t: t.is_scalar)
SCALAR = Rule("a single value (a string), not a list, struct or map", lambda t: t.is_scalar)
SCORE = Rule("a number", _numeric)
CLASS_SCORES = Rule(
    "class scores: a map<string, number>, a list of {class, score} structs or a struct of numbers",
    _class_scores,
    nested=True,
)
SCORE_OR_CLASS_SCORES = Rule(
    "a number or class scores (map<string, number>)", lambda t: t.is_numeric or _class_scores(t)
)
FEATURE = Rule(
    "a number, string, boolean or list of strings",
    lambda t: t.is_numeric or t.kind in (STRING, BOOLEAN) or t.is_list_of({STRING}),
)
VECTOR = Rule("a list of floats", lambda t: t.is_list_of(NUMERIC_KINDS), nested=True)
RAW_DATA = Rule("a string or list of strings", lambda t: t.kind == STRING or t.is_list_of({STRING}))
LINK = Rule("a URL string", lambda t: t.kind == STRING)
RANK = Rule("an integer", lambda t: t.kind == INTEGER)
RELEVANCE_LABEL = Rule("a single value or a list of strings", lambda t: t.is_scalar or t.is_list_of({STRING}))
BOXES = Rule(
    "a list of boxes, each a list of 4 floats",
    lambda t: t.kind == LIST and t.item is not None and (t.item.is_null or t.item.is_list_of(NUMERIC_KINDS)),
    nested=True,
)
CATEGORIES = Rule("a list of strings", lambda t: t.is_list_of({STRING}), nested=True)
BOX_SCORES = Rule("a list of floats", lambda t: t.is_list_of(NUMERIC_KINDS), nested=True)

_EXACT: tuple[tuple[str, str, Rule], ...] = (
    ("predictionId", "prediction_id", ID),
    ("timestamp", "timestamp", TIME),
    ("predictionLabel", "prediction_label", LABEL),
    ("predictionScore", "prediction_score", SCORE),
    ("actualLabel", "actual_label", LABEL),
    ("actualScore", "actual_score", SCORE),
    ("version", "version", SCALAR),
    ("batchId", "batch_id", SCALAR),
    ("predictionScores", "prediction_scores", CLASS_SCORES),
    ("actualScores", "actual_scores", CLASS_SCORES),
    ("thresholdScores", "threshold_scores", CLASS_SCORES),
    ("predictionGroupId", "prediction_group_id", ID),
    ("rank", "rank", RANK),
    ("relevanceScore", "relevance_score", SCORE),
    ("relevanceLabel", "relevance_label", RELEVANCE_LABEL),
)
_PREFIXES: tuple[tuple[str, str, Rule], ...] = (
    ("features", "features", FEATURE),
    ("tags", "tags", FEATURE),
    ("shapValues", "shap_values", SCORE),
)


def _named_columns(schema: ModelSchema, model_type: str | None) -> Iterator[tuple[str, str, Rule]]:
    """(role, column, rule) of every exact column the schema names."""
    for role, attr, rule in _EXACT:
        column = getattr(schema, attr)
        if column:
            if model_type == "multi_class" and rule is SCORE and role in ("predictionScore", "actualScore"):
                rule = SCORE_OR_CLASS_SCORES
            yield role, column, rule
    for role, columns in (("featuresList", schema.features_list), ("tagsList", schema.tags_list)):
        for column in columns or ():
            yield role, column, FEATURE
    for embedding in schema.embedding_features or ():
        base = f"embeddingFeatures[{embedding.feature_name}]"
        yield f"{base}.vectorCol", embedding.vector_col, VECTOR
        if embedding.raw_data_col:
            yield f"{base}.rawDataCol", embedding.raw_data_col, RAW_DATA
        if embedding.link_to_data_col:
            yield f"{base}.linkToDataCol", embedding.link_to_data_col, LINK
    for role, boxes in (
        ("predictionObjectDetection", schema.prediction_object_detection),
        ("actualObjectDetection", schema.actual_object_detection),
    ):
        if boxes is None:
            continue
        yield f"{role}.boundingBoxesCoordinates", boxes.coordinates_column_name, BOXES
        yield f"{role}.boundingBoxesCategories", boxes.categories_column_name, CATEGORIES
        if boxes.scores_column_name:
            yield f"{role}.boundingBoxesScores", boxes.scores_column_name, BOX_SCORES


def _type_problem(rule: Rule, kind: ColumnType, fmt: FileFormat) -> str | None:
    if kind.is_null:
        return None
    if rule.nested and fmt is FileFormat.CSV:
        return f"needs {rule.needs}, which CSV cannot hold; write Parquet, Avro or Arrow files"
    if rule.check(kind):
        return None
    return f"is {kind}, Arize needs {rule.needs}"


def _missing(column: str, columns: Mapping[str, ColumnType]) -> str:
    near = [c for c in columns if c.lower() == column.lower()]
    hint = f" (the file has {near[0]!r}; column names are case-sensitive)" if near else ""
    return f"is missing from the file{hint}"


def validate_layout(
    layout: FileLayout, schema: ModelSchema | Mapping[str, Any], model_type: str | None = None
) -> list[FileProblem]:
    """Every problem of ``layout`` against ``schema``, in schema order (empty when the file fits).

    ``schema`` is a :class:`ModelSchema` or a mapping accepted by :meth:`ModelSchema.from_value` (an
    invalid one raises ``ArizeConfigError``). ``model_type`` ``"multi_class"`` also lets
    ``predictionScore``/``actualScore`` hold class-score maps.
    """
    schema = ModelSchema.from_value(schema)
    columns = layout.columns
    excluded = set(schema.exclude or ())
    problems: list[FileProblem] = []
    seen: set[tuple[str, str]] = set()

    def check(role: str, column: str, rule: Rule) -> None:
        if (role, column) in seen or column in excluded:
            return
        seen.add((role, column))
        if column not in columns:
            problems.append(FileProblem(column, role, _missing(column, columns)))
            return
        reason = _type_problem(rule, columns[column], layout.format)
        if reason:
            problems.append(FileProblem(column, role, reason))

    for role, column, rule in _named_columns(schema, model_type):
        check(role, column, rule)
    for role, attr, rule in _PREFIXES:
        prefix = getattr(schema, attr)
        if not prefix:
            continue
        matched = [c for c in columns if c.startswith(prefix) and c not in excluded]
        if not matched:
            problems.append(FileProblem(None, role, f"no column starts with the prefix {prefix!r}"))
        for column in matched:
            check(role, column, rule)
    return problems
