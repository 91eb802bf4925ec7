"""``nd.random``: samplers on a context's generator (``ndx.random.seed`` reseeds them)."""
import numbers

import numpy as np

from ..base import DTYPE_FLAGS, MXNetError
from ..context import Context, current_context
from .ndarray import NDArray, _wrap

__all__ = ["uniform", "normal", "randn", "randint", "shuffle", "multinomial", "exponential", "gamma",
           "poisson", "seed"]


def _ctx(ctx):
    return current_context() if ctx is None else ctx if isinstance(ctx, Context) else Context(ctx)


def _shape(shape):
    if shape is None or shape == ():
        return (1,)
    return (int(shape),) if isinstance(shape, numbers.Integral) else tuple(int(n) for n in shape)


def _params_shape(param, shape):
    """MXNet: array-valued distribution parameters give one row of ``shape`` samples per parameter."""
    return tuple(param.shape) + (() if shape is None else _shape(shape))


def _finish(data, ctx, out):
    res = _wrap(data, ctx)
    if out is not None:
        out[:] = res
        return out
    return res


_FLOATS = ("float16", "float32", "float64")
_INTS = ("int32", "int64")

# The order MXNet's "Invalid Input" text lists a scalar sampler's attributes in, with a shape and without one
# (``out`` given, no ``shape``); ``name`` always comes first.
_ATTR_ORDER = {
    "uniform": (("dtype", "shape", "ctx", "high", "low"), ("dtype", "ctx", "high", "low")),
    "randint": (("dtype", "shape", "ctx", "high", "low"), ("dtype", "ctx", "high", "low")),
    "normal": (("ctx", "shape", "scale", "dtype", "loc"), ("ctx", "scale", "dtype", "loc")),
    "gamma": (("dtype", "shape", "ctx", "beta", "alpha"), ("ctx", "beta", "dtype", "alpha")),
    "exponential": (("dtype", "ctx", "shape", "lam"), ("dtype", "ctx", "lam")),
    "poisson": (("dtype", "ctx", "shape", "lam"), ("dtype", "ctx", "lam")),
}
_PARAM_NAMES = {"uniform": ("low", "high"), "randint": ("low", "high"), "normal": ("loc", "scale"),
                "gamma": ("alpha", "beta"), "exponential": ("lam",), "poisson": ("lam",)}


def _check_dtype(kind, params, shape, dtype, ctx, out, valid=_FLOATS):
    """MXNet's dtype checks of ``_random_<kind>`` / ``_sample_<kind>`` (array parameters): ``dtype`` must be
    one of ``valid``; ``out`` must have ``dtype`` when both are given, else a dtype in ``valid``."""
    if dtype is not None:
        name = np.dtype(dtype).name
        if name not in valid:
            raise MXNetError(f"MXNetError: Invalid Input: '{name}', valid values are: "
                             f"{{{', '.join(repr(v) for v in ('None',) + valid)}}}, in operator "
                             f"{_op_text(kind, params, shape, name, ctx, out)}")
    if out is None:
        return
    got = np.dtype(out.dtype).name
    if dtype is not None:
        if got != name:
            flags = f"{DTYPE_FLAGS[got]} vs. {DTYPE_FLAGS[name]}"
            if isinstance(params[0], NDArray):
                raise MXNetError(f"MXNetError: Check failed: dtype == param.dtype ({flags}) : Inferred output type "
                                 f"does not match requested type: {flags.replace('.', '')}")
            raise MXNetError(f"MXNetError: Check failed: dtype_out == param.dtype ({flags}) : Output type does not "
                             f"match requested type: {flags.replace('.', '')}")
    elif got not in valid:
        wanted = " or ".join(str(DTYPE_FLAGS[v]) for v in valid)
        if isinstance(params[0], NDArray):
            raise MXNetError(f"MXNetError: Check failed: dtype_ok == true (0 vs. 1) : Output type must be "
                             f"float16, float32, or float64: dtype is {DTYPE_FLAGS[got]} vs {wanted}")
        raise MXNetError(f"MXNetError: Check failed: dtype_ok: Output type must be {', '.join(valid)}: "
                         f"dtype is {DTYPE_FLAGS[got]} vs {wanted}")


def _op_text(kind, params, shape, dtype, ctx, out):
    """``_random_uniform(name="", dtype="int32", ...)`` as MXNet's parameter errors name the operator."""
    if isinstance(params[0], NDArray):  # the _sample_ ops get only dtype and shape
        attrs = [("dtype", dtype)] + ([] if shape is None else [("shape", shape)])
        op = f"_sample_{kind}"
    else:
        values = dict(zip(_PARAM_NAMES[kind], params), dtype=dtype, ctx=current_context() if ctx is None else ctx,
                      shape=1 if shape is None and out is None else shape)
        if kind == "exponential":  # MXNet passes the rate
            values["lam"] = 1.0 / params[0]
        attrs = [(k, values[k]) for k in _ATTR_ORDER[kind][values["shape"] is None]]
        op = f"_random_{kind}"
    return op + "(" + ", ".join(['name=""'] + [f'{k}="{v}"' for k, v in attrs]) + ")"


