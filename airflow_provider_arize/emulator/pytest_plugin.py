"""Pytest fixtures for the Arize emulator (registered as a ``pytest11`` entry point).

* ``arize_emulator``: a fresh in-memory :class:`~.testing.EmulatorServer` per test.
* ``arize_emulator_session``: one in-memory server shared by the whole session (state accumulates;
  reset faults, options and stats yourself if a test changes them).

Without the entry point, enable them in a ``conftest.py`` with
``pytest_plugins = ["airflow_provider_arize.emulator.pytest_plugin"]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported lazily: this plugin loads in every pytest run where the package is installed,
    # including installs without the ``emulator`` extra
    from .testing import EmulatorServer


@pytest.fixture
def arize_emulator() -> Iterator[EmulatorServer]:
    """A fresh in-memory emulator for one test."""
    from .testing import EmulatorServer

    with EmulatorServer() as server:
        yield server


@pytest.fixture(scope="session")
def arize_emulator_session() -> Iterator[EmulatorServer]:
    """One in-memory emulator for the whole test session."""
    from .testing import EmulatorServer

    with EmulatorServer() as server:
        yield server
