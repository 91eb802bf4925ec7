"""Less common MXNet operators: losses and activations, diagonals, N-d gather/scatter, block
rearrangements, moments, special functions (erfinv, gamma, gammaln) and index (un)ravelling.

All written against ``xp`` so numpy and CuPy run the same code. Special functions are computed in
float64 and cast back to the input dtype (integers truncate, as MXNet's kernels do).
"""
import math

from ..backends import scatter_add
from .op import Op


def _zero_grads(xp, g, inputs, y, saved, **attrs):
    """MXNet registers a zero gradient for index arithmetic (ravel/unravel)."""
    return tuple(xp.zeros_like(x) for x in inputs)


def _work(xp, x):
    """``x`` as a float array to compute in: float32/float64 stay, others go to float64."""
    return x if x.dtype.kind == "f" and x.dtype.itemsize >= 4 else x.astype("float64")


# ----------------------------------------------------------------------------- smooth_l1, hard_sigmoid

def _sigma2(x, scalar):
    """MXNet casts ``scalar`` to the data's dtype first (an int array truncates 0.5 to 0)."""
    b = x.dtype.type(scalar)
    return float(b) * float(b)


def _smooth_l1_fwd(xp, x, scalar):
    s2 = _sigma2(x, scalar)
    w = _work(xp, x)
    a = xp.abs(w)
    thresh = math.inf if s2 == 0 else 1.0 / s2
    lin = a - (0.5 / s2 if s2 else math.inf)
    y = xp.where(a > thresh, lin, 0.5 * s2 * w * w)
    return y.astype(x.dtype, copy=False)


def _smooth_l1_bwd(xp, g, inputs, y, saved, scalar):
    x = inputs[0]
    s2 = _sigma2(x, scalar)
    thresh = math.inf if s2 == 0 else 1.0 / s2
    d = xp.where(xp.abs(x) > thresh, xp.sign(x), x * s2)
    return ((g * d).astype(g.dtype, copy=False),)


smooth_l1 = Op("smooth_l1", _smooth_l1_fwd, _smooth_l1_bwd)


def _hard_sigmoid_fwd(xp, x, alpha, beta):
    t = x.dtype.type
    return xp.clip(x * t(alpha) + t(beta), t(0), t(1))


def _hard_sigmoid_bwd(xp, g, inputs, y, saved, alpha, beta):
    x = inputs[0]
    t = x.dtype.type
    z = x * t(alpha) + t(beta)
    return (g * ((z > 0) & (z < 1)).astype(g.dtype) * t(alpha),)


hard_sigmoid = Op("hard_sigmoid", _hard_sigmoid_fwd, _hard_sigmoid_bwd)


# ----------------------------------------------------------------------------- diag

def _diag_fwd(xp, x, k, axis1, axis2):
    if x.ndim == 1:
        return xp.diag(x, k)
    return xp.diagonal(x, k, axis1, axis2).copy()


def _diag_bwd(xp, g, inputs, y, saved, k, axis1, axis2):
    x = inputs[0]
    if x.ndim == 1:
        return (xp.diagonal(g, k).copy(),)
    gx = xp.zeros(x.shape, dtype=g.dtype)
    view = xp.moveaxis(gx, (axis1, axis2), (-2, -1))  # a view: writes land in gx
    n = g.shape[-1]
    rows = xp.arange(n) + max(-k, 0)
    cols = xp.arange(n) + max(k, 0)
    view[..., rows, cols] = g
    return (gx,)


diag = Op("diag", _diag_fwd, _diag_bwd)


# ----------------------------------------------------------------------------- gather_nd / scatter_nd

def _nd_points(xp, indices, shape, wrap):
    """Integer coordinates (M, ...) from ``indices``: negatives wrap once (gather) or stay (scatter);
    non-integral values truncate toward zero, as MXNet's cast does."""
    m = indices.shape[0]
    sizes = xp.asarray(shape[:m], dtype=indices.dtype).reshape((m,) + (1,) * (indices.ndim - 1))
    if wrap:
        indices = xp.where(indices < 0, indices + sizes, indices)
    return indices.astype("int64")


def _gather_nd_fwd(xp, data, indices):
    idx = _nd_points(xp, indices, data.shape, True)
    return data[tuple(idx)]


