"""The less common MXNet operators of ndx.ops.extra / ndx.ndarray.extra_ops, and the nd aliases.

Values are checked against numpy (or math) references computed here; MXNet 1.9.1's outputs, gradients and
error texts that were checked against the real library are pinned with "Observed on MXNet 1.9.1".
"""
import math

import numpy as np
import pytest

import ndx
from ndx import autograd, nd
from ndx.base import MXNetError
from ndx.ops import extra
from ndx.ops.op import Op
from ndx.test_utils import check_numeric_gradient

RNG = np.random.default_rng(7)


def _grad(ctx, fn, x, head=None, dtype="float32"):
    """Autograd's gradient of ``fn`` at ``x`` (numpy), with an optional head gradient."""
    a = nd.array(x, ctx=ctx, dtype=dtype)
    a.attach_grad()
    with autograd.record():
        y = fn(a)
    y.backward(None if head is None else nd.array(head, ctx=ctx, dtype=dtype))
    return a.grad.asnumpy()


# ----------------------------------------------------------------------------- elementwise

def _smooth_l1_ref(x, sigma):
    s2 = sigma * sigma
    return np.where(np.abs(x) > 1 / s2, np.abs(x) - 0.5 / s2, 0.5 * s2 * x * x)


def test_smooth_l1_values(ctx):
    x = np.array([[-2, -0.5, 0.2], [1.5, 0.9, 3]], np.float32)
    for sigma in (1.0, 2.0, 0.7):
        np.testing.assert_allclose(nd.smooth_l1(nd.array(x, ctx=ctx), scalar=sigma).asnumpy(),
                                   _smooth_l1_ref(x, sigma), rtol=1e-6)
    np.testing.assert_allclose(nd.smooth_l1(nd.array(x, ctx=ctx)).asnumpy(), _smooth_l1_ref(x, 1.0), rtol=1e-6)


def test_smooth_l1_integer_and_zero_sigma(ctx):
    # Observed on MXNet 1.9.1: int32 computes then truncates; an int64 array truncates scalar 0.5 to 0
    # (so every value is 0), and so does scalar=0 on float32
    ints = nd.array([1, 2, -3], ctx=ctx, dtype="int32")
    assert nd.smooth_l1(ints, scalar=1.0).asnumpy().tolist() == [0, 1, 2]
    assert nd.smooth_l1(nd.array([1, 2, -3], ctx=ctx, dtype="int64"), scalar=0.5).asnumpy().tolist() == [0, 0, 0]
    assert nd.smooth_l1(nd.array([1, 2, -3], ctx=ctx), scalar=0).asnumpy().tolist() == [0, 0, 0]


def test_smooth_l1_gradient_observed(ctx):
    # Observed on MXNet 1.9.1 (scalar=1): sign outside |x| > 1, x inside
    x = [-2, -0.5, 0.2, 1.5, 0.9, 3, 1.0, -1.0, 0.0]
    g = _grad(ctx, lambda a: nd.smooth_l1(a, scalar=1.0), x)
    np.testing.assert_allclose(g, [-1, -0.5, 0.2, 1, 0.9, 1, 1, -1, 0], rtol=1e-6)


def test_hard_sigmoid(ctx):
    x = np.array([[-2, -0.5, 0.2], [1.5, 0.9, 3]], np.float32)
    for alpha, beta in ((0.2, 0.5), (0.5, 0.1)):
        out = nd.hard_sigmoid(nd.array(x, ctx=ctx), alpha=alpha, beta=beta)
        np.testing.assert_allclose(out.asnumpy(), np.clip(alpha * x + beta, 0, 1), rtol=1e-6, atol=1e-7)
    assert nd.hard_sigmoid(nd.array([1, 2], ctx=ctx, dtype="float16")).dtype == np.float16
    # Observed on MXNet 1.9.1: the gradient is alpha strictly inside (0, 1), 0 where the output is clipped
    g = _grad(ctx, nd.hard_sigmoid, [-2.5, -0.5, 0.2, 1.5, 2.5, 3, -2.6])
    np.testing.assert_allclose(g, [0, 0.2, 0.2, 0.2, 0, 0, 0], rtol=1e-6)
    with pytest.raises(MXNetError, match="This operation only support floating point types, not int32"):
        nd.hard_sigmoid(nd.array([1], ctx=ctx, dtype="int32"))


def _erfinv_ref(x):
    """Bisection on math.erf: an independent reference."""
    lo, hi = -7.0, 7.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if math.erf(mid) < x else (lo, mid)
    return (lo + hi) / 2


