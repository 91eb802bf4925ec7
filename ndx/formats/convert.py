"""Convert checkpoints between MXNet ``.params``/``.nd``, safetensors, npz and PyTorch ``.pt``.

Memory stays bounded by the largest array, whatever the file size: the input is read one array at
a time (MXNet files through a memory map whose pages are dropped once an array is written,
safetensors with ``pread``, npz member by member) and the output is written record by record
(MXNet and safetensors by the small streaming writers below, npz member by member). Only ``.pt``
output holds every array at once, because ``torch.save`` takes a whole state dict.
Keys are renamed by a fixed pipeline (see :func:`convert`); the output is written atomically.
"""
from __future__ import annotations

import contextlib
import json
import math
import mmap as _mmap
import os
import re
import struct
import sys
import warnings
import zipfile
from dataclasses import dataclass, field

import ml_dtypes
import numpy as np
from numpy.lib import format as npy

from . import detect_format, format_for_save, mxnet, npz_format, safetensors_format
from .atomic import atomic_path, atomic_write
from .blockwrite import write_c_order
from .errors import FormatError
from .info import ArrayInfo

__all__ = ["convert", "ConversionResult", "ArraySource", "open_source", "naming_scheme",
           "output_format", "PRESETS", "TORCH_EXTENSIONS"]

BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
TORCH_EXTENSIONS = (".pt", ".pth")
OUTPUT_FORMATS = ("mxnet", "safetensors", "npz", "torch")
PRESETS = ("mxnet-to-torch",)
_CHUNK = 16 << 20  # bytes converted/written per step
_PROGRESS_MIN_BYTES = 100 << 20


# --------------------------------------------------------------------------- naming
def naming_scheme(keys) -> str:
    """How a file names its arrays, following MXNet's own test in ``load_parameters``.

    ``'list'`` (no names), ``'empty'``, ``'arg:aux'`` (``export`` files: ``arg:conv0_weight``),
    ``'structural'`` (any key holds a ``.``: ``0.weight``, from ``save_parameters``),
    ``'prefixed'`` (``dense0_weight``, from ``collect_params().save``) or ``'mixed'`` (some keys
    carry ``arg:``/``aux:`` and some do not).
    """
    if keys is None:
        return "list"
    keys = list(keys)
    if not keys:
        return "empty"
    tagged = [k.startswith(("arg:", "aux:")) for k in keys]
    if all(tagged):
        return "arg:aux"
    if any(tagged):
        return "mixed"
    return "structural" if any("." in k for k in keys) else "prefixed"


def is_floating(dtype) -> bool:
    dtype = np.dtype(dtype)
    return dtype.kind == "f" or dtype == BFLOAT16


# --------------------------------------------------------------------------- torch (optional)
def _torch(path):
    try:
        import torch
    except ImportError:
        raise FormatError("reading or writing PyTorch .pt/.pth files needs the torch package, which "
                          "is not installed (pip install torch), or convert to .safetensors instead",
                          filename=path) from None
    return torch


def _torch_to_numpy(torch, t):
    t = t.detach().cpu()
    if t.dtype == torch.bfloat16:
        return t.contiguous().view(torch.int16).numpy().view(BFLOAT16)
    return t.numpy()


def _numpy_to_torch(torch, a):
    a = np.ascontiguousarray(a)
    with warnings.catch_warnings():  # read-only views of the input map: torch.save only reads them
        warnings.simplefilter("ignore", UserWarning)
        if a.dtype == BFLOAT16:
            return torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
        return torch.from_numpy(a)


