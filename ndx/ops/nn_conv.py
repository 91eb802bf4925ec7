"""Convolution and Deconvolution (transposed convolution), 1-, 2- and 3-D, forward and backward.

Channel-first core: a strided window view of the padded input is copied into a column buffer
``(groups, C/groups * prod(kernel), n * prod(out))`` and multiplied with the weight (one GEMM per
group). Work is chunked over the batch so the column buffer stays under ``COL_BYTES``; the backward
recomputes the columns chunk by chunk instead of keeping them (memory stays ~ the activations).
Channel-last layouts (NWC/NHWC/NDHWC) transpose around the core. Deconvolution is the adjoint:
its forward is Convolution's data gradient, its backward Convolution's forward and weight gradient.
"""
import itertools
import math

from .op import Op

COL_BYTES = 4 << 20  # upper bound of one chunk's column buffer


def _chunk(n, per_sample):
    """Samples per chunk so that the column buffer of a chunk stays under COL_BYTES."""
    step = max(1, min(n, COL_BYTES // max(per_sample, 1)))
    chunks = -(-n // step)
    return -(-n // chunks)  # balanced: no small tail chunk


def out_size(size, k, s, d, p):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _windows(xp, x, kernel, stride, dilate, pad):
    """Strided window view ``(n, C, *O, *K)`` of a channel-first chunk ``x`` (n, C, *S), zero padded."""
    nd = len(kernel)
    if any(pad):
        x = xp.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pad))
    ext = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilate))
    win = xp.lib.stride_tricks.sliding_window_view(x, ext, axis=tuple(range(2, 2 + nd)))
    if any(s != 1 for s in stride) or any(d != 1 for d in dilate):
        win = win[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride)
                  + tuple(slice(None, None, d) for d in dilate)]
    return win