def test_erfinv(ctx):
    x = np.array([-0.999, -0.9, -0.5, -1e-8, 0, 0.3, 0.42, 0.43, 0.95, 0.999999])
    out = nd.erfinv(nd.array(x, ctx=ctx, dtype="float64")).asnumpy()
    np.testing.assert_allclose(out, [_erfinv_ref(v) for v in x], rtol=1e-10, atol=1e-15)
    # Observed on MXNet 1.9.1 (float32): -inf at -1, inf at 1, NaN outside [-1, 1]
    edge = nd.erfinv(nd.array([-1, 1, 1.5, -0.5], ctx=ctx)).asnumpy()
    assert edge[0] == -np.inf and edge[1] == np.inf and np.isnan(edge[2])
    np.testing.assert_allclose(edge[3], -0.47693628, rtol=1e-6)


def test_gammaln_and_gamma(ctx):
    x = np.array([0.001, 0.3, 0.5, 1, 2, 2.5, 3.5, 10, 40.25, 100, -0.5, -1.5, -2.5, -7.2])
    gl = nd.gammaln(nd.array(x, ctx=ctx, dtype="float64")).asnumpy()
    np.testing.assert_allclose(gl, [math.lgamma(v) for v in x], rtol=1e-12, atol=1e-13)
    small = x[x < 60]
    g = nd.gamma(nd.array(small, ctx=ctx, dtype="float64")).asnumpy()
    np.testing.assert_allclose(g, [math.gamma(v) for v in small], rtol=1e-12)
    assert nd.gamma(nd.array([171.5], ctx=ctx, dtype="float64")).asnumpy()[0] == pytest.approx(math.gamma(171.5),
                                                                                               rel=1e-12)
    fits = small[small < 30]  # Gamma(40.25) overflows float32 (inf, as in MXNet)
    np.testing.assert_allclose(nd.gamma(nd.array(fits, ctx=ctx)).asnumpy(), [math.gamma(v) for v in fits],
                               rtol=2e-6)
    # Observed on MXNet 1.9.1: poles, float32 overflow and integer inputs (exact factorials, truncated logs)
    assert nd.gamma(nd.array([0, -1, 40], ctx=ctx)).asnumpy().tolist()[::2] == [np.inf, np.inf]
    assert np.isnan(nd.gamma(nd.array([-1], ctx=ctx)).asnumpy()[0])
    assert nd.gammaln(nd.array([0, -1, 1, 2], ctx=ctx)).asnumpy().tolist() == [np.inf, np.inf, 0, 0]
    assert nd.gamma(nd.array([1, 2, 5], ctx=ctx, dtype="int32")).asnumpy().tolist() == [1, 1, 24]
    assert nd.gammaln(nd.array([1, 2, 5], ctx=ctx, dtype="int32")).asnumpy().tolist() == [0, 0, 3]


def test_special_function_gradients_observed(ctx):
    # Observed on MXNet 1.9.1 (float64); ndx's digamma is closer to the true values (psi(0.3) = -3.5025242222)
    x = [0.3, 2.5, -1.5]
    np.testing.assert_allclose(_grad(ctx, nd.gammaln, x, dtype="float64"),
                               [-3.502524095447808, 0.7031567248971711, 0.7031567248971711], rtol=1e-6)
    np.testing.assert_allclose(_grad(ctx, nd.gamma, x, dtype="float64"),
                               [-10.478042462570194, 0.9347346336255761, 1.661750459778802], rtol=1e-6)
    np.testing.assert_allclose(_grad(ctx, nd.erfinv, [0.3, -0.5, 0.7], dtype="float64"),
                               [0.9545203875153571, 1.112584852395182, 1.5163632628869301], rtol=1e-6)


# ----------------------------------------------------------------------------- shapes

def test_moveaxis(ctx):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    a = nd.array(x, ctx=ctx)
    for src, dst in ((0, 2), (-1, 0), ([0, 1], [2, 0]), ((0, 1), (-1, -2)), (1, 1)):
        np.testing.assert_array_equal(nd.moveaxis(a, src, dst).asnumpy(), np.moveaxis(x, src, dst))
    # Observed on MXNet 1.9.1: its own ValueError texts (the destination one is a tuple of two strings)
    with pytest.raises(ValueError) as e:
        nd.moveaxis(a, 3, 0)
    assert str(e.value) == "Source should verify 0 <= source < tensor.ndimGot 3"
    with pytest.raises(ValueError) as e:
        nd.moveaxis(nd.ones((2, 3), ctx=ctx), 0, -3)
    assert e.value.args == ("Destination should verify 0 <= destination < tensor.ndim (2).", "Got -3")
    with pytest.raises(ValueError, match="must have the same number of elements"):
        nd.moveaxis(a, [0, 1], [2])
    with pytest.raises(ValueError, match="repeated axis"):
        nd.moveaxis(a, [0, 0], [1, 2])


