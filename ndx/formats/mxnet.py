"""MXNet 1.x binary NDArray list format (``mx.nd.save``, ``.params``), at the numpy level.

Byte layout: ``shared/spec/format.md``. Reads every layout MXNet 1.9.1 reads (per-array magics
V3 ``0xF993FACA``, V2 ``0xF993FAC9``, V1 ``0xF993FAC8`` and the magic-less legacy layout; dense,
row_sparse and csr; every dtype flag). Writes what MXNet 1.9.1 writes, byte for byte: V2 records,
or V3 (numpy-shape) records when the file holds a 0-d array.

Loading parses all headers first (seeking over the data, checking every size against the file
length), then reads each array once, straight into its own buffer (or, with ``mmap=True``, returns
read-only views of one memory map). Nothing is allocated before the whole file has been validated.
"""
from __future__ import annotations

import contextlib
import io
import math
import mmap as _mmap
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass

import ml_dtypes
import numpy as np

from .atomic import atomic_write
from .blockread import Extent, ShortRead, read_blocks
from .blockwrite import write_c_order as _write_data
from .errors import FormatError
from .info import ArrayInfo, AuxInfo, FileInfo

__all__ = ["SparseArray", "scan", "load", "loads", "save", "dumps",
           "LIST_MAGIC", "V1_MAGIC", "V2_MAGIC", "V3_MAGIC", "MXNET_BFLOAT16"]

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA
MAX_NDIM = 32                      # numpy 1.x limit; legacy records store ndim where the magic is
_LAYOUTS = {V1_MAGIC: "V1", V2_MAGIC: "V2", V3_MAGIC: "V3"}
_MIN_RECORD = 20                   # smallest record: legacy ndim 1, one u32 dim, ctx, flag, no data

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
#: The numpy dtype MXNet 1.9.1's Python uses for bfloat16; accepted by ``save`` as bfloat16.
MXNET_BFLOAT16 = np.dtype([("bfloat16", "<u2")])

# mshadow TypeFlag -> dtype. 8..11 are defined by mshadow but MXNet 1.9.1 cannot create them:
# they are read (hand-written files) but never written.
_FLAG_DTYPES = {0: np.dtype("<f4"), 1: np.dtype("<f8"), 2: np.dtype("<f2"), 3: np.dtype("u1"),
                4: np.dtype("<i4"), 5: np.dtype("i1"), 6: np.dtype("<i8"), 7: np.dtype("?"),
                8: np.dtype("<i2"), 9: np.dtype("<u2"), 10: np.dtype("<u4"), 11: np.dtype("<u8"),
                12: BFLOAT16}
_WRITABLE_FLAGS = (0, 1, 2, 3, 4, 5, 6, 7, 12)
_STYPES = {0: "default", 1: "row_sparse", 2: "csr"}
_STYPE_IDS = {v: k for k, v in _STYPES.items()}
_AUX_NAMES = {"default": (), "row_sparse": ("indices",), "csr": ("indptr", "indices")}
_CPU = (1, 0)


def _dtype_name(dt: np.dtype) -> str:
    return "bfloat16" if dt == BFLOAT16 else dt.name


