"""Pooling (max, avg, sum, lp), 1-, 2- and 3-D, channel-first core, forward and backward.

The padded input is viewed as strided windows ``(N, C, *O, *K)``. Max pooling ignores padding (pads
with the dtype's lowest value, so a window lying wholly in the padding yields it, as MXNet does) and
sends each window's gradient to its first maximum. Average pooling divides by the window clipped to
the padded extent (``count_include_pad``) or to the real cells. Windows of the ``full`` (ceil)
convention may run past the padded input: the overhang is padding that never counts.
"""
import itertools
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


def _windows(xp, x, kernel, stride, pads, fill):
    nd = len(kernel)
    if any(lo or hi for lo, hi in pads):
        x = xp.pad(x, ((0, 0), (0, 0)) + pads, mode="constant", constant_values=fill)
    win = xp.lib.stride_tricks.sliding_window_view(x, tuple(kernel), axis=tuple(range(2, 2 + nd)))
    if any(s != 1 for s in stride):
        win = win[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride)]
    return win


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
    nd = len(kernel)
    osz, pads = _geometry(x.shape[2:], kernel, stride, pad, convention)
    red = tuple(range(2 + nd, 2 + 2 * nd))
    if pool_type == "max":
        win = _windows(xp, x, kernel, stride, pads, xp.finfo(x.dtype).min if x.dtype.kind == "f" else 0)
        return win.max(axis=red)
    win = _windows(xp, x, kernel, stride, pads, 0)
    if pool_type == "lp":
        y = (abs(win) ** p_value).sum(axis=red) if p_value != 2 else (win * win).sum(axis=red)
        return (y ** (1.0 / p_value)).astype(x.dtype, copy=False)
    y = win.sum(axis=red)
    if pool_type == "avg":
        y /= _divisor(xp, x.shape[2:], kernel, stride, pad, pads, osz, count_include_pad, x.dtype)
    return y


def _scatter(xp, contribs, x_shape, kernel, stride, pads, osz):
    """Sum per-offset contributions ``contribs(offs)`` (N, C, *O) back into the input (N, C, *S)."""
    sp = tuple(s + lo + hi for s, (lo, hi) in zip(x_shape[2:], pads))
    dxp = None
    for j, offs in enumerate(itertools.product(*[range(k) for k in kernel])):
        c = contribs(j, offs)
        if dxp is None:
            dxp = xp.zeros(x_shape[:2] + sp, dtype=c.dtype)
        idx = (slice(None), slice(None)) + tuple(
            slice(o, o + s * (m - 1) + 1, s) for o, s, m in zip(offs, stride, osz))
        dxp[idx] += c
    inner = (slice(None), slice(None)) + tuple(slice(lo, lo + s) for (lo, _), s in zip(pads, x_shape[2:]))
    return dxp[inner]


def _bwd(xp, g, inputs, y, saved, kernel, stride, pad, pool_type, convention, count_include_pad, p_value):
    x = inputs[0]
    nd = len(kernel)
    osz, pads = _geometry(x.shape[2:], kernel, stride, pad, convention)
    if pool_type == "max":
        win = _windows(xp, x, kernel, stride, pads, xp.finfo(x.dtype).min if x.dtype.kind == "f" else 0)
        first = win.reshape(win.shape[:2 + nd] + (-1,)).argmax(axis=-1)
        return (_scatter(xp, lambda j, offs: g * (first == j), x.shape, kernel, stride, pads, osz),)
    if pool_type == "lp":
        win = _windows(xp, x, kernel, stride, pads, 0)
        # d/dx (sum |x|^p)^(1/p) = |x|^(p-1) sign(x) / y^(p-1)
        scale = g / xp.where(y == 0, 1, y) ** (p_value - 1)
        part = xp.abs(win) ** (p_value - 1) * xp.sign(win)

        def contrib(j, offs):
            return scale * part[(Ellipsis,) + offs]
        return (_scatter(xp, contrib, x.shape, kernel, stride, pads, osz).astype(x.dtype, copy=False),)
    if pool_type == "avg":
        g = g / _divisor(xp, x.shape[2:], kernel, stride, pad, pads, osz, count_include_pad, g.dtype)
    return (_scatter(xp, lambda j, offs: g, x.shape, kernel, stride, pads, osz),)


pooling = Op("Pooling", _fwd, _bwd)