def test_diag(ctx):
    m = np.arange(12, dtype=np.float32).reshape(3, 4)
    a = nd.array(m, ctx=ctx)
    for k in (-3, -2, 0, 1, 3, 4):
        np.testing.assert_array_equal(nd.diag(a, k=k).asnumpy(), np.diagonal(m, k))
    v = np.array([1, 2, 3], np.float32)
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(nd.diag(nd.array(v, ctx=ctx), k=k).asnumpy(), np.diag(v, k))
    t = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_array_equal(nd.diag(nd.array(t, ctx=ctx), k=1, axis1=2, axis2=0).asnumpy(),
                                  np.diagonal(t, 1, 2, 0))
    assert nd.diag(nd.array(t, ctx=ctx)).shape == (4, 2)
    assert nd.diag(nd.array([[1]], ctx=ctx, dtype="int32")).dtype == np.int32


def test_diag_errors(ctx):
    # Observed on MXNet 1.9.1: k may reach the row/column count (an empty diagonal), not beyond
    a = nd.ones((3, 4), ctx=ctx)
    for k in (5, -4):
        with pytest.raises(MXNetError) as e:
            nd.diag(a, k=k)
        assert str(e.value) == "Diagonal does not exist."
    with pytest.raises(MXNetError) as e:
        nd.diag(nd.ones((2, 3, 4), ctx=ctx), axis1=1, axis2=-2)
    assert str(e.value) == "Check failed: x1 != x2 (1 vs. 1) : axis1 and axis2 cannot refer to the same axis 1"
    with pytest.raises(MXNetError) as e:
        nd.diag(nd.ones((2, 3, 4), ctx=ctx), axis1=3)
    assert str(e.value) == "Check failed: axis < ndim && axis >= -ndim: axis 3 exceeds the input dimension of 3"


def test_diag_gradients_observed(ctx):
    # Observed on MXNet 1.9.1
    g = _grad(ctx, lambda a: nd.diag(a, k=1), [[1, 2, 3], [4, 5, 6]], head=[10, 20])
    np.testing.assert_array_equal(g, [[0, 10, 0], [0, 0, 20]])
    g = _grad(ctx, lambda a: nd.diag(a, k=-1), [1, 2], head=np.arange(9).reshape(3, 3))
    np.testing.assert_array_equal(g, [3, 7])


def test_depth_to_space_and_back(ctx):
    x = np.arange(48, dtype=np.float32).reshape(1, 8, 2, 3)
    d = nd.depth_to_space(nd.array(x, ctx=ctx), 2)
    assert d.shape == (1, 2, 4, 6)
    # Observed on MXNet 1.9.1: the first output row interleaves channels 0 and 2 (DCR order)
    assert d.asnumpy()[0, 0, 0].tolist() == [0, 12, 1, 13, 2, 14]
    assert d.asnumpy()[0, 1, 1].tolist() == [30, 42, 31, 43, 32, 44]
    np.testing.assert_array_equal(nd.space_to_depth(d, 2).asnumpy(), x)
    # reference: out[n, c, h*b + i, w*b + j] = x[n, (i*b + j)*C' + c, h, w]
    ref = np.zeros((1, 2, 4, 6), np.float32)
    for c in range(2):
        for i in range(2):
            for j in range(2):
                ref[0, c, i::2, j::2] = x[0, (i * 2 + j) * 2 + c]
    np.testing.assert_array_equal(d.asnumpy(), ref)
    ints = nd.depth_to_space(nd.array(np.arange(8).reshape(1, 4, 1, 2), ctx=ctx, dtype="int32"), 2)
    assert ints.asnumpy().tolist() == [[[[0, 2, 1, 3], [4, 6, 5, 7]]]]  # Observed on MXNet 1.9.1


def test_depth_space_errors(ctx):
    # Observed on MXNet 1.9.1 (space_to_depth's texts say "Depth To Space" and end with a space)
    with pytest.raises(MXNetError) as e:
        nd.depth_to_space(nd.ones((1, 8, 2, 3), ctx=ctx), 3)
    assert str(e.value).startswith("Check failed: in_shape[1] % (block * block) == 0 (8 vs. 0) : Cannot perform")
    with pytest.raises(MXNetError, match="block_size must be a positive integer value"):
        nd.depth_to_space(nd.ones((1, 8, 2, 3), ctx=ctx), 0)
    with pytest.raises(MXNetError, match=r"\(3 vs. 4\) : Operation Space To Depth requires exactly 4D tensor"):
        nd.space_to_depth(nd.ones((2, 2, 2), ctx=ctx), 2)
    with pytest.raises(MXNetError) as e:
        nd.space_to_depth(nd.ones((1, 2, 4, 6), ctx=ctx), 4)
    assert str(e.value) == ("Check failed: in_shape[3] % block == 0 (2 vs. 0) : Cannot perform Depth To Space "
                            "operation on the specified tensor. Dimension:3(2nd space dimension) should be a "
                            "multiple of 'block' ")


