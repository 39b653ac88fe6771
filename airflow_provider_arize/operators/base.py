"""Bases of the Arize operators: the connection, the model target, dry-run gates and create reports.
What operators and sensors share lives in :mod:`airflow_provider_arize.task_helpers`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from airflow_provider_arize.api.errors import ArizeValidationError
from airflow_provider_arize.compat import set_default_retry_policy
from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.task_helpers import (
    NOT_RETRYABLE,
    ArizeHookMixin,
    ArizeJobTaskMixin,
    default_deferrable,
    fail_fast_retry_policy,
    resolve_window,
)

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_provider_arize.api.client import CreateResult
    from airflow_provider_arize.api.models import (
        ModelTarget,
        TableImportJobSpec,
        ValidationResult,
    )

__all__ = [
    "NOT_RETRYABLE",
    "ArizeBaseOperator",
    "ArizeHookMixin",
    "ArizeJobTaskMixin",
    "ArizeModelOperator",
    "default_deferrable",
    "fail_fast_retry_policy",
    "resolve_window",
]


class ArizeBaseOperator(ArizeJobTaskMixin, BaseOperator):
    """Base for operators that talk to Arize through an ``arize`` connection.

    Constructing one does no I/O: the connection is read when the task runs.

    :param arize_conn_id: the ``arize`` connection (endpoint, API key, space id).

    Errors no retry can fix fail the task at once (see :func:`fail_fast_retry_policy`).
    """

    ui_color = "#dff5e6"

    def __init__(self, *, arize_conn_id: str = ArizeHook.default_conn_name, **kwargs: Any) -> None:
        set_default_retry_policy(kwargs, fail_fast_retry_policy)
        super().__init__(**kwargs)
        self.arize_conn_id = arize_conn_id


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

    def dry_run_table(self, spec: TableImportJobSpec) -> ValidationResult:
        """Dry-run a table job (nothing is written); fail with Arize's validation message verbatim."""
        result = self.hook.dry_run_table_job(spec)
        return self.require_passed(result, "table", spec.table.fully_qualified_name, "DryRunTableImportJob")

    def require_passed(
        self, result: ValidationResult, kind: str, where: str, operation: str
    ) -> ValidationResult:
        """``result`` if the dry run passed; otherwise ``ArizeValidationError`` with Arize's message."""
        if not result.passed:
            raise ArizeValidationError(
                f"dry run of the {kind} import job failed: {result.describe()}",
                validation_result=result,
                operation_name=operation,
            )
        self.log.info("Dry run passed for %s (%s): %s", self.model_name, where, result.status)
        return result

    def report_create(self, context: Context, outcome: CreateResult, kind: str, where: str) -> dict[str, Any]:
        """Log whether ``outcome`` created the job or found it, publish it, return its summary."""
        job = outcome.job
        if outcome.created:
            self.log.info("Created %s import job %s (jobId %s) for %s", kind, job.id, job.job_id, where)
        else:
            self.log.info(
                "%s import job %s (jobId %s) already exists for model %r, %s, %s; "
                "returning it instead of creating a duplicate",
                kind,
                job.id,
                job.job_id,
                self.model_name,
                self.environment,
                where,
            )
        return {**self.publish_job(context, job), "created": outcome.created}
