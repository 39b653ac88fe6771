"""Extra link from a task to the Arize import job it created or acted on.

Operators push the job's UI URL to XCom under :data:`XCOM_JOB_URL`; the link reads it back, so rendering
the link sends no request to Arize.
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
    """ "Arize import job": opens the job an operator created or acted on."""

    name = "Arize import job"

    def get_link(self, operator: BaseOperator, *, ti_key: TaskInstanceKey) -> str:
        from airflow.sdk.bases.xcom import BaseXCom

        value = BaseXCom.get_value(key=XCOM_JOB_URL, ti_key=ti_key)  # type: ignore[arg-type]
        return str(value) if value else ""
