"""Testing your own DAGs against a local Arize: the one place to import from (the ``testing`` extra): the
emulator, the local S3, Snowflake and Airflow, the ``dag.test()`` helpers, and (as a pytest plugin) their
fixtures. Nothing heavy is imported until a name is used.

What each name does: ``docs/emulator.md`` and ``docs/local-services.md``."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_provider_arize.dag_testing import (
        arize_connection_uri_env,
        configure_local_airflow,
        load_dag,
        migrate_metadata_db,
        run_dag,
    )
    from airflow_provider_arize.emulator.testing import EmulatorProcess, EmulatorServer
    from airflow_provider_arize.local_services.airflow import LiveAirflow
    from airflow_provider_arize.local_services.s3 import FakeS3Server
    from airflow_provider_arize.local_services.snowflake import FakeSnowflakeServer

#: Where each name lives.
_HOMES = {
    "EmulatorServer": "airflow_provider_arize.emulator.testing",
    "EmulatorProcess": "airflow_provider_arize.emulator.testing",
    "FakeS3Server": "airflow_provider_arize.local_services.s3",
    "FakeSnowflakeServer": "airflow_provider_arize.local_services.snowflake",
    "LiveAirflow": "airflow_provider_arize.local_services.airflow",
    "arize_connection_uri_env": "airflow_provider_arize.dag_testing",
    "configure_local_airflow": "airflow_provider_arize.dag_testing",
    "load_dag": "airflow_provider_arize.dag_testing",
    "migrate_metadata_db": "airflow_provider_arize.dag_testing",
    "run_dag": "airflow_provider_arize.dag_testing",
}

__all__ = [
    "EmulatorProcess",
    "EmulatorServer",
    "FakeS3Server",
    "FakeSnowflakeServer",
    "LiveAirflow",
    "arize_connection_uri_env",
    "configure_local_airflow",
    "load_dag",
    "migrate_metadata_db",
    "run_dag",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
