"""dot (tensordot semantics, transposes, shape errors) and batch_dot."""
import numpy as np
import pytest

import ndx as mx
from ndx import nd

RNG = np.random.default_rng(0)


def _r(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("sa,sb", [((2, 3), (3, 4)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (4, 5, 6)), ((2, 3), (3,)),
                                   ((3,), (3, 4))])
def test_dot_contracts_last_with_first(ctx, sa, sb):
    a, b = _r(*sa), _r(*sb)
    got = nd.dot(nd.array(a, ctx=ctx), nd.array(b, ctx=ctx))
    np.testing.assert_allclose(got.asnumpy(), np.tensordot(a, b, axes=1), rtol=1e-5, atol=1e-6)


def test_dot_vectors_give_shape_1(ctx):
    got = nd.dot(nd.array([1, 2, 3], ctx=ctx), nd.array([1, 2, 3], ctx=ctx))
    assert got.shape == (1,) and got.asscalar() == 14


def test_dot_transposes(ctx):
    a, b = _r(3, 2), _r(4, 3)
    got = nd.dot(nd.array(a, ctx=ctx), nd.array(b, ctx=ctx), transpose_a=True, transpose_b=True)
    np.testing.assert_allclose(got.asnumpy(), a.T @ b.T, rtol=1e-5)


def test_dot_errors(ctx):
    with pytest.raises(mx.MXNetError, match=r"dot shape error: \[2,3\] X \[2,3\]$"):
        nd.dot(nd.ones((2, 3), ctx=ctx), nd.ones((2, 3), ctx=ctx))
    with pytest.raises(mx.MXNetError, match="expected float32, got float64$"):
        nd.dot(nd.ones((2, 2), ctx=ctx), nd.ones((2, 2), ctx=ctx, dtype="float64"))


def test_batch_dot(ctx):
    a, b = _r(2, 3, 4), _r(2, 4, 5)
    got = nd.batch_dot(nd.array(a, ctx=ctx), nd.array(b, ctx=ctx))
    assert got.shape == (2, 3, 5)
    np.testing.assert_allclose(got.asnumpy(), a @ b, rtol=1e-5, atol=1e-6)
    at = np.ascontiguousarray(a.transpose(0, 2, 1))
    got_t = nd.batch_dot(nd.array(at, ctx=ctx), nd.array(b, ctx=ctx), transpose_a=True)
    np.testing.assert_allclose(got_t.asnumpy(), a @ b, rtol=1e-5, atol=1e-6)


def test_batch_dot_shape_error(ctx):
    with pytest.raises(mx.MXNetError, match=r"^Check failed: lshape_k == rshape_k \(4 vs. 3\) : batch_dot shape "
                                            r"error \(shape mismatch\): \[2,3,4\] X \[2,3,5\] trans_a=0 trans_b=0$"):
        nd.batch_dot(nd.ones((2, 3, 4), ctx=ctx), nd.ones((2, 3, 5), ctx=ctx))


def test_dot_nd_transposes_contract_first_and_last_axes(ctx):
    """MXNet 1.9.1: dot((2,3,4), (2,3,5), transpose_a=True) has shape (3,4,3,5) (lhs's first axis is contracted,
    the others keep their order) and transpose_b contracts rhs's last axis: (2,3,4) x (5,3,4) -> (2,3,5,3)."""
    a, b, c = _r(2, 3, 4), _r(2, 3, 5), _r(5, 3, 4)
    got = nd.dot(nd.array(a, ctx=ctx), nd.array(b, ctx=ctx), transpose_a=True)
    assert got.shape == (3, 4, 3, 5)
    np.testing.assert_allclose(got.asnumpy(), np.tensordot(a, b, axes=([0], [0])), rtol=1e-5, atol=1e-6)
    got = nd.dot(nd.array(a, ctx=ctx), nd.array(c, ctx=ctx), transpose_b=True)
    assert got.shape == (2, 3, 5, 3)
    np.testing.assert_allclose(got.asnumpy(), np.tensordot(a, c, axes=([2], [2])), rtol=1e-5, atol=1e-6)


def test_dot_refusals_observed_on_mxnet(ctx):
    """Messages observed on MXNet 1.9.1."""
    with pytest.raises(mx.MXNetError) as e:
        nd.dot(nd.ones((2, 3), ctx=ctx), nd.ones((2, 3), ctx=ctx))
    assert str(e.value) == "Check failed: L[!Ta].Size() == R[Tb].Size() (3 vs. 2) : dot shape error: [2,3] X [2,3]"
    with pytest.raises(mx.MXNetError) as e:
        nd.dot(nd.ones((3,), ctx=ctx), nd.ones((3,), ctx=ctx), transpose_a=True)
    assert str(e.value) == "Check failed: !param.transpose_a && !param.transpose_b: Cannot transpose vectors"
    with pytest.raises(mx.MXNetError, match="dot only supports float32/float64 for CPU"):
        nd.dot(nd.ones((2, 2), ctx=ctx, dtype="int32"), nd.ones((2, 2), ctx=ctx, dtype="int32"))


def test_batch_dot_refusals_observed_on_mxnet(ctx):
    """Messages observed on MXNet 1.9.1."""
    with pytest.raises(mx.MXNetError) as e:
        nd.batch_dot(nd.ones((3, 4), ctx=ctx), nd.ones((4, 5), ctx=ctx))
    assert str(e.value) == "batch_dot currently only support N-D*N-D array (N >= 3)[3,4] v.s. [4,5]"
    with pytest.raises(mx.MXNetError) as e:
        nd.batch_dot(nd.ones((2, 3, 4), ctx=ctx), nd.ones((3, 4, 5), ctx=ctx))
    assert str(e.value) == ("Check failed: lshape[i] == rshape[i] (2 vs. 3) : batch_dot shape error (the leading "
                            "batch dimensions must be equal): [2,3,4] X [3,4,5] trans_a=0 trans_b=0")


# ----------------------------------------------------------------------------- nd.linalg

def _spd(*batch, n=3):
    m = RNG.standard_normal(batch + (n, n))
    return (m @ np.swapaxes(m, -1, -2) + n * np.eye(n)).astype(np.float32)


def _nd(x, ctx, dtype=None):
    return nd.array(x, ctx=ctx, dtype=dtype or x.dtype)


def _tt(x):
    return np.swapaxes(x, -1, -2)


def test_gemm_adds_scaled_c(ctx):
    a, b, c = _r(2, 3, 4), _r(2, 5, 4), _r(2, 3, 5)
    got = nd.linalg.gemm(_nd(a, ctx), _nd(b, ctx), _nd(c, ctx), transpose_b=True, alpha=2.0, beta=0.5)
    np.testing.assert_allclose(got.asnumpy(), 2 * a @ _tt(b) + 0.5 * c, rtol=1e-5, atol=1e-5)


def test_gemm_axis_moves_the_row_axis(ctx):
    a, b, c = _r(3, 2, 4), _r(4, 2, 5), _r(3, 2, 5)
    got = nd.linalg.gemm(_nd(a, ctx), _nd(b, ctx), _nd(c, ctx), axis=-3)
    want = np.einsum("ibk,kbj->ibj", a, b) + c
    np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-5)


