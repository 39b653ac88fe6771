"""Local emulator of Arize's GraphQL import-job API (no Airflow import; see ``docs/emulator.md``).

Run it with ``python -m airflow_provider_arize.emulator``; test with
:mod:`airflow_provider_arize.emulator.testing`. Importing this package is cheap: submodules load
their dependencies (ariadne, starlette, uvicorn) only when imported.
"""
