"""Pytest fixtures for the Arize emulator, opted into from a ``conftest.py`` with
``pytest_plugins = ["airflow_provider_arize.emulator.pytest_plugin"]`` (the ``testing`` extra).

* ``arize_emulator``: a fresh in-memory :class:`~.testing.EmulatorServer` per test, serving the profile
  (API variant, see :mod:`.profiles`) given by indirect parametrization, else by the marker
  ``@pytest.mark.arize_profile("pages,no-introspection")``, else ``full``.
* ``arize_emulator_factory``: call it (``arize_emulator_factory("upper-enums", run_workers=False)``) for
  as many in-memory emulators as a test needs; each is stopped after the test.
* ``arize_emulator_session``: one in-memory ``full`` server shared by the whole session (state
  accumulates; reset faults, options and stats yourself if a test changes them).

Example::

    @pytest.mark.parametrize("arize_emulator", ["full", "pages", "no-search"], indirect=True)
    def test_lists_jobs(arize_emulator): ...
"""

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