def test_potrf_reads_the_lower_triangle(ctx):
    a = _spd(2)
    junk = a + np.triu(_r(2, 3, 3), 1)
    got = nd.linalg.potrf(_nd(junk, ctx)).asnumpy()
    np.testing.assert_allclose(got, np.linalg.cholesky(a), rtol=1e-5, atol=1e-5)
    assert np.all(np.triu(got, 1) == 0)


def test_potri_inverts_the_factored_matrix(ctx):
    a = _spd(2)
    low = np.linalg.cholesky(a) + np.triu(_r(2, 3, 3), 1)  # potri ignores the upper triangle
    np.testing.assert_allclose(nd.linalg.potri(_nd(low, ctx)).asnumpy(), np.linalg.inv(a), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("rightside", [False, True])
@pytest.mark.parametrize("lower", [False, True])
def test_trsm_and_trmm(ctx, transpose, rightside, lower):
    a = np.linalg.cholesky(_spd(2)) + np.triu(_r(2, 3, 3), 1)
    tri = np.tril(a) if lower else np.triu(a)
    op = _tt(tri) if transpose else tri
    b = _r(2, 4, 3) if rightside else _r(2, 3, 4)
    kw = {"transpose": transpose, "rightside": rightside, "lower": lower, "alpha": 1.5}
    want_mm = 1.5 * (b @ op if rightside else op @ b)
    want_sm = 1.5 * (b @ np.linalg.inv(op) if rightside else np.linalg.inv(op) @ b)
    np.testing.assert_allclose(nd.linalg.trmm(_nd(a, ctx), _nd(b, ctx), **kw).asnumpy(), want_mm, rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(nd.linalg.trsm(_nd(a, ctx), _nd(b, ctx), **kw).asnumpy(), want_sm, rtol=1e-4,
                               atol=1e-4)


def test_syrk(ctx):
    a = _r(2, 3, 4)
    np.testing.assert_allclose(nd.linalg.syrk(_nd(a, ctx), alpha=2.0).asnumpy(), 2 * a @ _tt(a), rtol=1e-5)
    np.testing.assert_allclose(nd.linalg.syrk(_nd(a, ctx), transpose=True).asnumpy(), _tt(a) @ a, rtol=1e-5,
                               atol=1e-6)


def test_inverse_det_slogdet(ctx):
    a = _spd(2) - 2 * _spd(2)
    x = _nd(a, ctx)
    np.testing.assert_allclose(nd.linalg.inverse(x).asnumpy(), np.linalg.inv(a), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(nd.linalg.det(x).asnumpy(), np.linalg.det(a), rtol=1e-4)
    sign, logabs = nd.linalg.slogdet(x)
    want_sign, want_log = np.linalg.slogdet(a)
    np.testing.assert_array_equal(sign.asnumpy(), want_sign)
    np.testing.assert_allclose(logabs.asnumpy(), want_log, rtol=1e-5)
    assert sign.dtype == np.float32 and logabs.shape == (2,)


def test_single_matrix_results_have_shape_1(ctx):
    """Observed on MXNet 1.9.1: det, slogdet and sumlogdiag of one matrix have shape (1,), not ()."""
    a = _spd()
    x = _nd(a, ctx)
    assert nd.linalg.det(x).shape == (1,)
    assert [r.shape for r in nd.linalg.slogdet(x)] == [(1,), (1,)]
    got = nd.linalg.sumlogdiag(x)
    assert got.shape == (1,)
    np.testing.assert_allclose(got.asnumpy(), [np.log(np.diag(a)).sum()], rtol=1e-5)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_sumlogdiag_of_non_positive_diagonal(ctx):
    """Observed on MXNet 1.9.1: a negative diagonal entry gives nan, a zero one -inf (no error)."""
    assert np.isnan(nd.linalg.sumlogdiag(nd.array([[-1, 0], [0, 1]], ctx=ctx)).asscalar())
    assert nd.linalg.sumlogdiag(nd.array([[0, 0], [0, 1]], ctx=ctx)).asscalar() == -np.inf


def test_extractdiag_makediag(ctx):
    a = _r(2, 3, 3)
    for k in (-1, 0, 2):
        got = nd.linalg.extractdiag(_nd(a, ctx), offset=k)
        np.testing.assert_array_equal(got.asnumpy(), np.diagonal(a, k, -2, -1))
    v = _r(2, 3)
    got = nd.linalg.makediag(_nd(v, ctx), offset=-1).asnumpy()
    assert got.shape == (2, 4, 4)
    for i in range(2):
        np.testing.assert_array_equal(got[i], np.diag(v[i], -1))


def test_extracttrian_maketrian_packing_order(ctx):
    """Observed on MXNet 1.9.1 (4x4 arange): lower triangles pack row by row, upper ones column by column,
    and a non-zero offset picks the triangle by its sign whatever ``lower`` says."""
    x = nd.array(np.arange(16).reshape(4, 4), ctx=ctx)
    assert nd.linalg.extracttrian(x, offset=-1).asnumpy().tolist() == [4, 8, 9, 12, 13, 14]
    assert nd.linalg.extracttrian(x, offset=-1, lower=False).asnumpy().tolist() == [4, 8, 9, 12, 13, 14]
    assert nd.linalg.extracttrian(x, offset=1).asnumpy().tolist() == [1, 2, 6, 3, 7, 11]
    y = nd.array(np.arange(9).reshape(3, 3), ctx=ctx)
    assert nd.linalg.extracttrian(y, lower=False).asnumpy().tolist() == [0, 1, 4, 2, 5, 8]
    v = nd.array([1, 2, 3], ctx=ctx)
    assert nd.linalg.maketrian(v, lower=False).asnumpy().tolist() == [[1, 2], [0, 3]]
    assert nd.linalg.maketrian(v, offset=-1).asnumpy().tolist() == [[0, 0, 0], [1, 0, 0], [2, 3, 0]]


@pytest.mark.parametrize("offset,lower", [(0, True), (0, False), (2, True), (-1, False)])
def test_maketrian_inverts_extracttrian(ctx, offset, lower):
    a = _r(2, 5, 5)
    packed = nd.linalg.extracttrian(_nd(a, ctx), offset=offset, lower=lower)
    back = nd.linalg.maketrian(packed, offset=offset, lower=lower).asnumpy()
    tri = np.tril(a, offset) if offset < 0 or (offset == 0 and lower) else np.triu(a, offset)
    np.testing.assert_array_equal(back, tri)


def test_linalg_float64(ctx):
    a = _spd().astype(np.float64)
    got = nd.linalg.potrf(_nd(a, ctx))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got.asnumpy(), np.linalg.cholesky(a), rtol=1e-12)


def _message(fn):
    with pytest.raises(mx.MXNetError) as e:
        fn()
    return str(e.value)


def test_linalg_refusals_observed_on_mxnet(ctx):
    """Messages observed on MXNet 1.9.1."""
    o = lambda *s, dtype="float32": nd.ones(s, ctx=ctx, dtype=dtype)  # noqa: E731
    la = nd.linalg
    assert _message(lambda: la.potrf(nd.array([[1, 2], [2, 1]], ctx=ctx))) == (
        "Check failed: ret == 0 (2 vs. 0) : spotrf failed in lapack on cpu. This may happen when the input matrix "
        "is either not symmetric or not positive definite.")
    assert _message(lambda: la.potrf(o(2, 3))) == ("Check failed: A.size(0) == A.size(1) (2 vs. 3) : "
                                                   "No square matrix as input to potrf.")
    assert _message(lambda: la.potrf(o(2))) == ("Check failed: A.size(0) == A.size(1) (1 vs. 2) : "
                                                "No square matrix as input to potrf.")
    assert _message(lambda: la.potrf(o(2, 2, dtype="int32"))) == (
        "This operation only supports 32-bit and 64-bit floating point")
    assert _message(lambda: la.det(o(2, 2, dtype="float16"))) == (
        "Check failed: dtype == kFloat32 || dtype == kFloat64: This operation only supports 32-bit and 64-bit "
        "floating point")
    assert _message(lambda: la.det(o(2, 3))) == ("Check failed: in[ndim-2] == in[ndim-1] (2 vs. 3) : Input A's last "
                                                 "two dimension must be equal")
    assert _message(lambda: la.inverse(o(2))) == "Check failed: ndim >= 2 (1 vs. 2) : Input A's dimension must be >= 2"
    assert _message(lambda: la.inverse(nd.array([[1, 2], [2, 4]], ctx=ctx))) == (
        "Check failed: ret == 0 (2 vs. 0) : the input matrix is non-convertible")
    assert _message(lambda: la.gemm(o(2, 3), o(3, 3), o(2, 2))) == (
        "Shape inconsistent, Provided = [2,2], inferred shape=[2,3]")
    assert _message(lambda: la.gemm2(o(2, 3), o(2, 3))) == (
        "Check failed: (transpose_a ? (*in_attrs)[0][axis] : (*in_attrs)[0][ndim-1]) == (transpose_b ? "
        "(*in_attrs)[1][ndim-1] : (*in_attrs)[1][axis]) (3 vs. 2) : Incompatible matrix dimensions for multiplication")
    assert _message(lambda: la.gemm(o(4, 2, 3), o(3, 3, 5), o(4, 2, 5))) == (
        "Check failed: (*in_attrs)[0][i] == (*in_attrs)[1][i] (4 vs. 3) : Shapes of inputs 0, 1 must be the same, "
        "except on row/col axis")
    assert _message(lambda: la.gemm2(o(3), o(3))) == "Operator _linalg_gemm2 inferring shapes failed."
    assert _message(lambda: la.trsm(o(2, 2), o(2, 3), rightside=True)) == (
        "Check failed: (*in_attrs)[0][ndim-2] == (*in_attrs)[1][ndim-1] (2 vs. 3) : Incompatible matrix dimensions "
        "for multiplication")
    assert _message(lambda: la.trmm(o(2, 3), o(3, 2))) == (
        "Check failed: (*in_attrs)[0][ndim-2] == (*in_attrs)[0][ndim-1] (2 vs. 3) : First operand must be a tensor "
        "of square matrices")
    assert _message(lambda: la.extractdiag(o(2, 2), offset=2)) == (
        "Check failed: n > 0 (0 vs. 0) : Illegal offset 2 for diag/trian extraction of matrix with dimension 2")
    assert _message(lambda: la.sumlogdiag(o(2, 3))) == ("Check failed: A.size(1) == A.size(2) (2 vs. 3) : "
                                                        "sumlogdiag operator requires square matrices as input.")
    assert _message(lambda: la.maketrian(o(2))) == (
        "Check failed: (m*(m+1))/2 == n (3 vs. 2) : Input tensor of maketrian has an invalid dimension for the last "
        "axis.")
    assert "expected float32, got float64" in _message(lambda: la.gemm2(o(2, 2), o(2, 2, dtype="float64")))


def test_linalg_names_match_mxnet():
    """Observed on MXNet 1.9.1: dir(mx.nd.linalg) less gelqf and syevd (not implemented)."""
    names = {"det", "extractdiag", "extracttrian", "gemm", "gemm2", "inverse", "makediag", "maketrian", "potrf",
             "potri", "slogdet", "sumlogdiag", "syrk", "trmm", "trsm"}
    assert names <= set(dir(nd.linalg))


def test_batch_dot_refuses_integers_as_dot_does(ctx):
    ints = nd.ones((1, 1, 2), dtype="int32", ctx=ctx)
    for call in (lambda: nd.batch_dot(ints, ints.reshape((1, 2, 1))), lambda: nd.dot(ints[0], ints[0].T)):
        with pytest.raises(mx.MXNetError, match="dot only supports float32/float64 for CPU, and "
                                                "float16/float32/float64 for GPU$"):
            call()
