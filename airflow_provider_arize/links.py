"""Extra link from a task to the Arize import job it created, acted on or waited on.

Tasks push the job's UI URL to XCom under :data:`XCOM_JOB_URL` and keep it for the link. Airflow resolves
a task's links once, in the worker when the task ends, and stores them for the UI; the link returns the
URL the ending try kept, so it sends no request, neither to Arize nor to Airflow (reading an XCom key a
task never pushed would log an error in a task that succeeded). A task that published no job has an
empty link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow.sdk import BaseOperator, BaseOperatorLink

if TYPE_CHECKING:
    from airflow.sdk.types import TaskInstanceKey

    from airflow_provider_arize.api.models import ImportJob

#: XCom keys every job operator pushes.
XCOM_JOB_ID = "arize_job_id"
XCOM_SHORT_JOB_ID = "arize_short_job_id"
XCOM_JOB_URL = "arize_job_url"


def job_url(endpoint: str, space_id: str, job: ImportJob, organization_id: str | None = None) -> str:
    """The job's page in the Arize UI: the space's import-job list, opened on the job's short id.

    Arize's URLs are ``/organizations/:organization_id/spaces/:space_id``; without an organization id
    the space-level path is used.
    """
    base = endpoint.rstrip("/")
    space = (
        f"/organizations/{organization_id}/spaces/{space_id}" if organization_id else f"/spaces/{space_id}"
    )
    kind = "table" if job.job_type == "table" else "file"
    return f"{base}{space}/import-jobs?type={kind}&jobId={job.job_id or job.id}"


class ArizeJobLink(BaseOperatorLink):
    """ "Arize import job": opens the job a task created, acted on or waited on."""

    name = "Arize import job"

    def get_link(self, operator: BaseOperator, *, ti_key: TaskInstanceKey) -> str:
        """The job URL the try ``ti_key`` published (``job_url_of`` of the package's tasks), else ``""``."""
        url_of = getattr(operator, "job_url_of", None)
        url = url_of(ti_key) if callable(url_of) else None
        return str(url) if url else ""
