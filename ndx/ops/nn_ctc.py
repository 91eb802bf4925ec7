"""CTC loss (MXNet's ``CTCLoss``): negative log-likelihood of each label sequence under the per-frame
softmax of ``data`` (T, N, C), summed over every alignment (Graves et al. 2006).

The alpha (forward) and beta (backward) recursions run in log space over the extended label
``blank, l1, blank, l2, ..., blank`` (S = 2L + 1 positions), vectorized over the batch and S; only
time steps are looped. Each sequence stops at its own length: alpha is frozen after ``data_lengths``
and beta starts there, so frames past the end get no gradient.

MXNet conventions kept: labels are padded with 0 (``blank_label='first'``, blank = channel 0) or -1
(``'last'``, blank = channel C-1) and a label ends at the first padding value unless lengths are
given; a sequence no alignment can produce (repeats need a blank between them) gets loss 0 and no
gradient (MXNet returns 0 and leaves its gradient buffer unwritten). Lengths are truncated to
integers and clipped to the arrays (MXNet reads out of bounds for larger ones); out-of-range label
values are clipped to a channel.
"""
from .. import backends
from .op import Op

__all__ = ["ctc_loss"]


def _lengths(xp, data, label, lengths, blank_first, use_data_lengths, use_label_lengths):
    """Integer frame counts (N,) and label lengths (N,)."""
    t, n = data.shape[0], data.shape[1]
    width = label.shape[1]
    rest = list(lengths)
    if use_data_lengths:
        steps = xp.clip(rest.pop(0).astype("int64"), 0, t)
    else:
        steps = xp.full((n,), t, dtype="int64")
    if use_label_lengths:
        size = xp.clip(rest.pop(0).astype("int64"), 0, width)
    else:
        is_pad = label == (0 if blank_first else -1)
        size = xp.where(is_pad.any(axis=1), is_pad.argmax(axis=1), width).astype("int64")
    return steps, size


def _extended(xp, label, size, blank, channels):
    """Extended labels (N, S) as channel indices, the mask of positions inside each label, and the
    mask of positions that may be reached by skipping the blank before them (s odd, ext[s] != ext[s-2])."""
    n, width = label.shape
    lab = xp.clip(label.astype("int64"), 0, channels - 1)
    ext = xp.full((n, 2 * width + 1), blank, dtype="int64")
    ext[:, 1::2] = lab
    pos = xp.arange(2 * width + 1)
    valid = pos[None, :] < (2 * size + 1)[:, None]
    skip = xp.zeros(ext.shape, dtype=bool)
    skip[:, 3::2] = lab[:, 1:] != lab[:, :-1]
    return ext, valid, skip


def _shift(xp, a, k, fill):
    """``a`` moved k places right (k > 0) or left (k < 0) along axis 1, filled with ``fill``."""
    pad = xp.full((a.shape[0], abs(k)), fill, dtype=a.dtype)
    if k > 0:
        return xp.concatenate([pad, a[:, :-k]], axis=1)
    return xp.concatenate([a[:, -k:], pad], axis=1)


def _normalize(xp, a, zero):
    """``a`` (N, S) log-values minus their row maximum (rows of -inf stay), and that maximum (0 there):
    keeps the recursions near 0 so float32 keeps its precision over long sequences."""
    m = a.max(axis=1)
    m = xp.where(xp.isfinite(m), m, zero)
    return a - m[:, None], m


def _log_softmax(xp, x):
    m = x.max(axis=2, keepdims=True)
    z = x - m
    return z - xp.log(xp.exp(z).sum(axis=2, keepdims=True))


