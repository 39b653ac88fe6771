"""OpenLineage datasets of the Arize tasks: the warehouse table or bucket prefix each create, trigger and
wait task reads (input) and the Arize model it writes (output). Nothing is imported unless the
OpenLineage provider calls a task's ``get_openlineage_facets_on_complete``.

Datasets per task, naming, and how a trigger or wait task finds its input: ``docs/lineage.md``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from airflow_provider_arize.api.refs import job_ref
from airflow_provider_arize.assets import model_dataset, model_from_uri

if TYPE_CHECKING:
    from urllib.parse import SplitResult

    from airflow_provider_arize.api.models import (
        FileLocation,
        ImportJob,
        ModelSchema,
        TableConfig,
    )

#: XCom key of a create task's datasets (``{"job_id", "input", "output"}``, each ``{"namespace",
#: "name"}``), read by the trigger and wait tasks of the same DAG run.
XCOM_LINEAGE = "arize_lineage"

Name = tuple[str, str]


def snowflake_namespace(account: str) -> str:
    """``snowflake://<account>``, normalised as the Snowflake provider does (lower case; an account
    locator gains its region and cloud) when that provider is installed."""
    account = account.strip().lower()
    try:
        from airflow.providers.snowflake.utils.openlineage import fix_account_name

        account = fix_account_name(account)
    except ImportError:
        pass
    return f"snowflake://{account}"


def table_dataset(config: TableConfig) -> Name:
    """The ``(namespace, name)`` of a warehouse table."""
    from airflow_provider_arize.api.models import DatabricksTableConfig, SnowflakeTableConfig

    if isinstance(config, SnowflakeTableConfig):
        return snowflake_namespace(config.account_id), config.fully_qualified_name.upper()
    if isinstance(config, DatabricksTableConfig):
        return f"databricks://{config.host_name.strip().lower()}", config.fully_qualified_name
    return "bigquery", config.fully_qualified_name


def blob_dataset(blob_store: str | None, bucket: str, prefix: str | None, account: str | None = None) -> Name:
    """The ``(namespace, name)`` of a bucket prefix (``/``: the whole bucket). ``account`` is Azure's
    storage account."""
    name = (prefix or "").lstrip("/") or "/"
    store = blob_store or "S3"
    if store == "Azure":
        return f"wasbs://{bucket}@{account}.dfs.core.windows.net", name
    return f"{'gs' if store == 'GCS' else 's3'}://{bucket}", name


def location_dataset(location: FileLocation) -> Name:
    """The ``(namespace, name)`` of a file job's location."""
    azure = location.azure_storage_identifier
    account = azure.storage_account_name if azure else None
    return blob_dataset(location.blob_store, location.bucket_name, location.prefix, account)


def spec_datasets(spec: Any) -> tuple[Name, Name]:
    """``(input, output)`` of a table, event-based table or file job spec."""
    from airflow_provider_arize.api.models import FileImportJobSpec

    if isinstance(spec, FileImportJobSpec):
        source = location_dataset(spec.location)
    else:
        source = table_dataset(spec.table)
    return source, model_dataset(spec.target.space_id, spec.target.model_name)


def publish(context: Mapping[str, Any], job_id: str, spec: Any) -> None:
    """Push a create task's datasets (:data:`XCOM_LINEAGE`) for the trigger and wait tasks after it."""
    source, target = spec_datasets(spec)
    value = {"job_id": job_id, "input": _as_dict(source), "output": _as_dict(target)}
    context["ti"].xcom_push(key=XCOM_LINEAGE, value=value)


def operator_lineage(
    inputs: Iterable[Name], outputs: Iterable[Name], schema: ModelSchema | None = None
) -> Any:
    """An ``OperatorLineage`` of these datasets; the inputs carry the columns ``schema`` maps."""
    from airflow.providers.common.compat.openlineage.facet import (
        Dataset,
        SchemaDatasetFacet,
        SchemaDatasetFacetFields,
    )
    from airflow.providers.openlineage.extractors import OperatorLineage

    facets: dict[str, Any] = {}
    columns = list(dict.fromkeys(schema.columns().values())) if schema is not None else []
    if columns:
        facets["schema"] = SchemaDatasetFacet(fields=[SchemaDatasetFacetFields(name=c) for c in columns])
    return OperatorLineage(
        inputs=[Dataset(namespace=ns, name=name, facets=dict(facets)) for ns, name in inputs],
        outputs=[Dataset(namespace=ns, name=name) for ns, name in outputs],
    )