# --------------------------------------------------------------------------- sparse records
@dataclass(frozen=True, eq=False)
class SparseArray:
    """A sparse record: ``stype`` is ``'row_sparse'`` or ``'csr'``; ``data`` is the stored values block.

    ``aux`` holds the index arrays in MXNet's order: row_sparse ``(indices,)``, csr
    ``(indptr, indices)``. ``shape`` is the logical (dense) shape.
    """

    stype: str
    shape: tuple
    data: np.ndarray
    aux: tuple

    @classmethod
    def row_sparse(cls, data, indices, shape) -> "SparseArray":
        """Rows ``indices`` of a ``shape`` array hold ``data`` (one row of ``data`` per index)."""
        return cls("row_sparse", tuple(int(d) for d in shape), np.asarray(data),
                   (np.asarray(indices, dtype=np.int64),))

    @classmethod
    def csr(cls, data, indptr, indices, shape) -> "SparseArray":
        """A 2-d compressed-sparse-row matrix (scipy's ``(data, indices, indptr)`` convention)."""
        return cls("csr", tuple(int(d) for d in shape), np.asarray(data),
                   (np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64)))

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def indices(self) -> np.ndarray:
        return self.aux[-1]

    @property
    def indptr(self) -> np.ndarray:
        if self.stype != "csr":
            raise AttributeError("only csr arrays have indptr")
        return self.aux[0]

    def check(self) -> None:
        """Raise ``ValueError`` (message starts with the field name) if the arrays are inconsistent."""
        shape, data = self.shape, self.data
        if any(x.dtype.kind not in "iu" for x in self.aux):
            raise ValueError("index arrays must have an integer dtype")
        if self.stype == "row_sparse":
            (idx,) = self.aux
            if len(shape) < 1 or data.ndim != len(shape) or data.shape[1:] != tuple(shape[1:]):
                raise ValueError(f"storage shape {data.shape} does not match shape {shape}")
            if idx.shape != data.shape[:1]:
                raise ValueError(f"indices shape {idx.shape} does not match storage shape {data.shape}")
            if idx.size and (idx.min() < 0 or idx.max() >= shape[0]):
                raise ValueError(f"indices out of range [0, {shape[0]})")
        elif self.stype == "csr":
            indptr, idx = self.aux
            if len(shape) != 2 or data.ndim != 1:
                raise ValueError(f"csr needs a 2-d shape and 1-d values, got {shape} and {data.shape}")
            if idx.shape != data.shape:
                raise ValueError(f"indices shape {idx.shape} does not match values shape {data.shape}")
            if indptr.size == 0 and data.size == 0:
                return
            if indptr.shape != (shape[0] + 1,):
                raise ValueError(f"indptr shape {indptr.shape} is not ({shape[0] + 1},)")
            if indptr[0] != 0 or indptr[-1] != data.size or np.any(np.diff(indptr) < 0):
                raise ValueError(f"indptr is not a non-decreasing 0..{data.size} sequence")
            if idx.size and (idx.min() < 0 or idx.max() >= shape[1]):
                raise ValueError(f"indices out of range [0, {shape[1]})")
        else:
            raise ValueError(f"storage type {self.stype!r} is not 'row_sparse' or 'csr'")

    def todense(self) -> np.ndarray:
        """The dense numpy array (allocates the full logical shape)."""
        self.check()
        dense = np.zeros(self.shape, dtype=self.data.dtype)
        if self.data.size == 0:
            return dense
        if self.stype == "row_sparse":
            dense[self.aux[0]] = self.data
        else:
            indptr, idx = self.aux
            rows = np.repeat(np.arange(self.shape[0]), np.diff(indptr))
            dense[rows, idx] = self.data
        return dense


# --------------------------------------------------------------------------- reading
class _Source:
    """Bounded little-endian reader over an open file or a buffer; errors name file/record/offset."""

    def __init__(self, name, f=None, buf=None):
        self.name, self.f, self.record = name, f, None
        if buf is not None:
            self.buf = memoryview(buf).cast("B")
            self.size = len(self.buf)
        else:
            self.buf = None
            self.size = os.fstat(f.fileno()).st_size
        self.pos = 0

    def error(self, msg, field, offset):
        return FormatError(msg, filename=self.name, record=self.record, field=field, offset=offset)

    def need(self, n, field):
        left = self.size - self.pos
        if n > left:
            raise self.error(f"truncated: {field} needs {n} bytes, only {left} left", field, self.pos)

    def read(self, n, field):
        self.need(n, field)
        if self.buf is not None:
            b = self.buf[self.pos:self.pos + n].tobytes()
        else:
            b = self.f.read(n)
            if len(b) != n:  # the file shrank under us
                raise self.error(f"truncated: {field} needs {n} bytes", field, self.pos)
        self.pos += n
        return b

    def unpack(self, fmt, field):
        return struct.unpack(fmt, self.read(struct.calcsize(fmt), field))

    def skip(self, n, field):
        self.need(n, field)
        self.pos += n
        if self.f is not None and n:
            self.f.seek(n, io.SEEK_CUR)


_MAX_EXTENT = 2 ** 56  # elements: far past any real array, safely below numpy's size limit


