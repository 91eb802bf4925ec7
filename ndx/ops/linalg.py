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


# ----------------------------------------------------------------------------- nd.linalg: BLAS/LAPACK-style ops
# Every op works on the trailing two axes and batches over the others; gradients only reach the triangle an
# op reads (MXNet: potri, trsm, trmm see only one triangle of A), except potrf's, which MXNet symmetrizes.

def _t(x):
    return x.swapaxes(-1, -2)


def _tri(xp, a, lower):
    return xp.tril(a) if lower else xp.triu(a)


def _gemm_fwd(xp, a, b, c, transpose_a, transpose_b, alpha, beta, axis):
    prod = _gemm2_fwd(xp, a, b, transpose_a, transpose_b, alpha, axis)
    return prod + c * c.dtype.type(beta)


def _gemm_bwd(xp, g, inputs, y, saved, transpose_a, transpose_b, alpha, beta, axis):
    ga, gb = _gemm2_bwd(xp, g, inputs[:2], None, None, transpose_a, transpose_b, alpha, axis)
    return ga, gb, g * g.dtype.type(beta)


gemm = Op("_linalg_gemm", _gemm_fwd, _gemm_bwd)


def _lower_sym(xp, a):
    """The symmetric matrix whose lower triangle is ``a``'s (potrf reads only that triangle)."""
    low = xp.tril(a)
    return low + _t(xp.tril(a, -1))


def _potrf_fwd(xp, a):
    return xp.linalg.cholesky(_lower_sym(xp, a))


def _phi(xp, x):
    """Lower triangle of ``x`` with its diagonal halved."""
    return xp.tril(x) - 0.5 * xp.tril(xp.triu(x))


def _potrf_bwd(xp, g, inputs, low, saved):
    # Cholesky backward (Murray 2016), symmetrized as MXNet's: S = L^-T phi(L^T gL) L^-1, grad = (S + S^T) / 2
    inv = xp.linalg.inv(low)
    s = _t(inv) @ _phi(xp, _t(low) @ xp.tril(g)) @ inv
    return (0.5 * (s + _t(s)),)


potrf = Op("_linalg_potrf", _potrf_fwd, _potrf_bwd)


def _potri_fwd(xp, a):
    inv = xp.linalg.inv(xp.tril(a))
    return _t(inv) @ inv


def _potri_bwd(xp, g, inputs, out, saved):
    # out = (L L^T)^-1: d out = -out (dL L^T + L dL^T) out
    return (-xp.tril(out @ (g + _t(g)) @ out @ xp.tril(inputs[0])),)


potri = Op("_linalg_potri", _potri_fwd, _potri_bwd)


def _op_t(xp, a, transpose, lower):
    tri = _tri(xp, a, lower)
    return _t(tri) if transpose else tri


def _left_solve(xp, m, b):
    """``m^-1 b`` for stacked matrices (xp.linalg.solve, which numpy and CuPy both batch)."""
    return xp.linalg.solve(m, b)


def _right_solve(xp, b, m):
    """``b m^-1``."""
    return _t(xp.linalg.solve(_t(m), _t(b)))


def _trsm_fwd(xp, a, b, transpose, rightside, lower, alpha):
    m = _op_t(xp, a, transpose, lower)
    b = b * b.dtype.type(alpha)
    return _right_solve(xp, b, m) if rightside else _left_solve(xp, m, b)


def _trsm_bwd(xp, g, inputs, x, saved, transpose, rightside, lower, alpha):
    m = _op_t(xp, inputs[0], transpose, lower)
    if rightside:  # x = alpha b m^-1
        gb0 = _right_solve(xp, g, _t(m))
        gm = -_t(x) @ gb0
    else:  # x = alpha m^-1 b
        gb0 = _left_solve(xp, _t(m), g)
        gm = -gb0 @ _t(x)
    ga = _tri(xp, _t(gm) if transpose else gm, lower)
    return ga, gb0 * g.dtype.type(alpha)


trsm = Op("_linalg_trsm", _trsm_fwd, _trsm_bwd)


def _trmm_fwd(xp, a, b, transpose, rightside, lower, alpha):
    m = _op_t(xp, a, transpose, lower)
    out = b @ m if rightside else m @ b
    return out * out.dtype.type(alpha)


def _trmm_bwd(xp, g, inputs, y, saved, transpose, rightside, lower, alpha):
    m, b = _op_t(xp, inputs[0], transpose, lower), inputs[1]
    g = g * g.dtype.type(alpha)
    gm, gb = (_t(b) @ g, g @ _t(m)) if rightside else (g @ _t(b), _t(m) @ g)
    return _tri(xp, _t(gm) if transpose else gm, lower), gb


trmm = Op("_linalg_trmm", _trmm_fwd, _trmm_bwd)


def _syrk_fwd(xp, a, transpose, alpha):
    out = _t(a) @ a if transpose else a @ _t(a)
    return out * out.dtype.type(alpha)


