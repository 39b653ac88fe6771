"""Fixtures for the emulator tests: the public plugin fixtures plus a small GraphQL client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from airflow_provider_arize.emulator.pytest_plugin import arize_emulator, arize_emulator_session
from airflow_provider_arize.emulator.testing import EmulatorServer

__all__ = ["arize_emulator", "arize_emulator_session"]

CREATE_TABLE = """
mutation CreateTable($input: CreateTableImportJobInput!) {
  createTableImportJob(input: $input) {
    clientMutationId
    tableImportJob { id jobId jobStatus modelName table projectId dataset tableStore createdAt }
    validationResult { validationStatus error { code message } }
  }
}
"""
CREATE_FILE = """
mutation CreateFile($input: CreateFileImportJobInput!) {
  createFileImportJob(input: $input) {
    fileImportJob { id jobId jobStatus bucketName prefix blobStore modelType }
    validationResult { validationStatus filePath error { code message } }
  }
}
"""


def bigquery_input(space_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid createTableImportJob input (the example values of Arize's table-import page)."""
    data: dict[str, Any] = {
        "spaceId": space_id,
        "modelName": "My Test Model",
        "modelType": "score_categorical",
        "modelEnvironmentName": "production",
        "tableStore": "BigQuery",
        "bigQueryTableConfig": {
            "projectId": "test-project-id",
            "dataset": "test-dataset",
            "tableName": "test-table",
        },
        "schema": {
            "predictionId": "prediction_id",
            "predictionLabel": "prediction",
            "timestamp": "prediction_ts",
            "features": "feature_",
            "actualLabel": "actual",
            "version": "model_version",
            "tags": "tag_",
            "changeTimestamp": "partition_timestamp",
        },
    }
    data.update(overrides)
    return data


def file_input(space_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid createFileImportJob input."""
    data: dict[str, Any] = {
        "spaceId": space_id,
        "modelName": "click-thru-rate",
        "modelType": "score_categorical",
        "modelEnvironmentName": "production",
        "blobStore": "S3",
        "bucketName": "example-demo-bucket",
        "prefix": "click-thru-rate/production/v1/",
        "schema": {"predictionId": "prediction_id", "timestamp": "ts", "predictionLabel": "pred"},
    }
    data.update(overrides)
    return data


@dataclass
class Api:
    """A GraphQL client of one emulator."""

    server: EmulatorServer
    http: httpx.Client

    def post(
        self, query: str, variables: dict[str, Any] | None = None, key: str | None = None
    ) -> httpx.Response:
        headers = {"x-api-key": key} if key is not None else None
        return self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    def data(self, query: str, variables: dict[str, Any] | None = None, key: str | None = None) -> Any:
        """Run a document that must succeed; return ``data``."""
        response = self.post(query, variables, key)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def errors(
        self, query: str, variables: dict[str, Any] | None = None, key: str | None = None
    ) -> list[str]:
        """Run a document that must fail with GraphQL errors; return their messages."""
        response = self.post(query, variables, key)
        body = response.json()
        assert body.get("errors"), body
        return [e["message"] for e in body["errors"]]

    def create_table_job(self, **overrides: Any) -> dict[str, Any]:
        payload = self.data(CREATE_TABLE, {"input": bigquery_input(self.server.space_id, **overrides)})
        job = payload["createTableImportJob"]["tableImportJob"]
        assert job is not None, payload
        return dict(job)

    def create_file_job(self, **overrides: Any) -> dict[str, Any]:
        payload = self.data(CREATE_FILE, {"input": file_input(self.server.space_id, **overrides)})
        job = payload["createFileImportJob"]["fileImportJob"]
        assert job is not None, payload
        return dict(job)


def plain_client() -> httpx.Client:
    """An HTTP client without an API key (``verify=False``: plain HTTP, and much faster to create)."""
    return httpx.Client(timeout=10, verify=False)


def make_api(server: EmulatorServer) -> Api:
    headers = {"x-api-key": server.api_key}
    return Api(server, httpx.Client(base_url=server.url, headers=headers, timeout=10, verify=False))


@pytest.fixture
def api(arize_emulator: EmulatorServer) -> Iterator[Api]:
    client = make_api(arize_emulator)
    yield client
    client.http.close()


@pytest.fixture
def api_without_workers() -> Iterator[Api]:
    """An emulator whose worker is off: triggered queries stay pending (for checking what was recorded)."""
    with EmulatorServer(run_workers=False) as server:
        client = make_api(server)
        yield client
        client.http.close()