def _flat_points(xp, idx, shape):
    """Row-major position of each point in ``shape[:M]``."""
    flat = xp.zeros(idx.shape[1:], dtype="int64")
    for j in range(idx.shape[0]):
        flat = flat * shape[j] + idx[j]
    return flat.reshape(-1)


def _gather_nd_bwd(xp, g, inputs, y, saved):
    data, indices = inputs
    idx = _nd_points(xp, indices, data.shape, True)
    m = idx.shape[0]
    rows = math.prod(data.shape[:m])
    gd = xp.zeros((rows,) + data.shape[m:], dtype=g.dtype)
    scatter_add(xp, gd, _flat_points(xp, idx, data.shape), g.reshape((-1,) + data.shape[m:]))
    return (gd.reshape(data.shape), None)


gather_nd = Op("gather_nd", _gather_nd_fwd, _gather_nd_bwd)


def _scatter_valid(xp, idx, shape):
    """Points inside ``shape`` (MXNet drops the others, negatives included) and their safe coordinates."""
    m = idx.shape[0]
    sizes = xp.asarray(shape[:m], dtype="int64").reshape((m,) + (1,) * (idx.ndim - 1))
    valid = ((idx >= 0) & (idx < sizes)).all(axis=0)
    return valid, xp.where(valid, idx, 0)


def _scatter_nd_fwd(xp, data, indices, shape):
    idx = _nd_points(xp, indices, shape, False)
    valid, safe = _scatter_valid(xp, idx, shape)
    out = xp.zeros(shape, dtype=data.dtype)
    out[tuple(safe[:, valid])] = data[valid]  # repeated points: the last write wins (numpy)
    return out


def _scatter_nd_bwd(xp, g, inputs, y, saved, shape):
    data, indices = inputs
    idx = _nd_points(xp, indices, shape, False)
    valid, safe = _scatter_valid(xp, idx, shape)
    picked = g[tuple(safe)]
    mask = valid.reshape(valid.shape + (1,) * (picked.ndim - valid.ndim))
    return (xp.where(mask, picked, g.dtype.type(0)), None)


scatter_nd = Op("scatter_nd", _scatter_nd_fwd, _scatter_nd_bwd)


def _batch_take_fwd(xp, a, indices):
    last = a.shape[-1]
    rows = a.reshape(-1, last)
    idx = xp.clip(indices.reshape(-1).astype("int64"), 0, last - 1)
    return rows[xp.arange(rows.shape[0]), idx].reshape(indices.shape)


batch_take = Op("batch_take", _batch_take_fwd)  # MXNet registers no gradient


# ----------------------------------------------------------------------------- depth_to_space / space_to_depth