def test_reshape_and_concatenate_aliases(ctx):
    x = nd.arange(6, ctx=ctx)
    assert nd.Reshape(x, shape=(2, 3)).shape == (2, 3)
    assert nd.Reshape(x, target_shape=(3, 2)).shape == (3, 2)
    assert nd.Reshape(x, (-1, 2), reverse=True).shape == (3, 2)
    a, b = nd.array([[1, 2], [3, 4]], ctx=ctx), nd.array([[5, 6]], ctx=ctx)
    assert nd.concatenate([a, b]).asnumpy().tolist() == [[1, 2], [3, 4], [5, 6]]
    assert nd.concatenate([a, a], axis=1).shape == (2, 4)
    assert nd.concatenate([a, b], axis=-2).shape == (3, 2)
    # Observed on MXNet 1.9.1: always_copy=False hands a single array back; refusals are bare AssertionErrors
    assert nd.concatenate([a], always_copy=False) is a and nd.concatenate([a]) is not a
    for bad in ((a, b), [], [a, nd.ones((2, 3), ctx=ctx)]):
        with pytest.raises(AssertionError):
            nd.concatenate(bad)
    with pytest.raises(AssertionError):
        nd.concatenate([a, a.astype("int32")])


# ----------------------------------------------------------------------------- indexing

def test_gather_nd(ctx):
    d = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    data = nd.array(d, ctx=ctx)
    for idx in ([[0, 1], [1, 2]], [[0, 1], [1, 2], [3, 0]], [[-1, 1], [1, -1]], [[[0, 1]], [[1, 2]]]):
        i = np.array(idx)
        np.testing.assert_array_equal(nd.gather_nd(data, nd.array(i, ctx=ctx)).asnumpy(), d[tuple(i)])
    ints = nd.gather_nd(nd.array(d, ctx=ctx, dtype="int32"), nd.array([[0, 1], [1, 2]], ctx=ctx, dtype="int64"))
    assert ints.dtype == np.int32
    # Observed on MXNet 1.9.1: fractional indices truncate after negatives wrap (-0.5 -> 2.5 -> 2)
    out = nd.gather_nd(nd.array([10, 20, 30], ctx=ctx), nd.array([[-0.5, 1.2, -2.5, 2.0]], ctx=ctx))
    assert out.asnumpy().tolist() == [30, 20, 10, 30]


def test_gather_nd_errors(ctx):
    # Observed on MXNet 1.9.1: an IndexError (raised when the result is read there), [-n, n - 1] allowed
    data = nd.arange(24, ctx=ctx).reshape((2, 3, 4))
    with pytest.raises(IndexError) as e:
        nd.gather_nd(data, nd.array([[0, 1], [1, 5]], ctx=ctx))
    assert str(e.value) == "index 5 is out of bounds for axis 1 with size 3"
    with pytest.raises(IndexError) as e:
        nd.gather_nd(data, nd.array([[1.7, 0.2]], ctx=ctx))
    assert str(e.value) == "index 1.7 is out of bounds for axis 0 with size 2"
    with pytest.raises(IndexError, match="index -3 is out of bounds for axis 0 with size 2"):
        nd.gather_nd(data, nd.array([[0, -3], [1, -1]], ctx=ctx, dtype="int32"))
    with pytest.raises(MXNetError) as e:
        nd.gather_nd(data, nd.array([1], ctx=ctx))
    assert str(e.value) == ("Check failed: ishape.ndim() > 1 (1 vs. 1) : gather_nd requires index tensor to have at "
                            "least 2 dimensions")
    with pytest.raises(MXNetError, match=r"\(4 vs. 3\) : Number of indices exceeds data dimension"):
        nd.gather_nd(data, nd.zeros((4, 2), ctx=ctx))


def test_gather_nd_gradient_accumulates(ctx):
    # Observed on MXNet 1.9.1: a repeated point sums its gradients
    g = _grad(ctx, lambda a: nd.gather_nd(a, nd.array([[0, 0, 1], [1, 1, 2]], ctx=ctx)),
              np.arange(6).reshape(2, 3), head=[1, 2, 3])
    np.testing.assert_array_equal(g, [[0, 3, 0], [0, 0, 3]])


