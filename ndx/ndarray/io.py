"""``nd.save`` / ``nd.load``: NDArray containers in MXNet's binary format (or safetensors / npz by extension)."""
import os

import numpy as np

from ..base import MXNetError
from ..context import Context, cpu
from .ndarray import NDArray, _wrap

__all__ = ["save", "load", "load_frombuffer"]


def _host(x):
    return x._ctx.backend.host_view(x._data)


def _check_open(fname, write=False):
    """MXNet's error for a file it cannot open: missing (reading) or in a missing folder (writing)."""
    missing = not os.path.isdir(os.path.dirname(os.path.abspath(fname))) if write else not os.path.exists(fname)
    if missing:
        raise MXNetError(f'LocalFileSystem: Check failed: allow_null: :Open "{fname}": No such file or directory')


def save(fname, data, format=None):
    """Save one NDArray, a list of NDArrays or a dict str -> NDArray (atomically; MXNet's format by default).

    The format follows the extension (``.safetensors``, ``.npz``; anything else is MXNet's binary list
    format, which MXNet 1.x reads) or ``format=``.
    """
    from ..formats import save_arrays
    if isinstance(data, NDArray):
        data = [data]
    if isinstance(data, dict):
        if not all(isinstance(k, str) and isinstance(v, NDArray) for k, v in data.items()):
            raise TypeError("save only accept dict str->NDArray or list of NDArray")
        payload = {k: _host(v) for k, v in data.items()}
    elif isinstance(data, list):
        if not all(isinstance(v, NDArray) for v in data):
            raise TypeError("save only accept dict str->NDArray or list of NDArray")
        payload = [_host(v) for v in data]
    else:
        raise ValueError("data needs to either be a NDArray, dict of str, NDArray pairs or a list of NDarrays.")
    fname = os.fspath(fname)
    _check_open(fname, write=True)
    save_arrays(fname, payload, format=format, default="mxnet")


def _to_ctx(arrays, ctx):
    ctx = cpu(0) if ctx is None else ctx if isinstance(ctx, Context) else Context(ctx)
    backend = ctx.backend

    def wrap(a):
        if backend.xp is np and not a.flags.writeable:
            a = a.copy()
        return _wrap(backend.from_host(a, ctx), ctx)
    if isinstance(arrays, dict):
        return {k: wrap(v) for k, v in arrays.items()} if arrays else []
    return [wrap(v) for v in arrays]


def load(fname, ctx=None):
    """Load what ``save`` wrote: a list of NDArrays, or a dict for named files (on ``ctx``, default cpu(0)).

    The format is detected from the file's bytes. A single saved NDArray comes back as a one-element list.
    """
    from ..formats import load_arrays
    if not isinstance(fname, (str, os.PathLike)):
        raise TypeError("fname required to be a string")
    fname = os.fspath(fname)
    _check_open(fname)
    return _to_ctx(load_arrays(fname), ctx)


def load_frombuffer(buf, ctx=None):
    """Parse MXNet's binary NDArray format from bytes in memory."""
    from ..formats import mxnet
    arrays, names = mxnet.loads(bytes(buf))
    return _to_ctx(dict(zip(names, arrays)) if names is not None else arrays, ctx)
