"""Reductions and normalizing ops. A reduction to a scalar gives shape (1,), as in MXNet."""
from .op import Op


def _as1(r):
    return r.reshape(1) if r.ndim == 0 else r


def _grad_shape(shape, axis, keepdims):
    """Shape of a reduction's output with reduced axes kept as 1 (to broadcast a gradient back)."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _spread(xp, g, x, axis, keepdims):
    return xp.broadcast_to(g.reshape(_grad_shape(x.shape, axis, keepdims)), x.shape)


def _sum_fwd(xp, x, axis, keepdims):
    return _as1(xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype))


def _mean_fwd(xp, x, axis, keepdims):
    if axis is not None and x.size and _count(x, axis) == 1:  # x / 1 is x: a copy in the new shape
        shape = _grad_shape(x.shape, axis, True)
        if not keepdims:
            shape = tuple(n for i, n in enumerate(shape) if i not in axis)
        return _as1(x.reshape(shape).copy())
    r = xp.mean(x, axis=axis, keepdims=keepdims)
    return _as1(r if r.dtype == x.dtype else r.astype(x.dtype))


def _count(x, axis):
    if axis is None:
        return x.size
    n = 1
    for a in axis:
        n *= x.shape[a]
    return n


sum_ = Op("sum", _sum_fwd,
          lambda xp, g, i, y, s, axis, keepdims: (_spread(xp, g, i[0], axis, keepdims).copy(),))


def _mean_bwd(xp, g, inputs, y, saved, axis, keepdims):
    x = inputs[0]
    n = _count(x, axis)
    if n == 1:
        return (g.reshape(x.shape),)
    return (_spread(xp, g, x, axis, keepdims) / n,)


mean = Op("mean", _mean_fwd, _mean_bwd)


def _extreme_bwd(xp, g, inputs, y, saved, axis, keepdims):
    x = inputs[0]
    shape = _grad_shape(x.shape, axis, keepdims)
    return ((x == y.reshape(shape)) * g.reshape(shape),)


max_ = Op("max", lambda xp, x, axis, keepdims: _as1(xp.max(x, axis=axis, keepdims=keepdims)), _extreme_bwd)
min_ = Op("min", lambda xp, x, axis, keepdims: _as1(xp.min(x, axis=axis, keepdims=keepdims)), _extreme_bwd)


def _prod_bwd(xp, g, inputs, y, saved, axis, keepdims):
    x = inputs[0]
    shape = _grad_shape(x.shape, axis, keepdims)
    return (g.reshape(shape) * y.reshape(shape) / x,)


prod = Op("prod", lambda xp, x, axis, keepdims: _as1(xp.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)),
          _prod_bwd)


def _norm_fwd(xp, x, ord, axis, keepdims):
    if ord == 1:
        r = xp.sum(xp.abs(x), axis=axis, keepdims=keepdims, dtype=x.dtype)
    else:
        r = xp.sqrt(xp.sum(x * x, axis=axis, keepdims=keepdims, dtype=x.dtype))
    return _as1(r)


def _norm_bwd(xp, g, inputs, y, saved, ord, axis, keepdims):
    x = inputs[0]
    shape = _grad_shape(x.shape, axis, keepdims)
    g = g.reshape(shape)
    if ord == 1:
        return (g * xp.sign(x),)
    yy = y.reshape(shape)
    return (g * x / xp.where(yy == 0, 1, yy),)


norm = Op("norm", _norm_fwd, _norm_bwd)


def _arg_fwd(fn):
    def forward(xp, x, axis, keepdims):
        if axis is None:
            r = fn(x.reshape(-1), axis=0)
            r = r.reshape((1,) * x.ndim if keepdims else (1,))
        else:
            r = fn(x, axis=axis)
            if keepdims:
                r = xp.expand_dims(r, axis)
        return _as1(r.astype(x.dtype))  # MXNet gives indices in the input's dtype
    return forward


argmax = Op("argmax", lambda xp, x, axis, keepdims: _arg_fwd(xp.argmax)(xp, x, axis, keepdims))
argmin = Op("argmin", lambda xp, x, axis, keepdims: _arg_fwd(xp.argmin)(xp, x, axis, keepdims))


def _softmax_fwd(xp, x, axis, temperature):
    if temperature is not None and temperature != 1:
        x = x / temperature
    e = xp.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_bwd(xp, g, inputs, y, saved, axis, temperature):
    gx = y * (g - (g * y).sum(axis=axis, keepdims=True))
    if temperature is not None and temperature != 1:
        gx = gx / temperature
    return (gx,)


softmax = Op("softmax", _softmax_fwd, _softmax_bwd)


def _length_mask(xp, x, length, axis):
    """True at the positions before ``length`` along ``axis`` (``length`` has x's shape without ``axis``)."""
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    return xp.arange(x.shape[axis]).reshape(shape) < xp.expand_dims(length, axis)


def _softmax_length_fwd(xp, x, length, axis, temperature):
    """softmax over the first ``length`` entries along ``axis``; the rest (and rows of length <= 0) are 0."""
    if temperature is not None and temperature != 1:
        x = x / temperature
    keep = _length_mask(xp, x, length, axis)
    m = xp.where(keep, x, -xp.inf).max(axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0).astype(x.dtype, copy=False)
    e = xp.where(keep, xp.exp(x - m), 0).astype(x.dtype, copy=False)
    den = e.sum(axis=axis, keepdims=True)
    return e / xp.where(den == 0, 1, den).astype(x.dtype, copy=False)


def _softmax_length_bwd(xp, g, inputs, y, saved, axis, temperature):
    return _softmax_bwd(xp, g, inputs, y, saved, axis, temperature)[0], None


softmax_length = Op("softmax", _softmax_length_fwd, _softmax_length_bwd)


def _log_softmax_fwd(xp, x, axis, temperature):
    if temperature is not None and temperature != 1:
        x = x / temperature
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


def _log_softmax_bwd(xp, g, inputs, y, saved, axis, temperature):
    gx = g - xp.exp(y) * g.sum(axis=axis, keepdims=True)
    if temperature is not None and temperature != 1:
        gx = gx / temperature
    return (gx,)


log_softmax = Op("log_softmax", _log_softmax_fwd, _log_softmax_bwd)


def _sort_fwd(xp, x, axis, is_ascend):
    idx = xp.argsort(x, axis=axis, kind="stable")
    if not is_ascend:
        idx = xp.flip(idx, axis=axis)
    return xp.take_along_axis(x, idx, axis=axis), idx


def _scatter_back(xp, g, x, idx, axis):
    """Gradient of a gather along ``axis`` by distinct indices: ``g`` put back where it came from."""
    gx = xp.zeros(x.shape, dtype=g.dtype)
    xp.put_along_axis(gx, idx, g, axis=axis)
    return gx


def _sort_bwd(xp, g, inputs, y, idx, axis, is_ascend):
    return (_scatter_back(xp, g, inputs[0], idx, axis),)


def _argsort_fwd(xp, x, axis, is_ascend, dtype):
    r = xp.argsort(x, axis=axis, kind="stable") if is_ascend else xp.argsort(-x, axis=axis, kind="stable")
    return r.astype(dtype)


sort = Op("sort", _sort_fwd, _sort_bwd, saves=True)
argsort = Op("argsort", _argsort_fwd)


def _topk_indices(xp, x, axis, k, is_ascend):
    order = xp.argsort(x if is_ascend else -x, axis=axis, kind="stable")
    return xp.take(order, xp.arange(k), axis=axis)


def _topk_fwd(xp, x, axis, k, ret_typ, is_ascend, dtype):
    idx = _topk_indices(xp, x, axis, k, is_ascend)
    if ret_typ == "indices":
        return idx.astype(dtype), None
    vals = xp.take_along_axis(x, idx, axis=axis)
    if ret_typ == "value":
        return vals, idx
    if ret_typ == "both":
        return (vals, idx.astype(dtype)), idx
    mask = xp.zeros(x.shape, dtype=x.dtype)
    xp.put_along_axis(mask, idx, 1, axis=axis)
    return mask, None


def _topk_bwd(xp, g, inputs, y, idx, axis, k, ret_typ, is_ascend, dtype):
    """Values flow back to the entries they were taken from; indices and masks carry no gradient."""
    if ret_typ == "both":
        g = g[0]
    if idx is None or g is None:
        return (xp.zeros_like(inputs[0]),)
    return (_scatter_back(xp, g, inputs[0], idx, axis),)


topk = Op("topk", _topk_fwd, _topk_bwd, saves=True)
topk_both = Op("topk", _topk_fwd, _topk_bwd, saves=True, multi_output=True)
