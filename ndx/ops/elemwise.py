"""Elementwise ops: unary math, broadcasting binary arithmetic, scalar forms, comparisons.

Each op keeps its input dtype (MXNet does not promote): integer division truncates and
comparisons return 0/1 in the input dtype.
"""
import math

import numpy

from .op import Op, unbroadcast


def _none_grad(xp, g, inputs, out, saved, **attrs):
    return (None,) * len(inputs)


def _unary(name, fwd, bwd=_none_grad, wide=False):
    """An op of one input whose backward gets (g, x, y).

    ``wide``: a transcendental function, which MXNet evaluates in float32 for float16 input and in
    float64 for integer input (float16 sigmoid(2) is 0.881, the float32 value rounded; int8 tanh(5)
    is 0, where numpy's float16 loop gives 1)."""
    def forward(xp, x):
        k = x.dtype
        if wide and k.itemsize < 4 + 4 * (k.kind != "f"):  # float16, or an integer/bool
            r = fwd(xp, x.astype(numpy.float32 if k.kind == "f" else numpy.float64))
        else:
            r = fwd(xp, x)
        # MXNet computes in the input dtype: sqrt of int32 [4, 9] is int32 [2 3], sin of int32 [1] is [0]
        return r if r.dtype == x.dtype else r.astype(x.dtype)
    if bwd is _none_grad:
        return Op(name, forward, _none_grad)
    return Op(name, forward, lambda xp, g, i, y, s: (bwd(xp, g, i[0], y),))


_BLOCK = 1 << 17  # elements per ufunc call against a value block: the block stays in L2
_value_blocks = {}  # (dtype, value's bytes) -> read-only block; the few most recent are kept
_KEPT_BLOCKS = 8


def _value_block(dtype, value):
    """A read-only ``_BLOCK``-element array of ``value`` in ``dtype``, kept for reuse."""
    key = (dtype, dtype.type(value).tobytes())
    block = _value_blocks.pop(key, None)
    if block is None:
        block = numpy.full(_BLOCK, value, dtype)
        block.flags.writeable = False
        if len(_value_blocks) >= _KEPT_BLOCKS:
            del _value_blocks[next(iter(_value_blocks))]
    _value_blocks[key] = block  # most recently used last
    return block


def against_value(xp, ufunc, x, value, out=None):
    """``ufunc(x, value)`` for a binary ufunc and a scalar ``value``, into ``out`` if given.

    numpy's ``maximum``/``minimum``/``fmax``/``fmin`` with a scalar operand run a scalar loop,
    about 3-4x slower than their SIMD loop for two arrays (numpy 2.4). So on numpy a contiguous
    float array is combined, chunk by chunk, with a kept block of ``value``: the same ufunc on the
    same values, so the result is bit-identical (NaN, -0 and +0 included).
    """
    if (xp is not numpy or x.dtype.kind != "f" or not x.flags.c_contiguous or x.size < 1024
            or (out is not None and not out.flags.c_contiguous)):
        return ufunc(x, value, out=out)
    if out is None:
        out = numpy.empty_like(x)
    block = _value_block(x.dtype, value)
    flat_in, flat_out, n = x.reshape(-1), out.reshape(-1), x.size
    for i in range(0, n, _BLOCK):
        j = min(n, i + _BLOCK)
        ufunc(flat_in[i:j], block[:j - i], out=flat_out[i:j])
    return out


def relu_array(xp, x, out=None, nan_to_zero=False):
    """``max(x, 0)`` of a backend array, into ``out`` if given; -0 becomes +0.

    NaN stays NaN (``nd.relu``), or becomes 0 with ``nan_to_zero`` (``Activation(act_type='relu')``
    and Gluon's layers: MXNet's two kernels differ there).
    """
    return against_value(xp, xp.fmax if nan_to_zero else xp.maximum, x, 0, out)


def _erf(xp, x):
    # Numerical Recipes' erfc (fractional error < 1.2e-7), in array code so every backend runs it.
    z = xp.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    erfc = t * xp.exp(poly)
    return xp.where(x >= 0, 1.0 - erfc, erfc - 1.0).astype(x.dtype, copy=False)


def erf_array(xp, x):
    """The error function on a backend array."""
    return _erf(xp, x)


_SQRT_2_OVER_PI = 2.0 / math.sqrt(math.pi)
_DEG_PER_RAD = numpy.float32(180) / numpy.float32(math.pi)
_RAD_PER_DEG = numpy.float32(math.pi / 180)

