"""Indexing ops: basic/advanced getitem, take, pick, one_hot, gather-style lookups."""
from ..backends import scatter_add
from .op import Op


def _is_basic(key):
    return all(k is None or k is Ellipsis or isinstance(k, (int, slice)) for k in key)


def _getitem_bwd(xp, g, inputs, y, saved, key):
    x = inputs[0]
    gx = xp.zeros(x.shape, dtype=g.dtype)
    if _is_basic(key if type(key) is tuple else (key,)):
        gx[key] = g.reshape(gx[key].shape)
    else:
        # advanced indexing may repeat positions: accumulate through flat positions
        pos = xp.arange(x.size).reshape(x.shape)[key]
        flat = gx.reshape(-1)
        scatter_add(xp, flat, pos.reshape(-1), g.reshape(-1))
    return (gx,)


def _getitem_fwd(xp, x, key):
    r = x[key]
    if r.ndim == 0:
        return r.reshape(1)
    # MXNet copies everything but first-axis basic indexing (which getitem_view serves)
    return r.copy() if _is_basic(key if type(key) is tuple else (key,)) else r


getitem = Op("getitem", _getitem_fwd, _getitem_bwd)
# a view of x (basic first-axis indexing): shares memory, differentiable the same way
getitem_view = Op("getitem", lambda xp, x, key: x[key], _getitem_bwd)


def _norm_index(xp, idx, n, mode):
    idx = idx.astype("int64")  # a copy: clipped in place below
    if mode == "wrap":
        return idx % n
    xp.maximum(idx, 0, out=idx)
    return xp.minimum(idx, n - 1, out=idx)


def _take_fwd(xp, a, indices, axis, mode):
    return xp.take(a, _norm_index(xp, indices, a.shape[axis], mode), axis=axis)


def _take_bwd(xp, g, inputs, y, saved, axis, mode):
    a, indices = inputs
    idx = _norm_index(xp, indices, a.shape[axis], mode).reshape(-1)
    ga = xp.zeros((a.shape[axis],) + a.shape[:axis] + a.shape[axis + 1:], dtype=g.dtype)
    # g has shape a.shape[:axis] + indices.shape + a.shape[axis+1:]; move the index dims first
    g = xp.moveaxis(g.reshape(a.shape[:axis] + (idx.size,) + a.shape[axis + 1:]), axis, 0)
    scatter_add(xp, ga, idx, g)
    return (xp.moveaxis(ga, 0, axis), None)


take = Op("take", _take_fwd, _take_bwd)


def _pick_index(xp, data, index, axis, mode):
    n = data.shape[axis]
    idx = _norm_index(xp, index, n, mode)
    if idx.ndim < data.ndim:
        idx = xp.expand_dims(idx, axis)
    return idx


def _pick_fwd(xp, data, index, axis, keepdims, mode):
    out = xp.take_along_axis(data, _pick_index(xp, data, index, axis, mode), axis=axis)
    return out if keepdims else out.squeeze(axis)


def _pick_bwd(xp, g, inputs, y, saved, axis, keepdims, mode):
    data, index = inputs
    idx = _pick_index(xp, data, index, axis, mode)
    shape = [1] * data.ndim
    shape[axis] = data.shape[axis]
    mask = xp.arange(data.shape[axis]).reshape(shape) == idx
    if not keepdims:
        g = xp.expand_dims(g, axis)
    return (mask * g, None)


pick = Op("pick", _pick_fwd, _pick_bwd)


# ----------------------------------------------------------------- log_softmax + pick, fused
# Gluon's SoftmaxCrossEntropyLoss (sparse labels) is ``-pick(log_softmax(pred), label)``: three ops
# and three graph nodes per step. Fused, with the same arithmetic in the same order, so values and
# gradients are bit-identical to the composition (the gradient at the label, ``e*g - g``, is the
# composition's ``-g - (-(e*g))`` rearranged exactly).

def _softmax_ce_fwd(xp, pred, label, axis):
    shifted = pred - pred.max(axis=axis, keepdims=True)
    logp = shifted
    logp -= xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
    if logp.ndim == 2 and axis == 1:  # (batch, classes): plain fancy indexing, no index arrays built
        rows, cols = _label_rows_cols(xp, logp, label)
        return -logp[rows, cols].reshape(-1, 1), logp
    idx = _pick_index(xp, logp, label, axis, "clip")
    return -xp.take_along_axis(logp, idx, axis=axis), logp


def _softmax_ce_bwd(xp, g, inputs, y, logp, axis):
    gx = xp.exp(logp)
    gx *= g
    if logp.ndim == 2 and axis == 1:
        rows, cols = _label_rows_cols(xp, logp, inputs[1])
        gx[rows, cols] -= g.reshape(-1)  # e*g - g at the label; rows are distinct
        return gx, None
    idx = _pick_index(xp, logp, inputs[1], axis, "clip")
    shape = [1] * logp.ndim
    shape[axis] = logp.shape[axis]
    label = xp.arange(logp.shape[axis]).reshape(shape) == idx
    gx -= label * g  # exactly e*g - g at the label, e*g (minus a zero) elsewhere
    return gx, None


def _label_rows_cols(xp, logp, label):
    """(row numbers, clipped class of each row) of a (batch, classes) ``logp``."""
    n, classes = logp.shape
    return xp.arange(n), _norm_index(xp, label.reshape(n), classes, "clip")


softmax_ce_sparse = Op("softmax_ce_sparse", _softmax_ce_fwd, _softmax_ce_bwd, saves=True)


def _one_hot_fwd(xp, indices, depth, on_value, off_value, dtype):
    idx = indices.astype("int64")
    hot = idx[..., None] == xp.arange(depth)
    return xp.where(hot, on_value, off_value).astype(dtype)


one_hot = Op("one_hot", _one_hot_fwd)
