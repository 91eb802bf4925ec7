"""The ``nd`` operator namespace: MXNet names and signatures over the ops in ``ndx.ops``."""
import numbers

import numpy as np

from ..base import MXNetError, unnamed_error
from ..base import shape_text as _shp
from ..ops import elemwise as E
from ..ops import index as I
from ..ops import linalg as L
from ..ops import reduce as R
from ..ops import shape as S
from .dispatch import invoke
from .ndarray import NDArray, _binary, _dtype_error, _scalar_for, _shape_str, _wrap
from .type_checks import check_same_dtype


def _out(result, out):
    """Write ``result`` into ``out`` when given (MXNet's ``out=``), else return it."""
    if out is None:
        return result
    out[:] = result
    return out


def _axes(axis, ndim, exclude=False):
    """Normalize an MXNet axis argument to a sorted tuple of non-negative axes (None = all)."""
    if isinstance(axis, numbers.Integral):
        axis = (axis,)
    elif axis is None or len(axis) == 0:  # () and [] mean every axis, as None does
        return None
    axes = tuple(sorted(a % ndim if ndim else 0 for a in axis))
    if exclude:
        axes = tuple(i for i in range(ndim) if i not in axes)
    return axes


def _reduce_axes(axis, shape, exclude=False):
    """``_axes`` for reductions, refusing axes outside the input with MXNet's message."""
    raw = () if axis is None else (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    if raw:
        ndim = len(shape)
        dims = _shp(shape)
        low, high = sorted(raw)[0], sorted(raw)[-1]  # min/max are nd.min/nd.max in this module
        if low < -ndim:
            shown = f"[{axis}]" if isinstance(axis, numbers.Integral) else str(tuple(raw)).replace(" ", "")
            raise MXNetError(f"Check failed: axes[0] >= 0 ({low + ndim} vs. 0) : "
                             f"Reduction axis {shown} Exceeds input dimensions {dims}")
        if high >= ndim:
            raise MXNetError(f"Check failed: axes[axes.ndim()-1] < ishape.ndim() ({high} vs. {ndim}) : "
                             f"Reduction axis {high} Exceeds input dimensions {dims}")
        axes = sorted(a % ndim for a in raw)
        for prev, cur in zip(axes, axes[1:]):
            if prev >= cur:
                raise MXNetError(f"Check failed: axes[i-1] < axes[i] ({prev} vs. {cur}) : Reduction axes have "
                                 f"duplicates [{','.join(str(a) for a in axes)}]")
    return _axes(axis, len(shape), exclude)


# ----------------------------------------------------------------------------- unary math

def _unary(op, doc):
    def fn(data, out=None, **kwargs):
        return _out(invoke(op, (data,)), out)
    fn.__name__ = op.name
    fn.__doc__ = doc
    return fn


_UNARY = {
    "negative": E.negative, "abs": E.abs_, "exp": E.exp, "log": E.log, "log2": E.log2, "log10": E.log10,
    "log1p": E.log1p, "expm1": E.expm1, "sqrt": E.sqrt, "rsqrt": E.rsqrt, "cbrt": E.cbrt, "square": E.square,
    "reciprocal": E.reciprocal, "sign": E.sign, "floor": E.floor, "ceil": E.ceil, "trunc": E.trunc,
    "fix": E.fix, "rint": E.rint, "round": E.round_, "sin": E.sin, "cos": E.cos, "tan": E.tan,
    "arcsin": E.arcsin, "arccos": E.arccos, "arctan": E.arctan, "sinh": E.sinh, "cosh": E.cosh,
    "tanh": E.tanh, "arcsinh": E.arcsinh, "arccosh": E.arccosh, "arctanh": E.arctanh,
    "degrees": E.degrees, "radians": E.radians, "relu": E.relu, "sigmoid": E.sigmoid,
    "softrelu": E.softrelu, "softsign": E.softsign, "erf": E.erf, "logical_not": E.logical_not,
    "identity": E.identity, "stop_gradient": E.stop_gradient,
}
for _name, _op in _UNARY.items():
    globals()[_name] = _unary(_op, f"Elementwise {_name}.")
BlockGrad = stop_gradient  # noqa: F821


# ----------------------------------------------------------------------------- binary

def _binary_fn(name, op, scalar_op, rscalar_op):
    def fn(lhs, rhs, out=None):
        if isinstance(lhs, NDArray):
            return _out(_binary(lhs, rhs, op, scalar_op), out)
        if isinstance(rhs, NDArray):
            return _out(invoke(rscalar_op, (rhs,), {"scalar": _scalar_for(rhs, lhs)}), out)
        return _host_scalar(op, lhs, rhs)
    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} with broadcasting; a Python scalar takes the array's dtype."
    return fn


def _host_scalar(op, lhs, rhs):
    return op.forward(np, np.asarray(lhs), np.asarray(rhs))


