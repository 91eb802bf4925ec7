"""npz files (a zip of ``.npy`` members), written and read with numpy's own ``.npy`` code.

Writing follows ``numpy.savez`` (uncompressed zip, one ``<key>.npy`` member per array, in the
caller's order) but builds the zip directly, because ``np.savez(f, **arrays)`` cannot store keys
such as ``file`` or ``allow_pickle``. Reading uses ``np.load(path, allow_pickle=False)``, after
checking each member's ``.npy`` header against the member's size (so a corrupt header cannot make
numpy allocate more than the file holds).

ndx adds one member, ``__ndx__.npy``: a uint8 array holding UTF-8 JSON
``{"format": "ndx", "container": "dict"|"list", "bfloat16": [keys], "metadata": {...}}``.
bfloat16 arrays are stored as their uint16 bit patterns and listed under ``"bfloat16"``; the loader
views them back as ``ml_dtypes.bfloat16``. A list is stored as ``arr_0``, ``arr_1``, ... (numpy's
names for positional arrays). Files without ``__ndx__`` load as dicts in zip order.
"""
from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping

import ml_dtypes
import numpy as np
from numpy.lib import format as npy

from .atomic import atomic_write
from .blockwrite import write_c_order
from .errors import FormatError
from .info import ArrayInfo, FileInfo

__all__ = ["save", "load", "scan", "META_KEY"]

META_KEY = "__ndx__"
BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
_MXNET_BFLOAT16 = np.dtype([("bfloat16", "<u2")])


def _items(data):
    if isinstance(data, Mapping):
        for k in data:
            if not isinstance(k, str):
                raise TypeError(f"array names must be str, got {type(k).__name__}")
            if k == META_KEY:
                raise ValueError(f"the key {META_KEY!r} is reserved by ndx")
        return "dict", list(data.keys()), list(data.values())
    if isinstance(data, np.ndarray):
        data = [data]
    data = list(data)
    return "list", [f"arr_{i}" for i in range(len(data))], data


def save(path, data, *, metadata=None) -> None:
    """Write a list or dict of numpy arrays as an uncompressed npz, atomically."""
    name = os.fspath(path)
    container, keys, arrays = _items(data)
    bf16, prepared = [], []
    for k, a in zip(keys, arrays):
        if not isinstance(a, np.ndarray):
            if hasattr(a, "todense") and hasattr(a, "stype"):
                raise FormatError("sparse arrays can only be stored in the MXNet format; call "
                                  ".todense() first", filename=name, key=k, field="storage type")
            a = np.asarray(a)
        if a.dtype.hasobject:
            raise FormatError("object arrays cannot be saved (no pickle)", filename=name, key=k,
                              field="dtype")
        if a.dtype in (BFLOAT16, _MXNET_BFLOAT16):
            a = a.view(np.uint16)
            bf16.append(k)
        elif a.dtype.byteorder == ">":  # every ndx format stores little-endian
            a = a.astype(a.dtype.newbyteorder("<"))
        prepared.append(a)
    meta = {"format": "ndx", "container": container, "bfloat16": bf16, "metadata": dict(metadata or {})}
    raw = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    # the data plus a generous bound on each member's .npy header and zip entries (a few hundred bytes)
    size_hint = sum(a.nbytes for a in prepared) + raw.nbytes + 1024 * (len(prepared) + 2)
    with atomic_write(path, size_hint=size_hint) as f:
        with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for k, a in zip(keys + [META_KEY], prepared + [raw]):
                with zf.open(k + ".npy", "w", force_zip64=True) as member:
                    _write_npy(member, a)


def _write_npy(f, a):
    """``.npy`` bytes of ``a`` (C order), the data written by ``write_c_order`` straight from the
    array's memory (``numpy.lib.format.write_array`` copies 16 MB chunks into fresh ``bytes`` for a
    zip member, and writes them whole)."""
    if not a.flags.c_contiguous:
        a = a.copy(order="C")  # the header says C order (0-d arrays stay 0-d, unlike np.ascontiguousarray)
    header = npy.header_data_from_array_1_0(a)
    try:
        npy.write_array_header_1_0(f, header)
    except ValueError:  # a header too large for version 1.0 (huge structured dtypes)
        npy.write_array_header_2_0(f, header)
    write_c_order(f, a)


