"""Every pytest fixture of the package, for a ``conftest.py``:
``pytest_plugins = ["airflow_provider_arize.testing.pytest_plugin"]`` (the emulator's and the local
services'; see ``docs/emulator.md``)."""

pytest_plugins = [
    "airflow_provider_arize.emulator.pytest_plugin",
    "airflow_provider_arize.local_services.pytest_plugin",
]
