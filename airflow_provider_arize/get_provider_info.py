"""Provider registration for Airflow's providers manager (the ``apache_airflow_provider`` entry point).

Pure data, no imports of the package's heavy modules: Airflow calls this at start-up.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_arize import __version__

_PKG = "airflow_provider_arize"


def ui_field_behaviour() -> dict[str, Any]:
    """How the ``arize`` connection form shows Airflow's standard fields."""
    return {
        "hidden-fields": ["schema", "port", "login"],
        "relabeling": {"host": "Endpoint URL", "password": "Developer API key"},
        "placeholders": {
            "host": "https://app.arize.com",
            "password": "developer API key (Settings > API keys in Arize)",
            "space_id": "U3BhY2U6MTIzNDU= (from /organizations/:org/spaces/:space_id)",
        },
    }


def conn_fields() -> dict[str, Any]:
    """Extra fields of the ``arize`` connection form."""
    return {
        "space_id": {
            "label": "Space ID",
            "schema": {"type": ["string", "null"]},
            "description": "Global id of the Arize space jobs are created in (the :space_id of its URL).",
        },
        "job_id_form": {
            "label": "Job id sent to mutations",
            "schema": {
                "type": ["string", "null"],
                "enum": ["auto", "global", "short", None],
                "default": "auto",
            },
            "description": "auto (default): the global id, or the short jobId on an Arize that does not find "
            "jobs by the global one; or always global, or always short.",
        },
        "timeout": {
            "label": "Request timeout (seconds)",
            "schema": {"type": ["number", "null"], "default": 30},
            "description": "Seconds, more than 0 (empty: 30).",
        },
        "retry_max_attempts": {
            "label": "Attempts per request",
            "schema": {"type": ["integer", "null"], "default": 6, "minimum": 1},
            "description": "Requests sent per call, the first included (1: no retries). Rate limits, "
            "refused connections and, for reads, 5xx and timeouts are retried; a create never blindly.",
        },
        "retry_backoff_max": {
            "label": "Longest backoff (seconds)",
            "schema": {"type": ["number", "null"], "default": 30, "minimum": 0},
            "description": "Cap of the exponential backoff between attempts (a Retry-After is honoured "
            "up to retry_max_retry_after, 120 s by default).",
        },
        "verify": {
            "label": "Verify TLS certificates",
            "schema": {"type": ["boolean", "null"], "default": True},
            "description": "Leave on. Turning it off logs a warning on every use.",
        },
        "ca_bundle": {
            "label": "CA bundle path",
            "schema": {"type": ["string", "null"]},
            "description": "A PEM file of the CAs to trust (a self-hosted Arize behind a private CA). "
            "Leave TLS verification on with it.",
        },
        "poll_queries_per_minute": {
            "label": "Trigger polls per minute",
            "schema": {"type": ["number", "null"], "default": 80},
            "description": "Requests a minute the triggers' shared client may send on this connection "
            "(Arize allows 100 queries a minute per key).",
        },
        "task_queries_per_minute": {
            "label": "Task requests per minute",
            "schema": {"type": ["number", "null"], "default": 80},
            "description": "Requests a minute the tasks on one machine may send with this connection's "
            "key (Arize allows 100 queries a minute per key).",
        },
    }


def config() -> dict[str, Any]:
    """The ``[arize]`` section of ``airflow.cfg``."""
    return {
        "arize": {
            "description": "The Arize provider.",
            "options": {
                "coalesce_trigger_polls": {
                    "description": "Whether deferred Arize waits on one connection share one client and "
                    "batch their polls into aliased GraphQL requests (paced per API key).",
                    "version_added": "0.1.0",
                    "type": "boolean",
                    "example": "False",
                    "default": "True",
                }
            },
        }
    }


def get_provider_info() -> dict[str, Any]:
    """Return the provider's metadata."""
    return {
        "package-name": "airflow-provider-arize",
        "name": "Arize",
        "description": "Arize AI import jobs (files from S3/GCS/Azure, tables from BigQuery, Snowflake, "
        "Databricks) as Airflow DAGs, with a local Arize emulator for tests.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": "Arize",
                "external-doc-url": "https://arize.com/docs/ax",
                # pages of this repository's docs/ folder
                "how-to-guide": [
                    "/docs/connection.md",
                    "/docs/table-jobs.md",
                    "/docs/event-jobs.md",
                    "/docs/file-jobs.md",
                    "/docs/emulator.md",
                ],
                "tags": ["service"],
            }
        ],
        "operators": [
            {
                "integration-name": "Arize",
                "python-modules": [
                    f"{_PKG}.operators.table_jobs",
                    f"{_PKG}.operators.event_jobs",
                    f"{_PKG}.operators.job_control",
                    f"{_PKG}.operators.warehouse",
                    f"{_PKG}.operators.file_jobs",
                    f"{_PKG}.operators.file_validation",
                    f"{_PKG}.operators.s3_access",
                    f"{_PKG}.operators.s3_events",
                ],
            }
        ],
        "sensors": [
            {
                "integration-name": "Arize",
                "python-modules": [
                    f"{_PKG}.sensors.table_run",
                    f"{_PKG}.sensors.file_ingestion",
                    f"{_PKG}.sensors.s3_new_files",
                ],
            }
        ],
        "triggers": [
            {
                "integration-name": "Arize",
                "python-modules": [
                    f"{_PKG}.triggers.table_run",
                    f"{_PKG}.triggers.file_ingestion",
                    f"{_PKG}.triggers.s3_new_files",
                    f"{_PKG}.triggers.s3_events",
                ],
            }
        ],
        "hooks": [
            {
                "integration-name": "Arize",
                "python-modules": [f"{_PKG}.hooks.arize", f"{_PKG}.hooks.warehouses"],
            }
        ],
        "connection-types": [
            {
                "connection-type": "arize",
                "hook-class-name": f"{_PKG}.hooks.arize.ArizeHook",
                "hook-name": "Arize",
                "conn-fields": conn_fields(),
                "ui-field-behaviour": ui_field_behaviour(),
            }
        ],
        # an Arize model's Asset (x-arize://<space id>/<model name>; arize:// too) and its OpenLineage dataset
        "asset-uris": [
            {
                "schemes": ["x-arize", "arize"],
                "handler": f"{_PKG}.lineage.sanitize_uri",
                "to_openlineage_converter": f"{_PKG}.lineage.convert_asset_to_openlineage",
            }
        ],
        "extra-links": [f"{_PKG}.links.ArizeJobLink"],
        "config": config(),
    }
