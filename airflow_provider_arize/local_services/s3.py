"""A local S3 (moto's server) on ``127.0.0.1``, for the stock ``S3Hook`` and the Arize emulator.

Example and contract (start, shared state, reset, fake credentials): ``docs/local-services.md``,
"``FakeS3Server``"."""

from __future__ import annotations

import json
import logging
from typing import Any, Self

import httpx

from airflow_provider_arize.api.constants import INGESTION_TAG_KEY
from airflow_provider_arize.local_services.asgi_thread import LocalService
from airflow_provider_arize.s3.access import merge_importer_statement

__all__ = ["LOCAL_IMPORTER_ROLE_ARN", "FakeS3Server"]

_HOST = "127.0.0.1"
#: The importer role the local set-ups grant (Arize's real account number comes from its UI).
LOCAL_IMPORTER_ROLE_ARN = "arn:aws:iam::000000000000:role/arize-importer"


class FakeS3Server(LocalService):
    """moto's server on a free ``127.0.0.1`` port in a background thread of this process.

    Attributes (valid after :meth:`start`): ``endpoint_url``, ``port``, ``region``, ``access_key_id``,
    ``secret_access_key``.
    """

    region = "us-east-1"
    access_key_id = "testing"
    secret_access_key = "testing"  # a fixed fake; moto accepts any credentials
    host = _HOST

    def __init__(self) -> None:
        self.port = 0
        self._server: Any = None

    def start(self) -> Self:
        if self._server is not None:
            return self
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
        server = ThreadedMotoServer(ip_address=_HOST, port=0, verbose=False)
        server.start()
        self.port = int(server.get_host_and_port()[1])
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.stop()
        self._server = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{_HOST}:{self.port}"

    def reset(self) -> None:
        """Empty every moto backend (all buckets, queues, ...)."""
        httpx.post(f"{self.endpoint_url}/moto-api/reset", timeout=10).raise_for_status()

    def client(self, service: str = "s3") -> Any:
        """A boto3 client of ``service`` (``s3``, ``sqs``, ...) on this endpoint."""
        import boto3

        return boto3.client(service, **self.client_kwargs())

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``boto3.client`` pointing here."""
        return {
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
        }

    def create_arize_bucket(
        self, bucket: str, ingestion_key: str, importer_role_arn: str = LOCAL_IMPORTER_ROLE_ARN
    ) -> None:
        """Create ``bucket`` as Arize's file-import set-up asks: tagged ``arize-ingestion-key`` and with the
        read-only policy for Arize's importer role. Idempotent."""
        client = self.client()
        existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        if bucket not in existing:
            client.create_bucket(Bucket=bucket)
        client.put_bucket_tagging(
            Bucket=bucket, Tagging={"TagSet": [{"Key": INGESTION_TAG_KEY, "Value": ingestion_key}]}
        )
        policy = merge_importer_statement(None, bucket, importer_role_arn)
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))

    def airflow_connection(self, conn_id: str = "aws_default") -> dict[str, str]:
        """The ``AIRFLOW_CONN_<ID>`` environment entry (JSON form) of an ``aws`` connection here."""
        body = {
            "conn_type": "aws",
            "login": self.access_key_id,
            "password": self.secret_access_key,
            "extra": {"endpoint_url": self.endpoint_url, "region_name": self.region},
        }
        return {f"AIRFLOW_CONN_{conn_id.upper()}": json.dumps(body)}

    def emulator_s3(self) -> dict[str, Any]:
        """How the Arize emulator reaches this S3 (its ``s3`` settings)."""
        return {
            "endpoint_url": self.endpoint_url,
            "region": self.region,
            "access_key_id": self.access_key_id,
            "secret_access_key": self.secret_access_key,
        }

    def __repr__(self) -> str:
        return f"FakeS3Server({self.endpoint_url if self._server is not None else 'stopped'})"
