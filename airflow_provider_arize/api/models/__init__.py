"""Typed models of Arize import jobs, validated on construction (``ArizeConfigError`` names the field)."""

from airflow_provider_arize.api.models.files import AzureStorageIdentifier, FileLocation
from airflow_provider_arize.api.models.records import ImportJob, TableRunQuery, ValidationResult
from airflow_provider_arize.api.models.schema import EmbeddingFeature, ModelSchema, ObjectDetectionColumns
from airflow_provider_arize.api.models.specs import (
    FileImportJobSpec,
    ModelTarget,
    TableImportJobSpec,
    TriggeredTableImportJobSpec,
)
from airflow_provider_arize.api.models.tables import (
    BigQueryTableConfig,
    DatabricksTableConfig,
    SnowflakeTableConfig,
    TableConfig,
    TableIngestionParameters,
    table_config_for,
)
from airflow_provider_arize.api.models.windows import QueryWindow

__all__ = [
    "AzureStorageIdentifier",
    "BigQueryTableConfig",
    "DatabricksTableConfig",
    "EmbeddingFeature",
    "FileImportJobSpec",
    "FileLocation",
    "ImportJob",
    "ModelSchema",
    "ModelTarget",
    "ObjectDetectionColumns",
    "QueryWindow",
    "SnowflakeTableConfig",
    "TableConfig",
    "TableImportJobSpec",
    "TableIngestionParameters",
    "TableRunQuery",
    "TriggeredTableImportJobSpec",
    "ValidationResult",
    "table_config_for",
]