def _d2s(xp, x, block):
    n, c, h, w = x.shape
    b = block
    y = x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
    return y.reshape(n, c // (b * b), h * b, w * b)


def _s2d(xp, x, block):
    n, c, h, w = x.shape
    b = block
    y = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
    return y.reshape(n, c * b * b, h // b, w // b)


depth_to_space = Op("depth_to_space", _d2s, lambda xp, g, i, y, s, block: (_s2d(xp, g, block),))
space_to_depth = Op("space_to_depth", _s2d, lambda xp, g, i, y, s, block: (_d2s(xp, g, block),))


# ----------------------------------------------------------------------------- moments

def _moments_fwd(xp, x, axes, shape):
    """(mean, population variance); integer inputs divide with truncation, as MXNet's int kernels."""
    n = math.prod(x.shape[a] for a in axes)
    if x.dtype.kind == "f":  # in the input dtype throughout: float16 sums round at each step, as in MXNet
        mean = x.sum(axis=axes, keepdims=True) / x.dtype.type(n)
        d = x - mean
        var = (d * d).sum(axis=axes, keepdims=True) / x.dtype.type(n)
    else:
        mean = xp.trunc(x.sum(axis=axes, keepdims=True, dtype="int64") / n).astype(x.dtype)
        d = (x - mean).astype("int64")
        var = xp.trunc((d * d).sum(axis=axes, keepdims=True) / n)
    return mean.astype(x.dtype).reshape(shape), var.astype(x.dtype).reshape(shape)


def _moments_bwd(xp, g, inputs, y, saved, axes, shape):
    x = inputs[0]
    n = math.prod(x.shape[a] for a in axes)
    kept = tuple(1 if i in axes else s for i, s in enumerate(x.shape))
    g_mean, g_var = (gi.reshape(kept) for gi in g)
    mean = y[0].reshape(kept)
    return ((g_mean + g_var * 2 * (x - mean)) / n,)


moments = Op("moments", _moments_fwd, _moments_bwd, multi_output=True)


# ----------------------------------------------------------------------------- special functions

# AS241 (Wichura 1988) rational approximations of the normal quantile, ~1e-16 relative error.
_AS241_CENTRAL = ((2.5090809287301226727e+3, 3.3430575583588128105e+4, 6.7265770927008700853e+4,
                   4.5921953931549871457e+4, 1.3731693765509461125e+4, 1.9715909503065514427e+3,
                   1.3314166789178437745e+2, 3.3871328727963666080e+0),
                  (5.2264952788528545610e+3, 2.8729085735721942674e+4, 3.9307895800092710610e+4,
                   2.1213794301586595867e+4, 5.3941960214247511077e+3, 6.8718700749205790830e+2,
                   4.2313330701600911252e+1, 1.0))
_AS241_MID = ((7.74545014278341407640e-4, 2.27238449892691845833e-2, 2.41780725177450611770e-1,
               1.27045825245236838258e+0, 3.64784832476320460504e+0, 5.76949722146069140550e+0,
               4.63033784615654529590e+0, 1.42343711074968357734e+0),
              (1.05075007164441684324e-9, 5.47593808499534494600e-4, 1.51986665636164571966e-2,
               1.48103976427480074590e-1, 6.89767334985100004550e-1, 1.67638483018380384940e+0,
               2.05319162663775882187e+0, 1.0))
_AS241_TAIL = ((2.01033439929228813265e-7, 2.71155556874348757815e-5, 1.24266094738807843860e-3,
                2.65321895265761230930e-2, 2.96560571828504891230e-1, 1.78482653991729133580e+0,
                5.46378491116411436990e+0, 6.65790464350110377720e+0),
               (2.04426310338993978564e-15, 1.42151175831644588870e-7, 1.84631831751005468180e-5,
                7.86869131145613259100e-4, 1.48753612908506148525e-2, 1.36929880922735805310e-1,
                5.99832206555887937690e-1, 1.0))


def _rational(coeffs, r):
    num, den = (0.0 * r, 0.0 * r)
    for a in coeffs[0]:
        num = num * r + a
    for b in coeffs[1]:
        den = den * r + b
    return num / den


def _erfinv64(xp, x):
    """erfinv(x) = ndtri((1 + x) / 2) / sqrt(2), with the tail probability taken as (1 - |x|) / 2
    directly so values near +-1 keep their precision; +-1 give +-inf and |x| > 1 NaN."""
    q = 0.5 * x
    central = q * _rational(_AS241_CENTRAL, 0.180625 - q * q)
    tail_p = xp.maximum(0.5 * (1.0 - xp.abs(x)), 1e-300)
    r = xp.sqrt(-xp.log(tail_p))
    tail = xp.where(r <= 5.0, _rational(_AS241_MID, r - 1.6), _rational(_AS241_TAIL, r - 5.0))
    z = xp.where(xp.abs(q) <= 0.425, central, xp.where(x < 0, -tail, tail))
    z = xp.where(x == 1.0, math.inf, xp.where(x == -1.0, -math.inf, z))
    return xp.where(xp.abs(x) > 1.0, math.nan, z) / math.sqrt(2.0)


def _erfinv_fwd(xp, x):
    return _erfinv64(xp, x.astype("float64")).astype(x.dtype)


def _erfinv_bwd(xp, g, inputs, y, saved):
    yw = y.astype("float64")
    return ((g * (math.sqrt(math.pi) / 2 * xp.exp(yw * yw))).astype(g.dtype),)


erfinv = Op("erfinv", _erfinv_fwd, _erfinv_bwd)

# Lanczos approximation (g = 7, 9 terms), ~1e-15 relative error for x >= 0.5
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)


def _lanczos_sum(z):
    """A(z) of the Lanczos series, for Gamma(z + 1)."""
    s = 0.0 * z + _LANCZOS[0]
    for i, c in enumerate(_LANCZOS[1:], 1):
        s = s + c / (z + i)
    return s


def _nonpositive_int(xp, x):
    return (x <= 0) & (x == xp.floor(x))


def _gammaln64(xp, x):
    """log|Gamma(x)|: Lanczos for x >= 0.5, the reflection formula below; +inf at 0, -1, -2, ..."""
    right = xp.where(x >= 0.5, x, 1.0 - x)  # the argument Lanczos sees
    z = right - 1.0
    t = z + _LANCZOS_G + 0.5
    lg = 0.5 * math.log(2 * math.pi) + (z + 0.5) * xp.log(t) - t + xp.log(_lanczos_sum(z))
    reflected = math.log(math.pi) - xp.log(xp.abs(xp.sin(math.pi * x))) - lg
    out = xp.where((x == 1.0) | (x == 2.0), 0.0, xp.where(x >= 0.5, lg, reflected))
    return xp.where(_nonpositive_int(xp, x), math.inf, out)


def _gamma64(xp, x):
    """Gamma(x): Lanczos for x >= 0.5 (the power split in two so Gamma(171) does not overflow early),
    the reflection formula below; +inf at 0 and NaN at negative integers, as MXNet gives."""
    right = xp.where(x >= 0.5, x, 1.0 - x)
    z = right - 1.0
    t = z + _LANCZOS_G + 0.5
    half = t ** ((z + 0.5) / 2)
    g = math.sqrt(2 * math.pi) * half * (half * xp.exp(-t)) * _lanczos_sum(z)
    reflected = math.pi / (xp.sin(math.pi * x) * g)
    # Gamma(n) = (n-1)! exactly: an int32 Gamma(1) must not truncate 0.9999999999999998 to 0
    out = xp.where(x >= 0.5, xp.where(x == xp.floor(x), xp.round(g), g), reflected)
    out = xp.where(x == 0, math.inf, out)
    return xp.where(_nonpositive_int(xp, x) & (x != 0), math.nan, out)


def digamma64(xp, x):
    """psi(x): recurrence up to x >= 10, then the asymptotic series; reflection for x < 0.5."""
    right = xp.where(x >= 0.5, x, 1.0 - x)
    acc = 0.0 * right
    for _ in range(10):
        small = right < 10.0
        acc = acc - xp.where(small, 1.0 / right, 0.0)
        right = xp.where(small, right + 1.0, right)
    inv2 = 1.0 / (right * right)
    series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))))
    psi = acc + xp.log(right) - 0.5 / right - series
    reflected = psi - math.pi / xp.tan(math.pi * x)
    return xp.where(x >= 0.5, psi, reflected)