def _read_shape(src, layout, field):
    start = src.pos
    (ndim,) = src.unpack("<i", f"{field} ndim")
    if layout == "V3" and ndim == -1:
        raise src.error(f"{field} ndim is -1 (unknown shape, a 'none' array)", f"{field} ndim", start)
    if not 0 <= ndim <= MAX_NDIM:
        raise src.error(f"{field} ndim is {ndim} (must be 0..{MAX_NDIM})", f"{field} ndim", start)
    dims = src.unpack(f"<{ndim}q", f"{field} dims")
    extent = 1
    for i, d in enumerate(dims):
        if d < 0:
            raise src.error(f"{field} dim {i} is {d}", f"{field} dim {i}", start + 4 + 8 * i)
        extent *= max(d, 1)
    if extent > _MAX_EXTENT:  # even a zero-size array cannot have this shape (numpy refuses it)
        raise src.error(f"{field} dims {dims} are absurdly large", f"{field} dims", start + 4)
    return dims


def _check_shapes(src, stype, shape, sshape, aux_shapes, start):
    """Header-level consistency of a sparse record (index ranges are checked with the data)."""
    def bad(msg, field):
        raise src.error(msg, field, start)
    if stype == "row_sparse":
        if len(shape) < 1 or len(sshape) != len(shape) or sshape[1:] != shape[1:]:
            bad(f"storage shape {sshape} does not fit row_sparse shape {shape}", "storage shape")
        if sshape[0] > shape[0]:
            bad(f"storage shape {sshape} has more rows than shape {shape}", "storage shape")
        if aux_shapes[0] != sshape[:1]:
            bad(f"aux 0 (indices) shape {aux_shapes[0]} is not {sshape[:1]}", "aux 0 shape")
    else:
        if len(shape) != 2 or len(sshape) != 1:
            bad(f"csr needs a 2-d shape and 1-d storage shape, got {shape} and {sshape}", "storage shape")
        if aux_shapes[0] not in ((shape[0] + 1,), (0,)) or (aux_shapes[0] == (0,) and sshape[0]):
            bad(f"aux 0 (indptr) shape {aux_shapes[0]} is not ({shape[0] + 1},)", "aux 0 shape")
        if aux_shapes[1] != sshape:
            bad(f"aux 1 (indices) shape {aux_shapes[1]} is not {sshape}", "aux 1 shape")


def _read_dtype(src, field):
    start = src.pos
    (flag,) = src.unpack("<i", field)
    if flag not in _FLAG_DTYPES:
        raise src.error(f"{field} {flag} is unknown", field, start)
    return flag, _FLAG_DTYPES[flag]


def _parse_record(src, index):
    src.record = index
    start = src.pos
    (magic,) = src.unpack("<I", "array magic")
    layout = _LAYOUTS.get(magic, "legacy")
    stype, sshape = "default", None
    if layout in ("V2", "V3"):
        st_pos = src.pos
        (st,) = src.unpack("<i", "storage type")
        if st not in _STYPES:
            raise src.error(f"storage type {st} is unknown", "storage type", st_pos)
        stype = _STYPES[st]
        if stype != "default":
            sshape = _read_shape(src, layout, "storage shape")
        shape_pos = src.pos
        shape = _read_shape(src, layout, "shape")
    elif layout == "V1":
        shape_pos = src.pos
        shape = _read_shape(src, layout, "shape")
    else:  # pre-V1: the u32 we read is ndim, followed by u32 dims
        if magic > MAX_NDIM:
            raise src.error(f"array magic 0x{magic:08x} is unknown (not V1/V2/V3, and too large "
                            "for a legacy ndim)", "array magic", start)
        shape_pos = start
        shape = src.unpack(f"<{magic}I", "shape dims")
    if not shape and layout != "V3":
        raise src.error(f"shape has ndim 0 in a {layout} record: MXNet reads this as a 'none' array "
                        "and cannot load the rest of the file (a 0-d array must be saved with "
                        "numpy-shape semantics, V3)", "shape ndim", shape_pos)
    ctx = src.unpack("<ii", "context")
    flag, dtype = _read_dtype(src, "dtype flag")
    aux_meta = []
    for j, aux_name in enumerate(_AUX_NAMES[stype]):
        aflag, adt = _read_dtype(src, f"aux {j} dtype flag")
        if adt.kind not in "iu":
            raise src.error(f"aux {j} ({aux_name}) dtype {_dtype_name(adt)} is not an integer type",
                            f"aux {j} dtype flag", src.pos - 4)
        aux_meta.append((aux_name, aflag, adt, _read_shape(src, layout, f"aux {j} shape")))
    if stype != "default":
        _check_shapes(src, stype, shape, sshape, [m[3] for m in aux_meta], start)
    data_shape = shape if sshape is None else sshape
    data_offset = src.pos
    nbytes = math.prod(data_shape) * dtype.itemsize
    if nbytes > src.size - src.pos:
        raise src.error(f"data of shape {data_shape} {_dtype_name(dtype)} needs {nbytes} bytes, only "
                        f"{src.size - src.pos} left", "data", data_offset)
    src.skip(nbytes, "data")
    aux = []
    for j, (aux_name, aflag, adt, ashape) in enumerate(aux_meta):
        an = math.prod(ashape) * adt.itemsize
        if an > src.size - src.pos:
            raise src.error(f"aux {j} ({aux_name}) data needs {an} bytes, only {src.size - src.pos} "
                            "left", f"aux {j} data", src.pos)
        aux.append(AuxInfo(aux_name, adt, ashape, aflag, src.pos, an))
        src.skip(an, f"aux {j} data")
    return dict(index=index, shape=tuple(shape), dtype=dtype,
                nbytes=nbytes + sum(a.nbytes for a in aux), stype=stype, layout=layout,
                magic=magic, offset=start, data_offset=data_offset, ctx=tuple(ctx),
                type_flag=flag, storage_shape=None if sshape is None else tuple(sshape),
                aux=tuple(aux))