def _member_header(zf, member, name, key):
    """Shape, dtype and data size of one ``.npy`` member, checked against the member's size."""
    info = zf.getinfo(member)
    with zf.open(info) as fid:
        version = npy.read_magic(fid)
        if version == (1, 0):
            shape, _, dtype = npy.read_array_header_1_0(fid)
        elif version == (2, 0):
            shape, _, dtype = npy.read_array_header_2_0(fid)
        else:
            shape, _, dtype = npy._read_array_header(fid, version)
        header_len = fid.tell()
    if dtype.hasobject:
        raise FormatError("object array (would need pickle)", filename=name, key=key, field="dtype")
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if nbytes > info.file_size - header_len:
        raise FormatError(f"header declares {nbytes} bytes but the member holds "
                          f"{info.file_size - header_len}", filename=name, key=key, field="npy header")
    return tuple(shape), dtype, nbytes


def _bad(name, e):
    return FormatError(f"not a valid npz file: {type(e).__name__}: {e}", filename=name, field="zip")


class _Reader:
    """An open npz with ndx's metadata decoded."""

    def __init__(self, path):
        self.name = name = os.fspath(path)
        if not os.path.exists(name):
            raise FileNotFoundError(f"No such file: {name!r}")
        try:
            self.npz = np.load(name, allow_pickle=False)
        except Exception as e:  # zipfile and numpy raise many types for damaged archives
            raise _bad(name, e) from None
        if not hasattr(self.npz, "files"):  # a plain .npy file
            raise FormatError("not an npz (zip) file", filename=name, field="zip")
        try:
            self.meta = self._read_meta()
        except FormatError:
            self.npz.close()
            raise
        files = [k for k in self.npz.files if k != META_KEY]
        self.container = self.meta.get("container", "dict")
        self.keys = files
        if self.container == "list" and files != [f"arr_{i}" for i in range(len(files))]:
            self.npz.close()
            raise FormatError("a list file must hold arr_0, arr_1, ... in order", filename=name,
                              field="metadata container")
        self.bf16 = set(self.meta.get("bfloat16", ()))

    def _read_meta(self):
        if META_KEY not in self.npz.files:
            return {}
        raw = self.array(META_KEY)
        try:
            meta = json.loads(raw.tobytes().decode("utf-8"))
            if not isinstance(meta, dict) or meta.get("container", "dict") not in ("dict", "list"):
                raise ValueError("unexpected content")
            if not isinstance(meta.get("bfloat16", []), list):
                raise ValueError("bfloat16 is not a list")
        except (ValueError, UnicodeDecodeError) as e:
            raise FormatError(f"{META_KEY} is not valid ndx metadata ({e})", filename=self.name,
                              key=META_KEY, field="metadata") from None
        return meta

    def header(self, key):
        try:
            zf = self.npz.zip
            member = key + ".npy" if key + ".npy" in zf.NameToInfo else key
            return _member_header(zf, member, self.name, key)
        except FormatError:
            raise
        except Exception as e:
            raise FormatError(f"bad .npy header: {type(e).__name__}: {e}", filename=self.name,
                              key=key, field="npy header") from None

    def array(self, key):
        _, dtype, _ = self.header(key)
        try:
            a = self.npz[key]
        except Exception as e:  # zip CRC errors, short reads, bad headers
            raise FormatError(f"cannot read array: {type(e).__name__}: {e}", filename=self.name,
                              key=key, field="data") from None
        if key in getattr(self, "bf16", ()) and a.dtype == np.uint16:
            a = a.view(BFLOAT16)
        elif a.dtype.byteorder == ">":  # big-endian members of foreign files: native order
            a = a.astype(a.dtype.newbyteorder("="))
        return a

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.npz.close()


def load(path, keys=None):
    """Read ``(arrays, names)``; ``names`` is ``None`` for a list file. Only ``keys`` are read if given."""
    with _Reader(path) as r:
        order = r.keys
        if keys is not None:
            if r.container == "list":
                raise ValueError(f"{r.name}: keys= was given but the file is a list")
            missing = [k for k in keys if k not in set(order)]
            if missing:
                raise KeyError(f"{r.name}: no array named {missing[0]!r} in the file")
            wanted = set(keys)
            order = [k for k in order if k in wanted]
        arrays = [r.array(k) for k in order]
        return arrays, (None if r.container == "list" else order)


def scan(path) -> FileInfo:
    """Describe the file from the ``.npy`` headers (no array data is read)."""
    with _Reader(path) as r:
        infos = []
        for i, k in enumerate(r.keys):
            shape, dtype, nbytes = r.header(k)
            if k in r.bf16 and dtype == np.uint16:
                dtype = BFLOAT16
            infos.append(ArrayInfo(index=i, key=None if r.container == "list" else k, shape=shape,
                                   dtype=dtype, nbytes=nbytes))
        return FileInfo(path=r.name, format="npz", container=r.container,
                        keys=None if r.container == "list" else list(r.keys), arrays=infos,
                        file_size=os.path.getsize(r.name), metadata=r.meta)
