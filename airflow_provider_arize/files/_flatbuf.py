"""Just enough FlatBuffers to read Arrow IPC footers and message headers (tables, scalars, vectors).

Out-of-range offsets raise ``struct.error`` or :class:`ValueError`; callers turn them into "corrupt".
"""

from __future__ import annotations

import struct

_U16 = struct.Struct("<H")
_I32 = struct.Struct("<i")
_U32 = struct.Struct("<I")


class Table:
    """A FlatBuffers table at ``pos`` in ``buf``."""

    def __init__(self, buf: bytes, pos: int) -> None:
        if not 0 <= pos <= len(buf) - 4:
            raise ValueError(f"table offset {pos} is outside the {len(buf)}-byte buffer")
        self.buf = buf
        self.pos = pos
        self.vtable = pos - _I32.unpack_from(buf, pos)[0]
        if not 0 <= self.vtable <= len(buf) - 4:
            raise ValueError(f"vtable offset {self.vtable} is outside the {len(buf)}-byte buffer")
        self.vtable_size = _U16.unpack_from(buf, self.vtable)[0]

    def _field(self, index: int) -> int:
        """Absolute position of field ``index``, or 0 when absent."""
        slot = 4 + 2 * index
        if slot + 2 > self.vtable_size:
            return 0
        offset = _U16.unpack_from(self.buf, self.vtable + slot)[0]
        return self.pos + offset if offset else 0

    def scalar(self, index: int, fmt: str, default: int = 0) -> int:
        """A scalar field (``fmt`` a struct format such as ``"<q"``), or ``default`` when absent."""
        at = self._field(index)
        return int(struct.unpack_from(fmt, self.buf, at)[0]) if at else default

    def table(self, index: int) -> Table | None:
        """A sub-table (or union value) field."""
        at = self._field(index)
        return Table(self.buf, at + _U32.unpack_from(self.buf, at)[0]) if at else None

    def vector(self, index: int) -> tuple[int, int] | None:
        """A vector field: (position of the first element, element count)."""
        at = self._field(index)
        if not at:
            return None
        start = at + _U32.unpack_from(self.buf, at)[0]
        return start + 4, _U32.unpack_from(self.buf, start)[0]


def root(buf: bytes) -> Table:
    """The root table of a FlatBuffers buffer."""
    return Table(buf, _U32.unpack_from(buf, 0)[0])