def _parse(src) -> FileInfo:
    """Parse every header of the file (no array data is read); validate the whole structure."""
    (magic,) = src.unpack("<Q", "list magic")
    if magic != LIST_MAGIC:
        raise src.error(f"list magic is 0x{magic:x}, expected 0x112 (not an MXNet NDArray file)",
                        "list magic", 0)
    (reserved, n) = src.unpack("<QQ", "list header")
    left = src.size - src.pos
    if n * _MIN_RECORD + 8 > left:
        raise src.error(f"array count {n} cannot fit in the {left} bytes left", "array count", 16)
    records = [_parse_record(src, i) for i in range(n)]
    src.record = None
    k_pos = src.pos
    (k,) = src.unpack("<Q", "name count")
    if k not in (0, n):
        raise src.error(f"name count is {k}, must be 0 or the array count {n}", "name count", k_pos)
    names = []
    for i in range(k):
        src.record = i
        l_pos = src.pos
        (length,) = src.unpack("<Q", "name length")
        if length > src.size - src.pos:
            raise src.error(f"name length {length} is past the end of the file", "name length", l_pos)
        raw = src.read(length, "name")
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError as e:
            raise src.error(f"name is not valid UTF-8 ({e.reason} at byte {e.start})", "name",
                            l_pos + 8 + e.start) from None
    src.record = None
    if src.pos != src.size:
        raise src.error(f"{src.size - src.pos} trailing bytes after the last name", "end of file",
                        src.pos)
    keys = names if k else [None] * n
    arrays = [ArrayInfo(key=key, **rec) for rec, key in zip(records, keys)]
    return FileInfo(path=src.name, format="mxnet", container="dict" if k else "list",
                    keys=names if k else None, arrays=arrays, file_size=src.size,
                    metadata={"reserved": reserved} if reserved else {})


def scan(path) -> FileInfo:
    """Describe a file from its headers only (array data is seeked over, never read)."""
    with open(path, "rb") as f:
        return _parse(_Source(os.fspath(path), f=f))


def _read_block(src, offset, nbytes, shape, dtype, view, pending):
    """One array from the file: a view of the buffer/map, or a fresh array that ``pending`` fills later."""
    if src.buf is not None:
        arr = np.frombuffer(src.buf, dtype=dtype, count=nbytes // dtype.itemsize,
                            offset=offset).reshape(shape)
        return arr if view else arr.copy()
    arr = np.empty(shape, dtype=dtype)
    pending.append(Extent(arr, offset, src.record))
    return arr


def _fill_pending(src, pending):
    try:
        read_blocks(src.f, pending)
    except ShortRead as e:
        src.record = e.block.tag
        raise src.error(f"truncated: data needs {e.block.dest.nbytes} bytes, read {e.got}", "data",
                        e.block.offset) from None