def _syrk_bwd(xp, g, inputs, y, saved, transpose, alpha):
    a, gs = inputs[0], (g + _t(g)) * g.dtype.type(alpha)
    return (a @ gs if transpose else gs @ a,)


syrk = Op("_linalg_syrk", _syrk_fwd, _syrk_bwd)


def _inverse_fwd(xp, a):
    return xp.linalg.inv(a)


def _inverse_bwd(xp, g, inputs, inv, saved):
    return (-(_t(inv) @ g @ _t(inv)),)


inverse = Op("_linalg_inverse", _inverse_fwd, _inverse_bwd)


def _scalar_shape(x, a):
    """A 2-D input's determinant-like result has shape (1,), as MXNet's; batched ones keep the batch shape."""
    return x.reshape(1) if a.ndim == 2 else x


def _det_fwd(xp, a):
    return _scalar_shape(xp.linalg.det(a), a)


def _det_bwd(xp, g, inputs, det, saved):
    a = inputs[0]
    scale = (g * det).reshape(a.shape[:-2] + (1, 1))
    return (scale * _t(xp.linalg.inv(a)),)


det = Op("_linalg_det", _det_fwd, _det_bwd)


def _slogdet_fwd(xp, a):
    sign, logabs = xp.linalg.slogdet(a)
    return _scalar_shape(sign, a), _scalar_shape(logabs, a)


def _slogdet_bwd(xp, g, inputs, out, saved):
    a = inputs[0]
    return (g[1].reshape(a.shape[:-2] + (1, 1)) * _t(xp.linalg.inv(a)),)


slogdet = Op("_linalg_slogdet", _slogdet_fwd, _slogdet_bwd, multi_output=True)


def _diag(a, offset=0):
    return a.diagonal(offset, -2, -1)


def _sumlogdiag_fwd(xp, a):
    return _scalar_shape(xp.log(_diag(a)).sum(axis=-1), a)


def _sumlogdiag_bwd(xp, g, inputs, y, saved):
    a = inputs[0]
    return (_make_diag(xp, g.reshape(a.shape[:-2] + (1,)) / _diag(a), 0),)


sumlogdiag = Op("_linalg_sumlogdiag", _sumlogdiag_fwd, _sumlogdiag_bwd)


def _diag_index(xp, n, offset):
    """Rows and columns of the ``offset`` diagonal of a matrix that has ``n`` elements on it."""
    i = xp.arange(n)
    return i + max(-offset, 0), i + max(offset, 0)


def _make_diag(xp, v, offset):
    n = v.shape[-1]
    size = n + abs(offset)
    out = xp.zeros(v.shape[:-1] + (size, size), dtype=v.dtype)
    rows, cols = _diag_index(xp, n, offset)
    out[..., rows, cols] = v
    return out


def _extractdiag_fwd(xp, a, offset):
    return _diag(a, offset).copy()


def _extractdiag_bwd(xp, g, inputs, y, saved, offset):
    a = inputs[0]
    out = xp.zeros(a.shape, dtype=g.dtype)
    rows, cols = _diag_index(xp, g.shape[-1], offset)
    out[..., rows, cols] = g
    return (out,)


extractdiag = Op("_linalg_extractdiag", _extractdiag_fwd, _extractdiag_bwd)


def _makediag_fwd(xp, v, offset):
    return _make_diag(xp, v, offset)


def _makediag_bwd(xp, g, inputs, y, saved, offset):
    return (_diag(g, offset).copy(),)


makediag = Op("_linalg_makediag", _makediag_fwd, _makediag_bwd)


def _trian_index(xp, n, offset, lower):
    """Where a triangle's packed elements sit in an ``n`` x ``n`` matrix, in MXNet's order: row-major over
    a lower triangle, column-major over an upper one (the offset's sign picks the triangle; 0 defers to
    ``lower``)."""
    low = offset < 0 or (offset == 0 and lower)
    rows, cols = xp.tril_indices(n, -abs(offset))
    return (rows, cols) if low else (cols, rows)


def _extracttrian_fwd(xp, a, offset, lower):
    rows, cols = _trian_index(xp, a.shape[-1], offset, lower)
    return a[..., rows, cols]


def _extracttrian_bwd(xp, g, inputs, y, saved, offset, lower):
    a = inputs[0]
    out = xp.zeros(a.shape, dtype=g.dtype)
    rows, cols = _trian_index(xp, a.shape[-1], offset, lower)
    out[..., rows, cols] = g
    return (out,)


extracttrian = Op("_linalg_extracttrian", _extracttrian_fwd, _extracttrian_bwd)


def _maketrian_fwd(xp, v, offset, lower, size):
    out = xp.zeros(v.shape[:-1] + (size, size), dtype=v.dtype)
    rows, cols = _trian_index(xp, size, offset, lower)
    out[..., rows, cols] = v
    return out


def _maketrian_bwd(xp, g, inputs, y, saved, offset, lower, size):
    rows, cols = _trian_index(xp, size, offset, lower)
    return (g[..., rows, cols],)


maketrian = Op("_linalg_maketrian", _maketrian_fwd, _maketrian_bwd)
