"""Start a DAG run when files land under an S3 prefix, from S3 event notifications: the asset
(:func:`arize_s3_events_asset`) and the operator turning the run's asset events into the new-files
sensor's file list (:class:`ArizeS3EventFilesOperator`).

Contract: ``docs/file-jobs.md``, "Starting runs from S3 events instead of listing"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.compat import set_default_retry_policy
from airflow_provider_arize.operators.base import fail_fast_retry_policy

if TYPE_CHECKING:
    from airflow.sdk import Asset, Context

#: The URI scheme of the assets :func:`arize_s3_events_asset` builds.
ASSET_SCHEME = "x-arize-s3-events"
#: Default of ``max_file_size``: Arize's per-file limit (1 GB).
DEFAULT_MAX_FILE_SIZE = 1_000_000_000


def arize_s3_events_asset(
    *,
    bucket: str,
    queue_url: str,
    prefix: str = "",
    name: str | None = None,
    patterns: Sequence[str] | None = None,
    suffixes: Sequence[str] | None = None,
    aws_conn_id: str | None = "aws_default",
    **trigger_kwargs: Any,
) -> Asset:
    """An ``Asset`` for new files under ``s3://bucket/prefix``, watched on the SQS queue ``queue_url``.

    :param name: the asset's name (unique in the deployment); default ``arize-s3-events:<bucket>/<prefix>``.
    :param trigger_kwargs: more arguments of
        :class:`~airflow_provider_arize.triggers.s3_events.ArizeS3EventsTrigger` (``region_name``,
        ``wait_time_seconds``, ``max_messages``, ``visibility_timeout``, ``max_file_size``, ``max_backoff``).
    """
    from airflow.sdk import Asset, AssetWatcher

    from airflow_provider_arize.triggers.s3_events import ArizeS3EventsTrigger

    trigger = ArizeS3EventsTrigger(
        queue_url=queue_url,
        bucket=bucket,
        prefix=prefix,
        patterns=patterns,
        suffixes=suffixes,
        aws_conn_id=aws_conn_id,
        **trigger_kwargs,
    )
    asset_name = name or f"arize-s3-events:{trigger.bucket}/{trigger.prefix}"
    return Asset(
        name=asset_name,
        uri=f"{ASSET_SCHEME}://{trigger.bucket}/{trigger.prefix}",
        watchers=[AssetWatcher(name=f"{asset_name}:watcher", trigger=trigger)],
    )


class ArizeS3EventFilesOperator(BaseOperator):
    """Return the files announced by the asset events that started this DAG run (see ``docs/file-jobs.md``).

    :param bucket: the bucket (templated); default the watched asset's (from ``asset``).
    :param asset: the asset whose events count (an ``Asset`` or its name); default every triggering asset.
    :param prefix: literal key prefix files must start with (templated; default: the asset's, or ``""``).
    :param patterns: fnmatch globs on the key relative to the prefix (templated).
    :param suffixes: suffixes, case-insensitive (templated).
    :param max_file_size: files larger than this many bytes are flagged ``oversized``.
    :param skip_when_empty: skip the task (and so, by default, its downstream tasks) when no file came.
    """

    template_fields: Sequence[str] = ("bucket", "prefix", "patterns", "suffixes")
    ui_color = "#dff5e6"

    def __init__(
        self,
        *,
        bucket: str | None = None,
        asset: Asset | str | None = None,
        prefix: str | None = None,
        patterns: Sequence[str] | None = None,
        suffixes: Sequence[str] | None = None,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        skip_when_empty: bool = True,
        **kwargs: Any,
    ) -> None:
        set_default_retry_policy(kwargs, fail_fast_retry_policy)
        super().__init__(**kwargs)
        asset_name = asset if isinstance(asset, str) or asset is None else asset.name
        watched = _watched(asset) if asset is not None and not isinstance(asset, str) else None
        self.bucket = bucket or (watched or {}).get("bucket")
        if not self.bucket:
            raise ArizeConfigError(
                "bucket is required unless asset is an arize_s3_events_asset", field="bucket"
            )
        self.asset_name = asset_name
        self.prefix = prefix if prefix is not None else (watched or {}).get("prefix", "")
        self.patterns = patterns if patterns is not None else (watched or {}).get("patterns")
        self.suffixes = suffixes if suffixes is not None else (watched or {}).get("suffixes")
        self.max_file_size = max_file_size
        self.skip_when_empty = skip_when_empty

    def payloads(self, context: Context) -> list[Any]:
        """The payloads of this run's asset events that a trigger fired (of ``asset`` when given)."""
        from airflow.sdk import Asset

        events = context.get("triggering_asset_events") or {}
        payloads = []
        for asset in events:
            if not isinstance(asset, Asset) or (self.asset_name and asset.name != self.asset_name):
                continue  # aliases list the same events again
            for event in events[asset]:
                extra = event.extra or {}
                if extra.get("from_trigger") and "payload" in extra:
                    payloads.append(extra["payload"])
        return payloads

    def execute(self, context: Context) -> list[dict[str, Any]]:
        from airflow.providers.common.compat.sdk import AirflowSkipException

        from airflow_provider_arize.s3.event_messages import files_from_payloads
        from airflow_provider_arize.s3.filters import KeyFilter

        key_filter = KeyFilter.of(self.bucket, self.prefix, self.patterns, self.suffixes)
        payloads = self.payloads(context)
        batch = files_from_payloads(
            payloads, bucket=key_filter.bucket, key_filter=key_filter, logger=self.log
        )
        files = batch.describe(self.max_file_size)
        self.log.info(
            "%d asset events: %s in %s: %s",
            len(payloads),
            batch.summary(),
            key_filter.describe(),
            [f["key"] for f in files][:20],
        )
        for item in files:
            if item["oversized"]:
                self.log.warning(
                    "%s is %d bytes, over max_file_size (%d bytes)",
                    item["key"],
                    item["size"],
                    self.max_file_size,
                )
        if not files and self.skip_when_empty:
            raise AirflowSkipException(
                f"no new file in {key_filter.describe()} among {len(payloads)} asset events"
            )
        return files


def _watched(asset: Asset) -> dict[str, Any] | None:
    """The bucket and key filter an :func:`arize_s3_events_asset` watches, ``None`` for another asset."""
    from airflow_provider_arize.triggers.s3_events import ArizeS3EventsTrigger

    for watcher in asset.watchers:
        trigger = watcher.trigger
        if isinstance(trigger, ArizeS3EventsTrigger):
            return {
                "bucket": trigger.bucket,
                "prefix": trigger.prefix,
                "patterns": trigger.patterns or None,
                "suffixes": trigger.suffixes or None,
            }
    return None