add = _binary_fn("add", E.add, E.plus_scalar, E.plus_scalar)
subtract = _binary_fn("subtract", E.subtract, E.minus_scalar, E.rminus_scalar)
multiply = _binary_fn("multiply", E.multiply, E.mul_scalar, E.mul_scalar)
divide = _binary_fn("divide", E.divide, E.div_scalar, E.rdiv_scalar)
modulo = _binary_fn("modulo", E.mod, E.mod_scalar, E.rmod_scalar)
power = _binary_fn("power", E.power, E.power_scalar, E.rpower_scalar)
maximum = _binary_fn("maximum", E.maximum, E.maximum_scalar, E.maximum_scalar)
minimum = _binary_fn("minimum", E.minimum, E.minimum_scalar, E.minimum_scalar)
equal = _binary_fn("equal", E.equal, E.equal_scalar, E.equal_scalar)
not_equal = _binary_fn("not_equal", E.not_equal, E.not_equal_scalar, E.not_equal_scalar)
greater = _binary_fn("greater", E.greater, E.greater_scalar, E.lesser_scalar)
greater_equal = _binary_fn("greater_equal", E.greater_equal, E.greater_equal_scalar, E.lesser_equal_scalar)
lesser = _binary_fn("lesser", E.lesser, E.lesser_scalar, E.greater_scalar)
lesser_equal = _binary_fn("lesser_equal", E.lesser_equal, E.lesser_equal_scalar, E.greater_equal_scalar)
true_divide = divide
mod = modulo

for _name, _op in [("add", E.add), ("sub", E.subtract), ("mul", E.multiply), ("div", E.divide),
                   ("mod", E.mod), ("power", E.power), ("maximum", E.maximum), ("minimum", E.minimum),
                   ("equal", E.equal), ("not_equal", E.not_equal), ("greater", E.greater),
                   ("greater_equal", E.greater_equal), ("lesser", E.lesser), ("lesser_equal", E.lesser_equal),
                   ("logical_and", E.logical_and), ("logical_or", E.logical_or), ("logical_xor", E.logical_xor),
                   ("hypot", E.hypot), ("plus", E.add), ("minus", E.subtract)]:
    def _bfn(lhs, rhs, out=None, _op=_op):
        return _out(_binary(lhs, rhs, _op, None), out)
    _bfn.__name__ = "broadcast_" + _name
    globals()["broadcast_" + _name] = _bfn
hypot = broadcast_hypot  # noqa: F821
logical_and = broadcast_logical_and  # noqa: F821
logical_or = broadcast_logical_or  # noqa: F821
logical_xor = broadcast_logical_xor  # noqa: F821
arctan2 = lambda lhs, rhs, out=None: _out(_binary(lhs, rhs, E.arctan2, None), out)  # noqa: E731


def _elemwise(name, op):
    def fn(lhs, rhs, out=None):
        if lhs.shape != rhs.shape:
            raise MXNetError(f"Incompatible attr in node  at 1-th input: expected {_shp(lhs.shape)}, "
                             f"got {_shp(rhs.shape)}")
        return _out(_binary(lhs, rhs, op, None), out)
    fn.__name__ = name
    return fn



elemwise_add = _elemwise("elemwise_add", E.add)
elemwise_sub = _elemwise("elemwise_sub", E.subtract)
elemwise_mul = _elemwise("elemwise_mul", E.multiply)
elemwise_div = _elemwise("elemwise_div", E.divide)


def add_n(*args, out=None, **kwargs):
    """Sum of all arguments (same shapes and dtypes)."""
    check_same_dtype(args)
    return _out(invoke(E.add_n, args), out)


ElementWiseSum = add_n


def clip(data, a_min, a_max, out=None):
    for name, v in (("a_min", a_min), ("a_max", a_max)):
        if v is None:
            raise MXNetError(f"MXNetError: Invalid Parameter format for {name} expect float but value='None', in "
                             f"operator clip(name=\"\", a_max=\"{a_max}\", a_min=\"{a_min}\")")
    return _out(invoke(E.clip, (data,), {"a_min": _scalar_for(data, a_min), "a_max": _scalar_for(data, a_max)}), out)


def where(condition, x, y, out=None):
    """Elements of ``x`` where ``condition`` is nonzero, else of ``y``."""
    if not isinstance(x, NDArray) and not isinstance(y, NDArray):
        raise AssertionError(f"Argument x must have NDArray type, but got {x}")
    if not isinstance(x, NDArray):
        x = _wrap(condition._ctx.backend.xp.full(condition.shape, x, dtype=y._data.dtype), condition._ctx)
    if not isinstance(y, NDArray):
        y = _wrap(condition._ctx.backend.xp.full(condition.shape, y, dtype=x._data.dtype), condition._ctx)
    if x._data.dtype != y._data.dtype:  # what MXNet 1.9.1's type inference says of mixed x and y
        raise MXNetError("MXNetError: Check failed: infer_type_success: Operator where is missing FInferType attribute")
    cshape = condition.shape
    if x.shape != y.shape or not (cshape == x.shape or (len(cshape) == 1 and x.ndim and cshape[0] == x.shape[0])):
        # no broadcasting: the condition is x's shape, or 1-D selecting along x's first axis
        if x.shape == y.shape and len(cshape) == 1 and x.ndim > 1:
            raise MXNetError(f"Check failed: (*in_attrs)[0].Size() == static_cast<size_t>(tshape[0]) "
                             f"({cshape[0]} vs. {x.shape[0]}) : ")
        shapes = "\n".join(_shape_str(a.shape) for a in (condition, x, y))
        result = _shape_str(x.shape) if x.shape == y.shape else "None"
        raise MXNetError(f"Operator where inferring shapes failed.\ninput shapes:\n{shapes}\n"
                         f"output shapes:\n{result}\noperator attributes:\n")
    return _out(invoke(E.where, (condition, x, y)), out)


def cast(data, dtype, out=None):
    return _out(data.astype(dtype), out)


Cast = cast


# ----------------------------------------------------------------------------- reductions

def _reducer(name, op):
    def fn(data, axis=None, keepdims=False, exclude=False, out=None, **kwargs):
        axes = _reduce_axes(axis, data.shape, exclude)
        if axes is not None and len(axes) == data.ndim:
            axes = None if not keepdims else axes
        return _out(invoke(op, (data,), {"axis": axes, "keepdims": bool(keepdims)}), out)
    fn.__name__ = name
    fn.__doc__ = f"{name} over ``axis`` (all axes by default; a full reduction has shape (1,))."
    return fn


