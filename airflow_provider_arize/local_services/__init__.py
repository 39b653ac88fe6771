"""Local stand-ins for cloud services, for tests and local DAG runs: S3 (moto), Snowflake (fakesnow over
TLS) and a real local Airflow, with their TLS material, threaded ASGI server and pytest fixtures.

Importing this package is cheap: fakesnow, moto, uvicorn and cryptography load only when a server
starts. What each guarantees: ``docs/local-services.md``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_provider_arize.local_services.s3 import FakeS3Server
    from airflow_provider_arize.local_services.snowflake import FakeSnowflakeServer

__all__ = ["FakeS3Server", "FakeSnowflakeServer"]


def __getattr__(name: str) -> Any:
    if name == "FakeSnowflakeServer":
        from airflow_provider_arize.local_services.snowflake import FakeSnowflakeServer

        return FakeSnowflakeServer
    if name == "FakeS3Server":
        from airflow_provider_arize.local_services.s3 import FakeS3Server

        return FakeS3Server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