def _load_records(src, info, keys, dense, view):
    index = range(len(info.arrays))
    if keys is not None:
        if info.keys is None:
            raise ValueError(f"{src.name}: keys= was given but the file is a list (it has no names)")
        where = {k: i for i, k in enumerate(info.keys)}
        missing = [k for k in keys if k not in where]
        if missing:
            raise KeyError(f"{src.name}: no array named {missing[0]!r} in the file")
        wanted = {where[k] for k in keys}
        index = [i for i in index if i in wanted]
    pending = []  # file reads, done together (in parallel when large) once every array exists
    values = []
    for i in index:
        a = info.arrays[i]
        src.record = i
        data_shape = a.shape if a.storage_shape is None else a.storage_shape
        data = _read_block(src, a.data_offset, a.nbytes - sum(x.nbytes for x in a.aux),
                           data_shape, a.dtype, view, pending)
        aux = tuple(_read_block(src, x.data_offset, x.nbytes, x.shape, x.dtype, view, pending)
                    for x in a.aux)
        values.append((data, aux))
    _fill_pending(src, pending)
    out = []
    for i, (data, aux) in zip(index, values):
        a = info.arrays[i]
        if a.stype == "default":
            out.append(data)
            continue
        sp = SparseArray(a.stype, a.shape, data, aux)
        try:
            sp.check()
            out.append(sp.todense() if dense else sp)
        except (ValueError, MemoryError) as e:
            raise FormatError(f"invalid {a.stype} data: {e}", filename=src.name, record=i, key=a.key,
                              field="sparse data", offset=a.data_offset) from None
    names = None if info.keys is None else [info.keys[i] for i in index]
    return out, names


def load(path, mmap=False, *, dense=True, keys=None):
    """Read an MXNet NDArray file: ``(arrays, names)``, ``names`` is ``None`` for a list file.

    Arrays are numpy arrays in file order (bfloat16 as ``ml_dtypes.bfloat16``). Sparse records
    are densified unless ``dense=False``, which returns them as :class:`SparseArray`.
    ``mmap=True`` returns read-only views of a memory map of the file instead of copies (for
    streaming converters). ``keys`` (dict files only) reads just those arrays, in file order.
    Raises :class:`FormatError` for any malformed file.
    """
    name = os.fspath(path)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if not (mmap and size):
            src = _Source(name, f=f)
            return _load_records(src, _parse(src), keys, dense, view=False)
        buf = _mmap.mmap(f.fileno(), 0, access=_mmap.ACCESS_READ)
        src = _Source(name, buf=buf)
        try:
            return _load_records(src, _parse(src), keys, dense, view=True)
        except BaseException:
            with contextlib.suppress(BufferError):  # views made before the error may pin it
                src.buf.release()
                buf.close()
            raise


def loads(buffer, *, dense=True, name="<buffer>"):
    """Like :func:`load` for the bytes of a file (``mx.nd.load_frombuffer``); arrays are copies."""
    src = _Source(name, buf=buffer)
    return _load_records(src, _parse(src), None, dense, view=False)


# --------------------------------------------------------------------------- writing
def _shape_bytes(shape):
    return struct.pack(f"<i{len(shape)}q", len(shape), *shape)


def _as_storable(a, where):
    """Little-endian array + MXNet type flag, or FormatError naming the record."""
    if not isinstance(a, np.ndarray):
        a = np.asarray(a)
    dt = a.dtype
    if dt == MXNET_BFLOAT16:
        a, dt = a.view(BFLOAT16), BFLOAT16
    if dt.byteorder == ">":
        dt = dt.newbyteorder("<")
        a = a.astype(dt)
    for flag in _WRITABLE_FLAGS:
        if dt == _FLAG_DTYPES[flag]:
            return a, flag
    raise FormatError(f"dtype {_dtype_name(dt)} cannot be saved in the MXNet format (MXNet 1.9.1 "
                      "reads only float32, float64, float16, bfloat16, uint8, int8, int32, int64 and "
                      "bool); cast it first", **where, field="dtype")


