"""Matrix products: dot (MXNet's tensordot semantics), batch_dot and linalg.gemm2."""
from .op import Op


def _maybe_t(x, flag):
    return x.T if flag else x


def _dot_fwd(xp, a, b, transpose_a, transpose_b):
    a, b = _maybe_t(a, transpose_a), _maybe_t(b, transpose_b)
    if a.ndim == 1 and b.ndim == 1:
        return xp.dot(a, b).reshape(1)
    if a.ndim == 2 and b.ndim == 2:
        return a @ b
    return xp.tensordot(a, b, axes=1)


def _dot_bwd(xp, g, inputs, y, saved, transpose_a, transpose_b, needs=(True, True)):
    a0, b0 = inputs
    a, b = _maybe_t(a0, transpose_a), _maybe_t(b0, transpose_b)
    if a.ndim == 1 and b.ndim == 1:
        ga, gb = g * b, g * a
    elif a.ndim == 2 and b.ndim == 2:
        ga = g @ b.T if needs[0] else None
        gb = a.T @ g if needs[1] else None
    else:
        na, nb = a.ndim - 1, b.ndim - 1
        ga = xp.tensordot(g, b, axes=(list(range(na, na + nb)), list(range(1, 1 + nb)))) if needs[0] else None
        gb = xp.tensordot(a, g, axes=(list(range(na)), list(range(na)))) if needs[1] else None
    return (None if ga is None else _maybe_t(ga, transpose_a)), (None if gb is None else _maybe_t(gb, transpose_b))


dot = Op("dot", _dot_fwd, _dot_bwd, masked=True)


def _bt(x, flag):
    return x.swapaxes(-1, -2) if flag else x


def _batch_dot_fwd(xp, a, b, transpose_a, transpose_b):
    return xp.matmul(_bt(a, transpose_a), _bt(b, transpose_b))


def _batch_dot_bwd(xp, g, inputs, y, saved, transpose_a, transpose_b):
    a, b = _bt(inputs[0], transpose_a), _bt(inputs[1], transpose_b)
    ga = xp.matmul(g, b.swapaxes(-1, -2))
    gb = xp.matmul(a.swapaxes(-1, -2), g)
    return _bt(ga, transpose_a), _bt(gb, transpose_b)


batch_dot = Op("batch_dot", _batch_dot_fwd, _batch_dot_bwd)


def _move(x, axis):
    """``x`` with its matrix-row ``axis`` moved next to the last (column) axis."""
    axes = list(range(x.ndim))
    axes.remove(axis % x.ndim)
    axes.insert(x.ndim - 2, axis % x.ndim)
    return x.transpose(axes)


def _unmove(x, axis):
    axes = list(range(x.ndim))
    axes.remove(axis % x.ndim)
    axes.insert(x.ndim - 2, axis % x.ndim)
    inv = [0] * x.ndim
    for i, a in enumerate(axes):
        inv[a] = i
    return x.transpose(inv)


def _gemm2_fwd(xp, a, b, transpose_a, transpose_b, alpha, axis):
    a, b = _move(a, axis), _move(b, axis)
    out = xp.matmul(_bt(a, transpose_a), _bt(b, transpose_b))
    return _unmove(out * out.dtype.type(alpha), axis)


def _gemm2_bwd(xp, g, inputs, y, saved, transpose_a, transpose_b, alpha, axis):
    a, b = _move(inputs[0], axis), _move(inputs[1], axis)
    g = _move(g, axis) * g.dtype.type(alpha)
    ga, gb = _batch_dot_bwd(xp, g, (a, b), None, None, transpose_a, transpose_b)
    return _unmove(ga, axis), _unmove(gb, axis)


gemm2 = Op("_linalg_gemm2", _gemm2_fwd, _gemm2_bwd)
