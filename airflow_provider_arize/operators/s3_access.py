"""Check (and optionally set up) a bucket's access for Arize's S3 import: the ``arize-ingestion-key`` tag
and the read-only bucket policy for Arize's importer role.

What is checked and written: ``docs/file-jobs.md``, "What each task guarantees" and "Bucket access in
detail"; the operator's own guarantees are in :class:`ArizeS3BucketAccessOperator`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.compat import set_default_retry_policy
from airflow_provider_arize.operators.base import fail_fast_retry_policy

if TYPE_CHECKING:
    from airflow.sdk import Context


class ArizeS3BucketAccessOperator(BaseOperator):
    """Verify that ``bucket`` is tagged and shared with Arize's importer role; optionally set it up.

    Check (default): two reads, GetBucketTagging and GetBucketPolicy; a bucket without tags or without a
    policy is reported as such, not as an error. A problem fails the task with ``ArizeS3AccessError`` (an
    ``ArizeConfigError``: not retried) naming the bucket and everything missing. Apply: puts the tag with
    every other tag kept (PutBucketTagging replaces the whole set) and adds Arize's statement with every
    other statement kept (a statement with the same Sid is replaced), then reads both back and checks
    again. It never removes a broad grant, and it replaces a tag holding another ingestion key (a bucket
    can carry one) with a warning. The AWS connection needs ``s3:GetBucketTagging`` and
    ``s3:GetBucketPolicy`` (plus the ``Put`` twins to apply); transient AWS errors propagate and are
    retried with the task.

    :param bucket: the bucket name (templated).
    :param ingestion_key: the ``arize-ingestion-key`` value Arize's UI gives for the space (templated;
        treated as opaque, never logged).
    :param importer_role_arn: Arize's importer role ARN, from the policy Arize's UI shows (templated);
        default: any principal ARN ending in ``:role/arize-importer``. Required with ``apply``.
    :param aws_conn_id: the AWS connection (Airflow's ``S3Hook``).
    :param apply: add the tag and the policy statement when missing.
    :param fail_on_broad_grants: fail when the importer is granted more than it needs.
    """

    template_fields: Sequence[str] = ("bucket", "ingestion_key", "importer_role_arn")
    ui_color = "#dff5e6"

    def __init__(
        self,
        *,
        bucket: str,
        ingestion_key: str,
        importer_role_arn: str | None = None,
        aws_conn_id: str | None = "aws_default",
        apply: bool = False,
        fail_on_broad_grants: bool = False,
        **kwargs: Any,
    ) -> None:
        set_default_retry_policy(kwargs, fail_fast_retry_policy)
        super().__init__(**kwargs)
        self.bucket = bucket
        self.ingestion_key = ingestion_key
        self.importer_role_arn = importer_role_arn
        self.aws_conn_id = aws_conn_id
        self.apply = apply
        self.fail_on_broad_grants = fail_on_broad_grants

    def _inputs(self) -> tuple[str, str, str | None]:
        from airflow_provider_arize.api.models.storage_names import bucket_name
        from airflow_provider_arize.s3.access import check_role_arn

        bucket, key = bucket_name(self.bucket), self.ingestion_key
        if not isinstance(key, str) or not key.strip():
            raise ArizeConfigError(
                "ingestion_key is empty: copy the arize-ingestion-key value from Arize's file-import setup",
                field="ingestion_key",
            )
        role = check_role_arn(self.importer_role_arn) if self.importer_role_arn else None
        if self.apply and role is None:
            raise ArizeConfigError(
                "apply=True needs importer_role_arn (the principal of the policy Arize's UI shows)",
                field="importer_role_arn",
            )
        return bucket, key.strip(), role

    @staticmethod
    def _read(client: Any, bucket: str) -> tuple[list[dict[str, Any]], str | None]:
        """The bucket's tag set (``[]`` without tags) and policy text (``None`` without a policy)."""
        from botocore.exceptions import ClientError

        from airflow_provider_arize.s3.access import ArizeS3AccessError
        from airflow_provider_arize.s3.listing import error_code, is_transient_error

        def fail(what: str, exc: ClientError) -> ArizeS3AccessError:
            return ArizeS3AccessError(
                f"cannot read the {what} of bucket {bucket!r}: {error_code(exc)} ({exc})", bucket=bucket
            )

        try:
            tags = list(client.get_bucket_tagging(Bucket=bucket).get("TagSet") or [])
        except ClientError as exc:
            if error_code(exc) != "NoSuchTagSet":
                if is_transient_error(exc):
                    raise
                raise fail("tags", exc) from exc
            tags = []
        try:
            policy: str | None = client.get_bucket_policy(Bucket=bucket)["Policy"]
        except ClientError as exc:
            if error_code(exc) != "NoSuchBucketPolicy":
                if is_transient_error(exc):
                    raise
                raise fail("bucket policy", exc) from exc
            policy = None
        return tags, policy

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow.providers.amazon.aws.hooks.s3 import S3Hook

        from airflow_provider_arize.s3.access import (
            ArizeS3AccessError,
            analyze_policy,
            check_tag,
            merge_importer_statement,
            merge_tag,
        )

        bucket, ingestion_key, role = self._inputs()
        client = S3Hook(aws_conn_id=self.aws_conn_id).get_conn()
        tags, policy = self._read(client, bucket)
        tag, analysis = check_tag(tags, ingestion_key), analyze_policy(policy, bucket, role)
        applied: list[str] = []
        if self.apply and role is not None:
            if not tag.ok:
                if tag.present:
                    self.log.warning(
                        "Replacing the bucket's %s tag, which holds another value", "arize-ingestion-key"
                    )
                client.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": merge_tag(tags, ingestion_key)})
                applied.append("tag")
            if not analysis.ok:
                merged = merge_importer_statement(policy, bucket, role)
                client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(merged))
                applied.append("policy")
            if applied:
                self.log.info("Applied %s to bucket %s; reading back", " and ".join(applied), bucket)
                tags, policy = self._read(client, bucket)
                tag, analysis = check_tag(tags, ingestion_key), analyze_policy(policy, bucket, role)
        for note in analysis.notes:
            self.log.info("Bucket policy of %s: %s", bucket, note)
        for grant in analysis.broad_grants:
            self.log.warning("Broad grant to Arize's importer on %s: %s", bucket, grant["message"])
        report = {
            "bucket": bucket,
            "tag_ok": tag.ok,
            "policy_ok": analysis.ok,
            "broad_grants": analysis.broad_grants,
            "applied": applied,
            "notes": analysis.notes,
        }
        problems = [p for p in (tag.problem(), analysis.problem(bucket)) if p]
        if problems:
            hint = "" if self.apply else " (apply=True with importer_role_arn sets both up)"
            raise ArizeS3AccessError(
                f"bucket {bucket!r} is not set up for Arize's S3 import: {'; '.join(problems)}{hint}",
                bucket=bucket,
                problems=problems,
            )
        if analysis.broad_grants and self.fail_on_broad_grants:
            messages = [g["message"] for g in analysis.broad_grants]
            raise ArizeS3AccessError(
                f"bucket {bucket!r} grants Arize's importer more than it needs: {'; '.join(messages)}",
                bucket=bucket,
                problems=messages,
            )
        self.log.info("Bucket %s is set up for Arize's importer (%s)", bucket, ", ".join(analysis.principals))
        return report
