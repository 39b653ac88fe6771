"""References to jobs as users pass them: checked before any request. Cheap to import (operators
import it at DAG-parse time): it needs only ``api.errors``, loaded at parse time anyway."""

from __future__ import annotations

from airflow_provider_arize.api.errors import ArizeConfigError

#: Longer than any global id Arize hands out (base64 of ``"<Type>:<n>"``), short enough to be a mistake.
MAX_JOB_REF_LENGTH = 512


def job_ref(value: object, field: str = "job_id") -> str:
    """A job's global id or short ``jobId``, as given to an operator: a non-empty string without spaces
    or control characters (an int is taken as a short ``jobId``). Raises ``ArizeConfigError`` naming
    ``field`` otherwise, so a wrong value (a list, ``None``, an unrendered template) never reaches Arize.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if not isinstance(value, str):
        raise ArizeConfigError(
            f"{field} must be a job's global id or short jobId (a string), got {type(value).__name__}",
            field=field,
        )
    ref = value.strip()
    if not ref:
        raise ArizeConfigError(f"{field} must not be empty", field=field)
    if len(ref) > MAX_JOB_REF_LENGTH or not ref.isprintable() or any(ch.isspace() for ch in ref):
        raise ArizeConfigError(
            f"{field} is not a job id: {ref[:40]!r}{'...' if len(ref) > 40 else ''} (ids have no spaces or "
            f"control characters and at most {MAX_JOB_REF_LENGTH} characters)",
            field=field,
        )
    return ref
