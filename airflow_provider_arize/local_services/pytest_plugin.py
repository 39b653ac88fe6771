"""Pytest fixtures for the local service stand-ins.

Enable them in the rootdir ``conftest.py`` with::

    pytest_plugins = ["airflow_provider_arize.local_services.pytest_plugin"]

* ``fake_snowflake`` (session scope): one :class:`~.snowflake.FakeSnowflakeServer` over TLS for the
  whole session, trusted for the session (``REQUESTS_CA_BUNDLE`` points at a bundle of the previously
  trusted CAs plus the local, ``127.0.0.1``-only CA; restored at session end). Started on first use
  (about 0.2 s once fakesnow and the Snowflake connector are imported; importing them costs a few
  seconds the first time in a process). fakesnow shares one in-memory database across all its
  connections in the process, so tables persist between tests: use distinct names or
  ``CREATE OR REPLACE``.
* ``fake_s3`` (session scope): one :class:`~.s3.FakeS3Server` (moto: S3, SQS) for the session; moto's
  state is process-wide, so use distinct bucket names per test (or ``fake_s3.reset()``).
* ``fake_s3_connection`` (function scope): a factory ``(conn_id) -> conn_id`` that sets the
  ``AIRFLOW_CONN_<ID>`` environment variable of an ``aws`` connection to it, for the current test only.
* ``fake_snowflake_connection`` (function scope): a factory ``(conn_id, database, schema) -> conn_id``
  that sets the ``AIRFLOW_CONN_<ID>`` environment variable of a ``snowflake`` connection to the server,
  for the current test only.
"""

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
