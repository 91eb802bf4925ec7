"""``nd`` wrappers for the operators of ``ndx.ops.extra`` and a few MXNet aliases: argument handling
and MXNet 1.9.1's error messages, then ``invoke``."""
import numbers

import numpy as np

from ..base import MXNetError
from ..ops import extra as X
from ..ops import index as I
from . import random as _random
from .dispatch import invoke
from .functions import _check_float, _out, _reduce_axes, _shp, concat, reshape, softmax, transpose
from .ndarray import NDArray

__all__ = ["smooth_l1", "hard_sigmoid", "moveaxis", "diag", "gather_nd", "scatter_nd", "batch_take",
           "depth_to_space", "space_to_depth", "moments", "Reshape", "concatenate", "onehot_encode",
           "SoftmaxActivation", "random_uniform", "random_normal", "uniform", "normal", "erfinv",
           "gammaln", "gamma", "unravel_index", "ravel_multi_index", "shuffle"]


# ----------------------------------------------------------------------------- elementwise

def smooth_l1(data, scalar=1.0, out=None, name=None):
    """Smooth L1 loss with sigma = ``scalar``: 0.5 (sigma x)^2 inside |x| < 1/sigma^2, |x| - 0.5/sigma^2 outside."""
    return _out(invoke(X.smooth_l1, (data,), {"scalar": float(scalar)}), out)


def hard_sigmoid(data, alpha=0.2, beta=0.5, out=None, name=None):
    """``clip(alpha * x + beta, 0, 1)``; floating point input only, as in MXNet."""
    _check_float(data, bool_enum=True)
    return _out(invoke(X.hard_sigmoid, (data,), {"alpha": float(alpha), "beta": float(beta)}), out)


def _special(op, doc):
    def fn(data, out=None, name=None):
        return _out(invoke(op, (data,)), out)
    fn.__name__ = op.name
    fn.__doc__ = doc
    return fn


erfinv = _special(X.erfinv, "Inverse error function, elementwise (+-inf at +-1, NaN outside [-1, 1]).")
gammaln = _special(X.gammaln, "log|Gamma(x)|, elementwise; its gradient is the digamma function.")
gamma = _special(X.gamma, "Gamma(x), elementwise (inf at 0, NaN at negative integers).")


# ----------------------------------------------------------------------------- shapes

def _axis_tuple(axes, ndim, what):
    """MXNet's moveaxis checks (numpy's normalization, its own ValueError texts)."""
    seq = (axes,) if isinstance(axes, numbers.Integral) else tuple(axes)
    for a in seq:
        if not -ndim <= a < ndim:
            if what == "source":
                raise ValueError("Source should verify 0 <= source < tensor.ndimGot %d" % axes)
            raise ValueError("Destination should verify 0 <= destination < tensor.ndim (%d)." % ndim,
                             "Got %d" % axes)
    seq = tuple(int(a) % ndim for a in seq)
    if len(set(seq)) != len(seq):
        raise ValueError("repeated axis")
    return seq


