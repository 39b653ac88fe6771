"""Shared base of the Arize job operators: the hook, and publishing a job to XCom and the extra link."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.links import XCOM_JOB_ID, XCOM_JOB_URL, XCOM_SHORT_JOB_ID, ArizeJobLink

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.models import ImportJob, ModelTarget


class ArizeBaseOperator(BaseOperator):
    """Base for operators that talk to Arize through an ``arize`` connection.

    Constructing one does no I/O: the connection is read when the task runs.

    :param arize_conn_id: the ``arize`` connection (endpoint, API key, space id).
    """

    operator_extra_links = (ArizeJobLink(),)
    ui_color = "#dff5e6"

    def __init__(self, *, arize_conn_id: str = ArizeHook.default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arize_conn_id = arize_conn_id

    @cached_property
    def hook(self) -> ArizeHook:
        return ArizeHook(arize_conn_id=self.arize_conn_id)

    def publish_job(self, context: Context, job: ImportJob) -> dict[str, Any]:
        """Push the job's global id, short id and UI URL to XCom; return its summary (the task's result)."""
        url = self.hook.job_url(job)
        ti = context["ti"]
        ti.xcom_push(key=XCOM_JOB_ID, value=job.id)
        ti.xcom_push(key=XCOM_SHORT_JOB_ID, value=job.job_id)
        ti.xcom_push(key=XCOM_JOB_URL, value=url)
        return {**job.summary(), "url": url}


class ArizeModelOperator(ArizeBaseOperator):
    """Base for operators that describe a model target (space, model, type, environment, version, batch).

    :param model_name: Arize model to create or append to.
    :param model_type: ``score_categorical``, ``numeric``, ``ranking``, ``multi_class``,
        ``object_detection`` or ``generative_llm``.
    :param environment: ``production``, ``validation``, ``training`` or ``tracing``.
    :param space_id: target space; default: the connection's ``space_id``.
    :param model_version: version applied to every row (optional).
    :param batch_id: batch name; required for the ``validation`` environment.
    """

    model_fields: Sequence[str] = (
        "space_id",
        "model_name",
        "model_type",
        "environment",
        "model_version",
        "batch_id",
    )

    def __init__(
        self,
        *,
        model_name: str,
        model_type: str,
        environment: str = "production",
        space_id: str | None = None,
        model_version: str | None = None,
        batch_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.model_name = model_name
        self.model_type = model_type
        self.environment = environment
        self.space_id = space_id
        self.model_version = model_version
        self.batch_id = batch_id

    def model_target(self) -> ModelTarget:
        """The validated target; raises ``ArizeConfigError`` naming the bad field (before any request)."""
        from airflow_provider_arize.api.models import ModelTarget

        return ModelTarget(
            space_id=self.space_id or self.hook.settings.space_id,
            model_name=self.model_name,
            model_type=self.model_type,
            environment=self.environment,
            model_version=self.model_version,
            batch_id=self.batch_id,
        )
