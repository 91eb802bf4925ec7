"""safetensors files, through the ``safetensors`` package only (no parser of our own).

Metadata (``__metadata__``, str -> str) written by ndx:

- ``format``: ``"ndx"``;
- ``naming``: the key naming scheme given by the caller (``"structural"`` for ``save_parameters``
  keys such as ``0.weight``, ``"prefixed"`` for ``collect_params`` keys such as ``dense0_weight``);
  absent when none was given;
- ``ndx.container``: ``"dict"``, or ``"list"`` for a list saved under the keys ``"0"``, ``"1"``, ...;
- ``ndx.key_order``: JSON list of the keys in the caller's order (the package sorts them);
- ``ndx.bfloat16_as_uint16``: JSON list of keys stored as ``U16`` because the installed package
  cannot write ``BF16`` from numpy (only with old ``safetensors`` versions; 0.8.0 writes ``BF16``).

Files from other tools (no ``ndx.key_order``) load in the order of their data offsets.
"""
from __future__ import annotations

import functools
import json
import math
import os
import tempfile
from collections.abc import Mapping

import ml_dtypes
import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import save_file

from .atomic import atomic_path
from .blockread import Extent, ShortRead, read_blocks
from .errors import FormatError
from .info import ArrayInfo, FileInfo

__all__ = ["save", "load", "scan", "native_bfloat16", "RESERVED_METADATA"]

KEY_ORDER = "ndx.key_order"
CONTAINER = "ndx.container"
BF16_AS_U16 = "ndx.bfloat16_as_uint16"
RESERVED_METADATA = frozenset({"format", "naming", KEY_ORDER, CONTAINER, BF16_AS_U16})

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
_MXNET_BFLOAT16 = np.dtype([("bfloat16", "<u2")])
_ST_DTYPES = {"BOOL": np.dtype("?"), "U8": np.dtype("u1"), "I8": np.dtype("i1"),
              "I16": np.dtype("<i2"), "U16": np.dtype("<u2"), "I32": np.dtype("<i4"),
              "U32": np.dtype("<u4"), "I64": np.dtype("<i8"), "U64": np.dtype("<u8"),
              "F16": np.dtype("<f2"), "BF16": BFLOAT16, "F32": np.dtype("<f4"),
              "F64": np.dtype("<f8"), "C64": np.dtype("<c8")}
_SAVABLE = frozenset(_ST_DTYPES.values())


@functools.lru_cache(maxsize=None)
def native_bfloat16() -> bool:
    """Whether the installed ``safetensors`` writes and reads ``ml_dtypes.bfloat16`` numpy arrays."""
    try:
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "probe.safetensors")
            save_file({"x": np.ones(2, BFLOAT16)}, p)
            with safe_open(p, framework="numpy") as f:
                x = f.get_tensor("x")
            return x.dtype == BFLOAT16 and x.view(np.uint16).tolist() == [0x3F80, 0x3F80]
    except Exception:
        return False


def _items(data):
    if isinstance(data, Mapping):
        for k in data:
            if not isinstance(k, str):
                raise TypeError(f"array names must be str, got {type(k).__name__}")
        return "dict", list(data.keys()), list(data.values())
    if isinstance(data, np.ndarray):
        data = [data]
    data = list(data)
    return "list", [str(i) for i in range(len(data))], data


def _prepare_array(a, key, filename):
    if not isinstance(a, np.ndarray):
        if hasattr(a, "todense") and hasattr(a, "stype"):
            raise FormatError("sparse arrays can only be stored in the MXNet format; call "
                              ".todense() first", filename=filename, key=key, field="storage type")
        a = np.asarray(a)
    if a.dtype == _MXNET_BFLOAT16:
        a = a.view(BFLOAT16)
    if a.dtype.byteorder == ">":
        a = a.astype(a.dtype.newbyteorder("<"))
    if not any(a.dtype == d for d in _SAVABLE):
        raise FormatError(f"dtype {a.dtype} cannot be stored in safetensors", filename=filename,
                          key=key, field="dtype")
    # safetensors 0.8.0 writes the raw memory of non-C-contiguous arrays (upstream issue #825).
    return a if a.flags.c_contiguous else a.copy(order="C")


