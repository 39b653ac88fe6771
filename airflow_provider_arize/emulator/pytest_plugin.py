"""Pytest fixtures for the Arize emulator (``arize_emulator``, ``arize_emulator_factory``,
``arize_emulator_session``), opted into from a ``conftest.py`` with
``pytest_plugins = ["airflow_provider_arize.emulator.pytest_plugin"]`` (the ``testing`` extra).

Scopes and profiles: ``docs/emulator.md``, "Pytest fixtures"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported lazily: the fixtures' server starts only when a test asks for one
    from .testing import EmulatorServer

MARKER = "arize_profile"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(name): the emulator profile the arize_emulator fixture serves (e.g. 'pages')"
    )


def _requested_profile(request: pytest.FixtureRequest) -> str:
    param = getattr(request, "param", None)
    if param is not None:
        return str(param)
    marker = request.node.get_closest_marker(MARKER)
    return str(marker.args[0]) if marker is not None and marker.args else "full"


@pytest.fixture
def arize_emulator(request: pytest.FixtureRequest) -> Iterator[EmulatorServer]:
    """A fresh in-memory emulator for one test, serving the requested profile (default ``full``)."""
    from .testing import EmulatorServer

    with EmulatorServer(profile=_requested_profile(request)) as server:
        yield server


@pytest.fixture
def arize_emulator_factory() -> Iterator[Callable[..., EmulatorServer]]:
    """``make(profile="full", **options)`` starts an in-memory emulator; all are stopped afterwards."""
    from .testing import EmulatorServer

    started: list[EmulatorServer] = []

    def make(profile: str = "full", **options: Any) -> EmulatorServer:
        server = EmulatorServer(profile=profile, **options).start()
        started.append(server)
        return server

    yield make
    for server in reversed(started):
        server.stop()


@pytest.fixture(scope="session")
def arize_emulator_session() -> Iterator[EmulatorServer]:
    """One in-memory emulator for the whole test session."""
    from .testing import EmulatorServer

    with EmulatorServer() as server:
        yield server