negative = _unary("negative", lambda xp, x: -x, lambda xp, g, x, y: -g)
abs_ = _unary("abs", lambda xp, x: xp.abs(x), lambda xp, g, x, y: g * xp.sign(x))
exp = _unary("exp", lambda xp, x: xp.exp(x), lambda xp, g, x, y: g * y, wide=True)
log = _unary("log", lambda xp, x: xp.log(x), lambda xp, g, x, y: g / x, wide=True)
log2 = _unary("log2", lambda xp, x: xp.log2(x), lambda xp, g, x, y: g / (x * math.log(2)), wide=True)
log10 = _unary("log10", lambda xp, x: xp.log10(x), lambda xp, g, x, y: g / (x * math.log(10)), wide=True)
log1p = _unary("log1p", lambda xp, x: xp.log1p(x), lambda xp, g, x, y: g / (1 + x), wide=True)
expm1 = _unary("expm1", lambda xp, x: xp.expm1(x), lambda xp, g, x, y: g * (y + 1), wide=True)
sqrt = _unary("sqrt", lambda xp, x: xp.sqrt(x), lambda xp, g, x, y: g / (2 * y), wide=True)
rsqrt = _unary("rsqrt", lambda xp, x: 1 / xp.sqrt(x), lambda xp, g, x, y: -0.5 * g * y * y * y, wide=True)
cbrt = _unary("cbrt", lambda xp, x: xp.cbrt(x), lambda xp, g, x, y: g / (3 * y * y), wide=True)
square = _unary("square", lambda xp, x: x * x, lambda xp, g, x, y: 2 * g * x)
reciprocal = _unary("reciprocal", lambda xp, x: 1 / x, lambda xp, g, x, y: -g * y * y)
sign = _unary("sign", lambda xp, x: _sign(xp, x))


def _sign(xp, x):
    """MXNet's sign: 0 for NaN and for -0 (numpy keeps NaN)."""
    r = xp.sign(x)
    if r.dtype.kind == "f":
        r += 0  # -0 -> +0
        xp.nan_to_num(r, copy=False, nan=0.0, posinf=1.0, neginf=-1.0)
    return r
floor = _unary("floor", lambda xp, x: xp.floor(x))
ceil = _unary("ceil", lambda xp, x: xp.ceil(x))
trunc = _unary("trunc", lambda xp, x: xp.trunc(x))
fix = _unary("fix", lambda xp, x: xp.trunc(x))
# MXNet's rint takes the floor unless the fraction exceeds .5: halves go down (2.5 -> 2, -0.5 -> -1)
rint = _unary("rint", lambda xp, x: _rint(xp, x))


def _rint(xp, x):
    if x.dtype.kind != "f":
        return x.copy()
    f = xp.floor(x)
    return f + (x - f > 0.5).astype(x.dtype)


# MXNet rounds half away from zero
round_ = _unary("round", lambda xp, x: (xp.sign(x) * xp.floor(xp.abs(x) + 0.5)).astype(x.dtype, copy=False))
sin = _unary("sin", lambda xp, x: xp.sin(x), lambda xp, g, x, y: g * xp.cos(x), wide=True)
cos = _unary("cos", lambda xp, x: xp.cos(x), lambda xp, g, x, y: -g * xp.sin(x), wide=True)
tan = _unary("tan", lambda xp, x: xp.tan(x), lambda xp, g, x, y: g * (1 + y * y), wide=True)
arcsin = _unary("arcsin", lambda xp, x: xp.arcsin(x), lambda xp, g, x, y: g / xp.sqrt(1 - x * x), wide=True)
arccos = _unary("arccos", lambda xp, x: xp.arccos(x), lambda xp, g, x, y: -g / xp.sqrt(1 - x * x), wide=True)
arctan = _unary("arctan", lambda xp, x: xp.arctan(x), lambda xp, g, x, y: g / (1 + x * x), wide=True)
sinh = _unary("sinh", lambda xp, x: xp.sinh(x), lambda xp, g, x, y: g * xp.cosh(x), wide=True)
cosh = _unary("cosh", lambda xp, x: xp.cosh(x), lambda xp, g, x, y: g * xp.sinh(x), wide=True)
tanh = _unary("tanh", lambda xp, x: xp.tanh(x), lambda xp, g, x, y: g * (1 - y * y), wide=True)
arcsinh = _unary("arcsinh", lambda xp, x: xp.arcsinh(x), lambda xp, g, x, y: g / xp.sqrt(x * x + 1), wide=True)
arccosh = _unary("arccosh", lambda xp, x: xp.arccosh(x), lambda xp, g, x, y: g / xp.sqrt(x * x - 1), wide=True)
arctanh = _unary("arctanh", lambda xp, x: xp.arctanh(x), lambda xp, g, x, y: g / (1 - x * x), wide=True)
# MXNet scales by float32 constants, for float64 input too (degrees(1.0) == 57.2957763671875)
degrees = _unary("degrees", lambda xp, x: x * _DEG_PER_RAD, lambda xp, g, x, y: g * (180 / math.pi))
radians = _unary("radians", lambda xp, x: x * _RAD_PER_DEG, lambda xp, g, x, y: g * (math.pi / 180), wide=True)
# nd.relu keeps NaN and passes it to the gradient (sign(y): 0 at 0, 1 above, NaN at NaN);
# Activation(act_type='relu') maps NaN to 0, with a zero gradient there (MXNet 1.9.1's two kernels)
relu = _unary("relu", lambda xp, x: relu_array(xp, x), lambda xp, g, x, y: g * xp.sign(y))
relu_activation = _unary("Activation", lambda xp, x: relu_array(xp, x, nan_to_zero=True),
                         lambda xp, g, x, y: g * (y > 0))
