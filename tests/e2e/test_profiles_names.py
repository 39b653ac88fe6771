"""The example DAGs on the API variants of the names a schema may lack: only the pages' names, no
introspection, no metadata (``profile_check.py``)."""

from __future__ import annotations

from profile_check import env, profile_tests

__all__ = ["env"]  # the fixture, shared

#: The discovery request is part of what is tested here (see tests/conftest.py).
PRE_DISCOVER = False

arize_emulator, test_every_example_dag_succeeds_on_this_variant_of_the_api = profile_tests(
    "pages", "pages,no-introspection", "no-introspection", "no-metadata"
)
