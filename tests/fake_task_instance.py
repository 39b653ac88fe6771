"""The one stand-in for Airflow's task instance that tests put in a task's context (``ti``).

Importable as ``fake_task_instance`` from any test: ``tests/`` has no ``__init__.py``, so pytest puts it on
``sys.path`` when it loads ``tests/conftest.py``.
"""

from __future__ import annotations

import json
from typing import Any


class FakeTaskInstance:
    """What an operator or sensor touches on its task instance.

    * ``xcom_push`` checks the value serialises (as XCom requires), then records it in ``xcom`` (this
      task's pushes, by key, as pushed) and in ``store`` (by ``(task_id, key)``, as a later task reads it
      back). Pass one ``store`` to the task instances of one DAG run to share their XComs;
      ``xcom_pull`` reads from it.
    * ``fail_push``: every push raises after the check, as a worker lost before the task finished.
    * ``task_id``, ``run_id``, ``map_index`` (-1: not mapped) and ``try_number`` (1), and
      ``get_first_reschedule_date`` (``None``: never rescheduled).
    """

    map_index = -1
    try_number = 1

    def __init__(
        self,
        task_id: str = "task",
        store: dict[tuple[str, str], Any] | None = None,
        *,
        run_id: str = "manual__test",
        fail_push: bool = False,
    ) -> None:
        self.task_id, self.run_id, self.fail_push = task_id, run_id, fail_push
        self.store: dict[tuple[str, str], Any] = {} if store is None else store
        self.xcom: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        serialised = json.dumps(value)  # XCom values must serialise
        if self.fail_push:
            raise RuntimeError("worker lost before the task finished")
        self.xcom[key] = value
        self.store[(self.task_id, key)] = json.loads(serialised)

    def xcom_pull(self, task_ids: Any = None, key: str = "return_value", **_: Any) -> Any:
        if isinstance(task_ids, str):
            return self.store.get((task_ids, key))
        return [self.store.get((t, key)) for t in task_ids]

    def get_first_reschedule_date(self, context: Any) -> None:
        return None
