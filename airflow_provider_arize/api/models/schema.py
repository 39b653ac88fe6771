"""Model schemas: which column of a file or table plays which role for Arize.

A :class:`ModelSchema` is built from Python keyword arguments (snake_case) or from a mapping with either
Arize's camelCase keys (as in Arize's documentation) or snake_case keys, and is validated on
construction. :meth:`ModelSchema.validate_for` checks it against a model type before any request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models._validate import (
    optional_text,
    reject_unknown_keys,
    require_choice,
    snake_to_camel,
    text_tuple,
)

JobKind = Literal["table", "file"]

#: Schema fields that only one kind of job accepts.
_TABLE_ONLY = frozenset({"change_timestamp"})
_FILE_ONLY = frozenset({"threshold_scores", "prediction_object_detection", "actual_object_detection"})


@dataclass(frozen=True)
class EmbeddingFeature:
    """One embedding feature: the vector column plus optional raw-data and link columns."""

    feature_name: str
    vector_col: str
    raw_data_col: str | None = None
    link_to_data_col: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("feature_name", "vector_col") or value is not None:
                object.__setattr__(self, f.name, optional_text(f"embeddingFeatures.{f.name}", value))
        if not self.feature_name or not self.vector_col:
            raise ArizeConfigError(
                "embeddingFeatures entries need featureName and vectorCol", field="embeddingFeatures"
            )

    @classmethod
    def from_value(cls, value: object) -> EmbeddingFeature:
        """Build from an instance or a mapping with camelCase or snake_case keys."""
        if isinstance(value, EmbeddingFeature):
            return value
        if not isinstance(value, Mapping):
            raise ArizeConfigError(
                f"embeddingFeatures entries must be mappings, got {value!r}", field="embeddingFeatures"
            )
        return cls(**_normalise_keys("embedding feature", value, cls))

    def to_input(self) -> dict[str, str]:
        """The ``EmbeddingFeatureInput`` value."""
        return {
            snake_to_camel(f.name): getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not None
        }


@dataclass(frozen=True)
class ObjectDetectionColumns:
    """Bounding-box columns of an object-detection prediction or actual."""

    coordinates_column_name: str
    categories_column_name: str
    scores_column_name: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None or f.name != "scores_column_name":
                object.__setattr__(self, f.name, optional_text(f"objectDetection.{f.name}", value))

    @classmethod
    def from_value(cls, value: object, field: str) -> ObjectDetectionColumns:
        """Build from an instance or a mapping (``boundingBoxes*ColumnName`` or snake_case keys)."""
        if isinstance(value, ObjectDetectionColumns):
            return value
        if not isinstance(value, Mapping):
            raise ArizeConfigError(f"{field} must be a mapping of bounding-box columns", field=field)
        aliases = {
            "boundingBoxesCoordinatesColumnName": "coordinates_column_name",
            "boundingBoxesCategoriesColumnName": "categories_column_name",
            "boundingBoxesScoresColumnName": "scores_column_name",
        }
        data: dict[str, Any] = {str(aliases.get(k, k)): v for k, v in value.items()}
        reject_unknown_keys(field, data, (f.name for f in fields(cls)))
        try:
            return cls(**data)
        except TypeError as exc:
            raise ArizeConfigError(f"{field} needs coordinates and categories columns", field=field) from exc

    def to_input(self) -> dict[str, str]:
        """The ``FileImportObjectDetectionLabelInputType`` value."""
        out = {
            "boundingBoxesCoordinatesColumnName": self.coordinates_column_name,
            "boundingBoxesCategoriesColumnName": self.categories_column_name,
        }
        if self.scores_column_name:
            out["boundingBoxesScoresColumnName"] = self.scores_column_name
        return out


@dataclass(frozen=True)
class ModelSchema:
    """Column mapping for an import job. Values are column names; ``features``, ``tags`` and
    ``shap_values`` are column-name prefixes (e.g. ``"feature_"``); ``*_list`` are explicit column lists.

    ``change_timestamp`` (table jobs only) names the column that drives incremental ingestion.
    """

    prediction_id: str | None = None
    timestamp: str | None = None
    prediction_label: str | None = None
    prediction_score: str | None = None
    actual_label: str | None = None
    actual_score: str | None = None
    features: str | None = None
    features_list: tuple[str, ...] | None = None
    tags: str | None = None
    tags_list: tuple[str, ...] | None = None
    shap_values: str | None = None
    version: str | None = None
    batch_id: str | None = None
    exclude: tuple[str, ...] | None = None
    change_timestamp: str | None = None
    prediction_scores: str | None = None
    actual_scores: str | None = None
    threshold_scores: str | None = None
    prediction_group_id: str | None = None
    rank: str | None = None
    relevance_score: str | None = None
    relevance_label: str | None = None
    embedding_features: tuple[EmbeddingFeature, ...] | None = None
    prediction_object_detection: ObjectDetectionColumns | None = None
    actual_object_detection: ObjectDetectionColumns | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            name, value = f.name, getattr(self, f.name)
            label = snake_to_camel(name)
            if name in ("features_list", "tags_list", "exclude"):
                object.__setattr__(self, name, text_tuple(label, value))
            elif name == "embedding_features":
                if value is not None:
                    if isinstance(value, str) or not isinstance(value, list | tuple):
                        raise ArizeConfigError(f"{label} must be a list", field=label)
                    object.__setattr__(self, name, tuple(EmbeddingFeature.from_value(v) for v in value))
            elif name.endswith("object_detection"):
                if value is not None:
                    object.__setattr__(self, name, ObjectDetectionColumns.from_value(value, label))
            else:
                object.__setattr__(self, name, optional_text(label, value))
        if not any(getattr(self, f.name) for f in fields(self)):
            raise ArizeConfigError("schema must map at least one column", field="schema")

    @classmethod
    def from_value(cls, value: ModelSchema | Mapping[str, Any]) -> ModelSchema:
        """Build from an instance or a mapping with camelCase (Arize) or snake_case keys."""
        if isinstance(value, ModelSchema):
            return value
        if not isinstance(value, Mapping):
            raise ArizeConfigError(
                f"schema must be a mapping of roles to columns, got {value!r}", field="schema"
            )
        return cls(**_normalise_keys("schema", value, cls))

    def is_set(self, camel_field: str) -> bool:
        """Whether the schema field named in Arize's camelCase spelling is set."""
        return bool(getattr(self, _camel_to_snake(camel_field), None))

    def validate_for(self, model_type: str, kind: JobKind) -> None:
        """Raise unless this schema suits ``model_type`` and the job ``kind``.

        A schema must carry the prediction columns its model type needs
        (:data:`constants.PREDICTION_REQUIREMENTS`), or be a delayed-actuals schema: ``predictionId`` plus
        an actual column. Table jobs need ``changeTimestamp``; file-only fields are refused on tables.
        """
        require_choice("modelType", model_type, constants.MODEL_TYPES | constants.LEGACY_MODEL_TYPES)
        wrong_kind = _FILE_ONLY if kind == "table" else _TABLE_ONLY
        for name in sorted(wrong_kind):
            if getattr(self, name) is not None:
                label = snake_to_camel(name)
                raise ArizeConfigError(
                    f"schema field {label} is not accepted by {kind} import jobs", field=label
                )
        if kind == "table" and not self.change_timestamp:
            raise ArizeConfigError(
                "table import jobs need schema.changeTimestamp, the column that drives incremental ingestion",
                field="changeTimestamp",
            )
        alternatives = constants.PREDICTION_REQUIREMENTS.get(
            "score_categorical" if model_type == "categorical" else model_type, ()
        )
        if not alternatives:
            return
        if any(all(self.is_set(f) for f in alt) for alt in alternatives):
            return
        if self.prediction_id and any(self.is_set(f) for f in constants.ACTUAL_FIELDS):
            return  # delayed actuals: joined to earlier predictions by prediction id
        needed = " or ".join(" + ".join(alt) for alt in alternatives)
        raise ArizeConfigError(
            f"schema for model type {model_type} needs {needed} (or, for a delayed-actuals job, "
            f"predictionId with an actual column such as actualLabel)",
            field=alternatives[0][0],
        )

    def columns(self) -> dict[str, str]:
        """Exact column names the schema names, by camelCase role (prefixes and lists excluded)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str) and f.name not in ("features", "tags", "shap_values"):
                out[snake_to_camel(f.name)] = value
        return out

    def to_input(self) -> dict[str, Any]:
        """The schema input value (``TableImportSchemaInputType`` / ``FileImportSchemaInputType``)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            key = snake_to_camel(f.name)
            if isinstance(value, ObjectDetectionColumns):
                out[key] = value.to_input()
            elif f.name == "embedding_features":
                out[key] = [e.to_input() for e in value]
            elif isinstance(value, tuple):
                out[key] = list(value)
            else:
                out[key] = value
        return out

    @classmethod
    def from_output(cls, data: Mapping[str, Any] | None) -> ModelSchema | None:
        """Read a schema from an API response, ignoring nulls and fields this version does not know."""
        if not data:
            return None
        known = {snake_to_camel(f.name) for f in fields(cls)}
        clean = {k: v for k, v in data.items() if k in known and v not in (None, [], "")}
        if not clean:
            return None
        return cls.from_value(clean)


def _camel_to_snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _normalise_keys(kind: str, data: Mapping[str, Any], cls: type[Any]) -> dict[str, Any]:
    """Map camelCase keys to the dataclass's snake_case names and reject unknown keys."""
    names = {f.name for f in fields(cls)}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise ArizeConfigError(f"{kind} keys must be strings, got {key!r}", field=kind)
        snake = key if key in names else _camel_to_snake(key)
        if snake not in names:
            known = ", ".join(sorted(snake_to_camel(n) for n in names))
            raise ArizeConfigError(
                f"unknown {kind} field {key!r}; expected one of {known}", field=key if key.strip() else kind
            )
        out[snake] = value
    return out
