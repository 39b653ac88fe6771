"""A sync client of its own per caller (as separate workers have), and the event-based job spec the
tests create."""

from __future__ import annotations

from typing import Any

from airflow_provider_arize.api.client import ArizeClient
from airflow_provider_arize.api.models import ModelSchema, ModelTarget, TriggeredTableImportJobSpec
from airflow_provider_arize.api.models.tables import SnowflakeTableConfig
from airflow_provider_arize.api.transport import GraphQLTransport, TransportConfig


def client(emulator: Any, form: str = "auto") -> ArizeClient:
    transport = GraphQLTransport(TransportConfig(endpoint=emulator.url, api_key=emulator.api_key))
    return ArizeClient(transport, space_id=emulator.space_id, job_id_form=form)  # type: ignore[arg-type]


def triggered_spec(space_id: str) -> TriggeredTableImportJobSpec:
    return TriggeredTableImportJobSpec(
        target=ModelTarget(
            space_id=space_id, model_name="churn", model_type="score_categorical", environment="production"
        ),
        table=SnowflakeTableConfig(account_id="acct", database="DB", schema="S", table_name="T"),
        schema=ModelSchema.from_value(
            {"predictionId": "ID", "predictionLabel": "P", "timestamp": "TS", "changeTimestamp": "C"}
        ),
    )
