"""Convolution and Deconvolution (transposed convolution), 1-, 2- and 3-D, forward and backward.

Channel-first core with one strategy per kind of convolution:

- **pointwise** (1x1 kernel, no padding): one GEMM over (channels, samples x cells), no columns;
- **depthwise** (groups == channels): shift-and-accumulate, one multiply-add over the output per
  kernel offset on contiguous runs of a flattened padded grid (strides split the grid into phases);
  no GEMM, no columns;
- **general**: im2col + one GEMM per batch chunk and group. Stride-1 columns are long contiguous
  runs of the flattened padded grid (cheap to copy; the GEMM also computes the few cells past each
  output row, dropped after); strided ones a copied window view. Chunks keep the column buffer
  under ``COL_BYTES``; the backward recomputes the columns chunk by chunk instead of keeping them.
  The data gradient of a stride-1 convolution is itself a convolution (of the padded output
  gradient with the flipped, transposed kernel) and runs the same way; strided ones (and inputs
  with few channels) scatter-add column gradients (col2im).

Work buffers are kept per thread and reused (``_scratch``): on the CPU, first-touch page faults of
fresh multi-MB temporaries cost more than the arithmetic done in them. Gradients of inputs outside
the autograd graph are skipped (``masked`` ops). Channel-last layouts (NWC/NHWC/NDHWC) transpose
around the core. Deconvolution is the adjoint: its forward is Convolution's data gradient, its
backward Convolution's forward and weight gradient.
"""
import itertools
import math
import threading

from ..backends.base import CACHE_CLEARERS
from . import host_threads
from .elemwise import relu_array
from .op import Op

COL_BYTES = 4 << 20  # upper bound of one chunk's column buffer (cache-sized chunks run faster)
SCRATCH_BYTES = 32 << 20  # work buffers up to this size are kept per thread and reused across calls

_scratch_cache = threading.local()


def release_scratch():
    """Drop this thread's kept work buffers (``ctx.empty_cache()`` calls it)."""
    _scratch_cache.bufs = {}


CACHE_CLEARERS.append(release_scratch)


_LAYOUT_BUFFERS = 32  # zero-bordered buffers kept per thread (one per distinct layout)


def _scratch(xp, like, slot, size, zero=False, layout=None):
    """A reused flat work buffer of ``size`` elements of ``like``'s dtype on ``like``'s device.

    Internal temporaries only (never returned). First-touch page faults of fresh multi-MB arrays
    cost more than the arithmetic done in them, so kept buffers beat fresh allocations on the CPU.
    ``zero=True`` zeroes it. With a ``layout`` as well (a hashable description of the only cells
    the caller ever writes: a padded interior), the buffer is kept for that layout alone and
    zeroed once, when it is made; the cells outside the layout's stay zero.
    """
    dtype = like.dtype
    if size * dtype.itemsize > SCRATCH_BYTES:
        return (xp.zeros if zero else xp.empty)(size, dtype=dtype)
    bufs = getattr(_scratch_cache, "bufs", None)
    if bufs is None:
        bufs = _scratch_cache.bufs = {}
    per_layout = zero and layout is not None
    key = (id(xp), str(getattr(like, "device", "")), slot, dtype.str) + ((size, layout) if per_layout else ())
    buf = bufs.get(key)
    fresh = buf is None or buf.shape[0] < size
    if fresh:
        if per_layout and sum(len(k) > 4 for k in bufs) >= _LAYOUT_BUFFERS:
            del bufs[next(k for k in bufs if len(k) > 4)]  # the oldest layout's buffer
        buf = bufs[key] = xp.empty(max(size, 1), dtype=dtype)
    buf = buf[:size]
    if zero and (fresh or not per_layout):
        buf.fill(0)
    return buf