def _ctc_fwd(xp, data, label, *lengths, blank_first=True, use_data_lengths=False, use_label_lengths=False):
    t_max, n, channels = data.shape
    work = data.astype("float32") if data.dtype.itemsize < 4 else data
    steps, size = _lengths(xp, work, label, lengths, blank_first, use_data_lengths, use_label_lengths)
    blank = 0 if blank_first else channels - 1
    ext, valid, skip = _extended(xp, label, size, blank, channels)
    logp = _log_softmax(xp, work)
    rows = xp.arange(n)[:, None]
    emit = logp[:, rows, ext]  # (T, N, S): log-probability of each extended label at each frame
    neg_inf = work.dtype.type(-float("inf"))
    s_pos = xp.arange(ext.shape[1])[None, :]
    zero = work.dtype.type(0)
    a = xp.where(valid & (s_pos < 2), emit[0], neg_inf)
    a, scale = _normalize(xp, a, zero)
    alpha = xp.empty(emit.shape, dtype=work.dtype)
    alpha[0] = a
    for t in range(1, t_max):
        step = xp.logaddexp(a, _shift(xp, a, 1, neg_inf))
        step = xp.logaddexp(step, xp.where(skip, _shift(xp, a, 2, neg_inf), neg_inf)) + emit[t]
        step, shift = _normalize(xp, xp.where(valid, step, neg_inf), zero)
        live = steps > t  # frozen once the sequence has ended
        a = xp.where(live[:, None], step, a)
        scale = scale + xp.where(live, shift, zero)
        alpha[t] = a
    b = xp.arange(n)
    last = a[b, 2 * size]
    before = xp.where(size > 0, a[b, xp.maximum(2 * size - 1, 0)], neg_inf)
    loglik = xp.logaddexp(last, before) + scale
    feasible = xp.isfinite(loglik) & (steps > 0)
    loss = xp.where(feasible, -loglik, zero)
    saved = (logp, emit, alpha, ext, valid, skip, steps, feasible)
    return loss.astype(data.dtype), saved


def _ctc_bwd(xp, grad, inputs, output, saved, blank_first=True, use_data_lengths=False, use_label_lengths=False):
    data = inputs[0]
    logp, emit, alpha, ext, valid, skip, steps, feasible = saved
    t_max, n, channels = logp.shape
    zero = logp.dtype.type(0)
    neg_inf = logp.dtype.type(-float("inf"))
    size = (valid.sum(axis=1) - 1) // 2
    s_pos = xp.arange(ext.shape[1])[None, :]
    end = valid & ((s_pos == (2 * size)[:, None]) | (s_pos == (2 * size - 1)[:, None]))
    skip_next = _shift(xp, skip, -2, False)  # s may jump to s + 2
    occupancy = xp.empty(emit.shape, dtype=logp.dtype)
    b = xp.full(ext.shape, neg_inf, dtype=logp.dtype)
    for t in range(t_max - 1, -1, -1):
        step = xp.logaddexp(b, _shift(xp, b, -1, neg_inf))
        step = xp.logaddexp(step, xp.where(skip_next, _shift(xp, b, -2, neg_inf), neg_inf)) + emit[t]
        start = xp.where(end, emit[t], neg_inf)
        b = xp.where((steps - 1 == t)[:, None], start, xp.where((steps - 1 > t)[:, None], step, neg_inf))
        b = _normalize(xp, xp.where(valid, b, neg_inf), zero)[0]
        # posterior of extended label s at frame t: paths through (t, s), normalized over s (each frame's
        # posteriors sum to 1, so the large log-likelihood never has to cancel against alpha + beta)
        gamma = _normalize(xp, alpha[t] + b - emit[t], zero)[0]
        weight = xp.exp(gamma)
        total = weight.sum(axis=1, keepdims=True)
        occupancy[t] = weight / xp.where(total > 0, total, logp.dtype.type(1))
    posterior = xp.zeros(logp.shape, dtype=logp.dtype)
    t_idx = xp.arange(t_max)[:, None, None]
    n_idx = xp.arange(n)[None, :, None]
    backends.scatter_add(xp, posterior, (t_idx, n_idx, ext[None, :, :]), occupancy)
    live = (xp.arange(t_max)[:, None] < steps[None, :]) & feasible[None, :]
    head = grad.astype(logp.dtype)[None, :, None]
    dx = xp.where(live[:, :, None], (xp.exp(logp) - posterior) * head, logp.dtype.type(0))
    return (dx.astype(data.dtype),) + (None,) * (len(inputs) - 1)


ctc_loss = Op("CTCLoss", _ctc_fwd, _ctc_bwd, saves=True)
