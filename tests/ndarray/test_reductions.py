"""Reductions: (1,) for full reductions, exclude, integer mean, norm, argmax/argmin dtype, softmax values."""
import numpy as np
import pytest

from ndx import nd

X = np.array([[1, 5, 3], [4, 2, 6]], dtype=np.float32)
CUBE = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), (0, 1, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(ctx, name, axis, keepdims):
    host = CUBE / 10 + 1
    got = getattr(nd, name)(nd.array(host, ctx=ctx), axis=axis, keepdims=keepdims)
    expected = np.asarray(getattr(np, name)(host, axis=axis, keepdims=keepdims))
    if expected.ndim == 0:
        expected = expected.reshape(1)  # a full reduction has shape (1,)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.asnumpy(), expected, rtol=1e-5)


def test_full_reduction_shape(ctx):
    x = nd.array(X, ctx=ctx)
    assert x.sum().shape == (1,) and x.sum().asscalar() == X.sum()
    assert x.sum(axis=(0, 1)).shape == (1,)
    assert x.mean().shape == (1,) and x.max().shape == (1,)


def test_exclude(ctx):
    ones = nd.ones((2, 3, 4), ctx=ctx)
    np.testing.assert_array_equal(nd.sum(ones, axis=0, exclude=True).asnumpy(), [12, 12])
    np.testing.assert_array_equal(nd.mean(nd.array(CUBE, ctx=ctx), axis=(0, 2), exclude=True).asnumpy(),
                                  CUBE.mean(axis=1))
    np.testing.assert_array_equal(nd.sum(nd.array(X, ctx=ctx), exclude=True).asnumpy(), [X.sum()])


def test_integer_reductions(ctx):
    i = nd.array([1, 2], ctx=ctx, dtype="int32")
    m = nd.mean(i)
    assert m.dtype is np.int32 and m.asnumpy().tolist() == [1]
    s = nd.array(X, ctx=ctx, dtype="int32").max(axis=0)
    assert s.dtype is np.int32
    np.testing.assert_array_equal(s.asnumpy(), X.max(axis=0))


def test_norm(ctx):
    x = nd.array(X, ctx=ctx)
    n = nd.norm(x)
    assert n.shape == (1,)
    np.testing.assert_allclose(n.asnumpy(), [np.sqrt((X ** 2).sum())], rtol=1e-6)
    np.testing.assert_allclose(n.asnumpy(), [9.5393915], rtol=1e-6)  # MXNet's printed value
    np.testing.assert_allclose(nd.norm(x, axis=1).asnumpy(), np.linalg.norm(X, axis=1), rtol=1e-6)
    np.testing.assert_allclose(nd.norm(x, ord=1).asnumpy(), [np.abs(X).sum()])
    assert nd.norm(x, keepdims=True).shape == (1, 1)
    np.testing.assert_allclose(x.norm().asnumpy(), n.asnumpy())


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_argmax_argmin_indices_in_input_dtype(ctx, dtype):
    x = nd.array(X, ctx=ctx, dtype=dtype)
    for name in ("argmax", "argmin"):
        got = getattr(nd, name)(x, axis=1)
        assert got.dtype is np.dtype(dtype).type
        np.testing.assert_array_equal(got.asnumpy(), getattr(np, name)(X, axis=1))
        flat = getattr(nd, name)(x)
        assert flat.shape == (1,) and flat.asscalar() == getattr(np, name)(X)
    np.testing.assert_array_equal(nd.argmax(x, axis=1).asnumpy(), [1, 2])
    assert nd.argmax(x, axis=1, keepdims=True).shape == (2, 1)


def test_softmax_values(ctx):
    x = nd.array(X, ctx=ctx)
    e = np.exp(X - X.max(axis=-1, keepdims=True))
    expected = e / e.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(nd.softmax(x).asnumpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(nd.softmax(x).asnumpy(), [[0.01587624, 0.86681336, 0.11731043],
                                                          [0.11731042, 0.01587624, 0.8668133]], rtol=1e-6)
    e0 = np.exp(X - X.max(axis=0))
    np.testing.assert_allclose(nd.softmax(x, axis=0).asnumpy(), e0 / e0.sum(axis=0), rtol=1e-6)
    np.testing.assert_allclose(nd.softmax(nd.array([1, 2], ctx=ctx), temperature=2).asnumpy(),
                               [0.37754068, 0.62245935], rtol=1e-6)


def test_log_softmax_values(ctx):
    v = np.array([1, 2, 3], np.float64)
    expected = v - np.log(np.exp(v).sum())
    got = nd.log_softmax(nd.array(v, ctx=ctx))
    np.testing.assert_allclose(got.asnumpy(), expected, rtol=1e-5)
    np.testing.assert_allclose(got.asnumpy(), [-2.4076037, -1.4076039, -0.40760383], atol=3e-6)  # MXNet is ~2e-6 off
    half = v / 2
    np.testing.assert_allclose(nd.log_softmax(nd.array(v, ctx=ctx), temperature=2).asnumpy(),
                               half - np.log(np.exp(half).sum()), rtol=1e-5)


def test_reduction_axis_out_of_range_is_refused(ctx):
    """Observed on MXNet 1.9.1: an axis outside the input is an error, never wrapped around."""
    x = nd.ones((2, 3), ctx=ctx)
    with pytest.raises(nd.MXNetError if hasattr(nd, "MXNetError") else Exception) as e:
        nd.sum(x, axis=2)
    assert str(e.value) == ("Check failed: axes[axes.ndim()-1] < ishape.ndim() (2 vs. 2) : "
                            "Reduction axis 2 Exceeds input dimensions [2,3]")
    with pytest.raises(Exception) as e:
        nd.sum(x, axis=-3)
    assert str(e.value) == ("Check failed: axes[0] >= 0 (-1 vs. 0) : "
                            "Reduction axis [-3] Exceeds input dimensions [2,3]")
    with pytest.raises(Exception, match="Reduction axis 2 Exceeds"):
        nd.norm(x, axis=2)


def test_norm_only_accepts_ord_1_and_2(ctx):
    """Observed on MXNet 1.9.1."""
    with pytest.raises(Exception) as e:
        nd.norm(nd.ones((2, 3), ctx=ctx), ord=3)
    assert str(e.value) == "Check failed: param.ord == 1 || param.ord == 2: norm only supports ord=1 and ord=2"


def test_nanprod_counts_nan_as_one(ctx):
    """MXNet 1.9.1 gives [1. 6.] for nanprod([[1, nan], [2, 3]], axis=1)."""
    host = np.array([[1, np.nan], [2, 3]], dtype=np.float32)
    got = nd.nanprod(nd.array(host, ctx=ctx), axis=1)
    np.testing.assert_array_equal(got.asnumpy(), np.nanprod(host, axis=1))
    assert got.dtype == np.float32


@pytest.mark.parametrize("shape, axis, keepdims", [((6, 1), 1, False), ((6, 1), 1, True), ((1, 4, 1), (0, 2), False),
                                                  ((3, 1, 2), 1, True)])
def test_mean_over_axes_of_length_one_is_a_copy_with_the_same_gradient(ctx, shape, axis, keepdims):
    """Averaging over length-1 axes (a loss's per-sample mean) is x / 1: values and gradient exactly x and g."""
    from ndx import autograd
    rng = np.random.default_rng(3)
    xv = rng.standard_normal(shape).astype(np.float32)
    x = nd.array(xv, ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = nd.mean(x, axis=axis, keepdims=keepdims)
    head = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(nd.array(head, ctx=ctx))
    want = np.mean(xv, axis=axis, keepdims=keepdims)
    assert y.shape == want.shape and np.array_equal(y.asnumpy(), want)
    assert np.array_equal(x.grad.asnumpy(), head.reshape(shape))
    x[:] = 0  # the result does not share memory with the input
    assert np.array_equal(y.asnumpy(), want)


def test_reduction_axes_duplicates_and_empty_lists(ctx):
    """Observed on MXNet 1.9.1: repeated axes (after wrapping negatives) are refused, naming the sorted
    axes; an empty list reduces everything, like None and ()."""
    x = nd.array(np.arange(6, dtype=np.float32).reshape(2, 3), ctx=ctx)
    for axis, shown, pair in (((0, 0), "[0,0]", "(0 vs. 0)"), ((1, -1), "[1,1]", "(1 vs. 1)"),
                              ((0, 1, 0), "[0,0,1]", "(0 vs. 0)")):
        with pytest.raises(Exception) as e:
            nd.sum(x, axis=axis)
        assert str(e.value) == f"Check failed: axes[i-1] < axes[i] {pair} : Reduction axes have duplicates {shown}"
    for fn, want in ((nd.sum, 15.0), (nd.mean, 2.5), (nd.max, 5.0)):
        out = fn(x, axis=[])
        assert out.shape == (1,) and out.asscalar() == want
