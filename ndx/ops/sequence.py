"""SequenceMask, SequenceLast and SequenceReverse: time-major (or batch-major, ``axis=1``) sequences with a
per-batch ``sequence_length``. Lengths are truncated toward zero like MXNet's float-to-int cast and clipped
to the sequence (MXNet reads outside the array for out-of-range lengths; ndx does not copy that)."""
from .op import Op


def _steps(xp, length, t, low=0):
    """Integer lengths of the ``length`` array, clipped to [low, t]."""
    return xp.clip(length.astype("int64"), low, t)


def _time_mask(xp, x, length, axis):
    """True at (t, b) positions inside each sequence, shaped to broadcast against ``x``."""
    t = x.shape[axis]
    steps = _steps(xp, length, t)
    pos = xp.arange(t)
    keep = pos[:, None] < steps[None, :] if axis == 0 else steps[:, None] > pos[None, :]
    return keep.reshape(keep.shape + (1,) * (x.ndim - 2))


def _mask_fwd(xp, x, length, axis, value):
    return xp.where(_time_mask(xp, x, length, axis), x, x.dtype.type(value))


def _mask_bwd(xp, g, inputs, y, saved, axis, value):
    x, length = inputs
    return xp.where(_time_mask(xp, x, length, axis), g, g.dtype.type(0)), None


sequence_mask = Op("SequenceMask", _mask_fwd, _mask_bwd)


def _last_index(xp, x, length, axis):
    return _steps(xp, length, x.shape[axis], low=1) - 1


def _last_fwd(xp, x, length, axis):
    idx = _last_index(xp, x, length, axis)
    b = xp.arange(x.shape[1 - axis])
    return x[idx, b] if axis == 0 else x[b, idx]


def _last_bwd(xp, g, inputs, y, saved, axis):
    x, length = inputs
    idx = _last_index(xp, x, length, axis)
    b = xp.arange(x.shape[1 - axis])
    dx = xp.zeros(x.shape, dtype=g.dtype)
    if axis == 0:
        dx[idx, b] = g
    else:
        dx[b, idx] = g
    return dx, None


sequence_last = Op("SequenceLast", _last_fwd, _last_bwd)


def _reverse_index(xp, x, length):
    """For each (t, b): the time step it reads; steps past the sequence stay in place (axis 0 only)."""
    t = x.shape[0]
    steps = _steps(xp, length, t)[None, :]
    pos = xp.arange(t)[:, None]
    return xp.where(pos < steps, steps - 1 - pos, pos)


def _reverse_fwd(xp, x, length):
    src = _reverse_index(xp, x, length)
    return x[src, xp.arange(x.shape[1])[None, :]]


def _reverse_bwd(xp, g, inputs, y, saved):
    x, length = inputs
    src = _reverse_index(xp, x, length)  # a per-column involution: the gradient is reversed the same way
    return g[src, xp.arange(x.shape[1])[None, :]], None


sequence_reverse = Op("SequenceReverse", _reverse_fwd, _reverse_bwd)