def spec_lineage(spec: Any) -> Any:
    """The lineage of a create task: its spec's input and output (empty before it built one)."""
    if spec is None:
        return operator_lineage([], [])
    source, target = spec_datasets(spec)
    return operator_lineage([source], [target], spec.schema)


def job_lineage(task: Any, task_instance: Any, job_type: str) -> Any:
    """The lineage of a trigger or wait task on ``task.job_id``: the job it read (``task._lineage_job``;
    read again after a deferral), completed by what a create task published in this DAG run."""
    job: ImportJob | None = getattr(task, "_lineage_job", None)
    if job is None:
        job = task.hook.get_job(job_type, job_ref(task.job_id))
    published = _published(task, task_instance, job.id)
    source = _as_name(published.get("input")) or job_source(job)
    target = _as_name(published.get("output"))
    if target is None and job.model_name:
        target = model_dataset(task.hook.settings.space_id, job.model_name)
    return operator_lineage([source] if source else [], [target] if target else [], job.schema)


def job_source(job: ImportJob) -> Name | None:
    """What a job reads, from what Arize reports of it: a BigQuery table or an S3/GCS prefix; ``None``
    for a Snowflake or Databricks table (Arize reports no account or host) and for Azure."""
    if job.job_type == "table":
        return ("bigquery", job.table) if job.table_store == "BigQuery" and job.table else None
    if not job.bucket_name or job.blob_store == "Azure":
        return None
    return blob_dataset(job.blob_store, job.bucket_name, job.prefix)


def _published(task: Any, task_instance: Any, job_id: str) -> dict[str, Any]:
    """What a create task upstream of ``task`` published for ``job_id`` in this DAG run, if any."""
    upstream = sorted(task.get_flat_relative_ids(upstream=True)) if task.has_dag() else []
    if not upstream:
        return {}
    values = task_instance.xcom_pull(task_ids=upstream, key=XCOM_LINEAGE)
    if isinstance(values, Mapping):
        values = [values]
    for value in values or []:
        if isinstance(value, Mapping) and value.get("job_id") == job_id:
            return dict(value)
    return {}


def _as_dict(name: Name) -> dict[str, str]:
    return {"namespace": name[0], "name": name[1]}


def _as_name(data: Any) -> Name | None:
    if isinstance(data, Mapping) and data.get("namespace") and data.get("name"):
        return str(data["namespace"]), str(data["name"])
    return None


class CreateLineageMixin:
    """OpenLineage of a create task: the spec it created a job for (the table or prefix in, the model
    out). ``execute`` calls :meth:`remember_lineage` once Arize returned the job."""

    _lineage_spec: Any = None

    def remember_lineage(self, context: Mapping[str, Any], job_id: str, spec: Any) -> None:
        """Keep ``spec`` for this task's events and publish its datasets (:data:`XCOM_LINEAGE`)."""
        self._lineage_spec = spec
        publish(context, job_id, spec)

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        return spec_lineage(self._lineage_spec)


class JobLineageMixin:
    """OpenLineage of a trigger or wait task on the job ``job_id``: see :func:`job_lineage`. The task
    keeps the job it read in ``_lineage_job``."""

    lineage_job_type = "table"
    _lineage_job: ImportJob | None = None

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        return job_lineage(self, task_instance, self.lineage_job_type)


def sanitize_uri(uri: SplitResult) -> SplitResult:
    """Airflow's handler of ``arize://`` asset URIs (``get_provider_info``, ``asset-uris``): an Arize
    model's ``arize://<space id>/<model name>``, unchanged; anything else is a ``ValueError``. (Airflow
    hands no ``x-`` URI to a handler: the provider's own ``x-arize://`` assets are checked when built.)"""
    from urllib.parse import urlunsplit

    model_from_uri(urlunsplit(uri))  # ArizeConfigError is a ValueError
    return uri


def convert_asset_to_openlineage(asset: Any, lineage_context: Any) -> Any:
    """The OpenLineage dataset of an Arize model's Asset: the same as the tasks' output."""
    from airflow.providers.common.compat.openlineage.facet import Dataset

    namespace, name = model_dataset(*model_from_uri(asset.uri))
    return Dataset(namespace=namespace, name=name)
