"""ArizeHook: the Arize import-job API behind an Airflow ``arize`` connection.

Nothing is looked up or sent in ``__init__`` (a hook costs nothing at DAG-parse time); the API key is
masked as soon as it is read. The fields, retries and pacing: docs/connection.md.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseHook

from airflow_provider_arize.api.errors import ArizeError
from airflow_provider_arize.compat import amask_secret, connection_form_widgets
from airflow_provider_arize.links import job_url
from airflow_provider_arize.waits import evaluate_table_run

if TYPE_CHECKING:
    from airflow_provider_arize.api.async_client import AsyncArizeClient
    from airflow_provider_arize.api.client import (
        ArizeClient,
        CreateResult,
        StatusAction,
        StatusChange,
        TriggerResult,
    )
    from airflow_provider_arize.api.models import (
        FileImportJobSpec,
        ImportJob,
        ModelSchema,
        QueryWindow,
        TableImportJobSpec,
        TableIngestionParameters,
        TableRunQuery,
        TriggeredTableImportJobSpec,
        ValidationResult,
    )
    from airflow_provider_arize.api.models.records import JobType
    from airflow_provider_arize.hooks.connection import ArizeConnectionSettings
    from airflow_provider_arize.waits import TableRunOutcome


def _mask(secret: str) -> None:
    from airflow.sdk.log import mask_secret

    mask_secret(secret)


def _transport_config(settings: ArizeConnectionSettings) -> Any:
    from airflow_provider_arize.api.transport import TransportConfig

    return TransportConfig(
        endpoint=settings.endpoint,
        api_key=settings.api_key,
        timeout=settings.timeout,
        verify=settings.verify,
        retry=settings.retry_policy(),
    )


class ArizeHook(BaseHook):
    """Interact with Arize's GraphQL import-job API.

    :param arize_conn_id: an ``arize`` connection: host = endpoint URL (default ``https://app.arize.com``),
        password = developer API key, extra ``space_id`` (and optionally ``job_id_form``, ``timeout``,
        ``verify``, ``ca_bundle``, and ``poll_queries_per_minute`` for the triggers' pacing).
    """

    conn_name_attr = "arize_conn_id"
    default_conn_name = "arize_default"
    conn_type = "arize"
    hook_name = "Arize"

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        """The form's extra fields where Airflow does not read ``conn-fields`` (3.1, with the FAB UI
        installed); see :mod:`airflow_provider_arize.compat`."""
        return connection_form_widgets()

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """How the form shows the standard fields, where Airflow does not read ``ui-field-behaviour``
        (the same data, keyed as hooks key it: ``hidden_fields``)."""
        from airflow_provider_arize.get_provider_info import ui_field_behaviour

        return {key.replace("-", "_"): value for key, value in ui_field_behaviour().items()}

    def __init__(self, arize_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arize_conn_id = arize_conn_id

    # -- connection and clients ---------------------------------------------------------------------
    @cached_property
    def settings(self) -> ArizeConnectionSettings:
        """The validated connection (looked up once, on first use)."""
        from airflow_provider_arize.hooks.connection import ArizeConnectionSettings

        conn = self.get_connection(self.arize_conn_id)
        if conn.password:
            _mask(conn.password)
        return ArizeConnectionSettings.from_connection(conn)

    @cached_property
    def client(self) -> ArizeClient:
        """The synchronous client, built on first use."""
        from airflow_provider_arize.api.client import ArizeClient
        from airflow_provider_arize.api.machine_pacing import machine_bucket
        from airflow_provider_arize.api.transport import GraphQLTransport

        settings = self.settings
        pacer = machine_bucket(settings.endpoint, settings.api_key, settings.task_queries_per_minute)
        transport = GraphQLTransport(
            _transport_config(settings),
            pace=pacer.acquire,
            sleep=pacer.sleep_then_acquire,
            on_response=pacer.observe,
        )
        return ArizeClient(
            transport,
            space_id=settings.space_id,
            job_id_form=settings.job_id_form,
        )  # type: ignore[arg-type]

    def get_conn(self) -> ArizeClient:
        """Return the synchronous :class:`ArizeClient`."""
        return self.client

    async def get_async_client(self, *, paced: bool = False) -> AsyncArizeClient:
        """A read-only async client, for triggers. The caller closes it (``async with``).

        ``paced=True`` gives the client the token bucket of its API key on this event loop
        (:func:`airflow_provider_arize.api.pacing.shared_bucket`: connections sharing a key share it),
        sized by the connection's extra ``poll_queries_per_minute`` (default 80; Arize allows 100 a
        minute per key): every request, retries included, takes a token first, and every answer tells
        the bucket whether to slow down (a rate limit) or speed back up (a success). The triggers'
        shared client is paced; see :mod:`airflow_provider_arize.triggers.polling`.
        """
        from airflow_provider_arize.api.async_client import AsyncArizeClient
        from airflow_provider_arize.api.transport import AsyncGraphQLTransport

        conn = await self.aget_connection(self.arize_conn_id)
        if conn.password:
            await amask_secret(conn.password)
        from airflow_provider_arize.hooks.connection import ArizeConnectionSettings

        settings = ArizeConnectionSettings.from_connection(conn)
        if not paced:
            return AsyncArizeClient(
                AsyncGraphQLTransport(_transport_config(settings)), space_id=settings.space_id
            )
        from airflow_provider_arize.api.pacing import shared_bucket

        pacer = shared_bucket(settings.endpoint, settings.api_key, settings.poll_queries_per_minute)
        transport = AsyncGraphQLTransport(
            _transport_config(settings), sleep=pacer.sleep_then_acquire, on_response=pacer.observe
        )
        return AsyncArizeClient(transport, space_id=settings.space_id, pacer=pacer)

    def test_connection(self) -> tuple[bool, str]:
        """Send ``{ __typename }`` with the connection's key; report success and a message."""
        try:
            typename = self.client.test_connection()
        except ArizeError as exc:
            return False, str(exc)
        return True, f"Connected to {self.settings.endpoint} (root type {typename})"

    # -- jobs -----------------------------------------------------------------------------------------
    def job_url(self, job: ImportJob) -> str:
        """The Arize UI page of a job's space (the job id is shown there)."""
        return job_url(self.settings.endpoint, self.settings.space_id, job)

    def dry_run_table_job(self, spec: TableImportJobSpec) -> ValidationResult:
        return self.client.dry_run_table_job(spec)

    def create_table_job(self, spec: TableImportJobSpec) -> CreateResult:
        return self.client.create_table_job(spec)

    def create_triggered_table_job(self, spec: TriggeredTableImportJobSpec) -> CreateResult:
        return self.client.create_triggered_table_job(spec)

    def dry_run_file_job(self, spec: FileImportJobSpec, file_name: str | None = None) -> ValidationResult:
        return self.client.dry_run_file_job(spec, file_name=file_name)

    def create_file_job(self, spec: FileImportJobSpec) -> CreateResult:
        return self.client.create_file_job(spec)

    def get_job(self, job_type: JobType, job_id: str) -> ImportJob:
        """A job by global id or short job id."""
        return self.client.get_job(job_type, job_id)

    def list_jobs(self, job_type: JobType, search: str | None = None) -> list[ImportJob]:
        """Every table or file job of the connection's space."""
        return list(self.client.iter_jobs(job_type, search=search))

    def lookup_job(self, job_id: str, job_type: JobType | None = None) -> ImportJob:
        """A job by global id or short job id, of either kind unless ``job_type`` is given (see
        :meth:`~airflow_provider_arize.api.client.ArizeClient.lookup_job`)."""
        return self.client.lookup_job(job_id, job_type)

    def change_job_status(self, job: ImportJob, action: StatusAction) -> StatusChange:
        """Pause, resume or delete a job just read (no second read before the change)."""
        return self.client.change_status(job, action)

    def pause_job(self, job_type: JobType, job_id: str) -> StatusChange:
        return self.client.set_status(job_type, job_id, "pause")

    def resume_job(self, job_type: JobType, job_id: str) -> StatusChange:
        return self.client.set_status(job_type, job_id, "resume")

    def delete_job(self, job_type: JobType, job_id: str) -> StatusChange:
        return self.client.set_status(job_type, job_id, "delete")

    def update_ingestion_parameters(self, job_id: str, params: TableIngestionParameters) -> ImportJob:
        return self.client.update_ingestion_parameters(job_id, params)

    def update_table_job_schema(
        self, job_id: str, schema: ModelSchema, params: TableIngestionParameters | None = None
    ) -> ImportJob:
        return self.client.update_table_job_schema(job_id, schema, params)

    def update_file_job_schema(self, job_id: str, schema: ModelSchema) -> ImportJob:
        return self.client.update_file_job_schema(job_id, schema)

    def trigger_table_run(self, job_id: str, window: QueryWindow) -> TriggerResult:
        return self.client.trigger_table_run(job_id, window)

    def list_table_queries(self, job_id: str) -> list[TableRunQuery]:
        return self.client.list_table_queries(job_id)

    def check_table_run(self, job_id: str, window: QueryWindow) -> TableRunOutcome:
        """One poll of a window's run: read the job and its query for ``window``, and decide (see
        :func:`airflow_provider_arize.waits.evaluate_table_run`). Reads only; safe to repeat."""
        return self.read_table_run(job_id, window)[1]

    def read_table_run(self, job_id: str, window: QueryWindow) -> tuple[ImportJob, TableRunOutcome]:
        """:meth:`check_table_run`, with the job it read."""
        from airflow_provider_arize.api.payloads import window_query

        job = self.client.get_job("table", job_id)
        queries = self.client.list_table_queries(job.id)
        outcome = evaluate_table_run(job, window_query(queries, window), window, queries_total=len(queries))
        return job, outcome