sum = _reducer("sum", R.sum_)  # noqa: A001
mean = _reducer("mean", R.mean)
max = _reducer("max", R.max_)  # noqa: A001
min = _reducer("min", R.min_)  # noqa: A001
prod = _reducer("prod", R.prod)
sum_axis = sum
max_axis = max
min_axis = min


def nansum(data, axis=None, keepdims=False, exclude=False, out=None):
    xp = data._ctx.backend.xp
    clean = where(data == data, data, _wrap(xp.zeros_like(data._data), data._ctx))
    return sum(clean, axis, keepdims, exclude, out)


def nanprod(data, axis=None, keepdims=False, exclude=False, out=None):
    """Product over ``axis`` with NaNs counted as 1."""
    xp = data._ctx.backend.xp
    clean = where(data == data, data, _wrap(xp.ones_like(data._data), data._ctx))
    return prod(clean, axis, keepdims, exclude, out)


def norm(data, ord=2, axis=None, keepdims=False, out=None, **kwargs):
    if ord not in (1, 2):
        raise MXNetError("Check failed: param.ord == 1 || param.ord == 2: norm only supports ord=1 and ord=2")
    axes = _reduce_axes(axis, data.shape)
    return _out(invoke(R.norm, (data,), {"ord": ord, "axis": axes, "keepdims": bool(keepdims)}), out)


def argmax(data, axis=None, keepdims=False, out=None):
    return _out(invoke(R.argmax, (data,), {"axis": None if axis is None else axis % data.ndim,
                                           "keepdims": bool(keepdims)}), out)


def argmin(data, axis=None, keepdims=False, out=None):
    return _out(invoke(R.argmin, (data,), {"axis": None if axis is None else axis % data.ndim,
                                           "keepdims": bool(keepdims)}), out)


def argmax_channel(data, out=None):
    return argmax(data, axis=-1, out=out)


def softmax(data, length=None, axis=-1, temperature=None, dtype=None, use_length=False, out=None):
    """softmax along ``axis``; with ``use_length`` only the first ``length`` entries (an integer array of
    data's shape without ``axis``) take part and the others are 0, as MXNet's masked softmax."""
    if use_length:
        if length is None:
            raise MXNetError("Check failed: in_attrs->size() == softmax_use_length(attrs) ? 2U : 1U (1 vs. 2) : "
                             "softmax with use_length=True needs the length input")
        if np.dtype(length.dtype).kind not in "iu":
            raise MXNetError(f"This operation only support integer types, not {np.dtype(length.dtype).name}")
        attrs = {"axis": axis % data.ndim, "temperature": temperature}
        res = invoke(R.softmax_length, (data, length), attrs)
    elif length is not None:
        raise MXNetError("Check failed: num_inputs == infered_num_inputs (2 vs. 1) : "
                         "Operator softmax expects 1 inputs, but got 2 instead.")
    else:
        _check_float(data)
        res = invoke(R.softmax, (data,), {"axis": axis, "temperature": temperature})
    return _out(res if dtype is None else res.astype(dtype), out)


def _float_only_text(dtype, bool_enum=False):
    """MXNet's refusal of a non-float input; its int8 and uint8 kernels word it without the comma, and an op
    whose kernels know no bool (``bool_enum``: Activation, hard_sigmoid, pad, ...) says ``Unknown type enum 7``."""
    name = np.dtype(dtype).name
    if bool_enum and name == "bool":
        return "Unknown type enum 7"
    return f"This operation only support floating point types{'' if name in ('int8', 'uint8') else ','} not {name}"


def _check_float(data, bool_enum=False):
    if data._data.dtype.kind != "f":
        raise MXNetError(f"MXNetError: {_float_only_text(data._data.dtype, bool_enum)}")


def log_softmax(data, axis=-1, temperature=None, dtype=None, out=None, **kwargs):
    _check_float(data)
    res = invoke(R.log_softmax, (data,), {"axis": axis, "temperature": temperature})
    return _out(res if dtype is None else res.astype(dtype), out)


def softmin(data, axis=-1, temperature=None, dtype=None, out=None):
    _check_float(data)
    return softmax(-data, axis=axis, temperature=temperature, dtype=dtype, out=out)


def _no_float16(data):
    """sort and argsort have no float16 kernel in MXNet 1.9.1 (on any device); topk has one."""
    if data.dtype == np.float16:
        raise unnamed_error("MXNetError: This operation does not support float16")


def sort(data, axis=-1, is_ascend=True, out=None):
    _no_float16(data)
    return _out(invoke(R.sort, (data,), {"axis": axis, "is_ascend": bool(is_ascend)}), out)


def argsort(data, axis=-1, is_ascend=True, dtype="float32", out=None):
    _no_float16(data)
    return _out(invoke(R.argsort, (data,), {"axis": axis, "is_ascend": bool(is_ascend),
                                            "dtype": np.dtype(dtype)}), out)