sigmoid = _unary("sigmoid", lambda xp, x: (1 / (1 + xp.exp(-x))).astype(x.dtype, copy=False),
                 lambda xp, g, x, y: g * y * (1 - y), wide=True)
softrelu = _unary("softrelu", lambda xp, x: xp.logaddexp(x.dtype.type(0), x),
                  lambda xp, g, x, y: g * (1 - xp.exp(-y)), wide=True)
softsign = _unary("softsign", lambda xp, x: x / (1 + xp.abs(x)),
                  lambda xp, g, x, y: g / ((1 + xp.abs(x)) ** 2))
erf = _unary("erf", _erf, lambda xp, g, x, y: g * (_SQRT_2_OVER_PI * xp.exp(-x * x)).astype(g.dtype, copy=False),
             wide=True)
logical_not = _unary("logical_not", lambda xp, x: (x == 0).astype(x.dtype))
identity = _unary("identity", lambda xp, x: x.copy(), lambda xp, g, x, y: g)
stop_gradient = _unary("stop_gradient", lambda xp, x: x)


# ----------------------------------------------------------------------------- binary (broadcasting)

def broadcast_error(a, b):
    """MXNet's error for operand shapes that do not broadcast."""
    from ..base import MXNetError
    sa, sb = ("[" + ",".join(map(str, x.shape)) + "]" for x in (a, b))
    return MXNetError(f"Check failed: l == 1 || r == 1: operands could not be broadcast together with shapes {sa} {sb}")


def _reraise(err, a, b):
    """Re-raise numpy's broadcasting ValueError as MXNet's error; other errors pass unchanged."""
    if any(m != n and m != 1 and n != 1 for m, n in zip(a.shape[::-1], b.shape[::-1])):
        raise broadcast_error(a, b) from None
    raise err


def _checked(fwd):
    """``fwd`` with MXNet's broadcasting error (for the less hot ops; the hot ones inline this)."""
    def forward(xp, a, b):
        try:
            return fwd(xp, a, b)
        except ValueError as e:
            _reraise(e, a, b)
    return forward


def _binary(name, fwd, bwd, checked=False):
    """A broadcasting binary op; ``checked`` says ``fwd`` already raises MXNet's shape error."""
    def backward(xp, g, inputs, y, saved):
        a, b = inputs
        ga, gb = bwd(xp, g, a, b, y)
        return (None if ga is None else unbroadcast(xp, ga, a.shape),
                None if gb is None else unbroadcast(xp, gb, b.shape))
    return Op(name, fwd if checked else _checked(fwd), backward)


# The hot arithmetic forwards catch the broadcasting error inline: a try block costs nothing until it raises.
def _add_fwd(xp, a, b):
    try:
        return a + b
    except ValueError as e:
        _reraise(e, a, b)


def _sub_fwd(xp, a, b):
    try:
        return a - b
    except ValueError as e:
        _reraise(e, a, b)


def _mul_fwd(xp, a, b):
    try:
        return a * b
    except ValueError as e:
        _reraise(e, a, b)


def _div_fwd(xp, a, b):
    try:
        if a.dtype.kind in "iub":
            with _errstate(xp):
                return xp.trunc(a / b).astype(a.dtype)
        return a / b
    except ValueError as e:
        _reraise(e, a, b)


