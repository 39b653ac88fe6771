"""Where a file import job reads: blob store, bucket (or container) and prefix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models._validate import require_choice, require_text
from airflow_provider_arize.api.models.storage_names import bucket_name

#: URI schemes accepted by :meth:`FileLocation.from_uri`, by blob store.
_SCHEMES = {"s3": "S3", "gs": "GCS", "gcs": "GCS", "az": "Azure", "azure": "Azure"}


@dataclass(frozen=True)
class AzureStorageIdentifier:
    """Azure tenant and storage account, needed for service-principal or managed-identity access."""

    tenant_id: str
    storage_account_name: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "tenant_id", require_text("azureStorageIdentifier.tenantId", self.tenant_id))
        object.__setattr__(
            self,
            "storage_account_name",
            require_text("azureStorageIdentifier.storageAccountName", self.storage_account_name),
        )

    def to_input(self) -> dict[str, str]:
        """The ``AzureStorageIdentifier`` input value."""
        return {"tenantId": self.tenant_id, "storageAccountName": self.storage_account_name}


@dataclass(frozen=True)
class FileLocation:
    """A bucket and a prefix that Arize reads recursively. The prefix may be empty (whole bucket)."""

    blob_store: str
    bucket_name: str
    prefix: str = ""
    azure_storage_identifier: AzureStorageIdentifier | None = None

    def __post_init__(self) -> None:
        require_choice("blobStore", self.blob_store, constants.BLOB_STORES)
        object.__setattr__(self, "bucket_name", bucket_name(self.bucket_name, field="bucketName"))
        prefix = require_text("prefix", self.prefix, allow_empty=True).lstrip("/")
        object.__setattr__(self, "prefix", prefix)
        if self.blob_store == "Azure" and self.azure_storage_identifier is None:
            raise ArizeConfigError(
                "Azure file jobs need azureStorageIdentifier (azure_storage_identifier: tenant and account)",
                field="azureStorageIdentifier",
            )

    @classmethod
    def from_uri(cls, uri: str, **kwargs: Any) -> FileLocation:
        """Split ``s3://bucket/some/prefix/`` (or ``gs://``, ``az://``) into store, bucket and prefix."""
        text = require_text("uri", uri)
        try:
            parts = urlsplit(text)
        except ValueError as exc:  # e.g. an unbalanced "[" in the authority
            raise ArizeConfigError(f"uri {text!r} is not a valid URI ({exc})", field="uri") from None
        store = _SCHEMES.get(parts.scheme.lower())
        if store is None:
            raise ArizeConfigError(
                f"uri must start with one of {', '.join(sorted(s + '://' for s in _SCHEMES))}; got {text!r}",
                field="uri",
            )
        if not parts.netloc:
            raise ArizeConfigError(f"uri {text!r} names no bucket", field="uri")
        return cls(blob_store=store, bucket_name=parts.netloc, prefix=parts.path.lstrip("/"), **kwargs)

    @property
    def uri(self) -> str:
        """The location as a URI, e.g. ``s3://bucket/prefix/``."""
        scheme = {"S3": "s3", "GCS": "gs", "Azure": "az"}[self.blob_store]
        return f"{scheme}://{self.bucket_name}/{self.prefix}"

    def to_input(self) -> dict[str, Any]:
        """The location fields of ``CreateFileImportJobInput``."""
        out: dict[str, Any] = {
            "blobStore": self.blob_store,
            "bucketName": self.bucket_name,
            "prefix": self.prefix,
        }
        if self.azure_storage_identifier is not None:
            out["azureStorageIdentifier"] = self.azure_storage_identifier.to_input()
        return out
