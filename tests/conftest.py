"""Test-wide setup: a private Airflow home (set before Airflow is imported) and emulator-backed hooks."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from airflow_provider_arize.dag_testing import configure_local_airflow

# the package's fixtures, opted into as a user's own tests would (they load for no one else)
pytest_plugins = ["airflow_provider_arize.testing.pytest_plugin"]

ROOT = Path(__file__).resolve().parent.parent
_HOME = Path(tempfile.mkdtemp(prefix="arize-airflow-home-"))
configure_local_airflow(_HOME, ROOT / "example_dags")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
# learnt API shapes and the tasks' pacing state: this session's own (each xdist worker has its own home)
os.environ["ARIZE_PROVIDER_CACHE_DIR"] = str(_HOME / "arize-provider-cache")


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated SQLite metadata DB in the session's private Airflow home (about 5 s, once)."""
    from airflow_provider_arize.dag_testing import migrate_metadata_db

    migrate_metadata_db()
    return _HOME


@pytest.fixture
def arize_conn_env(arize_emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An ``arize_default`` connection (environment variable) pointing at a fresh emulator."""
    from airflow_provider_arize.dag_testing import arize_connection_uri_env

    for key, value in arize_connection_uri_env(
        "arize_default",
        url=arize_emulator.url,
        api_key=arize_emulator.api_key,
        space_id=arize_emulator.space_id,
    ).items():
        monkeypatch.setenv(key, value)
    yield "arize_default"


@pytest.fixture(autouse=True)
def _host_shape_known(request: pytest.FixtureRequest) -> None:
    """Forget the shapes learnt by earlier tests; learn the shape of this test's emulator before it runs,
    then zero its request counters.

    The client discovers a host's schema with one request the first time it talks to it (see
    ``api/sender.py``); tests that count requests or script faults should see only their own calls.
    Discovery itself is tested in ``tests/api/test_host_shape.py``.
    """
    from airflow_provider_arize.api.shape.host import forget_shapes

    forget_shapes()  # a port an earlier test's emulator used may serve another API variant now
    if "arize_emulator" not in request.fixturenames or not getattr(request.module, "PRE_DISCOVER", True):
        return
    from airflow_provider_arize.api.sender import Sender
    from airflow_provider_arize.api.transport import GraphQLTransport, TransportConfig

    emulator = request.getfixturevalue("arize_emulator")
    with GraphQLTransport(TransportConfig(endpoint=emulator.url, api_key=emulator.api_key)) as transport:
        Sender(transport).discover()
    emulator.admin.reset_stats()