def _prepare(arrays, names, np_shape, contexts, filename):
    """Validate everything before any byte is written: ``[(header, [payload arrays])]``, names."""
    if isinstance(arrays, Mapping):
        if names is not None:
            raise TypeError("names= must not be given with a dict of arrays")
        names, arrays = list(arrays.keys()), list(arrays.values())
    elif isinstance(arrays, (np.ndarray, SparseArray)):
        arrays = [arrays]
    arrays = list(arrays)
    if names is not None:
        names = list(names)
        if len(names) != len(arrays):
            raise ValueError(f"{len(names)} names for {len(arrays)} arrays")
        for n in names:
            if not isinstance(n, str):
                raise TypeError(f"array names must be str, got {type(n).__name__}")
    if contexts is not None:
        contexts = [tuple(int(v) for v in c) for c in contexts]
        if len(contexts) != len(arrays):
            raise ValueError(f"{len(contexts)} contexts for {len(arrays)} arrays")

    def where(i):
        return {"filename": filename, "record": i, "key": None if names is None else names[i]}

    has_0d = any(not isinstance(a, SparseArray) and np.ndim(a) == 0 for a in arrays)
    if np_shape is None:
        np_shape = has_0d
    elif not np_shape and has_0d:
        i = next(i for i, a in enumerate(arrays) if not isinstance(a, SparseArray) and np.ndim(a) == 0)
        raise FormatError("a 0-d array cannot be saved without numpy-shape semantics: MXNet writes "
                          "such a file but cannot load it back; use np_shape=True (V3) or reshape "
                          "it to (1,)", **where(i), field="shape")
    magic = V3_MAGIC if np_shape else V2_MAGIC
    records = []
    for i, a in enumerate(arrays):
        dev = _CPU if contexts is None else contexts[i]
        if isinstance(a, SparseArray):
            if np_shape:
                raise FormatError("sparse arrays cannot be saved with numpy-shape semantics (V3), "
                                  "as in MXNet", **where(i), field="storage type")
            try:
                a.check()
            except ValueError as e:
                raise FormatError(f"invalid {a.stype} array: {e}", **where(i), field="sparse") from None
            values, flag = _as_storable(a.data, where(i))
            aux = [(np.asarray(x).astype("<i8", copy=False), 6) for x in a.aux]  # MXNet: int64
            head = [struct.pack("<Ii", magic, _STYPE_IDS[a.stype]), _shape_bytes(values.shape),
                    _shape_bytes(a.shape), struct.pack("<iii", dev[0], dev[1], flag)]
            head += [struct.pack("<i", af) + _shape_bytes(x.shape) for x, af in aux]
            records.append((b"".join(head), [values] + [x for x, _ in aux]))
        else:
            values, flag = _as_storable(a, where(i))
            head = (struct.pack("<Ii", magic, 0) + _shape_bytes(values.shape)
                    + struct.pack("<iii", dev[0], dev[1], flag))
            records.append((head, [values]))
    raw_names = []
    for i, n in enumerate(names or ()):
        try:
            raw_names.append(n.encode("utf-8"))
        except UnicodeEncodeError as e:
            raise FormatError(f"name cannot be encoded as UTF-8 ({e.reason})", **where(i),
                              field="name") from None
    return records, raw_names


def _write(f, records, raw_names):
    f.write(struct.pack("<QQQ", LIST_MAGIC, 0, len(records)))
    for head, payloads in records:
        f.write(head)
        for p in payloads:
            _write_data(f, p)
    f.write(struct.pack("<Q", len(raw_names)))
    for raw in raw_names:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)


def save(path, arrays, names=None, *, np_shape=None, contexts=None) -> None:
    """Write arrays as MXNet 1.9.1 ``mx.nd.save`` would, atomically (temp file + rename).

    ``arrays``: a list of numpy arrays / :class:`SparseArray` (with ``names`` for a dict file),
    or a dict name -> array. Records are V2 (MXNet's legacy mode); ``np_shape=True`` writes V3
    (numpy-shape mode, what ``mx.npx.save`` writes). The default picks V3 only when an array is
    0-d, because MXNet cannot read a 0-d array back from a V2 file. ``contexts`` optionally gives
    a stored ``(dev_type, dev_id)`` per array; the default ``(1, 0)`` (cpu(0)) is what MXNet
    writes for CPU arrays. dtypes MXNet cannot read (int16, uint32, complex, ...) raise
    :class:`FormatError` before anything is written.
    """
    records, raw_names = _prepare(arrays, names, np_shape, contexts, os.fspath(path))
    with atomic_write(path, size_hint=_file_size(records, raw_names)) as f:
        _write(f, records, raw_names)


def _file_size(records, raw_names):
    """The bytes ``_write`` writes for these records and names."""
    size = 24 + 8 + sum(8 + len(raw) for raw in raw_names)
    for head, payloads in records:
        size += len(head) + sum(p.nbytes for p in payloads)
    return size


def dumps(arrays, names=None, *, np_shape=None, contexts=None) -> bytes:
    """The bytes :func:`save` would write."""
    records, raw_names = _prepare(arrays, names, np_shape, contexts, None)
    buf = io.BytesIO()
    _write(buf, records, raw_names)
    return buf.getvalue()