def _errstate(xp):
    errstate = getattr(xp, "errstate", None)
    import contextlib
    return errstate(all="ignore") if errstate is not None else contextlib.nullcontext()


def _mod_fwd(xp, a, b):
    with _errstate(xp):
        return xp.mod(a, b)


add = _binary("add", _add_fwd, lambda xp, g, a, b, y: (g, g), checked=True)
subtract = _binary("subtract", _sub_fwd, lambda xp, g, a, b, y: (g, -g), checked=True)
multiply = _binary("multiply", _mul_fwd, lambda xp, g, a, b, y: (g * b, g * a), checked=True)
divide = _binary("divide", _div_fwd, lambda xp, g, a, b, y: (g / b, -g * a / (b * b)), checked=True)
mod = _binary("mod", _mod_fwd, lambda xp, g, a, b, y: (g, -g * xp.floor(a / b)))
def _int_power(xp, a, b, dtype):
    """MXNet's power of integers: powf in float32, then converted to a 32-bit integer (64-bit for 8-byte types)
    and wrapped to ``dtype`` (2 ** -1 is 0, int32 7 ** 11 is 1977326720, int8 3 ** 5 is -13)."""
    a = a.astype(numpy.float32) if hasattr(a, "shape") else numpy.float32(a)
    b = b.astype(numpy.float32) if hasattr(b, "shape") else numpy.float32(b)
    with _errstate(xp):
        r = xp.power(a, b).astype(numpy.int64 if dtype.itemsize == 8 else numpy.int32)
    return r.astype(dtype, copy=False)


def _power_fwd(xp, a, b):
    return _int_power(xp, a, b, a.dtype) if a.dtype.kind in "iu" else xp.power(a, b)


power = _binary("power", _power_fwd,
                lambda xp, g, a, b, y: (g * b * xp.power(a, b - 1), g * y * xp.log(xp.where(a > 0, a, 1))))
maximum = _binary("maximum", lambda xp, a, b: xp.maximum(a, b),
                  lambda xp, g, a, b, y: (g * (a >= b), g * (a < b)))
minimum = _binary("minimum", lambda xp, a, b: xp.minimum(a, b),
                  lambda xp, g, a, b, y: (g * (a <= b), g * (a > b)))
hypot = _binary("hypot", lambda xp, a, b: xp.hypot(a, b), lambda xp, g, a, b, y: (g * a / y, g * b / y))
arctan2 = _binary("arctan2", lambda xp, a, b: xp.arctan2(a, b),
                  lambda xp, g, a, b, y: (g * b / (a * a + b * b), -g * a / (a * a + b * b)))


def _cmp(name, fn):
    def forward(xp, a, b):
        try:
            return fn(a, b).astype(a.dtype)
        except ValueError as e:
            _reraise(e, a, b)
    return Op(name, forward, None)


equal = _cmp("equal", lambda a, b: a == b)
not_equal = _cmp("not_equal", lambda a, b: a != b)
greater = _cmp("greater", lambda a, b: a > b)
greater_equal = _cmp("greater_equal", lambda a, b: a >= b)
lesser = _cmp("lesser", lambda a, b: a < b)
lesser_equal = _cmp("lesser_equal", lambda a, b: a <= b)
logical_and = _cmp("logical_and", lambda a, b: (a != 0) & (b != 0))
logical_or = _cmp("logical_or", lambda a, b: (a != 0) | (b != 0))
logical_xor = _cmp("logical_xor", lambda a, b: (a != 0) ^ (b != 0))


# ----------------------------------------------------------------------------- with a Python scalar

def _scalar(name, fwd, bwd=None):
    if bwd is None:
        return Op(name, fwd, None)
    return Op(name, fwd, lambda xp, g, i, y, s, scalar: (bwd(xp, g, i[0], y, scalar),))


def _div_scalar_fwd(xp, x, scalar):
    if x.dtype.kind in "iub":
        with _errstate(xp):
            return xp.trunc(x / scalar).astype(x.dtype)
    return x / scalar


def _rdiv_scalar_fwd(xp, x, scalar):
    if x.dtype.kind in "iub":
        with _errstate(xp):
            return xp.trunc(scalar / x).astype(x.dtype)
    return scalar / x


def _keep(x, r):
    return r if r.dtype == x.dtype else r.astype(x.dtype)