def test_scatter_nd(ctx):
    data = nd.array([2, 3, 4], ctx=ctx)
    out = nd.scatter_nd(data, nd.array([[1, 1, 0], [0, 1, 0]], ctx=ctx), shape=(2, 2))
    ref = np.zeros((2, 2), np.float32)
    ref[[1, 1, 0], [0, 1, 0]] = [2, 3, 4]
    np.testing.assert_array_equal(out.asnumpy(), ref)
    rows = nd.scatter_nd(nd.array([[1, 2], [3, 4]], ctx=ctx), nd.array([[1, 0]], ctx=ctx), shape=(3, 2))
    assert rows.asnumpy().tolist() == [[3, 4], [1, 2], [0, 0]]
    # Observed on MXNet 1.9.1: points outside the shape, negative ones included, are dropped
    for idx in ([[1, 5, 0], [0, 1, 0]], [[1, -1, 0], [0, 1, 0]]):
        assert nd.scatter_nd(data, nd.array(idx, ctx=ctx), shape=(2, 2)).asnumpy().tolist() == [[4, 0], [2, 0]]
    # Observed on MXNet 1.9.1 (CPU): of repeated points the last write wins
    dup = nd.scatter_nd(data, nd.array([[1, 1, 1], [0, 0, 0]], ctx=ctx), shape=(2, 2))
    assert dup.asnumpy().tolist() == [[0, 0], [4, 0]]
    # Observed on MXNet 1.9.1: the gradient gathers the head gradient at each point
    g = _grad(ctx, lambda a: nd.scatter_nd(a, nd.array([[1, 1, 0], [0, 1, 0]], ctx=ctx), shape=(2, 2)),
              [2, 3, 4], head=[[1, 2], [3, 4]])
    np.testing.assert_array_equal(g, [3, 4, 1])


def test_scatter_nd_errors(ctx):
    # Observed on MXNet 1.9.1
    with pytest.raises(MXNetError) as e:
        nd.scatter_nd(nd.array([2, 3, 4], ctx=ctx), nd.array([[1, 1, 0], [0, 1, 0]], ctx=ctx), shape=(2,))
    assert str(e.value) == ("Check failed: ishape[0] <= oshape.ndim() (2 vs. 1) : Number of indices exceeds output "
                            "dimension in operator scatter_nd")
    with pytest.raises(MXNetError) as e:
        nd.scatter_nd(nd.ones((2, 2), ctx=ctx), nd.array([[1], [0]], ctx=ctx), shape=(2, 3, 2))
    assert str(e.value) == ("Check failed: valid: Invalid data, indices, and output shape combination for "
                            "scatter_nd: [2,2], [2,1], [2,3,2]")


def test_batch_take(ctx):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    idx = np.array([0, 3, 1], np.int32)
    out = nd.batch_take(nd.array(a, ctx=ctx), nd.array(idx, ctx=ctx, dtype="int32"))
    np.testing.assert_array_equal(out.asnumpy(), a[np.arange(3), idx])
    # Observed on MXNet 1.9.1: indices clip; the output has the indices' shape
    clipped = nd.batch_take(nd.array(a, ctx=ctx), nd.array([0, 5, -1], ctx=ctx, dtype="int32"))
    assert clipped.asnumpy().tolist() == [0, 7, 8]
    assert nd.batch_take(nd.array(a, ctx=ctx), nd.array([[0, 3, 1]], ctx=ctx, dtype="int32")).shape == (1, 3)
    with pytest.raises(MXNetError) as e:
        nd.batch_take(nd.array(a, ctx=ctx), nd.array([0, 1, 2], ctx=ctx))
    assert str(e.value) == "MXNetError: Type inconsistent, Provided = float32, inferred type = int32"
    with pytest.raises(MXNetError, match=r"\(3 vs. 2\) : Index array's size must be the same"):
        nd.batch_take(nd.array(a, ctx=ctx), nd.array([0, 3], ctx=ctx, dtype="int32"))
    with pytest.raises(MXNetError, match=r"\(1 vs. 2\) : Data array must have at least 2 dimensional"):
        nd.batch_take(nd.arange(4, ctx=ctx), nd.array([0], ctx=ctx, dtype="int32"))


def test_onehot_encode(ctx):
    out = nd.zeros((3, 4), ctx=ctx)
    res = nd.onehot_encode(nd.array([0, 3, 1], ctx=ctx), out)
    assert res is out
    np.testing.assert_array_equal(out.asnumpy(), np.eye(4, dtype=np.float32)[[0, 3, 1]])
    # Observed on MXNet 1.9.1: out-of-range rows stay 0, fractions truncate
    assert nd.onehot_encode(nd.array([-1, 1.7], ctx=ctx), nd.ones((2, 3), ctx=ctx)).asnumpy().tolist() == \
        [[0, 0, 0], [0, 1, 0]]
    with pytest.raises(MXNetError) as e:
        nd.onehot_encode(nd.array([0, 1], ctx=ctx), nd.zeros((2, 3), ctx=ctx, dtype="int32"))
    assert str(e.value) == ("Check failed: ret->type_flag_ == mshadow: :default_type_flag (4 vs. 0) : one_hot_encode "
                            "only support float32 as input/output")
    with pytest.raises(MXNetError, match=r"\(3 vs. 2\) : OneHotEncode shape inconsistent"):
        nd.onehot_encode(nd.array([0, 1, 2], ctx=ctx), nd.zeros((2, 3), ctx=ctx))


