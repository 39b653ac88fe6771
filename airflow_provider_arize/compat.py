"""What differs between the Airflow versions the provider supports (3.1 and later), in one place: each
helper says which versions it bridges.

Names that moved into ``airflow.sdk`` (``conf``, ``AirflowSkipException``, ...) are not here: they come
from ``airflow.providers.common.compat.sdk``, Airflow's own compat layer, which finds them on every
version."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

__all__ = [
    "airflow_version",
    "amask_secret",
    "connection_form_widgets",
    "dagbag_class",
    "has_acknowledged_shared_streams",
    "has_retry_policies",
    "set_default_retry_policy",
    "store_parsed_dags",
]


@cache
def airflow_version() -> tuple[int, int]:
    """The installed Airflow's major and minor version."""
    from importlib.metadata import version

    major, minor, *_ = version("apache-airflow-core").split(".")
    return int(major), int(minor)


@cache
def has_retry_policies() -> bool:
    """Whether tasks take a ``retry_policy`` (``airflow.sdk.ExceptionRetryPolicy``: Airflow 3.3 and later).
    On older versions the tasks get none: an error no retry can fix spends the task's retries before
    failing."""
    try:
        from airflow.sdk import ExceptionRetryPolicy  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def has_acknowledged_shared_streams() -> bool:
    """Whether the triggerer can run an event trigger as a subscriber of a shared stream in ack mode
    (Airflow 3.3 and later): a producer per stream, advanced only once the trigger events derived from
    a raw event are confirmed persisted. Before 3.3, every event trigger runs its own ``run()``."""
    try:
        from airflow.triggers.base import BaseEventTrigger
        from airflow.triggers.shared_stream import SharedStreamManager, SharedStreamProducer  # noqa: F401
    except ImportError:
        return False
    return hasattr(BaseEventTrigger, "create_shared_stream_producer") and hasattr(
        SharedStreamManager, "confirm_persisted"
    )


def set_default_retry_policy(kwargs: dict[str, Any], make_policy: Callable[[], Any]) -> None:
    """Give a task the policy ``make_policy()`` builds unless its arguments name one; nothing on an
    Airflow without policies (where passing ``retry_policy`` yourself is an error of Airflow's)."""
    if has_retry_policies() and "retry_policy" not in kwargs:
        kwargs["retry_policy"] = make_policy()


async def amask_secret(secret: str) -> None:
    """Mask ``secret`` in this process's logs from async code (``airflow.sdk.log.amask_secret`` on 3.2
    and later; the sync ``mask_secret`` on 3.1, which has no async one)."""
    try:
        from airflow.sdk.log import amask_secret as mask
    except ImportError:  # Airflow 3.1
        from airflow.sdk.log import mask_secret

        mask_secret(secret)
        return
    await mask(secret)


def store_parsed_dags(bag: Any, dag_file: Any) -> None:
    """Store a parsed file's DAGs in the metadata DB as the dag-processor would, where ``dag.test()``
    does not do it itself (Airflow 3.1): under the configured bundle that holds ``dag_file``."""
    if airflow_version() >= (3, 2):
        return
    from pathlib import Path

    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.models.dagbag import sync_bag_to_db  # type: ignore[attr-defined,unused-ignore]

    manager = DagBundlesManager()  # type: ignore[no-untyped-call,unused-ignore]
    manager.sync_bundles_to_db()
    for bundle in manager.get_all_dag_bundles():
        if Path(dag_file).resolve().is_relative_to(Path(bundle.path).resolve()):
            sync_bag_to_db(bag, bundle.name, bundle.version)
            return
    raise RuntimeError(f"{dag_file} is in no configured DAG bundle: dag.test() cannot run it")


def connection_form_widgets() -> dict[str, Any]:
    """The ``arize`` form's extra fields as WTForms fields, built from the same ``conn-fields`` that
    Airflow 3.2 and later read declaratively from the provider info. On 3.1 the form's fields come from
    ``ArizeHook.get_connection_form_widgets``, which returns these; they need the FAB UI's WTForms, as
    Airflow 3.1 does."""
    from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
    from flask_babel import lazy_gettext
    from wtforms import BooleanField, StringField

    from airflow_provider_arize.get_provider_info import conn_fields

    widgets: dict[str, Any] = {}
    for name, field in conn_fields().items():
        label, description = lazy_gettext(field["label"]), field.get("description", "")
        if "boolean" in field["schema"]["type"]:
            widgets[name] = BooleanField(
                label, description=description, default=field["schema"].get("default")
            )
        else:  # numbers too: Airflow 3.1 renders IntegerField only, and the hook parses the text
            widgets[name] = StringField(label, description=description, widget=BS3TextFieldWidget())
    return widgets


def dagbag_class() -> Any:
    """Airflow's ``DagBag``, wherever this version keeps it: ``airflow.dag_processing.dagbag`` from 3.2,
    ``airflow.models.dagbag`` on 3.1."""
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow 3.1
        from airflow.models.dagbag import DagBag  # type: ignore[no-redef,attr-defined,unused-ignore]
    return DagBag