def _chunk(n, per_sample):
    """Samples per chunk so that the column buffer of a chunk stays under COL_BYTES."""
    step = max(1, min(n, COL_BYTES // max(per_sample, 1)))
    chunks = -(-n // step)
    return -(-n // chunks)  # balanced: no small tail chunk


def out_size(size, k, s, d, p):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _all_slice(nd):
    return (slice(None),) * nd


class _Padder:
    """Zero padded copies of equally shaped batch chunks, written into one reused buffer.

    The borders are zeroed once; each chunk only overwrites the interior.
    """

    def __init__(self, xp, shape, lo, hi, like):
        self.inner = tuple(slice(a, a + s) for a, s in zip(lo, shape[2:]))
        self.padded = any(lo) or any(hi)
        if self.padded:
            full = shape[:2] + tuple(s + a + b for s, a, b in zip(shape[2:], lo, hi))
            self.buf = _scratch(xp, like, "pad", math.prod(full), zero=True,
                                layout=(tuple(shape), tuple(lo), tuple(hi))).reshape(full)

    def __call__(self, chunk):
        if not self.padded:
            return chunk
        m = chunk.shape[0]
        self.buf[(slice(0, m), slice(None)) + self.inner] = chunk
        return self.buf[:m]


def _windows(xp, xpad, kernel, stride, dilate, osz):
    """Strided window view ``(n, C, *O, *K)`` of a padded channel-first array ``(n, C, *Sp)``."""
    st = xpad.strides
    nd = len(kernel)
    shape = tuple(xpad.shape[:2]) + tuple(osz) + tuple(kernel)
    strides = tuple(st[:2]) + tuple(st[2 + i] * stride[i] for i in range(nd)) + \
        tuple(st[2 + i] * dilate[i] for i in range(nd))
    return xp.lib.stride_tricks.as_strided(xpad, shape, strides)


def _im2col(win, buf):
    """Copy a window view ``(m, C, *O, *K)`` into the flat buffer ``buf`` as columns ``(C, *K, m, *O)``.

    One GEMM then covers the whole chunk, contracting over channels x kernel offsets, or (for the
    weight gradient) over samples x output cells.
    """
    nd = (win.ndim - 2) // 2
    perm = (1,) + tuple(range(2 + nd, 2 + 2 * nd)) + (0,) + tuple(range(2, 2 + nd))
    shape = tuple(win.shape[i] for i in perm)
    dst = buf[:math.prod(shape)].reshape(shape)
    dst[...] = win.transpose(perm)
    return dst


def _geometry(x_shape, kernel, stride, dilate, pad):
    return tuple(out_size(x_shape[2 + i], kernel[i], stride[i], dilate[i], pad[i]) for i in range(len(kernel)))


def _per_channel(c, groups):
    """Depthwise: every filter reads exactly one input channel."""
    return groups == c > 1


def _pointwise(kernel, pad):
    return math.prod(kernel) == 1 and not any(pad)


def _strided(x, stride):
    if any(s != 1 for s in stride):
        return x[_all_slice(2) + tuple(slice(None, None, s) for s in stride)]
    return x


# ----------------------------------------------------------------------------- forward

def conv_forward(xp, x, w, kernel, stride, dilate, pad, groups):
    """Channel-first convolution (no bias): x (N, C, *S), w (F, C/G, *K) -> (N, F, *O)."""
    osz = _geometry(x.shape, kernel, stride, dilate, pad)
    if _per_channel(x.shape[1], groups):
        return _per_channel_forward(xp, x, w, kernel, stride, dilate, pad, osz)
    if _pointwise(kernel, pad):
        return _pointwise_forward(xp, x, w, stride, groups, osz)
    return _im2col_forward(xp, x, w, kernel, stride, dilate, pad, groups, osz)


def _pointwise_forward(xp, x, w, stride, groups, osz):
    n, c = x.shape[:2]
    f = w.shape[0]
    p = math.prod(osz)
    wm = w.reshape(groups, f // groups, c // groups)
    xs = _strided(x, stride)
    if n == 1:
        return xp.matmul(wm, xs.reshape(groups, c // groups, p)).reshape((1, f) + osz)
    # one GEMM over the whole batch (channels x (samples * cells)) rather than one per sample
    xt = xp.ascontiguousarray(xs.reshape(n, c, p).transpose(1, 0, 2)).reshape(groups, c // groups, n * p)
    y = xp.matmul(wm, xt).reshape(f, n, p).transpose(1, 0, 2)
    return xp.ascontiguousarray(y).reshape((n, f) + osz)


DW_BLOCK = 1 << 20  # elements of one accumulator block of the depthwise path (bounds its temporary)


class _FlatGrid:
    """Stride-1 windows as contiguous runs: rows (sample x channel) of a flattened padded grid.

    Output cell ``o`` and kernel offset ``k`` read padded cell ``o + d*k``; flattening the padded grid,
    that is flat index ``q + base_k`` for an output laid out on the padded grid's row pitch, so every
    kernel offset is one long contiguous run per row. The cells past each output row's end (the pitch
    minus the output width) are computed and dropped.
    """

    def __init__(self, sp, kernel, dilate, stride=None):
        # a stride s splits the padded grid into s phases per axis (cells s*i + r for r < s), each a
        # grid of its own: offset k of output o then reads phase (k*d) % s at o + (k*d) // s
        nd = len(sp)
        stride = stride or (1,) * nd
        self.stride = tuple(stride)
        self.sp = tuple(-(-s // st) for s, st in zip(sp, stride))
        self.pitch = tuple(math.prod(self.sp[i + 1:]) for i in range(nd))
        self.osz = tuple((s - d * (k - 1) - 1) // st + 1 for s, k, d, st in zip(sp, kernel, dilate, stride))
        self.run = self.osz[0] * self.pitch[0]
        offsets = list(itertools.product(*[range(k) for k in kernel]))
        self.phases = [tuple(o * d % st for o, d, st in zip(offs, dilate, stride)) for offs in offsets]
        self.bases = [sum(o * d // st * p for o, d, st, p in zip(offs, dilate, stride, self.pitch))
                      for offs in offsets]
        # the last row's runs read this far past the grid (into cells that only feed dropped outputs)
        self.tail = max(0, max(self.bases) + self.run - math.prod(self.sp))

    def padded(self, xp, x, lo):
        """Flat zero padded copies of ``x`` (n, C, *S), one per phase, with ``tail`` spare zeros.

        Returns ({phase: flat array}, rows): each phase's grid as rows (n*C, prod(sp)).
        """
        rows = x.shape[0] * x.shape[1]
        size = math.prod(self.sp)
        lead = tuple(x.shape[:2])
        out = {}
        for k, ph in enumerate(sorted(set(self.phases))):
            flat = _scratch(xp, x, "phase%d" % k, rows * size + self.tail, zero=True,
                            layout=(tuple(x.shape), tuple(lo), self.sp, self.stride, ph))
            grid = flat[:rows * size].reshape(lead + self.sp)
            # cells of x in this phase: padded index a + i with (a + i) % st == ph
            first = tuple((p - a) % st for a, p, st in zip(lo, ph, self.stride))
            src = x[_all_slice(2) + tuple(slice(f, None, st) for f, st in zip(first, self.stride))]
            dst0 = tuple((a + f) // st for a, f, st in zip(lo, first, self.stride))
            grid[_all_slice(2) + tuple(slice(d0, d0 + m) for d0, m in zip(dst0, src.shape[2:]))] = src
            out[ph] = flat
        return out, rows

    def runs(self, xp, flats, rows, j):
        """View (rows, run) of kernel offset ``j``."""
        flat = flats[self.phases[j]]
        item = flat.strides[0]
        return xp.lib.stride_tricks.as_strided(flat[self.bases[j]:], (rows, self.run),
                                               (math.prod(self.sp) * item, item))

    def crop(self, acc, lead):
        """The valid output cells of a (rows, run) accumulator, shaped ``lead + osz``."""
        return acc.reshape(tuple(lead) + (self.osz[0],) + self.sp[1:])[
            _all_slice(len(lead) + 1) + tuple(slice(0, o) for o in self.osz[1:])]


def _depthwise_flat(xp, x, wr, kernel, stride, dilate, lo, hi):
    """Depthwise convolution (multiplier 1) of x (n, C, *S), per-row weights wr (n*C, K)."""
    grid = _FlatGrid(tuple(s + a + b for s, a, b in zip(x.shape[2:], lo, hi)), kernel, dilate, stride)
    flat, rows = grid.padded(xp, x, lo)
    acc = _scratch(xp, x, "acc", rows * grid.run).reshape(rows, grid.run)
    block = max(1, DW_BLOCK // grid.run)
    tmp = _scratch(xp, x, "tmp", min(block, rows) * grid.run).reshape(-1, grid.run)
    views = [grid.runs(xp, flat, rows, j) for j in range(len(grid.bases))]
    for r in range(0, rows, block):  # every offset over one cache-sized block of rows at a time
        a = acc[r:r + block]
        t = tmp[:a.shape[0]]
        for j, v in enumerate(views):
            if j == 0:
                xp.multiply(v[r:r + block], wr[r:r + block, 0:1], out=a)
            else:
                xp.multiply(v[r:r + block], wr[r:r + block, j:j + 1], out=t)
                a += t
    return grid.crop(acc, x.shape[:2]).copy()  # a copy: acc is a reused work buffer


def _row_weights(xp, w, n):
    """Depthwise weight (C, 1, *K) repeated per sample: (n*C, K)."""
    c = w.shape[0]
    return xp.ascontiguousarray(xp.broadcast_to(w.reshape(1, c, -1), (n, c, math.prod(w.shape[2:])))).reshape(n * c, -1)


def _per_channel_forward(xp, x, w, kernel, stride, dilate, pad, osz):
    """Shift-and-accumulate: ``y[n, c, m] = sum_k w[c, m, k] * x_pad[n, c, window k]``."""
    if w.shape[0] == x.shape[1]:
        return _depthwise_flat(xp, x, _row_weights(xp, w, x.shape[0]), kernel, stride, dilate, pad, pad)
    nd = len(kernel)
    n, c = x.shape[:2]
    mult = w.shape[0] // c
    win = _windows(xp, _Padder(xp, x.shape, pad, pad, x)(x), kernel, stride, dilate, osz)
    wk = w.reshape((1, c, mult) + tuple(kernel))
    y = xp.empty((n, c, mult) + osz, dtype=x.dtype)
    tmp = xp.empty_like(y)
    lead = _all_slice(2 + nd)
    for j, offs in enumerate(itertools.product(*[range(k) for k in kernel])):
        v = win[lead + offs][:, :, None]
        wj = wk[_all_slice(3) + offs].reshape((1, c, mult) + (1,) * nd)
        if j == 0:
            xp.multiply(v, wj, out=y)
        else:
            xp.multiply(v, wj, out=tmp)
            y += tmp
    return y.reshape((n, c * mult) + osz)


def _column_chunks(xp, x, kernel, stride, dilate, lo, hi, osz, f):
    """Columns of ``x`` (n, C, *S) for batch chunks: yields ``(a, m, cols, run, crop)``.

    ``cols`` is ``(C * K, m * run)`` in one reused buffer; a GEMM result ``r`` of shape
    ``(rows, m, run)`` maps to the output cells with ``crop(r)`` -> ``(rows, m, *osz)``. Stride 1 copies
    long contiguous runs of a flattened padded grid (``_FlatGrid``; ``run`` is then a little longer
    than the output); other strides copy a strided window view (``run = prod(osz)``). The runs cost
    the GEMM (with ``f`` output rows) the cells past each output row: only taken while those cost
    less than the slower window copy saves (measured, single thread: a window copy costs ~0.13 ns
    more per element than a run copy, a multiply-add in the GEMM ~0.045 ns).
    """
    nd = len(kernel)
    n, c = x.shape[:2]
    kp = math.prod(kernel)
    sp = tuple(s + a + b for s, a, b in zip(x.shape[2:], lo, hi))
    item = x.dtype.itemsize
    grid = _FlatGrid(sp, kernel, dilate) if all(st == 1 for st in stride) else None
    if grid is not None and (grid.run - math.prod(osz)) * f < 3 * math.prod(osz):
        size = math.prod(sp)
        per = c * kp * grid.run
        step = _chunk(n, per * item)
        flat = _scratch(xp, x, "flat", step * c * size + grid.tail, zero=True,
                        layout=(step, c, sp, tuple(lo), tuple(x.shape[2:])))
        inner = _all_slice(2) + tuple(slice(a, a + s) for a, s in zip(lo, x.shape[2:]))
        buf = _scratch(xp, x, "cols", step * per)
        bstride = flat.strides[0]
        kstrides = tuple(d * p * bstride for d, p in zip(dilate, grid.pitch))
        for a in range(0, n, step):
            m = min(step, n - a)
            flat[:m * c * size].reshape((m, c) + sp)[inner] = x[a:a + m]
            view = xp.lib.stride_tricks.as_strided(
                flat, (c,) + tuple(kernel) + (m, grid.run), (size * bstride,) + kstrides + (c * size * bstride, bstride))
            cols = buf[:m * per].reshape((c,) + tuple(kernel) + (m, grid.run))
            cols[...] = view
            yield a, m, cols.reshape(c * kp, m * grid.run), grid.run, \
                (lambda r, m=m: grid.crop(r, (r.shape[0], m)))
        return
    p = math.prod(osz)
    per = c * kp * p
    step = _chunk(n, per * item)
    buf = _scratch(xp, x, "cols", step * per)
    padder = _Padder(xp, (step,) + tuple(x.shape[1:]), lo, hi, x)
    for a in range(0, n, step):
        cols = _im2col(_windows(xp, padder(x[a:a + step]), kernel, stride, dilate, osz), buf)
        m = cols.shape[nd + 1]
        yield a, m, cols.reshape(c * kp, m * p), p, (lambda r, m=m: r.reshape((r.shape[0], m) + osz))


def _gemm_conv(xp, x, wm, kernel, stride, dilate, lo, hi, osz, out):
    """``out`` (n, F, *osz) = convolution of ``x`` with ``wm`` (G, F/G, C/G * K): one GEMM per chunk."""
    groups, fg = wm.shape[:2]
    swap = (1, 0) + tuple(range(2, 2 + len(kernel)))
    for a, m, cols, run, crop in _column_chunks(xp, x, kernel, stride, dilate, lo, hi, osz, groups * fg):
        # one GEMM per chunk (not per sample): few BLAS calls, so few thread-pool synchronisations
        if m == 1 and run == math.prod(osz):  # a single sample's result is already in output order
            xp.matmul(wm, cols.reshape(groups, -1, run), out=out[a:a + 1].reshape(groups, fg, run))
            continue
        part = _scratch(xp, x, "gemm", groups * fg * m * run).reshape(groups, fg, m * run)
        xp.matmul(wm, cols.reshape(groups, -1, m * run), out=part)
        out[a:a + m] = crop(part.reshape(groups * fg, m, run)).transpose(swap)
    return out


def _macs(n, f, c, kernel, osz, groups):
    """Multiply-adds of one convolution GEMM pass (forward, or either gradient)."""
    return n * f * (c // groups) * math.prod(kernel) * math.prod(osz)


def _im2col_forward(xp, x, w, kernel, stride, dilate, pad, groups, osz):
    n, f = x.shape[0], w.shape[0]
    y = xp.empty((n, f) + osz, dtype=x.dtype)
    wm = w.reshape(groups, f // groups, -1)
    parts = host_threads.batch_parts(xp, n, _macs(n, f, x.shape[1], kernel, osz, groups))
    host_threads.run_parts(
        lambda b: _gemm_conv(xp, x[b], wm, kernel, stride, dilate, pad, pad, osz, y[b]), parts)
    return y


# ----------------------------------------------------------------------------- backward

def conv_backward(xp, gy, x, w, kernel, stride, dilate, pad, groups, need_dx=True, need_dw=True,
                  x_shape=None):
    """Gradients (dx, dw) of the channel-first convolution for output gradient ``gy`` (N, F, *O).

    ``x`` may be None when only ``dx`` is wanted; then ``x_shape`` gives the input shape.
    """
    x_shape = tuple(x.shape) if x is not None else tuple(x_shape)
    if _per_channel(x_shape[1], groups):
        return _per_channel_backward(xp, gy, x, w, kernel, stride, dilate, pad, x_shape, need_dx, need_dw)
    if _pointwise(kernel, pad):
        return _pointwise_backward(xp, gy, x, w, stride, groups, x_shape, need_dx, need_dw)
    n, c = x_shape[:2]
    f = w.shape[0]
    dx = xp.empty(x_shape, dtype=gy.dtype) if need_dx else None
    lo = tuple(d * (k - 1) - p for k, d, p in zip(kernel, dilate, pad))
    hi = tuple(s + d * (k - 1) - o - l for s, k, d, o, l in zip(x_shape[2:], kernel, dilate, gy.shape[2:], lo))
    # the transposed convolution copies F*K columns per input cell, col2im scatter-adds C*K of
    # them (about four times dearer per element): the cheaper one by channel counts
    transposed = all(s == 1 for s in stride) and min(lo + hi) >= 0 and f < 4 * c
    wt = _flipped_transposed(xp, w, kernel, groups, c) if need_dx and transposed else None

    def part(b):
        dw = _im2col_dw(xp, gy[b], x[b], w, kernel, stride, dilate, pad, groups) if need_dw else None
        if need_dx and transposed:
            _gemm_conv(xp, gy[b], wt, kernel, (1,) * len(kernel), dilate, lo, hi, tuple(x_shape[2:]), dx[b])
        elif need_dx:
            _col2im_dx(xp, gy[b], w, kernel, stride, dilate, pad, groups, dx[b])
        return dw
    macs = _macs(n, f, c, kernel, gy.shape[2:], groups) * (need_dx + need_dw)
    dws = host_threads.run_parts(part, host_threads.batch_parts(xp, n, macs))
    dw = None
    if need_dw:
        dw = dws[0]
        for more in dws[1:]:
            dw += more
        dw = dw.transpose(0, 2, 1).reshape(w.shape)
    return dx, dw


def _pointwise_backward(xp, gy, x, w, stride, groups, x_shape, need_dx, need_dw):
    n, c = x_shape[:2]
    f = w.shape[0]
    osz = tuple(gy.shape[2:])
    p = math.prod(osz)
    wm = w.reshape(groups, f // groups, c // groups)
    # (channels, samples * cells) layouts: one GEMM per gradient (free reshapes when n == 1)
    gt = xp.ascontiguousarray(gy.reshape(n, f, p).transpose(1, 0, 2)).reshape(groups, f // groups, n * p)
    dx = dw = None
    if need_dx:
        d = xp.matmul(wm.transpose(0, 2, 1), gt).reshape(c, n, p).transpose(1, 0, 2).reshape((n, c) + osz)
        if any(s != 1 for s in stride):
            dx = xp.zeros(x_shape, dtype=gy.dtype)
            dx[_all_slice(2) + tuple(slice(None, None, s) for s in stride)] = d
        else:
            dx = xp.ascontiguousarray(d)
    if need_dw:
        xt = xp.ascontiguousarray(_strided(x, stride).reshape(n, c, p).transpose(1, 0, 2))
        dw = xp.matmul(xt.reshape(groups, c // groups, n * p), gt.transpose(0, 2, 1)).transpose(0, 2, 1).reshape(w.shape)
    return dx, dw


def _per_channel_backward(xp, gy, x, w, kernel, stride, dilate, pad, x_shape, need_dx, need_dw):
    nd = len(kernel)
    n, c = x_shape[:2]
    mult = w.shape[0] // c
    osz = tuple(gy.shape[2:])
    g = gy.reshape((n, c, mult) + osz)
    offsets = list(itertools.product(*[range(k) for k in kernel]))
    dx = dw = None
    flat = mult == 1 and all(s == 1 for s in stride)
    if need_dw and mult == 1:
        # dw[c, k] = sum over samples and cells of gy * (window k of x): gy laid on the padded grid's
        # pitch (zeros in the dropped cells) against each offset's contiguous run
        grid = _FlatGrid(tuple(s + 2 * p for s, p in zip(x_shape[2:], pad)), kernel, dilate, stride)
        xf, rows = grid.padded(xp, x, pad)
        gacc = _scratch(xp, gy, "gy", rows * grid.run, zero=True,
                        layout=("depthwise", n, c, grid.sp, grid.osz)).reshape(rows, grid.run)
        grid.crop(gacc, (n, c))[...] = gy
        dw = xp.empty((len(offsets), n, c), dtype=w.dtype)
        for j in range(len(offsets)):
            dw[j] = xp.einsum("rl,rl->r", gacc, grid.runs(xp, xf, rows, j)).reshape(n, c)
        dw = dw.sum(axis=1).T.reshape(w.shape)
    elif need_dw:
        win = _windows(xp, _Padder(xp, x_shape, pad, pad, x)(x), kernel, stride, dilate, osz)
        dw = xp.empty((c, mult, len(offsets)), dtype=w.dtype)
        tmp = xp.empty_like(g)
        red = (0,) + tuple(range(3, 3 + nd))
        lead = _all_slice(2 + nd)
        for j, offs in enumerate(offsets):
            xp.multiply(g, win[lead + offs][:, :, None], out=tmp)
            dw[:, :, j] = tmp.sum(axis=red)
        dw = dw.reshape(w.shape)
    lo = tuple(d * (k - 1) - p for k, d, p in zip(kernel, dilate, pad))
    hi = tuple(s + d * (k - 1) - o - l for s, k, d, o, l in zip(x_shape[2:], kernel, dilate, osz, lo))
    if need_dx and flat and min(lo + hi) >= 0:
        # the data gradient is the depthwise convolution of gy with the flipped kernel
        wf = w.reshape(c, -1)[:, ::-1]
        dx = _depthwise_flat(xp, gy, _row_weights(xp, wf.reshape(w.shape), n), kernel, (1,) * nd, dilate, lo, hi)
    elif need_dx:
        sp = tuple(s + 2 * p for s, p in zip(x_shape[2:], pad))
        dxp = xp.zeros((n, c) + sp, dtype=gy.dtype)
        wk = w.reshape((1, c, mult) + tuple(kernel))
        tmp = xp.empty_like(g)
        for offs in offsets:
            idx = _all_slice(2) + tuple(slice(o * d, o * d + s * (m - 1) + 1, s)
                                        for o, d, s, m in zip(offs, dilate, stride, osz))
            xp.multiply(g, wk[_all_slice(3) + offs].reshape((1, c, mult) + (1,) * nd), out=tmp)
            dxp[idx] += tmp[:, :, 0] if mult == 1 else tmp.sum(axis=2)
        dx = dxp[_all_slice(2) + tuple(slice(p, p + s) for p, s in zip(pad, x_shape[2:]))]
    return dx, dw


def _im2col_dw(xp, gy, x, w, kernel, stride, dilate, pad, groups):
    """Weight gradient, transposed: one GEMM per chunk contracting over (samples x output cells)."""
    nd = len(kernel)
    f = w.shape[0]
    osz = tuple(gy.shape[2:])
    swap = (1, 0) + tuple(range(2, 2 + nd))
    dw = gbuf = None
    for a, m, cols, run, crop in _column_chunks(xp, x, kernel, stride, dilate, pad, pad, osz, f):
        if gbuf is None or gbuf.shape[1] != m:
            # gy on the columns' layout; cells the columns have beyond the output stay zero
            gbuf = _scratch(xp, gy, "gy", f * m * run, zero=run != math.prod(osz),
                            layout=(f, m, run, osz, tuple(x.shape[2:]), tuple(kernel), tuple(stride),
                                    tuple(dilate), tuple(pad))).reshape(f, m, run)
        crop(gbuf)[...] = gy[a:a + m].transpose(swap)
        # dw^T = cols @ gy^T: with the long contraction, this orientation keeps OpenBLAS's threads busy
        # (the other one stalls for tens of ms when a core is shared)
        part = xp.matmul(cols.reshape(groups, -1, m * run), gbuf.reshape(groups, f // groups, m * run).transpose(0, 2, 1))
        if dw is None:
            dw = part
        else:
            dw += part
    return dw  # (G, C/G * K, F/G): the caller sums the parts and transposes


def _flipped_transposed(xp, w, kernel, groups, c):
    """The kernel of the stride-1 data gradient: ``w`` flipped and transposed, as (G, C/G, F/G * K)."""
    nd = len(kernel)
    f = w.shape[0]
    flip = tuple(slice(None, None, -1) for _ in kernel)
    wt = w.reshape((groups, f // groups, c // groups) + tuple(kernel))[_all_slice(3) + flip]
    return xp.ascontiguousarray(wt.transpose((0, 2, 1) + tuple(range(3, 3 + nd)))).reshape(groups, c // groups, -1)


def _col2im_dx(xp, gy, w, kernel, stride, dilate, pad, groups, dx):
    """Strided data gradient into ``dx``: column gradients scatter-added into a zero padded buffer,
    chunk by chunk."""
    nd = len(kernel)
    x_shape = dx.shape
    n, c = x_shape[:2]
    f = w.shape[0]
    osz = tuple(gy.shape[2:])
    wt = w.reshape(groups, f // groups, -1).transpose(0, 2, 1)
    sp = tuple(s + 2 * p for s, p in zip(x_shape[2:], pad))
    inner = _all_slice(2) + tuple(slice(p, p + s) for p, s in zip(pad, x_shape[2:]))
    step = _chunk(n, c * math.prod(kernel) * math.prod(osz) * gy.dtype.itemsize)
    swap = (1, 0) + tuple(range(2, 2 + nd))
    for a in range(0, n, step):
        g = gy[a:a + step]
        m = g.shape[0]
        gt = _scratch(xp, gy, "gy", g.size).reshape((f, m) + osz)
        gt[...] = g.transpose(swap)
        dcols = _scratch(xp, gy, "gemm", c * math.prod(kernel) * m * math.prod(osz)).reshape(groups, -1, m * math.prod(osz))
        xp.matmul(wt, gt.reshape(groups, f // groups, -1), out=dcols)
        dcols = dcols.reshape((c,) + tuple(kernel) + (m,) + osz)
        dxp = _scratch(xp, gy, "pad", c * m * math.prod(sp), zero=True).reshape((c, m) + sp)
        for offs in itertools.product(*[range(k) for k in kernel]):
            idx = _all_slice(2) + tuple(
                slice(o * d, o * d + s * (mm - 1) + 1, s) for o, d, s, mm in zip(offs, dilate, stride, osz))
            dxp[idx] += dcols[(slice(None),) + offs]
        dx[a:a + m] = dxp[inner].transpose(swap)
    return dx


# ----------------------------------------------------------------------------- Convolution op

def _to_channel_first(x, nd):
    return x.transpose((0, nd + 1) + tuple(range(1, nd + 1)))


def _to_channel_last(x, nd):
    return x.transpose((0,) + tuple(range(2, nd + 2)) + (1,))


def _conv_fwd(xp, x, w, *bias, kernel, stride, dilate, pad, num_group, channel_last, act=None):
    """``act="relu"`` (Gluon's ``Conv2D(..., activation='relu')``, imperative) applies the ReLU in
    place on the output: one op and one buffer instead of two."""
    nd = len(kernel)
    if channel_last:
        x, w = _to_channel_first(x, nd), _to_channel_first(w, nd)
    y = conv_forward(xp, x, w, kernel, stride, dilate, pad, num_group)
    if bias:
        y += bias[0].reshape((1, -1) + (1,) * nd)
    if act == "relu":
        relu_array(xp, y, out=y, nan_to_zero=True)
    if channel_last:
        y = xp.ascontiguousarray(_to_channel_last(y, nd))
    return y


def _conv_bwd(xp, gy, inputs, y, saved, kernel, stride, dilate, pad, num_group, channel_last,
              act=None, needs=(True, True, True)):
    nd = len(kernel)
    if act == "relu":
        gy = gy * (y > 0)
    x, w = inputs[0], inputs[1]
    if channel_last:
        x, w, gy = _to_channel_first(x, nd), _to_channel_first(w, nd), _to_channel_first(gy, nd)
    dx, dw = conv_backward(xp, gy, x, w, kernel, stride, dilate, pad, num_group, need_dx=needs[0], need_dw=needs[1])
    if channel_last:
        dx = None if dx is None else _to_channel_last(dx, nd)
        dw = None if dw is None else _to_channel_last(dw, nd)
    grads = (dx, dw)
    if len(inputs) == 3:
        grads += (gy.sum(axis=(0,) + tuple(range(2, 2 + nd))) if needs[2] else None,)
    return grads


convolution = Op("Convolution", _conv_fwd, _conv_bwd, masked=True)


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


def _deconv_bwd(xp, gy, inputs, y, saved, kernel, stride, dilate, pad, adj, num_group, channel_last,
                needs=(True, True, True)):
    nd = len(kernel)
    x, w = inputs[0], inputs[1]
    if channel_last:
        x, w, gy = _to_channel_first(x, nd), _to_channel_first(w, nd), _to_channel_first(gy, nd)
    dx = conv_forward(xp, gy, w, kernel, stride, dilate, pad, num_group) if needs[0] else None
    dw = conv_backward(xp, x, gy, w, kernel, stride, dilate, pad, num_group, need_dx=False)[1] if needs[1] else None
    if channel_last:
        dx = None if dx is None else _to_channel_last(dx, nd)
        dw = None if dw is None else _to_channel_last(dw, nd)
    grads = (dx, dw)
    if len(inputs) == 3:
        grads += (gy.sum(axis=(0,) + tuple(range(2, 2 + nd))) if needs[2] else None,)
    return grads


deconvolution = Op("Deconvolution", _deconv_fwd, _deconv_bwd, masked=True)
