"""Job specifications: everything needed to dry-run or create an import job, validated on construction.

A spec is checked completely before any request: model type, environment, the schema against the model
type, the table config against the table store, ``batch_id`` for the validation environment. The
``identity`` of a spec is what makes two jobs "the same job" for idempotent creation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models._validate import optional_text, require_choice, require_text
from airflow_provider_arize.api.models.files import FileLocation
from airflow_provider_arize.api.models.schema import JobKind, ModelSchema
from airflow_provider_arize.api.models.tables import (
    TableConfig,
    TableIngestionParameters,
    table_config_for,
)


@dataclass(frozen=True)
class ModelTarget:
    """The space, model and environment an import job writes to."""

    space_id: str
    model_name: str
    model_type: str
    environment: str
    model_version: str | None = None
    batch_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "space_id", require_text("spaceId", self.space_id))
        object.__setattr__(self, "model_name", require_text("modelName", self.model_name))
        require_choice("modelType", self.model_type, constants.MODEL_TYPES)
        require_choice("modelEnvironmentName", self.environment, constants.MODEL_ENVIRONMENTS)
        object.__setattr__(self, "model_version", optional_text("modelVersion", self.model_version))
        object.__setattr__(self, "batch_id", optional_text("batchId", self.batch_id))
        if self.environment == "validation" and not self.batch_id:
            raise ArizeConfigError("the validation environment needs a batchId", field="batchId")

    def to_input(self) -> dict[str, Any]:
        """The model fields shared by every create input."""
        out: dict[str, Any] = {
            "spaceId": self.space_id,
            "modelName": self.model_name,
            "modelType": self.model_type,
            "modelEnvironmentName": self.environment,
        }
        if self.model_version:
            out["modelVersion"] = self.model_version
        if self.batch_id:
            out["batchId"] = self.batch_id
        return out


def _schema(value: ModelSchema | Mapping[str, Any], target: ModelTarget, kind: JobKind) -> ModelSchema:
    schema = ModelSchema.from_value(value)
    schema.validate_for(target.model_type, kind)
    return schema


@dataclass(frozen=True)
class TableImportJobSpec:
    """A table import job: Arize queries ``table`` on a cadence, windowed by the change timestamp.

    ``ingestion_parameters`` are applied with ``updateTableIngestionParameters`` right after creation
    (whether the create input accepts them is not documented).
    """

    target: ModelTarget
    table_store: str
    table: TableConfig
    schema: ModelSchema
    ingestion_parameters: TableIngestionParameters | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", table_config_for(self.table_store, self.table))
        object.__setattr__(self, "schema", _schema(self.schema, self.target, "table"))
        if self.ingestion_parameters is not None:
            object.__setattr__(
                self, "ingestion_parameters", TableIngestionParameters.from_value(self.ingestion_parameters)
            )

    @property
    def identity(self) -> tuple[str, str, str, str, str]:
        """(space, model, environment, store, fully-qualified table): one job per identity."""
        return (
            self.target.space_id,
            self.target.model_name,
            self.target.environment,
            self.table_store,
            self.table.fully_qualified_name.lower(),
        )

    def to_input(self, *, dry_run: bool) -> dict[str, Any]:
        """The ``CreateTableImportJobInput`` value."""
        out = self.target.to_input()
        out.update(
            {
                "tableStore": self.table_store,
                self.table.input_field: self.table.to_input(),
                "schema": self.schema.to_input(),
                "dryRun": dry_run,
            }
        )
        return out


@dataclass(frozen=True)
class TriggeredTableImportJobSpec:
    """An event-based (triggered) Snowflake job: it ingests only the windows a client triggers."""

    target: ModelTarget
    table: TableConfig
    schema: ModelSchema

    table_store = "Snowflake"

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", table_config_for(self.table_store, self.table))
        object.__setattr__(self, "schema", _schema(self.schema, self.target, "table"))

    @property
    def identity(self) -> tuple[str, str, str, str, str]:
        """(space, model, environment, store, fully-qualified table)."""
        return (
            self.target.space_id,
            self.target.model_name,
            self.target.environment,
            self.table_store,
            self.table.fully_qualified_name.lower(),
        )

    def to_input(self) -> dict[str, Any]:
        """The ``CreateTriggeredOngoingTableImportJobInput`` value (it has no dry-run flag)."""
        out = self.target.to_input()
        out.pop("batchId", None)
        out.pop("modelVersion", None)
        out.update(
            {
                "tableStore": self.table_store,
                self.table.input_field: self.table.to_input(),
                "schema": self.schema.to_input(),
            }
        )
        return out

    def as_table_spec(self) -> TableImportJobSpec:
        """The same job as a plain table spec, for a dry run through ``createTableImportJob``."""
        return TableImportJobSpec(self.target, self.table_store, self.table, self.schema)


@dataclass(frozen=True)
class FileImportJobSpec:
    """A file import job: Arize polls ``location`` recursively and ingests files matching ``schema``."""

    target: ModelTarget
    location: FileLocation
    schema: ModelSchema

    def __post_init__(self) -> None:
        if isinstance(self.location, str):
            object.__setattr__(self, "location", FileLocation.from_uri(self.location))
        object.__setattr__(self, "schema", _schema(self.schema, self.target, "file"))

    @property
    def identity(self) -> tuple[str, str, str, str, str]:
        """(space, model, environment, bucket, prefix): one job per identity."""
        return (
            self.target.space_id,
            self.target.model_name,
            self.target.environment,
            self.location.bucket_name,
            self.location.prefix,
        )

    def to_input(self, *, dry_run: bool, file_name: str | None = None) -> dict[str, Any]:
        """The ``CreateFileImportJobInput`` value; ``file_name`` picks the file a dry run checks."""
        out = self.target.to_input()
        out.update(self.location.to_input())
        out.update({"schema": self.schema.to_input(), "dryRun": dry_run})
        if file_name:
            out["fileName"] = file_name
        return out
