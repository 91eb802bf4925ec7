"""``gluon.utils``: splitting batches across contexts, global-norm gradient clipping, file checksums."""
import hashlib
import os
import warnings

import numpy as np

from .. import autograd
from .. import ndarray as nd
from ..ndarray.ndarray import NDArray
from .block import HookHandle  # noqa: F401  (MXNet exposes it here too)

__all__ = ["split_data", "split_and_load", "clip_global_norm", "check_sha1", "shape_is_known", "replace_file",
           "is_np_array", "is_np_shape", "HookHandle"]


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """Split ``data`` into ``num_slice`` slices along ``batch_axis``.

    An uneven split gives the first ``size % num_slice`` slices one extra element (10 into 3: 4, 3, 3);
    with ``even_split=True`` it is an error instead.
    """
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(f"data with shape {data.shape} cannot be evenly split into {num_slice} slices along "
                         f"axis {batch_axis}. Use a batch size that's multiple of {num_slice} or set "
                         f"even_split=False to allow uneven partitioning of data.")
    n_each, extras = divmod(size, num_slice)
    sizes = [0] + extras * [n_each + 1] + (num_slice - extras) * [n_each]
    points = np.cumsum(sizes).tolist()
    if num_slice == 1:
        return [data]
    return [nd.slice_axis(data, axis=batch_axis, begin=points[i], end=points[i + 1]) for i in range(num_slice)]


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """Split ``data`` along ``batch_axis`` and put one slice on each context of ``ctx_list``."""
    if not isinstance(data, NDArray):
        data = nd.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(ctx) for s, ctx in zip(slices, ctx_list)]


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Scale ``arrays`` in place so that their joint 2-norm is at most ``max_norm``.

    Returns the norm before clipping: a numpy float32 when ``check_isfinite`` (which also warns on
    nan/inf), else a 1-element NDArray (no host synchronization).
    """
    if not len(arrays) > 0:
        raise AssertionError()
    ctx = arrays[0].context
    with autograd.pause():
        squares = []
        for arr in arrays:
            flat = arr.reshape((-1,))
            squares.append(nd.dot(flat, flat).reshape((1,)).as_in_context(ctx))
        total_norm = nd.sqrt(nd.add_n(*squares))
        if check_isfinite and not np.isfinite(total_norm.asscalar()):
            warnings.warn(UserWarning("nan or inf is detected. Clipping results will be undefined."), stacklevel=2)
        scale = max_norm / (total_norm + 1e-8)
        scale = nd.min(nd.concat(scale, nd.ones((1,), ctx=ctx), dim=0))
        for arr in arrays:
            arr *= scale.as_in_context(arr.context)
    if check_isfinite:
        return total_norm.asscalar()
    return total_norm


def check_sha1(filename, sha1_hash):
    """Whether the file's SHA-1 digest equals ``sha1_hash``."""
    sha1 = hashlib.sha1()
    with open(filename, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha1.update(chunk)
    return sha1.hexdigest() == sha1_hash


def is_np_array():
    """False: ndx has only MXNet's legacy NDArray semantics (no ``mx.np`` mode)."""
    return False


def is_np_shape():
    """False: shapes follow the legacy convention (0 = unknown dim, no zero-size/0-d unknowns)."""
    return False


def shape_is_known(shape):
    """Whether ``shape`` is fully known in the legacy convention: not None, not empty, no 0 dim."""
    if shape is None or len(shape) == 0:
        return False
    for dim in shape:
        if dim == 0:
            return False
        assert dim > 0, f"shape dimension size cannot be less than 0, while received {dim}"
    return True


def replace_file(src, dst):
    """Move ``src`` onto ``dst`` atomically, replacing ``dst``."""
    os.replace(src, dst)
