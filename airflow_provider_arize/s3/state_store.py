"""Where a new-files sensor keeps its detection state: an Airflow Variable, so every worker of a
distributed deployment reads the same state (never a worker's disk).

Key, size, the Task SDK or ORM path, read-back and caching: ``docs/file-jobs.md``, "Where the state is
kept"."""

from __future__ import annotations

import sys
from typing import Final, Literal, Protocol, overload

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.arrival import ArrivalState
from airflow_provider_arize.s3.detection import MAX_STATE_BYTES, DetectionState

#: Prefix of the Variables holding detection states.
VARIABLE_PREFIX: Final = "arize_s3_new_files."
#: Airflow's limit on a Variable key.
MAX_KEY_LENGTH: Final = 250


class StateStoreError(RuntimeError):
    """Saving a state did not stick (read-back differs). Retried like any error: nothing was lost."""


class StateStore(Protocol):
    """A key-value store for detection states (JSON text)."""

    def load(self, key: str) -> str | None:
        """The stored text, or ``None`` when nothing is stored under ``key``."""
        ...

    def save(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` (replacing it)."""
        ...


def in_task_context() -> bool:
    """Whether this process runs a task under the Task SDK's supervisor (Variables writable via the SDK)."""
    runner = sys.modules.get("airflow.sdk.execution_time.task_runner")
    return getattr(runner, "SUPERVISOR_COMMS", None) is not None


class VariableStateStore:
    """Airflow Variables: the Task SDK inside a task, ``airflow.models.Variable`` outside one."""

    def load(self, key: str) -> str | None:
        if in_task_context():
            from airflow.sdk import Variable

            value = Variable.get(key, default=None)
        else:
            from airflow.models import Variable as VariableModel

            value = VariableModel.get(key, default_var=None)
        return None if value is None else str(value)

    def save(self, key: str, value: str) -> None:
        if in_task_context():
            from airflow.sdk import Variable

            Variable.set(key, value, description="Detection state of an Arize S3 new-files sensor")
        else:
            from airflow.models import Variable as VariableModel

            VariableModel.set(key, value, description="Detection state of an Arize S3 new-files sensor")


def variable_key(state_id: object) -> str:
    """The Variable key of ``state_id`` (``ArizeConfigError`` when empty or too long)."""
    if not isinstance(state_id, str) or not state_id.strip():
        raise ArizeConfigError(f"state_id must be a non-empty string, got {state_id!r}", field="state_id")
    key = VARIABLE_PREFIX + state_id.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise ArizeConfigError(
            f"state_id is too long: the Variable key {key[:60]!r}... exceeds {MAX_KEY_LENGTH} characters",
            field="state_id",
        )
    return key


@overload
def parse_state(
    value: object, *, bucket: str, prefix: str, where: str, keys_sort_by_arrival: Literal[False] = ...
) -> DetectionState: ...
@overload
def parse_state(
    value: object, *, bucket: str, prefix: str, where: str, keys_sort_by_arrival: Literal[True]
) -> ArrivalState: ...
@overload
def parse_state(
    value: object, *, bucket: str, prefix: str, where: str, keys_sort_by_arrival: bool
) -> DetectionState | ArrivalState: ...
def parse_state(
    value: object, *, bucket: str, prefix: str, where: str, keys_sort_by_arrival: bool = False
) -> DetectionState | ArrivalState:
    """A stored state (dict or JSON text) in the layout of the sensor's mode, checked against
    ``bucket``/``prefix``; a state of the other mode raises ``ArizeS3StateError`` saying so."""
    if keys_sort_by_arrival:
        return ArrivalState.from_json(value, bucket=bucket, prefix=prefix, where=where)
    return DetectionState.from_json(value, bucket=bucket, prefix=prefix, where=where)


@overload
def load_state(
    store: StateStore, key: str, *, bucket: str, prefix: str, keys_sort_by_arrival: Literal[False] = ...
) -> DetectionState | None: ...
@overload
def load_state(
    store: StateStore, key: str, *, bucket: str, prefix: str, keys_sort_by_arrival: Literal[True]
) -> ArrivalState | None: ...
@overload
def load_state(
    store: StateStore, key: str, *, bucket: str, prefix: str, keys_sort_by_arrival: bool
) -> DetectionState | ArrivalState | None: ...
def load_state(
    store: StateStore, key: str, *, bucket: str, prefix: str, keys_sort_by_arrival: bool = False
) -> DetectionState | ArrivalState | None:
    """The stored state of ``key`` (``None`` when there is none), checked against ``bucket``/``prefix``
    and the mode (:func:`parse_state`)."""
    text = store.load(key)
    if text is None:
        return None
    return parse_state(
        text,
        bucket=bucket,
        prefix=prefix,
        where=f"Variable {key!r}",
        keys_sort_by_arrival=keys_sort_by_arrival,
    )


def save_state(store: StateStore, key: str, state: DetectionState | ArrivalState) -> None:
    """Store ``state`` under ``key`` and read it back (``docs/file-jobs.md``, "Where the state is kept")."""
    text = state.dumps()
    if len(text.encode("utf-8")) > MAX_STATE_BYTES:  # cannot happen with MAX_RECENT; a guard, not a path
        raise StateStoreError(f"state of {len(text)} bytes exceeds {MAX_STATE_BYTES}; not saved")
    store.save(key, text)
    if store.load(key) != text:
        raise StateStoreError(
            f"Variable {key!r} does not read back what was saved: an AIRFLOW_VAR_ environment variable or a "
            "secrets backend may shadow it, or the write was refused. The files will be reported again."
        )