def test_unravel_and_ravel(ctx):
    shape = (3, 4, 5)
    flat = np.array([0, 7, 23, 59, 31], np.float32)
    coords = nd.unravel_index(nd.array(flat, ctx=ctx), shape=shape)
    np.testing.assert_array_equal(coords.asnumpy(), np.array(np.unravel_index(flat.astype(int), shape)))
    back = nd.ravel_multi_index(coords, shape=shape)
    np.testing.assert_array_equal(back.asnumpy(), flat)
    assert nd.ravel_multi_index(nd.array([[0, 1, 2], [2, 3, 1]], ctx=ctx, dtype="int32"), shape=(3, 4)).dtype == np.int32
    # Observed on MXNet 1.9.1: no bounds, C's truncating division; fractional inputs truncate
    assert nd.unravel_index(nd.array([2, 6, 12, -1], ctx=ctx), shape=(3, 4)).asnumpy().tolist() == \
        [[0, 1, 3, 0], [2, 2, 0, -1]]
    assert nd.unravel_index(nd.array([2, 6, 9], ctx=ctx), shape=(2, -1)).asnumpy().tolist() == \
        [[-2, -6, -9], [0, 0, 0]]
    assert nd.ravel_multi_index(nd.array([[0, 1, 5], [2, 3, -1]], ctx=ctx), shape=(3, 4)).asnumpy().tolist() == \
        [2, 7, 19]
    assert nd.ravel_multi_index(nd.array([[0.5, 1.7], [2.2, 3.9]], ctx=ctx), shape=(3, 4)).asnumpy().tolist() == [2, 7]
    with pytest.raises(MXNetError, match=r"\(1 vs. 2\) : First dimension of input of ravel operator does not match"):
        nd.ravel_multi_index(nd.array([[0, 1, 2]], ctx=ctx), shape=(3, 4))
    with pytest.raises(MXNetError, match=r"\(1 vs. 2\) : Input to ravel operator must be two-dimensional."):
        nd.ravel_multi_index(nd.array([0, 1], ctx=ctx), shape=(3, 4))
    with pytest.raises(MXNetError, match="1-D data"):
        nd.unravel_index(nd.array([[2, 6]], ctx=ctx), shape=(3, 4))
    # Observed on MXNet 1.9.1: both register a zero gradient
    assert _grad(ctx, lambda a: nd.unravel_index(a, shape=(3, 4)), [2, 6, 9]).tolist() == [0, 0, 0]


# ----------------------------------------------------------------------------- reductions, softmax