def moveaxis(tensor, source, destination):
    """Move axes ``source`` to positions ``destination`` (ints or sequences); a transpose, so differentiable."""
    src = _axis_tuple(source, tensor.ndim, "source")
    dst = _axis_tuple(destination, tensor.ndim, "destination")
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    order = [n for n in range(tensor.ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(tensor, tuple(order))


def diag(data, k=0, axis1=0, axis2=1, out=None, name=None):
    """The k-th diagonal of ``data`` over (axis1, axis2), or a matrix with ``data`` (1-D) on its k-th diagonal."""
    if data.ndim == 0:
        raise MXNetError("Operator diag inferring shapes failed.\ninput shapes:\nNone\noutput shapes:\nNone\n"
                         "operator attributes:\n\n")
    k = int(k)
    if data.ndim == 1:
        return _out(invoke(X.diag, (data,), {"k": k, "axis1": 0, "axis2": 1}), out)
    ndim = data.ndim
    for a in (axis1, axis2):
        if not -ndim <= a < ndim:
            raise MXNetError(f"Check failed: axis < ndim && axis >= -ndim: axis {a} exceeds the input dimension "
                             f"of {ndim}")
    a1, a2 = axis1 % ndim, axis2 % ndim
    if a1 == a2:
        raise MXNetError(f"Check failed: x1 != x2 ({a1} vs. {a2}) : axis1 and axis2 cannot refer to the same "
                         f"axis {a1}")
    if k > data.shape[a2] or -k > data.shape[a1]:
        raise MXNetError("Diagonal does not exist.")
    return _out(invoke(X.diag, (data,), {"k": k, "axis1": a1, "axis2": a2}), out)


def _check_block(block, data, what):
    if data.ndim != 4:
        raise MXNetError(f"Check failed: in_attrs->at(0).ndim() == 4 ({data.ndim} vs. 4) : Operation {what} "
                         "requires exactly 4D tensor")
    if block == 0:
        raise MXNetError("Check failed: block != 0 (0 vs. 0) : block_size must be a positive integer value")


def depth_to_space(data, block_size, out=None, name=None):
    """(N, C, H, W) -> (N, C / b^2, H b, W b): depth blocks laid out as b x b spatial tiles."""
    b = int(block_size)
    _check_block(b, data, "Depth To Space")
    c = data.shape[1]
    if c % (b * b):
        raise MXNetError(f"Check failed: in_shape[1] % (block * block) == 0 ({c % (b * b)} vs. 0) : Cannot perform "
                         "Depth To Space operation on the specified tensor. Dimension:1(depth dimension) should be "
                         "a multiple of 'block^2'")
    return _out(invoke(X.depth_to_space, (data,), {"block": b}), out)


def space_to_depth(data, block_size, out=None, name=None):
    """(N, C, H, W) -> (N, C b^2, H / b, W / b): the inverse of ``depth_to_space``."""
    b = int(block_size)
    _check_block(b, data, "Space To Depth")
    # MXNet 1.9.1's texts for space_to_depth say "Depth To Space" (and end with a space)
    for axis, label in ((2, "1st Space dimension"), (3, "2nd space dimension")):
        rest = data.shape[axis] % b
        if rest:
            raise MXNetError(f"Check failed: in_shape[{axis}] % block == 0 ({rest} vs. 0) : Cannot perform Depth To "
                             f"Space operation on the specified tensor. Dimension:{axis}({label}) should be a "
                             "multiple of 'block' ")
    return _out(invoke(X.space_to_depth, (data,), {"block": b}), out)


def Reshape(data, shape=None, reverse=False, target_shape=None, keep_highest=False, out=None, name=None):
    """MXNet's operator name for ``reshape`` (``target_shape`` is the old spelling of ``shape``)."""
    return reshape(data, shape if shape is not None else target_shape, reverse=reverse, out=out)


def concatenate(arrays, axis=0, always_copy=True):
    """MXNet's deprecated Python-level concat: a list of same-dtype arrays; with ``always_copy=False`` a
    single array comes back as it is. Refusals are bare AssertionErrors, as in MXNet."""
    assert isinstance(arrays, list)
    assert len(arrays) > 0
    assert isinstance(arrays[0], NDArray)
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    first = arrays[0].shape
    before, after = first[0:axis], first[axis + 1:]
    first[axis]  # an axis outside the shape is an IndexError, as in MXNet
    for arr in arrays[1:]:
        assert before == arr.shape[0:axis]
        assert after == arr.shape[axis + 1:]
        assert arrays[0].dtype == arr.dtype
    return concat(*arrays, dim=axis % len(first))


# ----------------------------------------------------------------------------- indexing

def _index_value(v, dtype):
    """An index as MXNet prints it (C++ stream formatting: 6 significant digits for floats)."""
    return str(int(v)) if np.dtype(dtype).kind in "iu" else f"{float(v):g}"


def _check_gather_bounds(data, indices):
    """MXNet's IndexError for coordinates outside [-n, n - 1] (its check allows -n <= v <= n - 1)."""
    xp = data._ctx.backend.xp
    idx = indices._data
    m = idx.shape[0]
    sizes = xp.asarray(data.shape[:m], dtype=idx.dtype).reshape((m,) + (1,) * (idx.ndim - 1))
    if not bool(((idx > sizes - 1) | (idx < -sizes)).any()):
        return
    host = indices.asnumpy().reshape(m, -1)
    for point in range(host.shape[1]):
        for axis in range(m):
            v, n = host[axis, point], data.shape[axis]
            if v > n - 1 or v < -n:
                raise IndexError(f"index {_index_value(v, host.dtype)} is out of bounds for axis {axis} "
                                 f"with size {n}")


def gather_nd(data, indices, out=None, name=None):
    """``data[indices[0], ..., indices[M-1]]``: indices (M, Y...) pick from data's first M axes."""
    if indices.ndim < 2:
        raise MXNetError(f"Check failed: ishape.ndim() > 1 ({indices.ndim} vs. 1) : gather_nd requires index "
                         "tensor to have at least 2 dimensions")
    if indices.shape[0] > data.ndim:
        raise MXNetError(f"Check failed: ishape[0] <= dshape.ndim() ({indices.shape[0]} vs. {data.ndim}) : Number "
                         "of indices exceeds data dimension")
    _check_gather_bounds(data, indices)
    return _out(invoke(X.gather_nd, (data, indices)), out)


def scatter_nd(data, indices, shape, out=None, name=None):
    """A zero array of ``shape`` with ``data`` written at ``indices`` (M, Y...); points outside ``shape``
    (negative ones too) are dropped, and of repeated points the last write wins."""
    shape = (int(shape),) if isinstance(shape, numbers.Integral) else tuple(int(n) for n in shape)
    m = indices.shape[0]
    if m > len(shape):
        raise MXNetError(f"Check failed: ishape[0] <= oshape.ndim() ({m} vs. {len(shape)}) : Number of indices "
                         "exceeds output dimension in operator scatter_nd")
    if data.shape != indices.shape[1:] + shape[m:]:
        raise MXNetError(f"Check failed: valid: Invalid data, indices, and output shape combination for "
                         f"scatter_nd: {_shp(data.shape)}, {_shp(indices.shape)}, {_shp(shape)}")
    return _out(invoke(X.scatter_nd, (data, indices), {"shape": shape}), out)


def batch_take(a, indices, out=None, name=None):
    """``a[i, indices[i]]`` for each row i of a 2-D ``a`` (int32 indices, clipped). Not differentiable.

    For N-D ``a`` MXNet 1.9.1 reads past its rows; ndx takes rows of ``a.reshape(-1, a.shape[-1])``."""
    if np.dtype(indices.dtype) != np.int32:
        raise MXNetError(f"MXNetError: Type inconsistent, Provided = {np.dtype(indices.dtype).name}, "
                         "inferred type = int32")
    if a.ndim < 2:
        raise MXNetError(f"Check failed: (*in_attrs)[0].ndim() >= 2 ({a.ndim} vs. 2) : Data array must have at "
                         "least 2 dimensional")
    rows = a.size // a.shape[-1] if a.shape[-1] else 0
    if rows != indices.size:
        raise MXNetError(f"Check failed: (*in_attrs)[0].Size()/(*in_attrs)[0][(*in_attrs)[0].ndim()-1] == "
                         f"(*out_attrs)[0].Size() ({rows} vs. {indices.size}) : Index array's size must be the "
                         "same as data array's size excluding the first dimension")
    return _out(invoke(X.batch_take, (a, indices)), out)


def onehot_encode(indices, out):
    """Deprecated one-hot: float32 1-D ``indices`` written into float32 (N, depth) ``out``, returned."""
    for arr, what in ((indices, "index."), (out, "ret->")):
        if np.dtype(arr.dtype) != np.float32:
            flag = {"float64": 1, "float16": 2, "uint8": 3, "int32": 4, "int8": 5, "int64": 6}.get(
                np.dtype(arr.dtype).name, -1)
            raise MXNetError(f"Check failed: {what}type_flag_ == mshadow: :default_type_flag ({flag} vs. 0) : "
                             "one_hot_encode only support float32 as input/output")
    if indices.ndim != 1 or out.ndim != 2:
        raise MXNetError("Check failed: index.ndim() == 1 && proptype.ndim() == 2: OneHotEncode only support 1d index.")
    if indices.shape[0] != out.shape[0]:
        raise MXNetError(f"Check failed: index[0] == proptype[0] ({indices.shape[0]} vs. {out.shape[0]}) : "
                         "OneHotEncode shape inconsistent")
    hot = invoke(I.one_hot, (indices,), {"depth": out.shape[1], "on_value": 1.0, "off_value": 0.0,
                                         "dtype": np.dtype(np.float32)})
    out[:] = hot
    return out


def unravel_index(data, shape, out=None, name=None):
    """Coordinates (len(shape), N) of flat positions ``data`` (1-D) in an array of ``shape``.

    MXNet 1.9.1 returns an unreliable copy of the input for N-D ``data``; ndx refuses it."""
    shape = tuple(int(n) for n in shape)
    if data.ndim != 1:
        raise MXNetError("ndx: unravel_index takes 1-D data (MXNet 1.9.1's result for "
                         f"{data.ndim}-D data is not meaningful); reshape it to 1-D first")
    return _out(invoke(X.unravel_index, (data,), {"shape": shape}), out)


def ravel_multi_index(data, shape, out=None, name=None):
    """Flat positions of the coordinate columns of ``data`` (len(shape), N) in an array of ``shape``."""
    shape = tuple(int(n) for n in shape)
    if data.ndim != 2:
        raise MXNetError(f"Check failed: (*in_attrs)[0].ndim() == 2 ({data.ndim} vs. 2) : Input to ravel operator "
                         "must be two-dimensional.")
    if data.shape[0] != len(shape):
        raise MXNetError(f"Check failed: (*in_attrs)[0][0] == shape.ndim() ({data.shape[0]} vs. {len(shape)}) : "
                         "First dimension of input of ravel operator does not match shape parameter dimension.")
    return _out(invoke(X.ravel_multi_index, (data,), {"shape": shape}), out)


# ----------------------------------------------------------------------------- reductions and softmax

def moments(data, axes=None, keepdims=False, out=None, name=None):
    """[mean, variance] over ``axes`` (population variance); ``axes`` must be given."""
    if axes is None or (not isinstance(axes, numbers.Integral) and len(axes) == 0):
        raise MXNetError("Empty axes is not supported, if you would like to do global moments, please pass all "
                         "axes to axes argument")
    axes = _reduce_axes(axes, data.shape)
    if keepdims:
        shape = tuple(1 if i in axes else n for i, n in enumerate(data.shape))
    else:
        shape = tuple(n for i, n in enumerate(data.shape) if i not in axes) or (1,)
    return invoke(X.moments, (data,), {"axes": axes, "shape": shape})


_C_TYPES = {"float16": "half", "float64": "double", "int32": "int", "int64": "long long",
            "uint8": "unsigned char", "int8": "char", "bool": "bool"}


def SoftmaxActivation(data, mode="instance", out=None, name=None):
    """Deprecated softmax: over the last axis (``'instance'``) or axis 1 (``'channel'``, 3-D and up); float32 only."""
    if mode not in ("instance", "channel"):
        raise MXNetError(f"MXNetError: Invalid Input: '{mode}', valid values are: {{'channel', 'instance'}}, in "
                         f"operator SoftmaxActivation(name=\"\", mode=\"{mode}\")")
    dtype = np.dtype(data.dtype).name
    if dtype != "float32":
        raise MXNetError("Check failed: mshadow: :DataType<DType>::kFlag == type_flag_: TBlob.get_with_shape: data "
                         f"type do not match specified type.Expected: {_C_TYPES.get(dtype, dtype)} v.s. given float")
    if mode == "channel":
        if data.ndim < 3:
            raise MXNetError(f"Check failed: in_data.ndim() >= 3 ({data.ndim} vs. 3) : Input need to have a least "
                             "3 dimensions when mode=channel")
        return softmax(data, axis=1, out=out)
    return softmax(data, axis=-1, out=out)


# ----------------------------------------------------------------------------- random (flat MXNet names)

_FLOAT_DTYPES = ("float16", "float32", "float64")


def _check_sampler(op, low_or_loc, high_or_scale, shape, dtype, out):
    for p in (low_or_loc, high_or_scale):
        if isinstance(p, NDArray):
            raise MXNetError(f"MXNetError: {op} takes scalar parameters; use nd.random.{op[8:]} or "
                             f"nd.sample_{op[8:]} for array parameters")
    if dtype is not None and np.dtype(dtype).name not in _FLOAT_DTYPES:
        raise MXNetError(f"MXNetError: Invalid Input: '{np.dtype(dtype).name}', valid values are: {{'None', "
                         f"'float16', 'float32', 'float64'}}, in operator {op}(name=\"\", "
                         f"dtype=\"{np.dtype(dtype).name}\", shape=\"{_shape_text(shape)}\")")
    if shape is None and out is None:
        raise MXNetError(f"Operator {op} inferring shapes failed.\ninput shapes:\noutput shapes:\nNone\n"
                         "operator attributes:\n\n")


def _shape_text(shape):
    if shape is None:
        return "()"
    if isinstance(shape, numbers.Integral):
        return f"({shape},)"
    return "(" + ",".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def random_uniform(low=0.0, high=1.0, shape=None, ctx=None, dtype=None, out=None, name=None):
    """MXNet's flat ``_random_uniform``: scalar ``low``/``high``; ``shape`` (or ``out``) is required."""
    _check_sampler("_random_uniform", low, high, shape, dtype, out)
    if not high >= low:
        raise MXNetError(f"Check failed: param.high >= param.low ({high:g} vs. {low:g}) : low must be less or "
                         "equal to high in uniform distribution")
    return _random.uniform(low, high, shape=shape, dtype=dtype, ctx=ctx, out=out)


def random_normal(loc=0.0, scale=1.0, shape=None, ctx=None, dtype=None, out=None, name=None):
    """MXNet's flat ``_random_normal``: scalar ``loc``/``scale`` (> 0); ``shape`` (or ``out``) is required."""
    _check_sampler("_random_normal", loc, scale, shape, dtype, out)
    if not scale > 0:
        raise MXNetError(f"Check failed: param.scale > 0 ({scale:g} vs. 0) : scale parameter in gaussian has to "
                         "be positive")
    return _random.normal(loc, scale, shape=shape, dtype=dtype, ctx=ctx, out=out)


uniform = random_uniform
normal = random_normal


def shuffle(data, out=None, name=None):
    """A copy of ``data`` with its first axis permuted by the context's generator. Not differentiable."""
    if data.ndim == 0:
        raise MXNetError("Operator _shuffle inferring shapes failed.\ninput shapes:\nNone\noutput shapes:\nNone\n"
                         "operator attributes:\n\n")
    return _out(_random.shuffle(data), out)
