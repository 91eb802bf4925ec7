"""Matrix products: dot (MXNet's tensordot semantics), batch_dot and linalg.gemm2."""
from .op import Op


def _maybe_t(x, flag):
    return x.T if flag else x


def _contracted(a, b, transpose_a, transpose_b):
    """The axes dot contracts: lhs's last (first when transposed), rhs's first (last when transposed)."""
    return (0 if transpose_a else a.ndim - 1), (b.ndim - 1 if transpose_b else 0)


def _dot_fwd(xp, a, b, transpose_a, transpose_b):
    if a.ndim == 1 and b.ndim == 1:
        return xp.dot(a, b).reshape(1)
    if a.ndim == 2 and b.ndim == 2:
        return _maybe_t(a, transpose_a) @ _maybe_t(b, transpose_b)
    ca, cb = _contracted(a, b, transpose_a, transpose_b)
    return xp.tensordot(a, b, axes=([ca], [cb]))


def _dot_bwd(xp, g, inputs, y, saved, transpose_a, transpose_b, needs=(True, True)):
    a0, b0 = inputs
    if a0.ndim == 1 and b0.ndim == 1:
        return g * b0, g * a0
    if a0.ndim == 2 and b0.ndim == 2:
        a, b = _maybe_t(a0, transpose_a), _maybe_t(b0, transpose_b)
        ga = g @ b.T if needs[0] else None
        gb = a.T @ g if needs[1] else None
        return (None if ga is None else _maybe_t(ga, transpose_a)), (None if gb is None else _maybe_t(gb, transpose_b))
    ca, cb = _contracted(a0, b0, transpose_a, transpose_b)
    na, nb = a0.ndim - 1, b0.ndim - 1
    b_free = [i for i in range(b0.ndim) if i != cb]
    a_free = [i for i in range(a0.ndim) if i != ca]
    ga = gb = None
    if needs[0]:
        ga = xp.moveaxis(xp.tensordot(g, b0, axes=(list(range(na, na + nb)), b_free)), -1, ca)
    if needs[1]:
        gb = xp.moveaxis(xp.tensordot(a0, g, axes=(a_free, list(range(na)))), 0, cb)
    return ga, gb


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
