"""Random-access byte readers: the only way the library touches a file (in memory, local, S3 ranged reads).

Their contract (counters, clamping, ``IfMatch``): ``docs/file-jobs.md``, "Readers"."""

from __future__ import annotations

import io
import os
from typing import Any, Protocol, runtime_checkable

from .errors import FileReadError

__all__ = ["BytesReader", "LocalFileReader", "RangeReader", "ReaderFile", "S3RangeReader"]


@runtime_checkable
class RangeReader(Protocol):
    """What the library reads files through: ``size``, ``name``, ``read(offset, length)`` and the counters
    ``bytes_read`` and ``requests`` (contract: ``docs/file-jobs.md``, "Readers")."""

    @property
    def size(self) -> int:
        """Size of the file in bytes."""
        ...

    @property
    def name(self) -> str:
        """The file's name (path, key or URL); its suffix selects the format."""
        ...

    @property
    def bytes_read(self) -> int:
        """Bytes fetched so far."""
        ...

    @property
    def requests(self) -> int:
        """Fetches (reads and metadata calls) made so far."""
        ...

    def read(self, offset: int, length: int) -> bytes:
        """Return up to ``length`` bytes at ``offset`` (fewer only at the end of the file)."""
        ...


def _clamp(size: int, offset: int, length: int) -> int:
    if offset < 0 or length < 0:
        raise ValueError(f"negative offset or length ({offset}, {length})")
    return max(0, min(length, size - offset))


class _Counted:
    """The counters of a reader whose size is known up front."""

    size: int
    bytes_read: int = 0
    requests: int = 0

    def _span(self, offset: int, length: int) -> int:
        """How many of ``length`` bytes at ``offset`` the file holds; a read of any is counted."""
        length = _clamp(self.size, offset, length)
        if length:
            self.requests += 1
        return length


class BytesReader(_Counted):
    """A reader over bytes in memory."""

    def __init__(self, data: bytes, name: str = "<bytes>") -> None:
        self._data = bytes(data)
        self.name = name
        self.size = len(self._data)

    def read(self, offset: int, length: int) -> bytes:
        length = self._span(offset, length)
        if length == 0:
            return b""
        self.bytes_read += length
        return self._data[offset : offset + length]

    def __repr__(self) -> str:
        return f"BytesReader({self.name!r}, size={self.size})"


class LocalFileReader(_Counted):
    """A reader over a local file. ``size`` is taken when the reader is made."""

    def __init__(self, path: str | os.PathLike[str], name: str | None = None) -> None:
        self.path = os.fspath(path)
        self.name = name or self.path
        try:
            self.size = os.stat(self.path).st_size
        except OSError as exc:
            raise FileReadError(f"cannot read {self.name}: {exc.strerror or exc}") from exc

    def read(self, offset: int, length: int) -> bytes:
        length = self._span(offset, length)
        if length == 0:
            return b""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(offset)
                data = handle.read(length)
        except OSError as exc:
            raise FileReadError(f"cannot read {self.name}: {exc.strerror or exc}") from exc
        self.bytes_read += len(data)
        return data

    def __repr__(self) -> str:
        return f"LocalFileReader({self.path!r}, size={self.size})"


class S3RangeReader:
    """One S3 object read with ranged ``GetObject`` calls of a boto3 ``client``.

    ``name`` is the object key (reports are keyed by it); ``url`` is ``s3://<bucket>/<key>``. Give
    ``size`` (and ``etag``) when a listing already has them to save the ``HeadObject``. Errors (missing
    object, access denied, network, a changed ETag) raise :class:`FileReadError` naming the object's URL
    and the S3 error code, never credentials.
    """

    def __init__(
        self, client: Any, bucket: str, key: str, size: int | None = None, etag: str | None = None
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.key = key
        self.name = key
        self.url = f"s3://{bucket}/{key}"
        self.etag = etag
        self._size = size
        self.bytes_read = 0
        self.requests = 0

    @property
    def size(self) -> int:
        """The object's size (``HeadObject`` on first use when it was not given)."""
        if self._size is None:
            self.requests += 1
            try:
                head = self.client.head_object(Bucket=self.bucket, Key=self.key)
            except Exception as exc:
                raise FileReadError(f"cannot read {self.url}: {_s3_error(exc)}") from exc
            self._size = int(head["ContentLength"])
            if self.etag is None:
                self.etag = head.get("ETag")
        return self._size

    def read(self, offset: int, length: int) -> bytes:
        length = _clamp(self.size, offset, length)
        if length == 0:
            return b""
        params: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": self.key,
            "Range": f"bytes={offset}-{offset + length - 1}",
        }
        if self.etag:
            params["IfMatch"] = self.etag
        self.requests += 1
        try:
            response = self.client.get_object(**params)
            body = response["Body"]
            try:
                data = bytes(body.read())
            finally:
                body.close()
        except Exception as exc:
            raise FileReadError(f"cannot read {self.url}: {_s3_error(exc)}") from exc
        self.bytes_read += len(data)
        return data

    def __repr__(self) -> str:
        return f"S3RangeReader({self.url!r}, size={self._size})"


def _s3_error(exc: BaseException) -> str:
    """A short description of a boto3 error: the S3 error code and message, else the exception."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error") or {}
        code = error.get("Code") or response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if str(code) in ("412", "PreconditionFailed"):
            return "the object changed while it was being read (ETag mismatch)"
        message = error.get("Message") or ""
        return f"{code}: {message}".rstrip(": ") if code else str(exc)
    return f"{type(exc).__name__}: {exc}"


class ReaderFile(io.RawIOBase):
    """A read-only, seekable binary file over a :class:`RangeReader` (each ``readinto`` is one read).

    Wrap it in ``io.BufferedReader(ReaderFile(r), buffer_size)`` to stream a whole file in large reads.
    """

    def __init__(self, reader: RangeReader) -> None:
        super().__init__()
        self.reader = reader
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.reader.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.reader.read(self._pos, len(view))
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    @property
    def size(self) -> int:
        return self.reader.size