def _cols(xp, x, kernel, stride, dilate, pad, groups):
    """Column buffer ``(G, Cg*K, n*P)`` (one GEMM per group over the whole chunk): the backward's layout."""
    nd = len(kernel)
    win = _windows(xp, x, kernel, stride, dilate, pad)
    n, c = win.shape[:2]
    osz = win.shape[2:2 + nd]
    perm = (1,) + tuple(range(2 + nd, 2 + 2 * nd)) + (0,) + tuple(range(2, 2 + nd))  # (C, *K, n, *O)
    cols = win.transpose(perm).reshape(groups, (c // groups) * math.prod(kernel), n * math.prod(osz))
    return cols, osz


def _sample_cols(xp, x, kernel, stride, dilate, pad, groups):
    """Column buffer ``(n, G, Cg*K, P)``: per-sample GEMMs write the output in (n, F, *O) order directly."""
    nd = len(kernel)
    win = _windows(xp, x, kernel, stride, dilate, pad)
    n, c = win.shape[:2]
    osz = win.shape[2:2 + nd]
    perm = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd))  # (n, C, *K, *O)
    return win.transpose(perm).reshape(n, groups, (c // groups) * math.prod(kernel), math.prod(osz))


def _to_channel_first(x, nd):
    return x.transpose((0, nd + 1) + tuple(range(1, nd + 1)))


def _to_channel_last(x, nd):
    return x.transpose((0,) + tuple(range(2, nd + 2)) + (1,))


def conv_forward(xp, x, w, kernel, stride, dilate, pad, groups):
    """Channel-first convolution (no bias): x (N, C, *S), w (F, C/G, *K) -> (N, F, *O)."""
    nd = len(kernel)
    n, c = x.shape[:2]
    f = w.shape[0]
    osz = tuple(out_size(x.shape[2 + i], kernel[i], stride[i], dilate[i], pad[i]) for i in range(nd))
    out = xp.empty((n, f) + osz, dtype=x.dtype)
    wm = w.reshape(groups, f // groups, -1)
    step = _chunk(n, c * math.prod(kernel) * math.prod(osz) * x.dtype.itemsize)
    for a in range(0, n, step):
        cols = _sample_cols(xp, x[a:a + step], kernel, stride, dilate, pad, groups)
        dst = out[a:a + step]
        xp.matmul(wm, cols, out=dst.reshape(dst.shape[0], groups, f // groups, -1))
    return out


def _col2im(xp, dcols, shape_padded, kernel, stride, dilate, osz):
    """Scatter-add column gradients ``(C, *K, n, *O)`` into a zero padded ``(C, n, *Sp)`` buffer."""
    nd = len(kernel)
    dxp = xp.zeros(shape_padded, dtype=dcols.dtype)
    for offs in itertools.product(*[range(k) for k in kernel]):
        idx = (slice(None), slice(None)) + tuple(
            slice(o * d, o * d + s * (m - 1) + 1, s) for o, d, s, m in zip(offs, dilate, stride, osz))
        dxp[idx] += dcols[(slice(None),) + offs]
    return dxp


def conv_backward(xp, gy, x, w, kernel, stride, dilate, pad, groups, need_dx=True, need_dw=True,
                  x_shape=None):
    """Gradients (dx, dw) of the channel-first convolution for output gradient ``gy`` (N, F, *O).

    ``x`` may be None when only ``dx`` is wanted; then ``x_shape`` gives the input shape.
    """
    nd = len(kernel)
    x_shape = x.shape if x is not None else x_shape
    n, c = x_shape[:2]
    f = w.shape[0]
    osz = gy.shape[2:]
    p_out = math.prod(osz)
    kprod = math.prod(kernel)
    wm = w.reshape(groups, f // groups, -1)
    dw = xp.zeros(wm.shape, dtype=w.dtype) if need_dw else None
    dx = xp.empty(x_shape, dtype=gy.dtype) if need_dx else None
    sp = tuple(s + 2 * p for s, p in zip(x_shape[2:], pad))
    wt = wm.transpose(0, 2, 1) if need_dx else None
    step = _chunk(n, c * kprod * p_out * gy.dtype.itemsize)
    for a in range(0, n, step):
        g = gy[a:a + step]
        m = g.shape[0]
        gm = xp.ascontiguousarray(g.transpose((1, 0) + tuple(range(2, 2 + nd)))).reshape(groups, f // groups, m * p_out)
        if need_dw:
            cols, _ = _cols(xp, x[a:a + step], kernel, stride, dilate, pad, groups)
            dw += xp.matmul(gm, cols.transpose(0, 2, 1))
            del cols
        if need_dx:
            dcols = xp.matmul(wt, gm).reshape((c,) + tuple(kernel) + (m,) + tuple(osz))
            dxp = _col2im(xp, dcols, (c, m) + sp, kernel, stride, dilate, osz)
            inner = (slice(None), slice(None)) + tuple(slice(p, p + s) for p, s in zip(pad, x_shape[2:]))
            dx[a:a + step] = dxp[inner].transpose((1, 0) + tuple(range(2, 2 + nd)))
    return dx, (dw.reshape(w.shape) if need_dw else None)


# ----------------------------------------------------------------------------- Convolution op

def _conv_fwd(xp, x, w, *bias, kernel, stride, dilate, pad, num_group, channel_last):
    nd = len(kernel)
    if channel_last:
        x, w = _to_channel_first(x, nd), _to_channel_first(w, nd)
    y = conv_forward(xp, x, w, kernel, stride, dilate, pad, num_group)
    if bias:
        y += bias[0].reshape((1, -1) + (1,) * nd)
    if channel_last:
        y = xp.ascontiguousarray(_to_channel_last(y, nd))
    return y


def _conv_bwd(xp, gy, inputs, y, saved, kernel, stride, dilate, pad, num_group, channel_last):
    nd = len(kernel)
    x, w = inputs[0], inputs[1]
    if channel_last:
        x, w, gy = _to_channel_first(x, nd), _to_channel_first(w, nd), _to_channel_first(gy, nd)
    dx, dw = conv_backward(xp, gy, x, w, kernel, stride, dilate, pad, num_group)
    if channel_last:
        dx, dw = _to_channel_last(dx, nd), _to_channel_last(dw, nd)
    grads = (dx, dw)
    if len(inputs) == 3:
        grads += (gy.sum(axis=(0,) + tuple(range(2, 2 + nd))),)
    return grads


convolution = Op("Convolution", _conv_fwd, _conv_bwd)


# ----------------------------------------------------------------------------- Deconvolution op

def deconv_out_size(size, k, s, d, p, adj):
    return (size - 1) * s - 2 * p + d * (k - 1) + 1 + adj


def _deconv_fwd(xp, x, w, *bias, kernel, stride, dilate, pad, adj, num_group, channel_last):
    nd = len(kernel)
    if channel_last:
        x, w = _to_channel_first(x, nd), _to_channel_first(w, nd)
    n = x.shape[0]
    cout = w.shape[1] * num_group
    osz = tuple(deconv_out_size(x.shape[2 + i], kernel[i], stride[i], dilate[i], pad[i], adj[i]) for i in range(nd))
    # the transposed convolution is the data gradient of a convolution (cout -> cin channels)
    y, _ = conv_backward(xp, x, None, w, kernel, stride, dilate, pad, num_group, need_dw=False,
                         x_shape=(n, cout) + osz)
    if bias:
        y += bias[0].reshape((1, -1) + (1,) * nd)
    if channel_last:
        y = xp.ascontiguousarray(_to_channel_last(y, nd))
    return y


def _deconv_bwd(xp, gy, inputs, y, saved, kernel, stride, dilate, pad, adj, num_group, channel_last):
    nd = len(kernel)
    x, w = inputs[0], inputs[1]
    if channel_last:
        x, w, gy = _to_channel_first(x, nd), _to_channel_first(w, nd), _to_channel_first(gy, nd)
    dx = conv_forward(xp, gy, w, kernel, stride, dilate, pad, num_group)
    _, dw = conv_backward(xp, x, gy, w, kernel, stride, dilate, pad, num_group, need_dx=False)
    if channel_last:
        dx, dw = _to_channel_last(dx, nd), _to_channel_last(dw, nd)
    grads = (dx, dw)
    if len(inputs) == 3:
        grads += (gy.sum(axis=(0,) + tuple(range(2, 2 + nd))),)
    return grads


deconvolution = Op("Deconvolution", _deconv_fwd, _deconv_bwd)
