"""End-to-end fixtures: the emulator reading the local S3 (moto) and the local Snowflake (fakesnow)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def arize_emulator(fake_s3: Any) -> Iterator[Any]:
    """A fresh emulator that reads the local S3 and polls file jobs every 0.2 s (Arize: every 10 s)."""
    from airflow_provider_arize.emulator.testing import EmulatorServer

    with EmulatorServer(
        s3=fake_s3.emulator_s3(), file_poll_interval_seconds=0.2, worker_interval_seconds=0.2
    ) as server:
        yield server


@pytest.fixture(autouse=True)
def _forget_new_file_sensor_states(airflow_db: Any) -> None:
    """Each test starts with no detection state (states live in Airflow Variables, shared by the session)."""
    from airflow.models import Variable
    from airflow.utils.session import create_session

    with create_session() as session:
        session.query(Variable).filter(Variable.key.like("arize_s3_new_files.%")).delete(
            synchronize_session=False
        )