def test_moments(ctx):
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    a = nd.array(x, ctx=ctx)
    for axes, keep in (((1,), False), ((0, 2), True), (0, False), ((-1,), True)):
        mean, var = nd.moments(a, axes=axes, keepdims=keep)
        ax = axes if isinstance(axes, int) else tuple(axes)
        np.testing.assert_allclose(mean.asnumpy(), x.mean(axis=ax, keepdims=keep), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(var.asnumpy(), x.var(axis=ax, keepdims=keep), rtol=1e-5, atol=1e-6)
    # Observed on MXNet 1.9.1: every axis gives shape (1,); integers truncate; float16 rounds as it sums
    mean, var = nd.moments(a, axes=(0, 1, 2))
    assert mean.shape == var.shape == (1,)
    m = [[1, 2, 3], [4, 5, 7]]
    mean, var = nd.moments(nd.array(m, ctx=ctx, dtype="int32"), axes=(1,))
    assert mean.asnumpy().tolist() == [2, 5] and var.asnumpy().tolist() == [0, 1]
    mean, var = nd.moments(nd.array(m, ctx=ctx, dtype="float16"), axes=(1,))
    assert mean.asnumpy().tolist() == [2.0, 5.33203125] and var.asnumpy().tolist() == [0.66650390625, 1.5546875]
    with pytest.raises(MXNetError) as e:
        nd.moments(a)
    assert str(e.value) == ("Empty axes is not supported, if you would like to do global moments, please pass all "
                            "axes to axes argument")
    with pytest.raises(MXNetError, match="Reduction axis 3 Exceeds input dimensions"):
        nd.moments(a, axes=(3,))


def test_moments_gradient_observed(ctx):
    # Observed on MXNet 1.9.1
    def fn(a):
        mean, var = nd.moments(a, axes=(1,))
        return mean * nd.array([1, 2], ctx=ctx) + var * nd.array([3, -1], ctx=ctx)
    g = _grad(ctx, fn, [[1, 2, 3], [4, 5, 7]])
    np.testing.assert_allclose(g, [[-1.6666666, 0.33333334, 2.3333333], [1.5555557, 0.888889, -0.44444436]],
                               rtol=1e-5)


def test_softmax_activation(ctx):
    x = RNG.standard_normal((2, 3, 2)).astype(np.float32)
    a = nd.array(x, ctx=ctx)

    def ref(v, axis):
        e = np.exp(v - v.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
    # Observed on MXNet 1.9.1: 'instance' is the last axis (not the flattened instance), 'channel' axis 1
    np.testing.assert_allclose(nd.SoftmaxActivation(a).asnumpy(), ref(x, -1), rtol=1e-5)
    np.testing.assert_allclose(nd.SoftmaxActivation(a, mode="channel").asnumpy(), ref(x, 1), rtol=1e-5)
    with pytest.raises(MXNetError, match=r"\(2 vs. 3\) : Input need to have a least 3 dimensions when mode=channel"):
        nd.SoftmaxActivation(nd.ones((2, 3), ctx=ctx), mode="channel")
    with pytest.raises(MXNetError) as e:
        nd.SoftmaxActivation(nd.ones((2, 3), ctx=ctx, dtype="float64"))
    assert str(e.value).endswith("data type do not match specified type.Expected: double v.s. given float")
    with pytest.raises(MXNetError, match="valid values are: {'channel', 'instance'}"):
        nd.SoftmaxActivation(a, mode="bogus")
    # Observed on MXNet 1.9.1
    g = _grad(ctx, nd.SoftmaxActivation, [[1, 2, 3], [1, 1, 5]], head=[[1, 2, 3], [4, -1, 0]])
    np.testing.assert_allclose(g, [[-0.1418171, -0.14077035, 0.28258747], [0.06973718, -0.01860494, -0.05113224]],
                               rtol=1e-5)


# ----------------------------------------------------------------------------- random

def test_flat_random_aliases(ctx):
    ndx.random.seed(3)
    u = nd.random_uniform(-1, 1, shape=(200,), ctx=ctx, dtype="float64")
    assert u.dtype == np.float64 and u.context == ctx
    v = u.asnumpy()
    assert v.min() >= -1 and v.max() < 1 and v.std() > 0.3
    n = nd.normal(loc=5, scale=0.01, shape=(2, 3), ctx=ctx)
    assert n.shape == (2, 3) and n.dtype == np.float32 and abs(n.asnumpy().mean() - 5) < 0.1
    assert nd.uniform is nd.random_uniform and nd.normal is nd.random_normal
    out = nd.zeros((4,), ctx=ctx)
    assert nd.uniform(out=out) is out and (out.asnumpy() != 0).all()
    ndx.random.seed(11)
    first = nd.random_normal(shape=(3,), ctx=ctx).asnumpy()
    ndx.random.seed(11)
    np.testing.assert_array_equal(nd.random.normal(shape=(3,), ctx=ctx).asnumpy(), first)


def test_flat_random_alias_errors():
    # Observed on MXNet 1.9.1
    with pytest.raises(MXNetError) as e:
        nd.random_uniform()
    assert str(e.value) == ("Operator _random_uniform inferring shapes failed.\ninput shapes:\noutput shapes:\nNone\n"
                            "operator attributes:\n\n")
    with pytest.raises(MXNetError) as e:
        nd.normal(0, -1, shape=(2,))
    assert str(e.value) == "Check failed: param.scale > 0 (-1 vs. 0) : scale parameter in gaussian has to be positive"
    with pytest.raises(MXNetError) as e:
        nd.uniform(2, 1.5, shape=(2,))
    assert str(e.value) == ("Check failed: param.high >= param.low (1.5 vs. 2) : low must be less or equal to high "
                            "in uniform distribution")
    with pytest.raises(MXNetError, match=r"Invalid Input: 'int32', valid values are: {'None', 'float16', 'float32', "
                                         r"'float64'}, in operator _random_normal\(name=\"\", dtype=\"int32\", "
                                         r"shape=\"\(2,\)\"\)"):
        nd.normal(shape=(2,), dtype="int32")


def test_shuffle(ctx):
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    ndx.random.seed(5)
    s = nd.shuffle(nd.array(x, ctx=ctx)).asnumpy()
    assert sorted(s[:, 0].tolist()) == x[:, 0].tolist()
    np.testing.assert_array_equal(s[:, 1] - s[:, 0], np.ones(10))  # rows move whole
    assert not np.array_equal(s, x)
    ndx.random.seed(5)
    np.testing.assert_array_equal(nd.shuffle(nd.array(x, ctx=ctx)).asnumpy(), s)
    with pytest.raises(MXNetError, match="Operator _shuffle inferring shapes failed"):
        nd.shuffle(nd.array(3.0, ctx=ctx))


# ----------------------------------------------------------------------------- gradients against central differences

def _r(*s):
    return RNG.standard_normal(s)


def _idx(values):
    return np.array(values, np.float64)


GRADIENT_CASES = {  # op name -> (nd expression, inputs, indices of the inputs to differentiate)
    "smooth_l1": (lambda x: nd.smooth_l1(x, scalar=1.5), [np.array([-2.0, -0.3, 0.1, 0.35, 1.2, 3.0])], None),
    "hard_sigmoid": (lambda x: nd.hard_sigmoid(x, alpha=0.3, beta=0.4), [np.array([-3.0, -1.0, 0.2, 1.5, 3.0])], None),
    "diag": (lambda x: nd.diag(x, k=1) * 2 + nd.diag(nd.diag(x, k=-1, axis1=1, axis2=0), k=1).sum(),
             [_r(3, 4)], None),
    "gather_nd": (lambda x, i: nd.gather_nd(x, i), [_r(3, 4, 2), _idx([[0, 2, 2, -1], [1, 3, 3, 0]])], [0]),
    "scatter_nd": (lambda x, i: nd.scatter_nd(x, i, shape=(3, 2, 2)), [_r(3, 2), _idx([[0, 2, 5], [1, 0, 1]])], [0]),
    "depth_to_space": (lambda x: nd.depth_to_space(x, 2) * nd.arange(48, ctx=x.context, dtype=x.dtype).reshape(
        (1, 2, 4, 6)), [_r(1, 8, 2, 3)], None),
    "space_to_depth": (lambda x: nd.space_to_depth(x, 2) * nd.arange(48, ctx=x.context, dtype=x.dtype).reshape(
        (1, 8, 2, 3)), [_r(1, 2, 4, 6)], None),
    "moments": (lambda x: nd.moments(x, axes=(0, 2))[0] * 3 + nd.moments(x, axes=(0, 2))[1], [_r(2, 3, 4)], None),
    "erfinv": (nd.erfinv, [np.array([-0.95, -0.3, 0.0, 0.5, 0.9])], None),
    "gammaln": (nd.gammaln, [np.array([0.2, 0.5, 1.7, 4.2, 12.5, -0.4, -2.7])], None),
    "gamma": (nd.gamma, [np.array([0.2, 0.5, 1.7, 4.2, 7.5, -0.4, -2.7])], None),
    "unravel_index": (lambda x: nd.unravel_index(x, shape=(3, 4)), [np.array([2.5, 6.5, 9.5])], None),
    "ravel_multi_index": (lambda x: nd.ravel_multi_index(x, shape=(3, 4)), [np.array([[0.5, 1.5], [2.5, 3.5]])],
                          None),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradient(ctx, name):
    fn, inputs, which = GRADIENT_CASES[name]
    check_numeric_gradient(fn, [x.copy() for x in inputs], ctx=ctx, grad_inputs=which, rtol=1e-5, atol=1e-7)


def test_every_differentiable_extra_op_has_a_case():
    ops = {v.name for v in vars(extra).values() if isinstance(v, Op) and v.backward is not None}
    missing = ops - set(GRADIENT_CASES)
    assert not missing, f"ops without a gradient case: {sorted(missing)}"


def test_moveaxis_and_softmax_activation_are_differentiable(ctx):
    # Observed on MXNet 1.9.1: moveaxis sends the head gradient back transposed
    g = _grad(ctx, lambda a: nd.moveaxis(a, 0, 1), np.ones((2, 3)), head=np.arange(6).reshape(3, 2))
    np.testing.assert_array_equal(g, [[0, 2, 4], [1, 3, 5]])
    # Observed on MXNet 1.9.1: SoftmaxActivation(mode='channel') of arange(12).reshape(2, 3, 2), head the same
    g = _grad(ctx, lambda a: nd.SoftmaxActivation(a, mode="channel"), np.arange(12).reshape(2, 3, 2),
              head=np.arange(12).reshape(2, 3, 2))
    row = [[-0.05877185, -0.05877185], [-0.19964759, -0.19964759], [0.25841936, 0.25841936]]
    np.testing.assert_allclose(g, [row, row], rtol=1e-5, atol=1e-6)
