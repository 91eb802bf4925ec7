"""Shape ops: reshape, transpose, broadcast, tile/repeat, concat/stack/split, flip."""
from ..backends import scatter_add
from .op import Op, unbroadcast


def _reshape_back(xp, g, inputs, y, saved, **attrs):
    return (g.reshape(inputs[0].shape),)


reshape = Op("reshape", lambda xp, x, shape: x.reshape(shape), _reshape_back)


def _inverse(axes):
    inv = [0] * len(axes)
    for i, a in enumerate(axes):
        inv[a] = i
    return tuple(inv)


transpose = Op("transpose", lambda xp, x, axes: x.transpose(axes),
               lambda xp, g, i, y, s, axes: (g.transpose(_inverse(axes) if axes is not None else None),))
broadcast_to = Op("broadcast_to", lambda xp, x, shape: xp.broadcast_to(x, shape).copy(),
                  lambda xp, g, i, y, s, shape: (unbroadcast(xp, g, i[0].shape),))
flip = Op("flip", lambda xp, x, axis: xp.flip(x, axis=axis).copy(),
          lambda xp, g, i, y, s, axis: (xp.flip(g, axis=axis),))


def _tile_fwd(xp, x, reps):
    return xp.tile(x, reps)


def _tile_bwd(xp, g, inputs, y, saved, reps):
    x = inputs[0]
    nd = max(x.ndim, len(reps))
    xshape = (1,) * (nd - x.ndim) + x.shape
    reps = (1,) * (nd - len(reps)) + tuple(reps)
    inter = []
    for r, n in zip(reps, xshape):
        inter += [r, n]
    g = g.reshape(inter).sum(axis=tuple(range(0, 2 * nd, 2)))
    return (g.reshape(x.shape),)


tile = Op("tile", _tile_fwd, _tile_bwd)


def _repeat_bwd(xp, g, inputs, y, saved, repeats, axis):
    x = inputs[0]
    if axis is None:
        return (g.reshape(x.size, repeats).sum(axis=1).reshape(x.shape),)
    shape = x.shape[:axis] + (x.shape[axis], repeats) + x.shape[axis + 1:]
    return (g.reshape(shape).sum(axis=axis + 1),)


repeat = Op("repeat", lambda xp, x, repeats, axis: xp.repeat(x, repeats, axis=axis), _repeat_bwd)


def _concat_bwd(xp, g, inputs, y, saved, axis):
    grads, start = [], 0
    for x in inputs:
        index = [slice(None)] * g.ndim
        index[axis] = slice(start, start + x.shape[axis])
        grads.append(g[tuple(index)])
        start += x.shape[axis]
    return tuple(grads)


concat = Op("concat", lambda xp, *xs, axis: xp.concatenate(xs, axis=axis), _concat_bwd)


def _stack_bwd(xp, g, inputs, y, saved, axis):
    return tuple(xp.take(g, i, axis=axis) for i in range(len(inputs)))


stack = Op("stack", lambda xp, *xs, axis: xp.stack(xs, axis=axis), _stack_bwd)


def _split_fwd(xp, x, indices, axis, squeeze_axis):
    parts = xp.split(x, indices, axis=axis)
    if squeeze_axis:
        parts = [p.squeeze(axis) for p in parts]
    return tuple(parts)


def _split_bwd(xp, g, inputs, y, saved, indices, axis, squeeze_axis):
    if squeeze_axis:
        g = tuple(xp.expand_dims(gi, axis) for gi in g)
    return (xp.concatenate(g, axis=axis),)


split = Op("split", _split_fwd, _split_bwd, multi_output=True)


def _pad_fwd(xp, x, pad_width, mode, constant_value):
    if mode == "constant":
        return xp.pad(x, pad_width, mode="constant", constant_values=constant_value)
    return xp.pad(x, pad_width, mode={"edge": "edge", "reflect": "reflect"}[mode])


def _pad_bwd(xp, g, inputs, y, saved, pad_width, mode, constant_value):
    x = inputs[0]
    if mode == "constant":
        index = tuple(slice(lo, lo + n) for (lo, _), n in zip(pad_width, x.shape))
        return (g[index],)
    # edge/reflect: pad an index map the same way and scatter each gradient back to its source
    idx = xp.pad(xp.arange(x.size).reshape(x.shape), pad_width, mode=mode)
    gx = xp.zeros(x.size, dtype=g.dtype)
    scatter_add(xp, gx, idx.reshape(-1), g.reshape(-1))
    return (gx.reshape(x.shape),)


pad = Op("pad", _pad_fwd, _pad_bwd)
