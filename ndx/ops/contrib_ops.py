"""``nd.contrib`` ops: boolean_mask, arange_like, index_copy and AdaptiveAvgPooling2D."""
from .op import Op


def _boolean_mask_fwd(xp, data, index):
    keep = xp.nonzero(index)[0]
    return data[keep], keep


def _boolean_mask_bwd(xp, g, inputs, y, keep):
    grad = xp.zeros(inputs[0].shape, dtype=g.dtype)
    grad[keep] = g
    return grad, None


boolean_mask = Op("_contrib_boolean_mask", _boolean_mask_fwd, _boolean_mask_bwd, saves=True)


def _arange_like_fwd(xp, data, start, step, repeat, axis):
    n = data.size if axis is None else data.shape[axis]
    values = (xp.arange(n) // repeat) * step + start
    values = values.astype(data.dtype)
    return values.reshape(data.shape) if axis is None else values


arange_like = Op("_contrib_arange_like", _arange_like_fwd)


def _copy_plan(xp, index, n):
    """The rows ``index_copy`` writes and the new-tensor rows they take: indices outside ``[0, n)`` are
    skipped and, for a repeated index, the last occurrence wins (MXNet's sequential kernel) on every
    backend, whatever order a device scatter would use."""
    idx = index.astype(xp.int64).reshape(-1)
    pos = xp.arange(idx.shape[0])
    valid = (idx >= 0) & (idx < n)
    idx, pos = idx[valid], pos[valid]
    order = xp.argsort(idx * (pos.shape[0] + 1) + pos)
    idx, pos = idx[order], pos[order]
    last = xp.ones(idx.shape, dtype=bool)
    last[:-1] = idx[1:] != idx[:-1]
    return idx[last], pos[last]


def _index_copy_fwd(xp, old, index, new):
    rows, src = _copy_plan(xp, index, old.shape[0])
    out = old.copy()
    out[rows] = new[src]
    return out


def _index_copy_bwd(xp, g, inputs, y, saved):
    old, index, new = inputs
    rows, src = _copy_plan(xp, index, old.shape[0])
    g_old = g.copy()
    g_old[rows] = 0
    idx = index.astype(xp.int64).reshape(-1)
    valid = (idx >= 0) & (idx < old.shape[0])
    g_new = g[xp.where(valid, idx, 0)] * valid.reshape((-1,) + (1,) * (g.ndim - 1)).astype(g.dtype)
    return g_old, None, g_new


index_copy = Op("_contrib_index_copy", _index_copy_fwd, _index_copy_bwd)


def _bins(xp, n_in, n_out, dtype):
    """``(n_out, n_in)`` 0/1 membership and each bin's size: output ``i`` covers inputs ``floor(i*n_in/n_out)``
    up to ``ceil((i+1)*n_in/n_out)`` (bins overlap when the sizes do not divide)."""
    i = xp.arange(n_out).reshape(-1, 1)
    start = (i * n_in) // n_out
    end = -((-(i + 1) * n_in) // n_out)
    j = xp.arange(n_in).reshape(1, -1)
    return ((j >= start) & (j < end)).astype(dtype), (end - start).astype(dtype)


def _pool_plan(xp, shape, height, width, dtype):
    mh, nh = _bins(xp, shape[2], height, dtype)
    mw, nw = _bins(xp, shape[3], width, dtype)
    return mh, mw, nh * nw.reshape(1, -1)


def _adaptive_avg_fwd(xp, x, height, width):
    # sum each bin, then divide by its size, as MXNet does (1/size weights would round differently)
    mh, mw, counts = _pool_plan(xp, x.shape, height, width, x.dtype)
    return xp.matmul(xp.matmul(mh, x), mw.T) / counts


def _adaptive_avg_bwd(xp, g, inputs, y, saved, height, width):
    mh, mw, counts = _pool_plan(xp, inputs[0].shape, height, width, g.dtype)
    return (xp.matmul(xp.matmul(mh.T, g / counts), mw),)


adaptive_avg_pool2d = Op("_contrib_AdaptiveAvgPooling2D", _adaptive_avg_fwd, _adaptive_avg_bwd)
