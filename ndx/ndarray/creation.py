"""Array creation on a context: zeros, ones, full, empty, arange, eye, linspace."""
import numbers

import numpy as np

from ..base import MXNetError
from ..context import Context, current_context
from .ndarray import _wrap


def _ctx(ctx):
    if ctx is None:
        return current_context()
    return ctx if isinstance(ctx, Context) else Context(ctx)


def _shape(shape):
    return (int(shape),) if isinstance(shape, numbers.Integral) else tuple(int(n) for n in shape)


def _dtype(dtype):
    return np.float32 if dtype is None else np.dtype(dtype)


def _filled(name, shape, ctx, dtype, fill):
    shape, ctx = _shape(shape), _ctx(ctx)
    backend = ctx.backend
    if not backend.needs_guard:
        return _wrap(fill(backend.xp, shape, _dtype(dtype)), ctx)
    with backend.guard(ctx):
        return _wrap(fill(backend.xp, shape, _dtype(dtype)), ctx)


def _known(name, shape):
    """MXNet 1.x reads a 0 in a shape as "unknown", so _zeros/_ones refuse it."""
    if 0 in shape:
        raise MXNetError(f"Operator {name} inferring shapes failed.")


def zeros(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """An array of zeros (float32 by default); a 0 in ``shape`` is an error, as in MXNet."""
    _known("_zeros", _shape(shape))
    return _filled("_zeros", shape, ctx, dtype, lambda xp, s, d: xp.zeros(s, dtype=d))


def ones(shape, ctx=None, dtype=None, **kwargs):
    """An array of ones (float32 by default); a 0 in ``shape`` is an error, as in MXNet."""
    _known("_ones", _shape(shape))
    return _filled("_ones", shape, ctx, dtype, lambda xp, s, d: xp.ones(s, dtype=d))


def empty(shape, ctx=None, dtype=None, stype=None):
    """An uninitialized array (float32 by default)."""
    return _filled("_empty", shape, ctx, dtype, lambda xp, s, d: xp.empty(s, dtype=d))


def full(shape, val, ctx=None, dtype=np.float32, out=None):
    """An array filled with ``val``."""
    res = _filled("_full", shape, ctx, dtype, lambda xp, s, d: xp.full(s, val, dtype=d))
    if out is not None:
        out[:] = res
        return out
    return res


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=np.float32):
    """Evenly spaced values in [start, stop); each repeated ``repeat`` times.

    As in MXNet, the count is ``ceil((stop - start) / step)`` in double precision and the i-th value is
    ``start + i * step`` computed in ``dtype`` (start and step first converted to it: an int32 step of 1.5
    is 1; a float32 ``arange(0, 1, 0.3)`` ends at 0.90000004).
    """
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise MXNetError(f"Check failed: param.step != 0 (0 vs. 0) : Range does not support step=0, received {step:g}")
    if repeat <= 0:
        raise MXNetError(f"Check failed: param.repeat > 0: Range only supports repeat > 0, received {repeat}")
    if step > 0 and not start < stop:
        raise MXNetError("Check failed: param.start < param.stop.value(): Invalid range (start, stop, step) = "
                         f"({start:g},{stop:g},{step:g})")
    if step < 0 and not start > stop:
        raise MXNetError("Check failed: param.start > param.stop.value(): Invalid range (start, stop, step)= "
                         f"({start:g},{stop:g},{step:g})")
    ctx = _ctx(ctx)
    dtype = _dtype(dtype)
    count = int(np.ceil((stop - start) / step))
    kind = np.dtype(dtype).kind
    typed = (lambda v: dtype.type(int(v))) if kind in "iub" else dtype.type
    with np.errstate(over="ignore"):
        host = typed(start) + np.arange(count).astype(dtype) * typed(step)
    host = host.astype(dtype, copy=False)
    if repeat != 1:
        host = np.repeat(host, int(repeat))
    return _wrap(ctx.backend.from_host(host, ctx), ctx)


def eye(N, M=0, k=0, ctx=None, dtype=np.float32, **kwargs):
    """A 2-D array with ones on the k-th diagonal."""
    ctx = _ctx(ctx)
    return _wrap(ctx.backend.from_host(np.eye(int(N), int(M) or None, int(k), dtype=_dtype(dtype)), ctx), ctx)


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=np.float32):
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    if num < 0:
        raise MXNetError(f"Check failed: param.num >= 0 ({num} vs. 0) : Number of sequence should be non-negative, "
                         f"received {num}")
    ctx = _ctx(ctx)
    host = np.linspace(start, stop, int(num), endpoint=endpoint).astype(_dtype(dtype))
    return _wrap(ctx.backend.from_host(host, ctx), ctx)
