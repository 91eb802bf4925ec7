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
