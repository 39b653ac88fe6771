"""Local stand-ins for cloud services, for tests and local DAG runs.

* :class:`~airflow_provider_arize.local_services.snowflake.FakeSnowflakeServer`: fakesnow over TLS on
  ``127.0.0.1``, usable by Airflow's stock ``SnowflakeHook``.
* :class:`~airflow_provider_arize.local_services.s3.FakeS3Server`: moto's server (S3, SQS) on
  ``127.0.0.1``, usable by Airflow's stock ``S3Hook``.
* :class:`~airflow_provider_arize.local_services.airflow.LiveAirflow`: a real local Airflow
  (``airflow standalone``) driven through its REST API.
* :mod:`~airflow_provider_arize.local_services.tls`: throw-away, ``127.0.0.1``-only TLS material.
* :mod:`~airflow_provider_arize.local_services.asgi_thread`: an ASGI app served by uvicorn in a daemon thread
  on ``127.0.0.1`` (HTTP or HTTPS).
* :mod:`~airflow_provider_arize.local_services.pytest_plugin`: pytest fixtures.

Importing this package is cheap: fakesnow, moto, uvicorn and cryptography load only when a server starts.
"""

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