def _special(name, fwd64, dfdx):
    """An elementwise op computed in float64 and cast back; ``dfdx(xp, x64, y64)`` is the derivative."""
    def forward(xp, x):
        return fwd64(xp, x.astype("float64")).astype(x.dtype)

    def backward(xp, g, inputs, y, saved):
        x64 = inputs[0].astype("float64")
        return ((g * dfdx(xp, x64, fwd64(xp, x64))).astype(g.dtype),)
    return Op(name, forward, backward)


gammaln = _special("gammaln", _gammaln64, lambda xp, x, y: digamma64(xp, x))
gamma = _special("gamma", _gamma64, lambda xp, x, y: y * digamma64(xp, x))


# ----------------------------------------------------------------------------- ravel / unravel

def _unravel_fwd(xp, data, shape):
    """Coordinates (len(shape), N) with C's truncating division and remainder: no bounds, the first
    coordinate keeps whatever is left (MXNet gives 12 -> [3, 0] for shape (3, 4) and -1 -> [0, -1])."""
    v = data.astype("int64")
    coords = []
    for s in reversed(shape[1:]):
        r = xp.fmod(v, s)
        coords.append(r)
        v = (v - r) // s
    coords.append(v)
    return xp.stack(coords[::-1]).astype(data.dtype)


def _ravel_fwd(xp, data, shape):
    """Row-major flat positions of the columns of ``data`` (len(shape), N); no bounds checked."""
    v = data.astype("int64")
    flat = xp.zeros(v.shape[1:], dtype="int64")
    for j, s in enumerate(shape):
        flat = flat * s + v[j]
    return flat.astype(data.dtype)


unravel_index = Op("unravel_index", _unravel_fwd, _zero_grads)
ravel_multi_index = Op("ravel_multi_index", _ravel_fwd, _zero_grads)
