"""The example DAGs on the API variants of what a host may lack or limit: listing search and paging,
mutation ids, file payloads, a request's complexity, global ids (``profile_check.py``)."""

from __future__ import annotations

from profile_check import env, profile_tests

__all__ = ["env"]  # the fixture, shared

#: The discovery request is part of what is tested here (see tests/conftest.py).
PRE_DISCOVER = False

arize_emulator, test_every_example_dag_succeeds_on_this_variant_of_the_api = profile_tests(
    "no-search,no-paging", "no-mutation-id,no-file-payloads", "low-complexity", "short-ids"
)
