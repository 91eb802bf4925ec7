"""The one error raised for unreadable or unwritable checkpoint files."""
from __future__ import annotations

from ..base import MXNetError

__all__ = ["FormatError"]


class FormatError(MXNetError, ValueError):
    """A file is not a valid checkpoint, or an array cannot be stored in the requested format.

    The message names the file, the record (and its key when known), the field and the byte
    offset, e.g. ``model.params: record 3 ('dense0_weight'): shape dim 1 is -5 at offset 1234``.
    The same parts are available as attributes (``None`` where unknown).
    """

    def __init__(self, message: str, *, filename=None, record=None, key=None, field=None, offset=None):
        self.filename = None if filename is None else str(filename)
        self.record = record
        self.key = key
        self.field = field
        self.offset = offset
        self.reason = message
        parts = []
        if self.filename is not None:
            parts.append(self.filename)
        if record is not None:
            parts.append(f"record {record}" + ("" if key is None else f" ({key!r})"))
        elif key is not None:
            parts.append(f"key {key!r}")
        text = message if offset is None else f"{message} at offset {offset}"
        super().__init__(": ".join(parts + [text]))

    def __reduce__(self):  # keeps the keyword-only fields through copy.copy and multiprocessing
        return (_rebuild, (self.reason, self.filename, self.record, self.key, self.field, self.offset))


def _rebuild(message, filename, record, key, field, offset):
    return FormatError(message, filename=filename, record=record, key=key, field=field, offset=offset)
