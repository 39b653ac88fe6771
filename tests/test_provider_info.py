"""Airflow discovers the provider through its entry point, with the ``arize`` connection form as data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from airflow_provider_arize.get_provider_info import get_provider_info


def test_provider_info_is_valid_and_points_at_real_classes() -> None:
    import importlib
    import json

    import jsonschema
    from airflow import __file__ as airflow_init

    info = get_provider_info()
    schema = json.loads((Path(airflow_init).parent / "provider_info.schema.json").read_text())
    jsonschema.validate(info, schema)
    assert info["package-name"] == "airflow-provider-arize"
    root = Path(__file__).resolve().parents[1]
    for guide in info["integrations"][0]["how-to-guide"]:
        assert (root / guide.lstrip("/")).is_file(), guide  # every how-to guide is a page of docs/
    for dotted in [c["hook-class-name"] for c in info["connection-types"]] + info["extra-links"]:
        module, _, name = dotted.rpartition(".")
        assert hasattr(importlib.import_module(module), name), dotted
    for group in ("operators", "sensors", "triggers", "hooks"):
        for entry in info[group]:
            for module in entry["python-modules"]:
                importlib.import_module(module)


def test_airflow_lists_provider_and_connection_type() -> None:
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    assert "airflow-provider-arize" in manager.providers
    try:
        from airflow.sdk.providers_manager_runtime import ProvidersManagerTaskRuntime

        hooks = ProvidersManagerTaskRuntime().hooks
    except ImportError:  # Airflow 3.1: one providers manager
        hooks = manager.hooks
    hook = hooks["arize"]
    assert hook is not None and hook.hook_class_name.endswith("ArizeHook")
    widgets = manager.connection_form_widgets
    extras = ("space_id", "job_id_form", "timeout", "verify", "ca_bundle")
    for extra in (*extras, "poll_queries_per_minute", "task_queries_per_minute"):
        assert f"extra__arize__{extra}" in widgets, extra  # every extra the hook reads
    assert (
        manager.provider_configs
        and dict(manager.provider_configs)["airflow-provider-arize"]["arize"]["options"][
            "coalesce_trigger_polls"
        ]["default"]
        == "True"
    )
    behaviour = manager.field_behaviours["arize"]
    assert behaviour["relabeling"]["password"] == "Developer API key"
    assert "login" in behaviour["hidden_fields"]


def test_airflow_cli_lists_provider(airflow_db: Path) -> None:
    out = subprocess.run(
        [str(Path(sys.executable).with_name("airflow")), "providers", "list", "-o", "plain"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "airflow-provider-arize" in out
