"""Pytest fixtures for the local service stand-ins (``fake_s3``, ``fake_s3_connection``, ``fake_snowflake``,
``fake_snowflake_connection``), enabled in the rootdir ``conftest.py`` with
``pytest_plugins = ["airflow_provider_arize.local_services.pytest_plugin"]``.

Scopes, start-up cost and shared state: ``docs/local-services.md``, "Pytest fixtures"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the server module is cheap, but keep plugin loading free of any service import
    from airflow_provider_arize.local_services.s3 import FakeS3Server
    from airflow_provider_arize.local_services.snowflake import FakeSnowflakeServer

#: ``(conn_id, database, schema) -> conn_id``
ConnectionFactory = Callable[[str, str | None, str | None], str]


@pytest.fixture(scope="session")
def fake_snowflake() -> Iterator[FakeSnowflakeServer]:
    """fakesnow over TLS on ``127.0.0.1``, trusted by this process for the whole session."""
    from airflow_provider_arize.local_services.snowflake import FakeSnowflakeServer

    with FakeSnowflakeServer() as server, server.trusted():
        yield server


@pytest.fixture
def fake_snowflake_connection(
    fake_snowflake: FakeSnowflakeServer, monkeypatch: pytest.MonkeyPatch
) -> ConnectionFactory:
    """Register ``snowflake`` connections to :func:`fake_snowflake` for this test (environment only)."""

    def register(conn_id: str, database: str | None = None, schema: str | None = None) -> str:
        for key, value in fake_snowflake.airflow_connection(conn_id, database, schema).items():
            monkeypatch.setenv(key, value)
        return conn_id

    return register


@pytest.fixture(scope="session")
def fake_s3() -> Iterator[FakeS3Server]:
    """moto's server (S3, SQS) on ``127.0.0.1`` for the whole session."""
    from airflow_provider_arize.local_services.s3 import FakeS3Server

    with FakeS3Server() as server:
        yield server


@pytest.fixture
def fake_s3_connection(fake_s3: FakeS3Server, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], str]:
    """Register ``aws`` connections to :func:`fake_s3` for this test (environment only)."""

    def register(conn_id: str = "aws_default") -> str:
        for key, value in fake_s3.airflow_connection(conn_id).items():
            monkeypatch.setenv(key, value)
        return conn_id

    return register