def save(path, data, *, naming=None, metadata=None) -> None:
    """Write a list or dict of numpy arrays as safetensors, atomically.

    ``naming`` (e.g. ``"structural"`` or ``"prefixed"``) is recorded in the metadata;
    ``metadata`` adds user str -> str entries (the reserved names are refused).
    """
    name = os.fspath(path)
    container, keys, arrays = _items(data)
    meta = {"format": "ndx", CONTAINER: container, KEY_ORDER: json.dumps(keys, ensure_ascii=False)}
    if naming is not None:
        if not isinstance(naming, str):
            raise TypeError("naming must be a str")
        meta["naming"] = naming
    for k, v in (metadata or {}).items():
        if k in RESERVED_METADATA:
            raise ValueError(f"metadata key {k!r} is reserved by ndx")
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError("safetensors metadata must map str to str")
        meta[k] = v
    tensors, as_u16 = {}, []
    for k, a in zip(keys, arrays):
        a = _prepare_array(a, k, name)
        if a.dtype == BFLOAT16 and not native_bfloat16():
            a = a.view(np.uint16)
            as_u16.append(k)
        tensors[k] = a
    if as_u16:
        meta[BF16_AS_U16] = json.dumps(as_u16, ensure_ascii=False)
    with atomic_path(path) as tmp:
        try:
            save_file(tensors, tmp, metadata=meta)
        except SafetensorError as e:
            raise FormatError(f"safetensors could not write the file: {e}", filename=name) from None


def _open(path):
    name = os.fspath(path)
    if not os.path.exists(name):
        raise FileNotFoundError(f"No such file: {name!r}")
    try:
        try:  # pread reads each tensor straight into its array: peak memory ~ file size
            return safe_open(name, framework="numpy", backend="pread")
        except TypeError:  # safetensors < 0.8 has no backend= (it memory-maps)
            return safe_open(name, framework="numpy")
    except (SafetensorError, OSError, ValueError) as e:
        raise FormatError(f"not a valid safetensors file: {e}", filename=name, field="header",
                          offset=0) from None


def _layout(f, name):
    """(container, keys in caller order, metadata, set of keys stored as uint16 bfloat16)."""
    meta = dict(f.metadata() or {})
    stored = list(f.offset_keys()) if hasattr(f, "offset_keys") else sorted(f.keys())

    def bad(msg, field):
        return FormatError(f"metadata {msg}", filename=name, field=f"metadata {field}")
    keys = stored
    if KEY_ORDER in meta:
        try:
            keys = json.loads(meta[KEY_ORDER])
        except ValueError:
            raise bad(f"{KEY_ORDER} is not valid JSON", KEY_ORDER) from None
        if not isinstance(keys, list) or sorted(map(str, keys)) != sorted(stored) or len(keys) != len(stored):
            raise bad(f"{KEY_ORDER} does not list the file's keys", KEY_ORDER)
    container = meta.get(CONTAINER, "dict")
    if container not in ("dict", "list"):
        raise bad(f"{CONTAINER} is {container!r}", CONTAINER)
    if container == "list" and keys != [str(i) for i in range(len(keys))]:
        raise bad("a list file must have the keys '0', '1', ... in order", CONTAINER)
    u16 = set()
    if BF16_AS_U16 in meta:
        try:
            u16 = set(json.loads(meta[BF16_AS_U16]))
        except (ValueError, TypeError):
            raise bad(f"{BF16_AS_U16} is not a JSON list", BF16_AS_U16) from None
    return container, keys, meta, u16


