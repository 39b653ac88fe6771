"""File formats Arize imports (CSV, Parquet, Avro and Apache Arrow) and how they are named.

The format is taken from the name's suffix, case-insensitively; content is never sniffed to *choose*
a format (Arize goes by the name too), only to explain a mismatch in an error message.
"""

from __future__ import annotations

from enum import StrEnum

from .errors import FileValidationError

__all__ = ["SUFFIXES", "FileFormat", "detect_format", "sniff_format", "unknown_suffix_reason"]


class FileFormat(StrEnum):
    """A file format; the value is its lower-case name."""

    CSV = "csv"
    PARQUET = "parquet"
    AVRO = "avro"
    ARROW = "arrow"

    @property
    def label(self) -> str:
        """The human name: ``CSV``, ``Parquet``, ``Avro``, ``Arrow IPC``."""
        return _LABELS[self]


_LABELS = {
    FileFormat.CSV: "CSV",
    FileFormat.PARQUET: "Parquet",
    FileFormat.AVRO: "Avro",
    FileFormat.ARROW: "Arrow IPC",
}

#: Accepted suffixes (lower case) and their format.
SUFFIXES: dict[str, FileFormat] = {
    ".csv": FileFormat.CSV,
    ".parquet": FileFormat.PARQUET,
    ".pq": FileFormat.PARQUET,
    ".avro": FileFormat.AVRO,
    ".arrow": FileFormat.ARROW,
    ".feather": FileFormat.ARROW,
    ".ipc": FileFormat.ARROW,
}

_PARQUET_MAGIC = b"PAR1"
_AVRO_MAGIC = b"Obj\x01"
_ARROW_MAGIC = b"ARROW1"
_ARROW_CONTINUATION = b"\xff\xff\xff\xff"


def detect_format(key: str) -> FileFormat:
    """Return the format of the file or object ``key`` from its suffix (case-insensitive).

    Raises :class:`FileValidationError` naming ``key`` and the accepted suffixes when the suffix is
    unknown (compressed variants such as ``.csv.gz`` are not accepted).
    """
    lowered = key.lower()
    for suffix, fmt in SUFFIXES.items():
        if lowered.endswith(suffix):
            return fmt
    raise FileValidationError(f"{key}: {unknown_suffix_reason()}", field="fileName")


def unknown_suffix_reason() -> str:
    """Why a name with an unknown suffix is refused (the accepted suffixes)."""
    accepted = ", ".join(SUFFIXES)
    return f"unknown file type; Arize imports CSV, Parquet, Avro and Arrow files named {accepted}"


def sniff_format(head: bytes) -> str | None:
    """Guess what the first bytes of a file are, for error messages ("it looks like Parquet").

    Returns a human label (``"Parquet"``, ``"Avro"``, ``"Arrow IPC file"``, ``"Arrow IPC stream"``,
    ``"text"``) or ``None`` when nothing is recognised.
    """
    if head.startswith(_PARQUET_MAGIC):
        return "Parquet"
    if head.startswith(_AVRO_MAGIC):
        return "Avro"
    if head.startswith(_ARROW_MAGIC):
        return "Arrow IPC file"
    if head.startswith(_ARROW_CONTINUATION):
        return "Arrow IPC stream"
    if head and b"\x00" not in head[:512]:
        try:
            head[:512].decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head[:512]) - 4:  # not just a character cut at the sample's end
                return None
        return "text"
    return None