# --------------------------------------------------------------------------- reading
class ArraySource:
    """An input file opened for reading its arrays one at a time.

    ``format`` (``mxnet``, ``safetensors``, ``npz`` or ``torch``), ``container`` (``dict`` or
    ``list``), ``keys`` (names; ``'0'``, ``'1'``, ... for a list), ``infos`` (one
    :class:`ArrayInfo` per array, from the headers), ``metadata``, ``skipped`` (torch entries that
    are not tensors). ``get(i)`` returns array ``i`` (a read-only view for MXNet files, a
    :class:`SparseArray` for sparse MXNet records unless ``dense=True``); ``release(i)`` lets the
    pages of a memory-mapped array go once it is no longer needed.
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        self.skipped = []
        self._mm = self._file = self._handle = None
        if not os.path.exists(self.path):
            raise FormatError("no such file", filename=self.path)
        if os.path.isdir(self.path):
            raise FormatError("is a directory, not a checkpoint file", filename=self.path)
        if os.path.splitext(self.path)[1].lower() in TORCH_EXTENSIONS:
            self.format = "torch"
            self._open_torch()
            return
        self.format = detect_format(self.path)
        info = {"mxnet": mxnet.scan, "safetensors": safetensors_format.scan,
                "npz": npz_format.scan}[self.format](self.path)
        self.info = info
        self.container = info.container
        self.infos = list(info.arrays)
        self.keys = list(info.keys) if info.keys is not None else [str(i) for i in range(len(self.infos))]
        self.metadata = dict(info.metadata)
        if self.format == "mxnet":
            self._file = open(self.path, "rb")
            if info.file_size:
                self._mm = _mmap.mmap(self._file.fileno(), 0, access=_mmap.ACCESS_READ)
        elif self.format == "safetensors":
            self._handle = safetensors_format._open(self.path)
            self._u16 = safetensors_format._layout(self._handle, self.path)[3]
        else:
            self._handle = npz_format._Reader(self.path)

    def _open_torch(self):
        torch = _torch(self.path)
        try:
            try:
                state = torch.load(self.path, map_location="cpu", weights_only=True, mmap=True)
            except RuntimeError as e:  # legacy (non-zip) files cannot be memory-mapped
                if "mmap" not in str(e):
                    raise
                state = torch.load(self.path, map_location="cpu", weights_only=True)
        except Exception as e:
            raise FormatError(f"cannot read as a PyTorch file with torch.load(weights_only=True): "
                              f"{type(e).__name__}: {e}", filename=self.path) from None
        if not isinstance(state, dict):
            raise FormatError(f"holds a {type(state).__name__}, not a state dict", filename=self.path)
        tensors = {}

        def walk(prefix, d):
            for k, v in d.items():
                name = f"{prefix}{k}"
                if isinstance(v, torch.Tensor):
                    tensors[name] = v
                elif isinstance(v, dict):
                    walk(name + ".", v)
                else:
                    self.skipped.append(name)
        walk("", state)
        self.container, self.metadata, self.info = "dict", {}, None
        self.keys = list(tensors)
        self._tensors = [tensors[k] for k in self.keys]
        self.infos = []
        for i, (k, t) in enumerate(zip(self.keys, self._tensors)):
            if t.layout != torch.strided:
                raise FormatError(f"tensor layout {t.layout} is not supported (dense tensors only)",
                                  filename=self.path, key=k)
            dt = BFLOAT16 if t.dtype == torch.bfloat16 else torch.empty(0, dtype=t.dtype).numpy().dtype
            self.infos.append(ArrayInfo(index=i, key=k, shape=tuple(t.shape), dtype=dt,
                                        nbytes=t.numel() * dt.itemsize))
        self._torch = torch

    def __len__(self):
        return len(self.infos)

    def get(self, i, dense=False):
        """Array ``i`` as numpy (or :class:`SparseArray` for a sparse MXNet record unless ``dense``)."""
        key = self.keys[i]
        if self.format == "mxnet":
            a = self._mxnet_record(i)
        elif self.format == "torch":
            a = _torch_to_numpy(self._torch, self._tensors[i])
        elif self.format == "safetensors":
            try:
                a = self._handle.get_tensor(key)
            except Exception as e:
                raise FormatError(f"cannot read tensor: {e}", filename=self.path, key=key,
                                  field="data") from None
            if key in self._u16 and a.dtype == np.uint16:
                a = a.view(BFLOAT16)
        else:  # list files store arr_0, arr_1, ...
            a = self._handle.array(self._handle.keys[i])
        if dense and isinstance(a, mxnet.SparseArray):
            a = a.todense()
        return a

    def _view(self, offset, shape, dtype):
        count = math.prod(shape)
        if count == 0:
            return np.empty(shape, dtype)
        return np.frombuffer(self._mm, dtype=dtype, count=count, offset=offset).reshape(shape)

    def _mxnet_record(self, i):
        a = self.infos[i]
        if a.stype == "default":
            return self._view(a.data_offset, a.shape, a.dtype)
        values = self._view(a.data_offset, a.storage_shape, a.dtype)
        aux = tuple(self._view(x.data_offset, x.shape, x.dtype) for x in a.aux)
        sp = mxnet.SparseArray(a.stype, a.shape, values, aux)
        try:
            sp.check()
        except ValueError as e:
            raise FormatError(f"invalid {a.stype} data: {e}", filename=self.path, record=i,
                              key=a.key, field="sparse data", offset=a.data_offset) from None
        return sp

    def release(self, i):
        """Drop the resident pages of MXNet record ``i`` (the page cache keeps them)."""
        if self._mm is None or not hasattr(self._mm, "madvise"):
            return
        a = self.infos[i]
        end = max([a.data_offset + a.nbytes] + [x.data_offset + x.nbytes for x in a.aux])
        start = a.offset - a.offset % _mmap.PAGESIZE
        with contextlib.suppress(OSError, ValueError):
            self._mm.madvise(_mmap.MADV_DONTNEED, start, min(end, len(self._mm)) - start)

    def close(self):
        if self._handle is not None and hasattr(self._handle, "__exit__"):
            with contextlib.suppress(Exception):
                self._handle.__exit__(None, None, None)
        self._handle = None
        if self._mm is not None:
            with contextlib.suppress(BufferError):  # views still held by the caller pin the map
                self._mm.close()
            self._mm = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_source(path) -> ArraySource:
    """Open a checkpoint of any supported format for array-by-array reading (a context manager)."""
    return ArraySource(path)


# --------------------------------------------------------------------------- renaming
_PARAM_NAMES = {"weight": "weight", "bias": "bias", "gamma": "weight", "beta": "bias",
                "running_mean": "running_mean", "running_var": "running_var",
                "moving_mean": "running_mean", "moving_var": "running_var", "alpha": "weight"}
_PREFIXED = re.compile(r"^(.+?)_(weight|bias|gamma|beta|running_mean|running_var|moving_mean|"
                       r"moving_var|alpha)$")


def _mxnet_to_torch(name):
    """PyTorch's name for an MXNet parameter name, or ``None`` if it has no known counterpart.

    Structural names keep their module path (``1.gamma`` -> ``1.weight``); prefixed names get a
    ``.`` before the parameter (``batchnorm0_gamma`` -> ``batchnorm0.weight``).
    """
    if name.startswith(("arg:", "aux:")):
        name = name[4:]
    head, dot, last = name.rpartition(".")
    if dot and last in _PARAM_NAMES:
        return f"{head}.{_PARAM_NAMES[last]}"
    if not dot:
        m = _PREFIXED.match(name)
        if m:
            return f"{m.group(1)}.{_PARAM_NAMES[m.group(2)]}"
    return None


def parse_rename(rule):
    """``'REGEX=REPLACEMENT'`` (split at the last ``=``) or a ``(regex, replacement)`` pair."""
    if isinstance(rule, str):
        if "=" not in rule:
            raise ValueError(f"rename rule {rule!r} is not of the form REGEX=REPLACEMENT")
        pattern, _, repl = rule.rpartition("=")
    else:
        pattern, repl = rule
    try:
        return re.compile(pattern), repl
    except re.error as e:
        raise ValueError(f"rename rule {rule!r}: bad regular expression: {e}") from None


def _compile(pattern, what):
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as e:
        raise ValueError(f"{what} {pattern!r}: bad regular expression: {e}") from None


# --------------------------------------------------------------------------- plan
@dataclass
class ConversionResult:
    """What :func:`convert` did. ``renamed`` maps input key -> output key for changed keys;
    ``unmapped`` lists keys the preset could not map (kept as they were); ``excluded`` the keys
    left out by ``only``/``exclude``; ``skipped`` non-tensor entries of a ``.pt`` file."""

    source: str
    output: str
    source_format: str
    output_format: str
    keys: list
    nbytes: int
    renamed: dict = field(default_factory=dict)
    unmapped: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    cast: list = field(default_factory=list)

    @property
    def num_arrays(self):
        return len(self.keys)

    def to_dict(self):
        return {k: getattr(self, k) for k in ("source", "output", "source_format", "output_format",
                                               "keys", "nbytes", "renamed", "unmapped", "excluded",
                                               "skipped", "cast")}


@dataclass
class _Item:
    index: int          # position in the source
    name: str           # output key
    info: ArrayInfo
    dtype: np.dtype     # output dtype
    sparse: bool        # written as a sparse MXNet record


def output_format(path, to=None) -> str:
    """``mxnet``, ``safetensors``, ``npz`` or ``torch``: ``to`` if given, else from the extension."""
    if to is not None:
        to = {"pt": "torch", "pth": "torch", "params": "mxnet", "nd": "mxnet"}.get(to, to)
        if to not in OUTPUT_FORMATS:
            raise ValueError(f"unknown output format {to!r}; expected one of {', '.join(OUTPUT_FORMATS)}")
        return to
    if os.path.splitext(os.fspath(path))[1].lower() in TORCH_EXTENSIONS:
        return "torch"
    try:
        return format_for_save(path)
    except ValueError:
        raise ValueError(f"cannot tell the output format from the extension of {os.fspath(path)!r}: "
                         "use .params/.nd (MXNet), .safetensors, .npz or .pt/.pth, or pass "
                         "--to/to=") from None


def _plan(src, fmt, rename, strip_prefix, add_prefix, strip_arg_aux, dtype, preset, only, exclude):
    rules = [parse_rename(r) for r in rename]
    only_re, exclude_re = _compile(only, "only"), _compile(exclude, "exclude")
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
    if dtype is not None:
        dtype = np.dtype(dtype)
        if not is_floating(dtype):
            raise ValueError(f"dtype must be a floating type (float16, bfloat16, float32, ...), got {dtype}")
    items, excluded, unmapped, cast = [], [], [], []
    for i, (key, info) in enumerate(zip(src.keys, src.infos)):
        if (only_re is not None and not only_re.search(key)) or \
                (exclude_re is not None and exclude_re.search(key)):
            excluded.append(key)
            continue
        name = key
        if (strip_arg_aux or preset is not None) and name.startswith(("arg:", "aux:")):
            name = name[4:]
        if strip_prefix and name.startswith(strip_prefix):
            name = name[len(strip_prefix):]
        if preset == "mxnet-to-torch":
            mapped = _mxnet_to_torch(name)
            if mapped is None:
                unmapped.append(key)
                name = name[4:] if name.startswith(("arg:", "aux:")) else name
            else:
                name = mapped
        for pattern, repl in rules:
            name = pattern.sub(repl, name)
        if add_prefix:
            name = add_prefix + name
        out_dtype = info.dtype
        if dtype is not None and is_floating(info.dtype) and info.dtype != dtype:
            out_dtype = dtype
            cast.append(key)
        items.append(_Item(i, name, info, out_dtype, sparse=fmt == "mxnet" and info.stype != "default"))
    seen = {}
    for it in items:
        if it.name in seen:
            raise ValueError(f"keys {src.keys[seen[it.name]]!r} and {src.keys[it.index]!r} both map "
                             f"to {it.name!r}; adjust the renaming")
        seen[it.name] = it.index
    return items, excluded, unmapped, cast


def _stays_list(src, items):
    return (src.container == "list" and [it.name for it in items]
            == [str(j) for j in range(len(src.keys))])


# --------------------------------------------------------------------------- writing
def _chunks(a, dtype):
    """``a`` in C order as little-endian ``dtype`` byte chunks of about ``_CHUNK`` bytes."""
    if a.size == 0:
        return
    if a.dtype.byteorder == ">":
        a = a.astype(a.dtype.newbyteorder("<"))
    flat = a.reshape(-1) if a.flags.c_contiguous else None
    if flat is not None and a.dtype == dtype:
        yield flat.view(np.uint8)
        return
    step = max(1, _CHUNK // max(dtype.itemsize, a.dtype.itemsize))
    if flat is None:
        rows = max(1, _CHUNK // max(1, a[0].nbytes)) if a.ndim else 1
        for r in range(0, a.shape[0], rows):
            yield np.ascontiguousarray(a[r:r + rows]).astype(dtype).reshape(-1).view(np.uint8)
        return
    for s in range(0, flat.size, step):
        yield flat[s:s + step].astype(dtype).view(np.uint8)


class _Progress:
    """A tqdm bar of bytes done, when tqdm is installed and ``enabled``; else nothing."""

    def __init__(self, total, enabled, desc):
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=desc,
                            file=sys.stderr, leave=False)

    def update(self, n):
        if self.bar is not None:
            self.bar.update(n)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _fetch(src, it):
    a = src.get(it.index, dense=not it.sparse)
    if it.sparse:
        values = a.data if a.dtype == it.dtype else a.data.astype(it.dtype)
        return mxnet.SparseArray(a.stype, a.shape, values, a.aux)
    return a


def _write_mxnet(path, src, items, as_list, bar):
    # V3 (numpy-shape) records when a 0-d array needs them, or to keep an all-V3 input's semantics
    np_shape = (any(not it.sparse and len(it.info.shape) == 0 for it in items)
                or (src.format == "mxnet" and bool(src.infos)
                    and all(a.layout == "V3" for a in src.infos)))
    filename = os.fspath(path)
    heads = []
    for it in items:  # every header is built (and validated) before the file is opened
        where = {"filename": filename, "record": len(heads), "key": it.name}
        if it.sparse:
            heads.append(None)
            if np_shape:
                raise FormatError("sparse arrays cannot be saved with numpy-shape semantics (V3), "
                                  "which this file needs for its 0-d arrays", **where, field="storage type")
            continue
        dummy = np.broadcast_to(np.zeros((), it.dtype), it.info.shape)  # no data: header only
        mxnet._as_storable(dummy, where)  # a dtype MXNet cannot read fails here, naming the record
        records, _ = mxnet._prepare([dummy], None, np_shape, None, filename)
        heads.append(records[0][0])
    raw_names = []
    if not as_list:
        for it in items:
            try:
                raw_names.append(it.name.encode("utf-8"))
            except UnicodeEncodeError as e:
                raise FormatError(f"name cannot be encoded as UTF-8 ({e.reason})", filename=filename,
                                  key=it.name, field="name") from None
    size_hint = 32 + sum(8 + len(raw) for raw in raw_names) + sum(
        it.info.nbytes if head is None else len(head) + math.prod(it.info.shape) * np.dtype(it.dtype).itemsize
        for it, head in zip(items, heads))
    with atomic_write(path, size_hint=size_hint) as f:
        f.write(struct.pack("<QQQ", mxnet.LIST_MAGIC, 0, len(items)))
        for it, head in zip(items, heads):
            a = _fetch(src, it)
            if it.sparse:
                records, _ = mxnet._prepare([a], None, False, None, filename)
                head, payloads = records[0]
                f.write(head)
                for p in payloads:
                    write_c_order(f, p)
            else:
                f.write(head)
                for chunk in _chunks(a, it.dtype):
                    f.write(chunk)
            del a
            src.release(it.index)
            bar.update(it.info.nbytes)
        f.write(struct.pack("<Q", len(raw_names)))
        for raw in raw_names:
            f.write(struct.pack("<Q", len(raw)))
            f.write(raw)


_ST_CODES = {}
for _code, _dt in safetensors_format._ST_DTYPES.items():
    _ST_CODES.setdefault(_dt, _code)


def _write_safetensors(path, src, items, as_list, meta, bar):
    """The safetensors layout (u64 header size, JSON header, raw data), written tensor by tensor.

    The header lists offsets in the package's layout: tensors ordered by decreasing item size then
    name, so every tensor is aligned; the result is checked by reopening it with ``safe_open``.
    """
    filename = os.fspath(path)
    native_bf16 = safetensors_format.native_bfloat16()
    header, as_u16 = {}, []
    order = sorted(items, key=lambda it: (-it.dtype.itemsize, it.name))
    offset = 0
    for it in order:
        dt = it.dtype
        if dt == BFLOAT16 and not native_bf16:
            dt = np.dtype("<u2")
            as_u16.append(it.name)
        code = _ST_CODES.get(dt.newbyteorder("<") if dt.byteorder == ">" else dt)
        if code is None:
            raise FormatError(f"dtype {it.dtype} cannot be stored in safetensors", filename=filename,
                              key=it.name, field="dtype")
        n = math.prod(it.info.shape) * dt.itemsize
        header[it.name] = {"dtype": code, "shape": list(it.info.shape), "data_offsets": [offset, offset + n]}
        offset += n
    names = [it.name for it in items]
    meta = dict(meta)
    meta.update({"format": "ndx", safetensors_format.CONTAINER: "list" if as_list else "dict",
                 safetensors_format.KEY_ORDER: json.dumps(names, ensure_ascii=False)})
    if as_u16:
        meta[safetensors_format.BF16_AS_U16] = json.dumps(as_u16, ensure_ascii=False)
    raw = json.dumps({"__metadata__": meta, **header}, ensure_ascii=False,
                     separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(raw)))
            f.write(raw)
            for it in order:
                a = _fetch(src, it)
                for chunk in _chunks(a, it.dtype):
                    f.write(chunk)
                del a
                src.release(it.index)
                bar.update(it.info.nbytes)
        with safetensors_format._open(tmp) as check:  # the package must accept what we wrote
            if sorted(check.keys()) != sorted(names):
                raise FormatError("internal error: written safetensors keys differ", filename=filename)


def _write_npz(path, src, items, as_list, meta, bar):
    keys = [f"arr_{j}" for j in range(len(items))] if as_list else [it.name for it in items]
    if npz_format.META_KEY in keys:
        raise FormatError(f"the key {npz_format.META_KEY!r} is reserved by ndx's npz files",
                          filename=os.fspath(path), key=npz_format.META_KEY)
    bf16 = [k for k, it in zip(keys, items) if it.dtype == BFLOAT16]
    info = {"format": "ndx", "container": "list" if as_list else "dict", "bfloat16": bf16,
            "metadata": dict(meta)}
    with atomic_write(path) as f:
        with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for k, it in zip(keys, items):
                a = _fetch(src, it)
                if a.dtype != it.dtype:
                    a = a.astype(it.dtype)
                if a.dtype == BFLOAT16:
                    a = a.view(np.uint16)
                elif a.dtype.byteorder == ">":
                    a = a.astype(a.dtype.newbyteorder("<"))
                with zf.open(k + ".npy", "w", force_zip64=True) as member:
                    npy.write_array(member, a, allow_pickle=False)
                del a
                src.release(it.index)
                bar.update(it.info.nbytes)
            raw = np.frombuffer(json.dumps(info, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
            with zf.open(npz_format.META_KEY + ".npy", "w", force_zip64=True) as member:
                npy.write_array(member, raw, allow_pickle=False)


def _write_torch(path, src, items, bar):
    torch = _torch(os.fspath(path))
    state = {}
    for it in items:
        a = _fetch(src, it)
        if a.dtype != it.dtype:
            a = a.astype(it.dtype)
        state[it.name] = _numpy_to_torch(torch, a)
        bar.update(it.info.nbytes)
    with atomic_write(path) as f:
        torch.save(state, f)


# --------------------------------------------------------------------------- front
def convert(source, output, *, to=None, rename=(), strip_prefix=None, add_prefix=None,
            strip_arg_aux=False, dtype=None, preset=None, only=None, exclude=None, force=False,
            progress=False) -> ConversionResult:
    """Convert the checkpoint ``source`` to ``output`` (format from ``to`` or the extension).

    Keys go through, in this order: ``only``/``exclude`` (regexes searched in the input keys),
    ``strip_arg_aux`` (drop ``arg:``/``aux:``; implied by ``preset``), ``strip_prefix``, ``preset``
    (``'mxnet-to-torch'``), ``rename`` (``'REGEX=REPLACEMENT'`` rules or ``(regex, repl)`` pairs,
    applied with ``re.sub`` in order), ``add_prefix``. Two keys ending up with one name raise
    ``ValueError`` naming both. ``dtype`` casts floating arrays only. An existing ``output``
    raises ``FileExistsError`` unless ``force``. ``progress=True`` shows a tqdm bar (when tqdm is
    installed) for inputs over 100 MB. Unreadable input raises :class:`FormatError`; on any error
    ``output`` is left as it was.
    """
    source, output = os.fspath(source), os.fspath(output)
    fmt = output_format(output, to)
    if os.path.exists(output) and not force:
        raise FileExistsError(f"{output} already exists; pass --force (force=True) to overwrite it")
    if os.path.isdir(output):
        raise IsADirectoryError(f"{output} is a directory")
    with open_source(source) as src:
        items, excluded, unmapped, cast = _plan(src, fmt, rename, strip_prefix, add_prefix,
                                                strip_arg_aux, dtype, preset, only, exclude)
        as_list = _stays_list(src, items)
        names = [it.name for it in items]
        meta = {}
        if fmt in ("safetensors", "npz"):
            user = src.metadata.get("metadata", {}) if src.format == "npz" else src.metadata
            if src.format in ("safetensors", "npz") and isinstance(user, dict):
                meta = {k: v for k, v in user.items() if isinstance(k, str) and isinstance(v, str)
                        and k not in safetensors_format.RESERVED_METADATA}
            scheme = naming_scheme(None if as_list else names)
            if scheme in ("structural", "prefixed"):
                meta["naming"] = scheme
        total = sum(it.info.nbytes for it in items)
        bar = _Progress(total, progress and total > _PROGRESS_MIN_BYTES and sys.stderr.isatty(),
                        os.path.basename(output))
        try:
            if fmt == "mxnet":
                _write_mxnet(output, src, items, as_list, bar)
            elif fmt == "safetensors":
                _write_safetensors(output, src, items, as_list, meta, bar)
            elif fmt == "npz":
                _write_npz(output, src, items, as_list, meta, bar)
            else:
                _write_torch(output, src, items, bar)
        finally:
            bar.close()
        renamed = {src.keys[it.index]: it.name for it in items if it.name != src.keys[it.index]}
        return ConversionResult(source=source, output=output, source_format=src.format,
                                output_format=fmt, keys=names, nbytes=total, renamed=renamed,
                                unmapped=unmapped, excluded=excluded, skipped=list(src.skipped),
                                cast=cast)
