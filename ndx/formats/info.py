"""Header-only descriptions of checkpoint files, shared by every format (what ``scan`` returns)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

__all__ = ["ArrayInfo", "AuxInfo", "FileInfo"]


@dataclass(frozen=True)
class AuxInfo:
    """One auxiliary array of a sparse MXNet record (``indices`` or ``indptr``)."""

    name: str
    dtype: np.dtype
    shape: tuple
    type_flag: int
    data_offset: int
    nbytes: int


@dataclass(frozen=True)
class ArrayInfo:
    """One stored array. Fields that a format does not have are ``None``.

    ``shape``/``dtype`` are the logical (dense) shape and the value dtype; ``nbytes`` counts the
    bytes stored in the file for this array (values plus any aux arrays).
    MXNet only: ``layout`` (``'V1'``, ``'V2'``, ``'V3'`` or ``'legacy'``), ``magic`` (the first u32
    of the record), ``offset`` (start of the record), ``data_offset`` (start of the values),
    ``ctx`` (``(dev_type, dev_id)`` as stored), ``type_flag``, ``storage_shape`` and ``aux``.
    """

    index: int
    key: Optional[str]
    shape: tuple
    dtype: np.dtype
    nbytes: int
    stype: str = "default"
    layout: Optional[str] = None
    magic: Optional[int] = None
    offset: Optional[int] = None
    data_offset: Optional[int] = None
    ctx: Optional[tuple] = None
    type_flag: Optional[int] = None
    storage_shape: Optional[tuple] = None
    aux: tuple = ()


@dataclass(frozen=True)
class FileInfo:
    """A whole file: ``container`` is ``'list'`` or ``'dict'``; ``keys`` is ``None`` for a list."""

    path: str
    format: str
    container: str
    keys: Optional[list]
    arrays: list
    file_size: int
    metadata: dict = field(default_factory=dict)

    @property
    def num_arrays(self) -> int:
        return len(self.arrays)
