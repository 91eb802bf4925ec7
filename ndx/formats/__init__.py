"""Checkpoint formats at the numpy level: MXNet ``.params``/``nd.save`` files, safetensors, npz.

Front functions work on lists or dicts of numpy arrays; the format of a file to read is detected
from its bytes, the format of a file to write from its extension (or ``format=``). Every save
goes through :func:`atomic_write`. See ``docs/checkpoints.md``.
"""
from __future__ import annotations

import os
import struct
from collections.abc import Mapping

import numpy as np

from . import mxnet, npz_format, safetensors_format
from .atomic import atomic_path, atomic_write, is_durable, set_durable
from .errors import FormatError
from .info import ArrayInfo, AuxInfo, FileInfo
from .mxnet import SparseArray

__all__ = ["FORMATS", "detect_format", "format_for_save", "load_arrays", "save_arrays", "scan",
           "atomic_write", "atomic_path", "set_durable", "is_durable", "FormatError", "SparseArray", "ArrayInfo", "AuxInfo",
           "FileInfo", "mxnet", "safetensors_format", "npz_format"]

FORMATS = ("mxnet", "safetensors", "npz")
_EXTENSIONS = {".params": "mxnet", ".nd": "mxnet", "": "mxnet", ".safetensors": "safetensors",
               ".npz": "npz"}


def detect_format(path) -> str:
    """``'mxnet'``, ``'safetensors'`` or ``'npz'``, from the file's first bytes (never its name)."""
    name = os.fspath(path)
    with open(name, "rb") as f:
        head = f.read(16)
        size = os.fstat(f.fileno()).st_size
    if len(head) >= 9 and head[8:9] == b"{" and 8 + struct.unpack("<Q", head[:8])[0] <= size:
        return "safetensors"  # checked first: a u64 of 0x112 followed by '{' is a 274-byte header
    if len(head) >= 8 and struct.unpack("<Q", head[:8])[0] == mxnet.LIST_MAGIC:
        return "mxnet"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "npz"
    raise FormatError(f"unrecognized file format (first bytes {head[:8].hex() or 'none'}): not an "
                      "MXNet NDArray file, safetensors or npz", filename=name, field="magic", offset=0)


def format_for_save(path, format=None, default=None) -> str:
    """The format to write: ``format`` if given, else from the extension (.params/.nd/none -> mxnet).

    An unknown extension gives ``default`` (the MXNet-compatible calls pass ``'mxnet'``: MXNet
    saves under any name) or, when there is none, a ``ValueError``.
    """
    if format is not None:
        if format not in FORMATS:
            raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
        return format
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in _EXTENSIONS:
        if default is not None:
            return default
        raise ValueError(f"cannot tell the format from the extension {ext!r} of {os.fspath(path)!r}; "
                         f"pass format= (one of {', '.join(FORMATS)})")
    return _EXTENSIONS[ext]


def _reader(path):
    return {"mxnet": mxnet, "safetensors": safetensors_format, "npz": npz_format}[detect_format(path)]


def load_arrays(path, keys=None, *, mmap=False):
    """Load a checkpoint of any format: a list of numpy arrays, or a dict key -> array in file order.

    ``keys`` (dict files) reads only those arrays. ``mmap=True`` (MXNet files) returns read-only
    views of a memory map. Sparse MXNet records are returned dense.
    """
    module = _reader(path)
    if module is mxnet:
        arrays, names = mxnet.load(path, mmap=mmap, keys=keys)
    else:
        arrays, names = module.load(path, keys=keys)
    if names is None:
        return arrays
    out = dict(zip(names, arrays))
    if len(out) != len(names):
        dup = next(n for i, n in enumerate(names) if n in names[:i])
        raise FormatError("duplicate name in the file", filename=os.fspath(path), key=dup, field="name")
    return out


def save_arrays(path, data, format=None, metadata=None, default=None) -> None:
    """Save a list or dict of numpy arrays, atomically, in the format of ``format_for_save``.

    ``metadata`` (str -> str) is stored by safetensors (``naming`` there becomes the naming
    scheme entry) and npz. The MXNet format has no metadata: only ``naming`` is accepted (and
    dropped, since the keys themselves carry it); other entries raise ``ValueError``.
    """
    fmt = format_for_save(path, format, default)
    if isinstance(data, (np.ndarray, SparseArray)):
        data = [data]
    meta = dict(metadata or {})
    if fmt == "mxnet":
        extra = set(meta) - {"naming", "format"}
        if extra:
            raise ValueError(f"the MXNet format cannot store metadata ({', '.join(sorted(extra))})")
        if isinstance(data, Mapping):
            mxnet.save(path, list(data.values()), list(data.keys()))
        else:
            mxnet.save(path, list(data))
    elif fmt == "safetensors":
        naming = meta.pop("naming", None)
        safetensors_format.save(path, data, naming=naming, metadata=meta)
    else:
        npz_format.save(path, data, metadata=meta)


def scan(path) -> FileInfo:
    """Header-only description of a file of any format (keys, shapes, dtypes, offsets where known)."""
    return _reader(path).scan(path)

# conversion utilities behind the `ndx` command (ndx/cli.py)
from .convert import convert  # noqa: E402
from .inspection import inspect  # noqa: E402
from .diff import diff  # noqa: E402