def topk(data, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32", out=None):
    """The ``k`` largest (or smallest) entries along ``axis``: indices (float32 by default), values, both or a mask."""
    if ret_typ not in ("both", "indices", "mask", "value"):
        raise MXNetError(f"MXNetError: Invalid Input: '{ret_typ}', valid values are: {{'both', 'indices', 'mask', "
                         f"'value'}}, in operator topk(name=\"\", ret_typ=\"{ret_typ}\")")
    axis = axis % data.ndim if axis is not None else None
    if axis is None:
        data, axis = data.reshape(-1), 0
    n = data.shape[axis]
    k = int(k)
    if k > n:
        raise MXNetError(f"Check failed: *k >= 0 && *k <= *element_num: k must be smaller than {n}, get k = {k}")
    if k < 1:
        k = n  # MXNet takes every element when k < 1
    attrs = {"axis": axis, "k": k, "ret_typ": ret_typ, "is_ascend": bool(is_ascend), "dtype": np.dtype(dtype)}
    if ret_typ == "both":
        return invoke(R.topk_both, (data,), attrs)
    return _out(invoke(R.topk, (data,), attrs), out)


# ----------------------------------------------------------------------------- shapes

def _infer_reshape(src, target, reverse=False):
    """MXNet's reshape codes: 0 copy, -1 infer, -2 copy rest, -3 merge two, -4 split one."""
    src = tuple(src)
    target = tuple(target)
    if reverse:
        if -4 in target or -2 in target:
            # MXNet reverses the codes too, so -4 loses its operands and -2 swallows the leading dims
            if -4 in target:
                raise MXNetError(f"Check failed: i + 2 < params_len ({len(target) + 1} vs. {len(target)}) : ")
            raise ValueError(f"Cannot reshape array of size {_prod(src)} into shape {target}")
        return tuple(_infer_reshape(src[::-1], target[::-1])[::-1])
    out, i, j = [], 0, 0
    infer_at = None
    n = len(src)

    def need(k):
        if i + k > n:
            raise MXNetError(f"Check failed: src_idx < dshape_len{'-1' if k == 2 else ''} "
                             f"({i} vs. {n - k + 1}) : ")
    while j < len(target):
        t = target[j]
        if t < -4:
            raise MXNetError(f"Check failed: dim_size >= -1 ({t} vs. -1) : shape dim size must be >= -1, "
                             f"while received {t}")
        if t == 0:
            need(1)
            out.append(src[i]); i += 1
        elif t == -1:
            if infer_at is not None:
                raise MXNetError(f"Check failed: inf_idx < 0 ({infer_at} vs. 0) : One and only one dim can be inferred")
            infer_at = len(out)
            out.append(-1); i += 1
        elif t == -2:
            out.extend(src[i:]); i = len(src)
        elif t == -3:
            need(2)
            out.append(src[i] * src[i + 1]); i += 2
        elif t == -4:
            need(1)
            if j + 2 >= len(target):
                raise MXNetError(f"Check failed: i + 2 < params_len ({j + 2} vs. {len(target)}) : ")
            a, b = target[j + 1], target[j + 2]
            d = src[i]
            if a == -1:
                a = d // b
            elif b == -1:
                b = d // a
            if a * b != d:
                raise MXNetError("Check failed: d1 * d2 == static_cast<IType>(d0) || static_cast<IType>(d0) == "
                                 f"IType(-1): Split dims {a}, {b} do not divide original dim {d}")
            out.extend([a, b]); i += 1; j += 2
        else:
            out.append(t); i += 1
        j += 1
    if infer_at is not None:
        known = 1
        for k, n in enumerate(out):
            if k != infer_at:
                known *= n
        total = 1
        for n in src:
            total *= n
        out[infer_at] = total // known if known else 0
    return tuple(out)


def _prod(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def reshape(data, shape=None, reverse=False, out=None, **kwargs):
    """Reshape with MXNet's special codes (0, -1, -2, -3, -4; ``reverse`` matches from the right)."""
    if shape is None:
        shape = kwargs.get("newshape", kwargs.get("target_shape"))
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    shape = tuple(shape)
    target = _infer_reshape(data.shape, shape, reverse) if any(s <= 0 for s in shape) else shape
    size = 1
    for n in target:
        size *= n
    if size != data.size or any(n < 0 for n in target):
        if size > data.size and target is shape:  # MXNet's backend check, reached only without special codes
            raise MXNetError(f"NDArray.Reshape: Check failed: shape_.Size() >= shape.Size() ({data.size} vs. "
                             f"{size}) : target shape size is larger than the current shape")
        raise ValueError(f"Cannot reshape array of size {data.size} into shape {shape}")
    return _out(invoke(S.reshape, (data,), {"shape": target}), out)


def _like_range(begin, end, ndim, side):
    """MXNet's checks of reshape_like's ``{side}_begin``/``{side}_end`` (None: the first/last axis)."""
    b = 0 if begin is None else begin + ndim if begin < 0 else begin
    if b < 0:
        raise MXNetError(f"Check failed: *cbegin >= 0: Invalid begin for {side}_begin={begin}")
    e = ndim if end is None else end + ndim if end < 0 else end
    if e > ndim:
        raise MXNetError(f"Check failed: *cend <= ndims: Invalid end for {side}_end={end} as dimension number "
                         f"is {ndim}")
    if not b < e:
        raise MXNetError(f"Check failed: (*cbegin < *cend): Invalid begin, end, get {side}_begin={begin}, "
                         f"{side}_end={end}")
    return b, e


def reshape_like(lhs, rhs, lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None, out=None, **kwargs):
    """lhs reshaped so that its axes [lhs_begin, lhs_end) take the shape of rhs's axes [rhs_begin, rhs_end)."""
    lb, le = _like_range(lhs_begin, lhs_end, lhs.ndim, "lhs")
    rb, re = _like_range(rhs_begin, rhs_end, rhs.ndim, "rhs")
    shape = lhs.shape[:lb] + rhs.shape[rb:re] + lhs.shape[le:]
    if _prod(shape) != lhs.size:
        raise MXNetError(f"Check failed: (*in_attrs)[0].Size() == oshape.Size() ({lhs.size} vs. {_prod(shape)}) : "
                         f"Cannot reshape lhs with shape {_shp(lhs.shape)}to new shape {_shp(shape)} because they "
                         "have different size.")
    return _out(invoke(S.reshape, (lhs,), {"shape": shape}), out)


def flatten(data, out=None):
    """(N, d1, d2, ...) -> (N, d1*d2*...)."""
    n = data.shape[0] if data.ndim else 1
    return _out(invoke(S.reshape, (data,), {"shape": (n, data.size // n if n else 0)}), out)


Flatten = flatten


def transpose(data, axes=None, out=None):
    axes = None if axes is None or len(axes) == 0 else tuple(a % data.ndim for a in axes)
    return _out(invoke(S.transpose, (data,), {"axes": axes}), out)


def swapaxes(data, dim1=0, dim2=0, out=None):
    for name, d in (("axis1", dim1), ("axis2", dim2)):
        if not -data.ndim <= d < data.ndim:
            raise MXNetError(f"{name}: Check failed: {name} >= 0 && {name} < shape0.ndim(): axis {d} is out of "
                             f"bounds for array of ndim {data.ndim}")
    axes = list(range(data.ndim))
    axes[dim1], axes[dim2] = axes[dim2], axes[dim1]
    return transpose(data, axes, out=out)


SwapAxis = swapaxes


def expand_dims(data, axis, out=None):
    ndim = data.ndim
    if not -ndim - 1 <= axis <= ndim:
        raise MXNetError(f"Check failed: axis >= 0 && axis <= indim: axis must be in the range [-{ndim}, {ndim}] "
                         f"({axis} provided)")
    axis = axis % (ndim + 1)
    return _out(invoke(S.reshape, (data,), {"shape": data.shape[:axis] + (1,) + data.shape[axis:]}), out)


def squeeze(data, axis=None, out=None):
    if axis is None:
        shape = tuple(n for n in data.shape if n != 1)
    else:
        axes = set()
        for a in (axis,) if isinstance(axis, numbers.Integral) else axis:
            k = a + data.ndim if a < 0 else a
            if k < 0:
                raise MXNetError(f"Check failed: axes[i] >= 0 ({k} vs. 0) : axis {a} is out of bounds for array of "
                                 f"dimension {data.ndim}")
            if k >= data.ndim:
                raise MXNetError(f"Check failed: axes[i] < dndim ({k} vs. {data.ndim}) : axis {a} is out of bounds "
                                 f"for array of dimension {data.ndim}")
            if data.shape[k] != 1:
                raise MXNetError(f"Check failed: dshape[axes[i]] == 1 ({data.shape[k]} vs. 1) : cannot select an "
                                 f"axis to squeeze out which has size={data.shape[k]} not equal to one")
            if k in axes:
                raise MXNetError("Check failed: oshape[axes[i]] != -1 (-1 vs. -1) : duplicate value in axis")
            axes.add(k)
        shape = tuple(n for i, n in enumerate(data.shape) if i not in axes)
    return _out(invoke(S.reshape, (data,), {"shape": shape or (1,) if data.ndim else ()}), out)


def broadcast_to(data, shape, out=None):
    if len(shape) != data.ndim:
        raise MXNetError(f"Check failed: ishape.ndim() == param.shape.ndim() ({data.ndim} vs. {len(shape)}) : "
                         f"Operand of shape {_shp(data.shape)} cannot be broadcasted to {_shp(shape)}")
    shape = tuple(d if s == 0 else s for s, d in zip(shape, data.shape))
    try:
        return _out(invoke(S.broadcast_to, (data,), {"shape": shape}), out)
    except ValueError:
        raise MXNetError(f"Check failed: ishape[i] == oshape[i] || ishape[i] == 1: Array cannot be broadcasted "
                         f"from {_shp(data.shape)} to {_shp(shape)}") from None


def broadcast_like(lhs, rhs, lhs_axes=None, rhs_axes=None, out=None):
    if lhs_axes is None:
        return broadcast_to(lhs, rhs.shape, out=out)
    shape = list(lhs.shape)
    for la, ra in zip(lhs_axes, rhs_axes):
        shape[la] = rhs.shape[ra]
    return broadcast_to(lhs, tuple(shape), out=out)


def broadcast_axis(data, axis=(), size=(), out=None):
    if isinstance(axis, numbers.Integral):
        axis, size = (axis,), (size,)
    shape = list(data.shape)
    for a, s in zip(axis, size):
        if shape[a] != 1:
            raise MXNetError(f"Check failed: oshape[param.axis[i]] == 1U ({shape[a]} vs. 1) : "
                             "Broadcasting axis must have size 1")
        shape[a] = s
    return broadcast_to(data, tuple(shape), out=out)


broadcast_axes = broadcast_axis


def tile(data, reps, out=None):
    reps = tuple(reps) if not isinstance(reps, int) else (reps,)
    dims = (1,) * (len(reps) - data.ndim) + data.shape
    for n in (d * r for d, r in zip(dims[::-1], reps[::-1])):
        if n < -1:
            raise MXNetError(f"Check failed: dim_size >= -1 ({n} vs. -1) : shape dim size must be >= -1, while "
                             f"received {n}")
    return _out(invoke(S.tile, (data,), {"reps": reps}), out)


def repeat(data, repeats, axis=None, out=None):
    if repeats < 0:
        raise MXNetError(f"Check failed: *repeats >= 0 ({repeats} vs. 0) : repeats cannot be a negative number")
    if axis is None:
        return _out(invoke(S.repeat, (data.reshape(-1),), {"repeats": int(repeats), "axis": 0}), out)
    if not -data.ndim <= axis < data.ndim:
        raise MXNetError(f"Check failed: axis >= 0 && axis < ndims: axis = {axis} out of bounds")
    return _out(invoke(S.repeat, (data,), {"repeats": int(repeats), "axis": axis % data.ndim}), out)


def flip(data, axis, out=None):
    return _out(invoke(S.flip, (data,), {"axis": axis}), out)


reverse = flip


def _check_join_axis(axis, ndim):
    if not -ndim <= axis < ndim:
        raise MXNetError(f"Check failed: axis < ndim && axis >= -ndim: axis {axis} exceeds the input dimension of {ndim}")


def concat(*data, dim=1, num_args=None, out=None):
    """Join arrays along ``dim`` (default 1, as in MXNet)."""
    if len(data) == 1 and isinstance(data[0], (list, tuple)):
        data = tuple(data[0])
    if not data:
        raise MXNetError("MXNetError: value 0 for Parameter num_args should be greater equal to 1\nnum_args: Number "
                         "of inputs to be concated., in operator Concat(name=\"\", num_args=\"0\")")
    _check_join_axis(dim, data[0].ndim)
    for i, d in enumerate(data[1:], 1):
        if d.dtype != data[0].dtype:
            raise MXNetError("Check failed: in_type->at(i) == dtype || in_type->at(i) == -1: Non-uniform data type "
                             f"in Concat, expected data type {np.dtype(data[0].dtype).name}, got data type "
                             f"{np.dtype(d.dtype).name} for input {i}")
    axis = dim % data[0].ndim
    try:
        return _out(invoke(S.concat, tuple(data), {"axis": axis}), out)
    except ValueError:
        first = data[0].shape
        for d in data[1:]:
            if d.ndim != len(first) or any(a != b for k, (a, b) in enumerate(zip(first, d.shape)) if k != axis):
                expected = ",".join("-1" if k == axis else str(n) for k, n in enumerate(first))
                raise MXNetError(f"Check failed: shape_assign(&(*in_shape)[i], dshape): Incompatible input shape: "
                                 f"expected [{expected}], got {_shp(d.shape)}") from None
        raise


Concat = concat


def stack(*data, axis=0, num_args=None, out=None):
    if len(data) == 1 and isinstance(data[0], (list, tuple)):
        data = tuple(data[0])
    _check_join_axis(axis, data[0].ndim + 1)
    check_same_dtype(data)
    return _out(invoke(S.stack, tuple(data), {"axis": axis % (data[0].ndim + 1)}), out)


def split(data, num_outputs, axis=1, squeeze_axis=False):
    """Split into ``num_outputs`` equal parts along ``axis`` (default 1); one part comes back unwrapped."""
    if axis >= data.ndim or axis < -data.ndim:
        raise MXNetError(f"Check failed: param_.axis < dshape.ndim() ({axis} vs. {data.ndim}) : ")
    axis = axis % data.ndim
    if squeeze_axis and data.shape[axis] != num_outputs:
        raise MXNetError(f"Check failed: ishape[real_axis] == param_.num_outputs ({data.shape[axis]} vs. "
                         f"{num_outputs}) : If squeeze axis is True, the size of the sliced axis must be the same as "
                         f"num_outputs. Input shape={_shp(data.shape)}, axis={axis}, num_outputs={num_outputs}.")
    if data.shape[axis] % num_outputs:
        raise MXNetError(f"Check failed: dshape[real_axis] % param_.num_outputs == 0U "
                         f"({data.shape[axis] % num_outputs} vs. 0) : You are trying to split the "
                         f"{axis}-th axis of input tensor with shape {_shp(data.shape)} into num_outputs="
                         f"{num_outputs} evenly sized chunks, but this is not possible because "
                         f"{num_outputs} does not evenly divide {data.shape[axis]}")
    parts = invoke(S.split, (data,), {"indices": num_outputs, "axis": axis, "squeeze_axis": bool(squeeze_axis)})
    return parts[0] if num_outputs == 1 else parts


SliceChannel = split


def split_v2(data, indices_or_sections, axis=0, squeeze_axis=False):
    if not isinstance(indices_or_sections, (int, tuple)):
        raise ValueError("indices_or_sections must either int or tuple of ints")
    axis = axis % data.ndim
    parts = invoke(S.split, (data,), {"indices": indices_or_sections, "axis": axis,
                                      "squeeze_axis": bool(squeeze_axis)})
    return parts[0] if len(parts) == 1 else parts


def slice(data, begin, end, step=None, out=None):  # noqa: A001
    """``data[begin:end:step]`` per axis; ``None`` entries mean the full range."""
    import builtins
    if len(begin) != len(end):
        raise MXNetError(f"Check failed: param_begin.ndim() == param_end.ndim() ({len(begin)} vs. {len(end)}) : "
                         "begin and end must have the same length")
    if step and len(step) != len(begin):
        raise MXNetError(f"Check failed: param_step.ndim() == param_begin.ndim() ({len(step)} vs. {len(begin)}) : "
                         "step and begin must have the same length")
    if len(begin) > data.ndim:
        raise MXNetError(f"Check failed: param_begin.ndim() <= dshape.ndim() ({len(begin)} vs. {data.ndim}) : "
                         "Slicing axis exceeds data dimensions")
    for i, s in enumerate(step or ()):
        if s == 0:
            raise MXNetError(f"Check failed: s != 0 (0 vs. 0) : slice op step[{i}] cannot be 0")
    step = step or (None,) * len(begin)
    key = tuple(builtins.slice(b, e, s) for b, e, s in zip(begin, end, step))
    return _out(invoke(I.getitem, (data,), {"key": key}), out)


crop = slice


def slice_axis(data, axis, begin, end, out=None):
    import builtins
    ndim = data.ndim
    ax = axis + ndim if axis < 0 else axis
    if not 0 <= ax < ndim:
        raise MXNetError("Check failed: *axis < ishape.ndim() && *axis >= 0: Transformed axis must be smaller than "
                         f"the source ndim and larger than zero! Recieved axis={axis}, src_ndim={ndim}, "
                         f"transformed axis={ax}")
    n = data.shape[ax]
    b = begin + n if begin < 0 else begin
    if b < 0:
        raise MXNetError(f"Check failed: *begin >= 0: Invalid begin for begin={begin}")
    e = n if end is None else (end + n if end < 0 else end)
    if e > n:
        raise MXNetError(f"Check failed: *end <= axis_size: Invalid end for end={end} as axis_size is {n}")
    if not b < e:
        raise MXNetError(f"Check failed: (*begin < *end): Invalid begin, end, get begin={begin}, end={end}")
    key = (builtins.slice(None),) * ax + (builtins.slice(b, e),)
    return _out(invoke(I.getitem, (data,), {"key": key}), out)


def slice_like(data, shape_like, axes=(), out=None):
    import builtins
    if not axes and data.ndim != shape_like.ndim:
        raise MXNetError(f"Check failed: ishape.ndim() == from_shape.ndim() ({data.ndim} vs. {shape_like.ndim}) : "
                         "By default slice_axis performs slice on all axes, but ndim mismatch for inputs: "
                         f"{data.ndim} vs. {shape_like.ndim}")
    axes = range(shape_like.ndim) if not axes else [a % data.ndim for a in axes]
    key = [builtins.slice(None)] * data.ndim
    for a in axes:
        if shape_like.shape[a] > data.shape[a]:
            raise MXNetError(f"Check failed: ishape[i] >= from_shape[i] ({data.shape[a]} vs. {shape_like.shape[a]}) "
                             f": Slice axis {a} with size {shape_like.shape[a]}exceeds limit of input with size "
                             f"{data.shape[a]}")
        key[a] = builtins.slice(0, shape_like.shape[a])
    return _out(invoke(I.getitem, (data,), {"key": tuple(key)}), out)


def take(a, indices, axis=0, mode="clip", out=None):
    if mode not in ("clip", "raise", "wrap"):
        raise MXNetError(f"MXNetError: Invalid Input: '{mode}', valid values are: {{'clip', 'raise', 'wrap'}}, "
                         f"in operator take(name=\"\", mode=\"{mode}\")")
    if not -a.ndim <= axis < a.ndim:
        raise MXNetError("Check failed: param.axis >= -1 * arrshape.ndim() && param.axis < arrshape.ndim(): Axis "
                         "should be in the range of [-r, r-1] where r is the rank of input tensor")
    if mode == "raise":
        n = a.shape[axis % a.ndim]
        if bool(((indices < 0) + (indices >= n)).sum().asscalar()):
            raise MXNetError("Check failed: is_valid: take operator contains indices out of bound")
    return _out(invoke(I.take, (a, indices), {"axis": axis % a.ndim, "mode": mode}), out)


def pick(data, index, axis=-1, keepdims=False, mode="clip", out=None):
    """``data`` indexed along ``axis`` by ``index``, shaped as ``data`` without ``axis`` (or with it as 1)."""
    if axis is None:
        raise MXNetError("axis=None is not supported by pick yet. Must specify an axis.")
    axis = axis % data.ndim
    shape = data.shape
    dropped, kept = shape[:axis] + shape[axis + 1:], shape[:axis] + (1,) + shape[axis + 1:]
    if index.shape != dropped and index.shape != kept:
        inferred = kept if index.ndim == data.ndim else dropped
        raise MXNetError(f"MXNetError: Shape inconsistent, Provided = [{','.join(map(str, index.shape))}], "
                         f"inferred shape=[{','.join(map(str, inferred))}]")
    return _out(invoke(I.pick, (data, index), {"axis": axis, "keepdims": bool(keepdims),
                                                "mode": mode}), out)


def one_hot(indices, depth, on_value=1.0, off_value=0.0, dtype="float32", out=None):
    return _out(invoke(I.one_hot, (indices,), {"depth": int(depth), "on_value": on_value,
                                               "off_value": off_value, "dtype": np.dtype(dtype)}), out)


def pad(data, mode="constant", pad_width=(), constant_value=0.0, out=None):
    if data.ndim not in (4, 5):
        raise MXNetError("MXNetError: Current implementation only supports 4-D or 5-D input.")
    pw = tuple((int(pad_width[2 * i]), int(pad_width[2 * i + 1])) for i in range(len(pad_width) // 2))
    if any(before or after for before, after in pw[:2]):
        raise MXNetError("MXNetError: Current implementation expects padding on the first two axes to be zero.")
    if mode == "reflect" and any(before >= n or after >= n for (before, after), n in zip(pw, data.shape)):
        raise MXNetError("MXNetError: Current implementation of reflection padding only supports padding sizes "
                         "smaller than the input size.")
    if np.dtype(data.dtype).kind != "f":
        raise MXNetError(_float_only_text(data.dtype, bool_enum=True))
    return _out(invoke(S.pad, (data,), {"pad_width": pw, "mode": mode, "constant_value": constant_value}), out)


Pad = pad


# ----------------------------------------------------------------------------- linear algebra

def _check_dot_dtype(lhs):
    """dot and batch_dot compute in float32/float64 (float16 too on a GPU), as MXNet's kernels do."""
    if np.dtype(lhs.dtype) not in (np.float32, np.float64) and not (
            lhs.dtype == np.float16 and lhs.context.device_type == "gpu"):
        raise MXNetError("Check failed: outputs[0].type_flag_ == kFloat32 || outputs[0].type_flag_ == kFloat64 || "
                         "(outputs[0].type_flag_ == kFloat16 && ctx.run_ctx.ctx.dev_mask() == mshadow: :gpu::kDevMask)"
                         ": dot only supports float32/float64 for CPU, and float16/float32/float64 for GPU")


def dot(lhs, rhs, transpose_a=False, transpose_b=False, out=None, **kwargs):
    """Matrix product; N-D contracts the last axis of ``lhs`` with the first of ``rhs``."""
    if lhs._data.dtype != rhs._data.dtype:
        raise _dtype_error(lhs._data.dtype, rhs._data.dtype)
    if lhs.ndim == 1 and rhs.ndim == 1 and (transpose_a or transpose_b):
        raise MXNetError("Check failed: !param.transpose_a && !param.transpose_b: Cannot transpose vectors")
    _check_dot_dtype(lhs)
    ka = lhs.shape[0] if transpose_a else lhs.shape[-1]
    kb = rhs.shape[-1] if transpose_b else rhs.shape[0]
    if ka != kb:
        raise MXNetError(f"Check failed: L[!Ta].Size() == R[Tb].Size() ({ka} vs. {kb}) : dot shape error: "
                         f"{_shp(lhs.shape)} X {_shp(rhs.shape)}")
    return _out(invoke(L.dot, (lhs, rhs), {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b)}), out)


def batch_dot(lhs, rhs, transpose_a=False, transpose_b=False, out=None, **kwargs):
    """Batched matrix product: (B, n, m) x (B, m, k) -> (B, n, k)."""
    if lhs._data.dtype != rhs._data.dtype:
        raise _dtype_error(lhs._data.dtype, rhs._data.dtype)
    if lhs.ndim < 3 or rhs.ndim < 3:
        raise MXNetError(f"batch_dot currently only support N-D*N-D array (N >= 3){_shp(lhs.shape)} v.s. "
                         f"{_shp(rhs.shape)}")
    flags = f"trans_a={int(bool(transpose_a))} trans_b={int(bool(transpose_b))}"
    for i, (m, n) in enumerate(zip(lhs.shape[:-2], rhs.shape[:-2])):
        if m != n:
            raise MXNetError(f"Check failed: lshape[i] == rshape[i] ({m} vs. {n}) : batch_dot shape error (the "
                             f"leading batch dimensions must be equal): {_shp(lhs.shape)} X {_shp(rhs.shape)} {flags}")
    _check_dot_dtype(lhs)
    lk = lhs.shape[-2] if transpose_a else lhs.shape[-1]
    rk = rhs.shape[-1] if transpose_b else rhs.shape[-2]
    if lk != rk:
        raise MXNetError(f"Check failed: lshape_k == rshape_k ({lk} vs. {rk}) : batch_dot shape error (shape "
                         f"mismatch): {_shp(lhs.shape)} X {_shp(rhs.shape)} trans_a={int(bool(transpose_a))} "
                         f"trans_b={int(bool(transpose_b))}")
    return _out(invoke(L.batch_dot, (lhs, rhs), {"transpose_a": bool(transpose_a),
                                                 "transpose_b": bool(transpose_b)}), out)


# ----------------------------------------------------------------------------- misc

def zeros_like(data, out=None, **kwargs):
    return _out(_wrap(data._ctx.backend.xp.zeros_like(data._data), data._ctx), out)


def ones_like(data, out=None, **kwargs):
    return _out(_wrap(data._ctx.backend.xp.ones_like(data._data), data._ctx), out)


def full_like(data, fill_value, out=None, **kwargs):
    return _out(_wrap(data._ctx.backend.xp.full_like(data._data, fill_value), data._ctx), out)


def shape_array(data, **kwargs):
    xp = data._ctx.backend.xp
    return _wrap(xp.asarray(data.shape, dtype=np.int64), data._ctx)


def size_array(data, **kwargs):
    xp = data._ctx.backend.xp
    return _wrap(xp.asarray([data.size], dtype=np.int64), data._ctx)


def waitall():
    """Wait for all queued device work (a no-op on the CPU)."""
    from ..context import Context
    for ctx in list(Context._interned.values()):
        if ctx._backend is not None:
            ctx._backend.synchronize(ctx)


def _accept_graph_kwargs():
    """Let every ``nd`` function take MXNet's symbolic-only keywords (``name=``, ``attr=``) and ignore them,
    so ``hybrid_forward(F, ...)`` code written for ``F = mx.sym`` runs unchanged. Functions that already
    take ``**kwargs`` are left as they are (no wrapper on their call path)."""
    import functools
    import inspect
    for fname, fn in list(globals().items()):
        if fname.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != __name__:
            continue
        params = inspect.signature(fn).parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in params) or any(p.name == "name" for p in params):
            continue

        def wrapper(*args, name=None, attr=None, _fn=fn, **kwargs):
            return _fn(*args, **kwargs)
        globals()[fname] = functools.wraps(fn)(wrapper)


_accept_graph_kwargs()
