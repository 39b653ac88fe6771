"""Testing your own DAGs against a local Arize: the one place to import from (the ``testing`` extra).

* :class:`EmulatorServer` (in this process) and :class:`EmulatorProcess` (a subprocess): the Arize
  emulator, with its admin API (faults, rate limits, profiles of the API's unknowns).
* :class:`FakeS3Server` (moto) and :class:`FakeSnowflakeServer` (fakesnow over TLS): the stores Arize and
  your tasks read.
* :class:`LiveAirflow`: a real local Airflow (``airflow standalone``) driven through its REST API.
* :func:`configure_local_airflow`, :func:`migrate_metadata_db`, :func:`load_dag`, :func:`run_dag`,
  :func:`arize_connection_uri_env`: run a DAG with ``dag.test()`` against them.
* Pytest fixtures: ``pytest_plugins = ["airflow_provider_arize.testing.pytest_plugin"]`` in your
  ``conftest.py`` (``arize_emulator``, ``arize_emulator_factory``, ``fake_s3``, ``fake_snowflake``, ...).

Nothing heavy is imported until a name is used. See ``docs/emulator.md``.
"""

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
