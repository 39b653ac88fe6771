"""Detection states in Airflow Variables, outside a task: the Task SDK's ``Variable`` reads only
environment variables and cannot write there (it needs a task's supervisor), so the store falls back to
``airflow.models.Variable`` on the metadata DB (here the session's migrated SQLite DB). The Task SDK
path, inside a real task, is covered by the sensor's ``dag.test()`` tests."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.detection import DetectionState
from airflow_provider_arize.s3.objects import parse_time
from airflow_provider_arize.s3.state_store import (
    StateStoreError,
    VariableStateStore,
    in_task_context,
    load_state,
    save_state,
    variable_key,
)


def a_state(prefix: str = "p/") -> DetectionState:
    t = parse_time("2026-03-01T10:00:00Z")
    return DetectionState("b", prefix, t, parse_time("2026-03-01T09:00:00Z"), frozenset({"0123456789ab"}))


def test_the_task_sdk_cannot_write_variables_outside_a_task(airflow_db: Path) -> None:
    from airflow.sdk import Variable

    assert not in_task_context()
    with pytest.raises(ImportError):  # no supervisor to send the write to
        Variable.set(f"probe_{uuid.uuid4().hex}", "x")


def test_outside_a_task_states_round_trip_through_the_metadata_db(airflow_db: Path) -> None:
    from airflow.models import Variable

    key = variable_key(f"test.{uuid.uuid4().hex}")
    store = VariableStateStore()
    assert load_state(store, key, bucket="b", prefix="p/") is None
    save_state(store, key, a_state())
    assert load_state(store, key, bucket="b", prefix="p/") == a_state()
    assert Variable.get(key) == a_state().dumps()  # the same row any worker reads


def test_a_state_of_another_prefix_is_refused_naming_both(airflow_db: Path) -> None:
    key = variable_key(f"test.{uuid.uuid4().hex}")
    save_state(VariableStateStore(), key, a_state("p/"))
    with pytest.raises(ArizeConfigError, match=r"s3://b/p/.*s3://b/q/"):
        load_state(VariableStateStore(), key, bucket="b", prefix="q/")


def test_a_shadowing_environment_variable_makes_saving_fail(
    airflow_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = variable_key(f"test.{uuid.uuid4().hex}")
    monkeypatch.setenv(f"AIRFLOW_VAR_{key.upper()}", a_state().dumps())
    newer = DetectionState("b", "p/", parse_time("2026-03-02T10:00:00Z"), None, frozenset())
    with pytest.raises(StateStoreError, match="shadow"):
        save_state(VariableStateStore(), key, newer)


@pytest.mark.parametrize("state_id", ["", "  ", None, "x" * 240])
def test_bad_state_ids(state_id: object) -> None:
    with pytest.raises(ArizeConfigError) as info:
        variable_key(state_id)
    assert info.value.field == "state_id"