def _draw(method, a, b, shape, dtype, ctx, out):
    if dtype is not None or out is not None:
        _check_dtype(method, (a, b), shape, dtype, ctx, out)
    if isinstance(a, NDArray) or isinstance(b, NDArray):
        ctx = (a if isinstance(a, NDArray) else b)._ctx
        base = a if isinstance(a, NDArray) else b
        full = _params_shape(base, shape)
        gen = ctx.backend.generator(ctx)
        xp = ctx.backend.xp
        extra = (1,) * (len(full) - base.ndim)
        ad = a._data.reshape(a.shape + extra) if isinstance(a, NDArray) else a
        bd = b._data.reshape(b.shape + extra) if isinstance(b, NDArray) else b
        unit = getattr(gen, method)(0.0, 1.0, full, np.float64)
        if method == "uniform":
            data = ad + (bd - ad) * unit
        else:
            data = ad + bd * unit
        return _finish(xp.asarray(data).astype(np.dtype(dtype or np.float32)), ctx, out)
    ctx = _ctx(ctx) if out is None else out._ctx
    shape = _shape(shape) if out is None or shape is not None else out.shape
    dtype = np.dtype(dtype or (out.dtype if out is not None else np.float32))
    gen = ctx.backend.generator(ctx)
    return _finish(getattr(gen, method)(a, b, shape, dtype), ctx, out)


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from U[low, high); no shape gives shape (1,)."""
    return _draw("uniform", low, high, shape, dtype, ctx, out)


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from N(loc, scale**2)."""
    return _draw("normal", loc, scale, shape, dtype, ctx, out)


def randn(*shape, loc=0, scale=1, dtype=None, ctx=None, out=None, **kwargs):
    if dtype is not None or out is not None:
        _check_dtype("normal", (loc, scale), shape, dtype, ctx, out)
    return normal(loc, scale, shape or None, dtype, ctx, out)


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Integers in [low, high), int32 by default."""
    if dtype is not None or out is not None:
        _check_dtype("randint", (low, high), shape, dtype, ctx, out, _INTS)
    ctx = _ctx(ctx)
    dtype = np.dtype(dtype or np.int32)
    return _finish(ctx.backend.generator(ctx).randint(low, high, _shape(shape), dtype), ctx, out)


def _draw_params(method, params, shape, dtype, ctx, out):
    """Samplers whose parameters may be arrays: one row of ``shape`` samples per parameter entry (MXNet)."""
    if dtype is not None or out is not None:
        _check_dtype(method, params, shape, dtype, ctx, out)
    arrays = [p for p in params if isinstance(p, NDArray)]
    if not arrays:
        ctx = _ctx(ctx)
        return _finish(getattr(ctx.backend.generator(ctx), method)(*params, _shape(shape),
                                                                    np.dtype(dtype or np.float32)), ctx, out)
    base = arrays[0]
    ctx = base._ctx
    full = _params_shape(base, shape)
    extra = (1,) * (len(full) - base.ndim)
    raw = [p._data.reshape(p.shape + extra) if isinstance(p, NDArray) else p for p in params]
    data = getattr(ctx.backend.generator(ctx), method)(*raw, full, np.dtype(dtype or np.float32))
    return _finish(data, ctx, out)


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _draw_params("exponential", (scale,), shape, dtype, ctx, out)


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _draw_params("gamma", (alpha, beta), shape, dtype, ctx, out)


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _draw_params("poisson", (lam,), shape, dtype, ctx, out)


def shuffle(data, **kwargs):
    """A copy of ``data`` with its first axis randomly permuted."""
    ctx = data._ctx
    perm = ctx.backend.generator(ctx).permutation(data.shape[0])
    return _wrap(data._data[perm], ctx)


def multinomial(data, shape=None, get_prob=False, dtype="int32", **kwargs):
    """Draws category indices from the probability rows of ``data`` (int32)."""
    ctx = data._ctx
    count = 1 if shape is None else int(np.prod(_shape(shape)))
    probs = data._data.reshape(-1, data.shape[-1])
    idx = ctx.backend.generator(ctx).multinomial_index(probs, count)
    out_shape = data.shape[:-1] + (() if shape is None else _shape(shape)) or (1,)
    res = _wrap(idx.reshape(out_shape).astype(np.dtype(dtype)), ctx)
    if get_prob:
        from .functions import log
        xp = ctx.backend.xp
        p = _wrap(xp.take_along_axis(probs, idx.reshape(probs.shape[0], count), axis=1).reshape(out_shape), ctx)
        return res, log(p)
    return res


def seed(seed_state, ctx="all"):
    """Reseed the generator of ``ctx``, or of every context (also those not used yet) with ``'all'``."""
    if ctx == "all":
        from ..backends import _registry
        from ..backends.base import GLOBAL_SEED
        GLOBAL_SEED[0] = int(seed_state)
        for backend in set(_registry.values()):
            backend.forget_generators()
        return
    ctx = ctx if isinstance(ctx, Context) else Context(ctx)
    ctx.backend.seed(int(seed_state), ctx)