def _dtype(f, key, name, u16):
    code = f.get_slice(key).get_dtype()
    if code not in _ST_DTYPES:
        raise FormatError(f"dtype {code} is not supported by ndx", filename=name, key=key, field="dtype")
    return BFLOAT16 if (key in u16 and code == "U16") else _ST_DTYPES[code]


def _data_blocks(f, raw, name, u16):
    """Where each tensor's bytes are, from the package's parsed header: ``{key: (offset, shape,
    dtype)}``, or ``None``.

    The package has already checked that the tensors tile the data section back to back in
    ``offset_keys()`` order; the section starts after the 8-byte header length and the header.
    ``None`` (the caller then uses ``get_tensor``) when the package is too old to list keys in
    offset order or the sizes do not add up to the file's. ``raw`` is the file opened for reading.
    """
    if not hasattr(f, "offset_keys") or not hasattr(os, "preadv"):
        return None
    head = os.pread(raw.fileno(), 8, 0)
    size = os.fstat(raw.fileno()).st_size
    if len(head) != 8:
        return None
    offset = 8 + int.from_bytes(head, "little")
    blocks = {}
    for k in f.offset_keys():
        sl = f.get_slice(k)
        code = sl.get_dtype()
        if code not in _ST_DTYPES:
            raise FormatError(f"dtype {code} is not supported by ndx", filename=name, key=k, field="dtype")
        dt = BFLOAT16 if (k in u16 and code == "U16") else _ST_DTYPES[code]
        shape = tuple(sl.get_shape())
        blocks[k] = (offset, shape, dt)
        offset += math.prod(shape) * dt.itemsize
    return blocks if offset == size else None


def load(path, keys=None):
    """Read ``(arrays, names)``; ``names`` is ``None`` for a list file. Only ``keys`` are read if given.

    Tensor data is read with ``pread`` straight into each array, on a few threads for big files.
    """
    name = os.fspath(path)
    with _open(name) as f:
        container, order, _, u16 = _layout(f, name)
        if keys is not None:
            if container == "list":
                raise ValueError(f"{name}: keys= was given but the file is a list")
            missing = [k for k in keys if k not in set(order)]
            if missing:
                raise KeyError(f"{name}: no array named {missing[0]!r} in the file")
            wanted = set(keys)
            order = [k for k in order if k in wanted]
        with open(name, "rb") as raw:
            blocks = _data_blocks(f, raw, name, u16)
            if blocks is not None:
                wanted = [Extent(np.empty(blocks[k][1], blocks[k][2]), blocks[k][0], k) for k in order]
                try:
                    read_blocks(raw, wanted)
                except ShortRead as e:
                    raise FormatError(f"truncated: data needs {e.block.dest.nbytes} bytes, read {e.got}",
                                      filename=name, key=e.block.tag, field="data",
                                      offset=e.block.offset) from None
                return [b.dest for b in wanted], (None if container == "list" else order)
        arrays = []
        for k in order:
            try:
                a = f.get_tensor(k)
            except Exception as e:  # e.g. BF16 with an old safetensors, or an unknown dtype
                raise FormatError(f"cannot read tensor: {e}", filename=name, key=k, field="data") from None
            if k in u16 and a.dtype == np.uint16:
                a = a.view(BFLOAT16)
            arrays.append(a)
    return arrays, (None if container == "list" else order)


def scan(path) -> FileInfo:
    """Describe the file from its header (no tensor data is read)."""
    name = os.fspath(path)
    with _open(name) as f:
        container, order, meta, u16 = _layout(f, name)
        infos = []
        for i, k in enumerate(order):
            dt = _dtype(f, k, name, u16)
            shape = tuple(f.get_slice(k).get_shape())
            infos.append(ArrayInfo(index=i, key=None if container == "list" else k, shape=shape,
                                   dtype=dt, nbytes=int(np.prod(shape, dtype=object)) * dt.itemsize))
    return FileInfo(path=name, format="safetensors", container=container,
                    keys=None if container == "list" else order, arrays=infos,
                    file_size=os.path.getsize(name), metadata=meta)