plus_scalar = _scalar("_plus_scalar", lambda xp, x, scalar: x + scalar, lambda xp, g, x, y, s: g)
minus_scalar = _scalar("_minus_scalar", lambda xp, x, scalar: x - scalar, lambda xp, g, x, y, s: g)
rminus_scalar = _scalar("_rminus_scalar", lambda xp, x, scalar: scalar - x, lambda xp, g, x, y, s: -g)
mul_scalar = _scalar("_mul_scalar", lambda xp, x, scalar: x * scalar, lambda xp, g, x, y, s: g * s)
div_scalar = _scalar("_div_scalar", _div_scalar_fwd, lambda xp, g, x, y, s: g / s)
rdiv_scalar = _scalar("_rdiv_scalar", _rdiv_scalar_fwd, lambda xp, g, x, y, s: -g * s / (x * x))
mod_scalar = _scalar("_mod_scalar", lambda xp, x, scalar: _keep(x, xp.mod(x, scalar)), lambda xp, g, x, y, s: g)
rmod_scalar = _scalar("_rmod_scalar", lambda xp, x, scalar: _keep(x, xp.mod(scalar, x)),
                      lambda xp, g, x, y, s: -g * xp.floor(s / x))
power_scalar = _scalar("_power_scalar", lambda xp, x, scalar: _int_power(xp, x, scalar, x.dtype)
                       if x.dtype.kind in "iu" else _keep(x, x ** scalar),
                       lambda xp, g, x, y, s: g * s * x ** (s - 1))
rpower_scalar = _scalar("_rpower_scalar", lambda xp, x, scalar: _int_power(xp, scalar, x, x.dtype)
                        if x.dtype.kind in "iu" else _keep(x, scalar ** x),
                        lambda xp, g, x, y, s: g * y * math.log(s))
maximum_scalar = _scalar("_maximum_scalar",
                         lambda xp, x, scalar: _keep(x, against_value(xp, xp.maximum, x, scalar)),
                         lambda xp, g, x, y, s: g * (x >= s))
minimum_scalar = _scalar("_minimum_scalar",
                         lambda xp, x, scalar: _keep(x, against_value(xp, xp.minimum, x, scalar)),
                         lambda xp, g, x, y, s: g * (x <= s))
equal_scalar = _scalar("_equal_scalar", lambda xp, x, scalar: (x == scalar).astype(x.dtype))
not_equal_scalar = _scalar("_not_equal_scalar", lambda xp, x, scalar: (x != scalar).astype(x.dtype))
greater_scalar = _scalar("_greater_scalar", lambda xp, x, scalar: (x > scalar).astype(x.dtype))
greater_equal_scalar = _scalar("_greater_equal_scalar", lambda xp, x, scalar: (x >= scalar).astype(x.dtype))
lesser_scalar = _scalar("_lesser_scalar", lambda xp, x, scalar: (x < scalar).astype(x.dtype))
lesser_equal_scalar = _scalar("_lesser_equal_scalar", lambda xp, x, scalar: (x <= scalar).astype(x.dtype))


def _clip_fwd(xp, x, a_min, a_max):
    if a_min > a_max:
        # MXNet tests the upper bound first: above a_max gives a_max, else below a_min gives a_min
        return _keep(x, xp.where(x > a_max, a_max, xp.maximum(x, a_min)))
    return _keep(x, xp.clip(x, a_min, a_max))


clip = Op("clip", _clip_fwd,
          lambda xp, g, i, y, s, a_min, a_max: (g * ((i[0] >= a_min) & (i[0] <= a_max)),))


def _where_mask(cond, a):
    """``cond != 0``; a 1-D condition on N-D data selects whole rows (MXNet), so it gains trailing axes."""
    mask = cond != 0
    if cond.ndim == 1 and a.ndim > 1:
        mask = mask.reshape(cond.shape + (1,) * (a.ndim - 1))
    return mask


def _where_bwd(xp, g, inputs, y, saved):
    cond, a, b = inputs
    mask = _where_mask(cond, a)
    return (None, unbroadcast(xp, g * mask, a.shape), unbroadcast(xp, g * ~mask, b.shape))


where = Op("where", lambda xp, cond, a, b: xp.where(_where_mask(cond, a), a, b), _where_bwd)


def _cast_bwd(xp, g, inputs, y, saved, dtype):
    return (g.astype(inputs[0].dtype),)


cast = Op("cast", lambda xp, x, dtype: x.astype(dtype), _cast_bwd)
copy = Op("copy", lambda xp, x: x.copy(), lambda xp, g, i, y, s: (g,))


def _add_n_fwd(xp, *xs):
    out = xs[0].copy()
    for x in xs[1:]:
        out += x
    return out


add_n = Op("add_n", _add_n_fwd, lambda xp, g, inputs, y, s: (g,) * len(inputs))
