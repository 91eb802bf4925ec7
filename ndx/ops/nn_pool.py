"""Pooling (max, avg, sum, lp), 1-, 2- and 3-D, channel-first core, forward and backward.

Computed with one strided slice of the padded input per kernel offset. Max pooling ignores padding (pads
with the dtype's lowest value, so a window lying wholly in the padding yields it, as MXNet does) and
sends each window's gradient to its first maximum. Average pooling divides by the window clipped to
the padded extent (``count_include_pad``) or to the real cells. Windows of the ``full`` (ceil)
convention may run past the padded input: the overhang is padding that never counts.
"""
import itertools
import math
from .op import Op


def pool_out_size(size, k, s, p, convention):
    if convention == "full":
        return -(-(size + 2 * p - k) // s) + 1
    if convention == "same":
        return -(-size // s)
    return (size + 2 * p - k) // s + 1


def _geometry(shape, kernel, stride, pad, convention):
    """(output sizes, (lo, hi) padding per spatial axis)."""
    osz, pads = [], []
    for size, k, s, p in zip(shape, kernel, stride, pad):
        o = pool_out_size(size, k, s, p, convention)
        if convention == "same":
            total = max((o - 1) * s + k - size, 0)
            lo = total // 2
        else:
            lo = p
        hi = max((o - 1) * s + k - size - lo, 0)
        osz.append(o)
        pads.append((lo, hi))
    return tuple(osz), tuple(pads)


def _padded(xp, x, pads, fill):
    if any(lo or hi for lo, hi in pads):
        return xp.pad(x, ((0, 0), (0, 0)) + pads, mode="constant", constant_values=fill)
    return x


def _offsets(kernel, stride, osz):
    """(flat index, strided slice) of every kernel offset: the cells each window reads at that offset."""
    for j, offs in enumerate(itertools.product(*[range(k) for k in kernel])):
        yield j, offs, (slice(None), slice(None)) + tuple(
            slice(o, o + s * (m - 1) + 1, s) for o, s, m in zip(offs, stride, osz))


def _lowest(xp, dtype):
    return xp.finfo(dtype).min if dtype.kind == "f" else xp.iinfo(dtype).min


def _divisor(xp, shape, kernel, stride, pad, pads, osz, count_include_pad, dtype):
    """Per-output window sizes for average pooling, broadcastable to (N, C, *O)."""
    div = None
    for i, (size, k, s, p, (lo, _), o) in enumerate(zip(shape, kernel, stride, pad, pads, osz)):
        start = xp.arange(o) * s
        end = start + k
        if count_include_pad:
            cnt = xp.minimum(end, size + 2 * p) - start
        else:
            cnt = xp.minimum(end, lo + size) - xp.maximum(start, lo)
        cnt = xp.maximum(cnt, 1)  # a window wholly in the padding sums to 0; MXNet outputs 0 there
        cnt = cnt.reshape((o,) + (1,) * (len(osz) - 1 - i)).astype(dtype)
        div = cnt if div is None else div * cnt
    return div


def _fwd(xp, x, kernel, stride, pad, pool_type, convention, count_include_pad, p_value):
    # one elementwise pass per kernel offset over the output: far faster than reducing a window view
    osz, pads = _geometry(x.shape[2:], kernel, stride, pad, convention)
    xp_ = _padded(xp, x, pads, _lowest(xp, x.dtype) if pool_type == "max" else 0)
    y = None
    for _, _, idx in _offsets(kernel, stride, osz):
        v = xp_[idx]
        if pool_type == "lp":  # MXNet raises x (not |x|) to p, and takes the real p-th root: signed for odd p
            v = v if p_value == 1 else v * v if p_value == 2 else v * v * v
        if y is None:
            y = v.copy()
        elif pool_type == "max":
            xp.maximum(y, v, out=y)
        else:
            y += v
    if pool_type == "lp":
        return y if p_value == 1 else xp.sqrt(y) if p_value == 2 else xp.cbrt(y)
    if pool_type == "avg":
        y /= _divisor(xp, x.shape[2:], kernel, stride, pad, pads, osz, count_include_pad, x.dtype)
    return y


def _bwd(xp, g, inputs, y, saved, kernel, stride, pad, pool_type, convention, count_include_pad, p_value):
    x = inputs[0]
    osz, pads = _geometry(x.shape[2:], kernel, stride, pad, convention)
    sp = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads))
    # windows that tile the padded input exactly are disjoint and cover it: plain assignment suffices
    tiled = all(s == k and n == o * k for s, k, n, o in zip(stride, kernel, sp, osz))
    dxp = (xp.empty if tiled else xp.zeros)(x.shape[:2] + sp, dtype=g.dtype)
    if pool_type == "max":
        # each window's gradient goes to its first maximum (MXNet's tie rule): the first offset
        # whose cell equals the window's output, among the windows no earlier offset claimed
        xp_ = _padded(xp, x, pads, _lowest(xp, x.dtype))
        last = math.prod(kernel) - 1
        free = None
        for j, _, idx in _offsets(kernel, stride, osz):
            hit = xp_[idx] == y
            if free is not None:
                hit &= free
            if tiled:
                xp.multiply(g, hit, out=dxp[idx])
            else:
                dxp[idx] += g * hit
            if j < last:
                free = ~hit if free is None else xp.greater(free, hit, out=free)  # free and not hit
    elif pool_type == "lp":
        xp_ = _padded(xp, x, pads, 0)
        # MXNet's gradient: g * (x / y)^(p-1), 0 where y == 0 (p > 1); p = 1 passes g through
        scale = g if p_value == 1 else xp.where(y == 0, 0, g / xp.where(y == 0, 1, y) ** (p_value - 1))
        for _, _, idx in _offsets(kernel, stride, osz):
            v = xp_[idx]
            part = scale if p_value == 1 else (scale * v ** (p_value - 1)).astype(dxp.dtype, copy=False)
            if tiled:
                dxp[idx] = part
            else:
                dxp[idx] += part
    else:
        if pool_type == "avg" and count_include_pad and _onednn_backward(g.dtype, osz, kernel, stride, pad,
                                                                         convention):
            # MXNet 1.9.1's oneDNN backward divides by the whole kernel size, even for a ceil-mode
            # window running past the padded input, whose forward divided by the clipped size
            g = g / g.dtype.type(math.prod(kernel))
        elif pool_type == "avg":
            g = g / _divisor(xp, x.shape[2:], kernel, stride, pad, pads, osz, count_include_pad, g.dtype)
        for _, _, idx in _offsets(kernel, stride, osz):
            if tiled:
                dxp[idx] = g
            else:
                dxp[idx] += g
    inner = (slice(None), slice(None)) + tuple(slice(lo, lo + s) for (lo, _), s in zip(pads, x.shape[2:]))
    return (dxp[inner],)


def _onednn_backward(dtype, osz, kernel, stride, pad, convention):
    """Whether MXNet 1.9.1 runs an average pooling's backward through oneDNN (observed rule).

    oneDNN takes float32 1-3D pooling; for the ``full`` convention MXNet asks it only when the padded
    extent needs no extra right padding, but it checks that on the output gradient's shape, not the
    input's: ``(out + 2*pad - kernel) % stride == 0`` on every axis. Otherwise its own kernel
    divides each window by the size clipped to the padded input, as the forward does.
    """
    if dtype != "float32" or not 1 <= len(kernel) <= 3:
        return False
    if convention != "full":
        return True
    return all((o + 2 * p - k) % s == 0 for o, k, s, p in zip(osz, kernel, stride, pad))


pooling = Op("Pooling", _fwd, _bwd)
