"""Creation functions and dtype rules: float32 by default, NDArray sources keep their dtype."""
import numpy as np
import pytest

import ndx as mx
from ndx import nd


@pytest.mark.parametrize("source", [[1, 2], np.array([1.5, 2.5]), np.array([1, 2], dtype=np.int64),
                                    np.array([1, 2], dtype=np.int32), np.array([1, 2], dtype=np.uint8),
                                    np.array([True, False])])
def test_array_defaults_to_float32(ctx, source):
    x = nd.array(source, ctx=ctx)
    assert x.dtype is np.float32
    np.testing.assert_array_equal(x.asnumpy(), np.asarray(source, dtype=np.float32))


def test_array_dtype_argument_and_ndarray_source_keep_dtype(ctx):
    assert nd.array([1, 2], ctx=ctx, dtype="int32").dtype is np.int32
    f64 = nd.array(np.zeros(2), ctx=ctx, dtype=np.float64)
    assert f64.dtype is np.float64
    again = nd.array(f64)  # a copy on the current context, as MXNet
    assert again.dtype is np.float64 and again.context == mx.current_context()


def test_scalar_and_empty_sources(ctx):
    s = nd.array(5, ctx=ctx)
    assert (s.shape, s.size, s.ndim) == ((), 1, 0)
    e = nd.array(np.zeros((0, 3)), ctx=ctx)
    assert e.shape == (0, 3) and e.size == 0


@pytest.mark.parametrize("fn,name", [(nd.zeros, "_zeros"), (nd.ones, "_ones")])
def test_zeros_ones_refuse_zero_dims_like_mxnet(fn, name):
    with pytest.raises(mx.MXNetError, match=f"^Operator {name} inferring shapes failed.$"):
        fn((0, 3))


def test_filled_creators(ctx):
    assert nd.ones(3, ctx=ctx).shape == (3,)
    z = nd.zeros((2, 3), ctx=ctx)
    assert z.dtype is np.float32 and not z.asnumpy().any()
    np.testing.assert_array_equal(nd.full((2, 2), 7, ctx=ctx).asnumpy(), np.full((2, 2), 7, np.float32))
    f = nd.full(2, 3.5, ctx=ctx, dtype="int32")
    assert f.dtype is np.int32
    np.testing.assert_array_equal(f.asnumpy(), [3, 3])
    assert nd.empty((2, 3), ctx=ctx).shape == (2, 3)
    assert nd.full((0, 3), 1, ctx=ctx).shape == (0, 3)  # full and empty accept 0 dims


def test_arange(ctx):
    np.testing.assert_array_equal(nd.arange(5, ctx=ctx).asnumpy(), np.arange(5, dtype=np.float32))
    np.testing.assert_array_equal(nd.arange(2, 10, 3, ctx=ctx).asnumpy(), np.arange(2, 10, 3, dtype=np.float32))
    np.testing.assert_array_equal(nd.arange(3, repeat=2, ctx=ctx).asnumpy(), np.repeat(np.arange(3.0), 2))
    assert nd.arange(3, ctx=ctx).dtype is np.float32


def test_like_creators_and_copy(ctx):
    x = nd.array([[1, 2, 3]], ctx=ctx, dtype="int32")
    for y in (nd.zeros_like(x), nd.ones_like(x), x.zeros_like(), x.ones_like()):
        assert (y.shape, y.dtype, y.context) == (x.shape, x.dtype, x.context)
    c = x.copy()
    assert c is not x
    c[:] = 9
    np.testing.assert_array_equal(x.asnumpy(), [[1, 2, 3]])


def test_attributes(ctx):
    x = nd.ones((2, 3), ctx=ctx)
    assert (x.shape, x.size, x.ndim, len(x)) == ((2, 3), 6, 2, 2)
    assert x.dtype is np.float32 and x.dtype == np.float32
    assert x.context == ctx and x.ctx == ctx
    assert x.stype == "default"
    assert x.grad is None


def test_astype(ctx):
    x = nd.array([1.7, -1.2], ctx=ctx)
    y = x.astype("int32")
    assert y.dtype is np.int32
    np.testing.assert_array_equal(y.asnumpy(), np.array([1.7, -1.2], np.float32).astype(np.int32))
    assert x.astype(np.float32, copy=False) is x
    assert x.astype(np.float32) is not x
    assert x.astype("float64", copy=False).dtype is np.float64


def test_arange_computes_in_its_dtype_as_mxnet(ctx):
    # values observed on MXNet 1.9.1: start + i * step in float32, start and step cast to an integer dtype first
    assert repr(nd.arange(0, 1, 0.3, ctx=ctx)) == f"\n[0.         0.3        0.6        0.90000004]\n<NDArray 4 @{ctx}>"
    got = nd.arange(-3, 0, 0.7, ctx=ctx).asnumpy()
    np.testing.assert_array_equal(got, np.float32(-3) + np.arange(5, dtype=np.float32) * np.float32(0.7))
    assert got[3] == np.float32(-0.9000001)
    assert nd.arange(0, 5, 1.5, dtype="int32", ctx=ctx).asnumpy().tolist() == [0, 1, 2, 3]
    assert nd.arange(0.5, 5, 1, dtype="int32", ctx=ctx).asnumpy().tolist() == [0, 1, 2, 3, 4]
    assert nd.arange(0, 5, 2, repeat=2, dtype="int32", ctx=ctx).asnumpy().tolist() == [0, 0, 2, 2, 4, 4]
    np.testing.assert_array_equal(nd.arange(0, 1, 0.25, dtype="float64", ctx=ctx).asnumpy(), [0, 0.25, 0.5, 0.75])


@pytest.mark.parametrize("args, kwargs, message", [
    ((5, 2), {}, "Check failed: param.start < param.stop.value(): Invalid range (start, stop, step) = (5,2,1)"),
    ((-1,), {}, "Check failed: param.start < param.stop.value(): Invalid range (start, stop, step) = (0,-1,1)"),
    ((2.5, 1.25, 0.5), {}, "Check failed: param.start < param.stop.value(): Invalid range (start, stop, step) = "
                           "(2.5,1.25,0.5)"),
    ((2, 5, -1), {}, "Check failed: param.start > param.stop.value(): Invalid range (start, stop, step)= (2,5,-1)"),
    ((0, 3, 0), {}, "Check failed: param.step != 0 (0 vs. 0) : Range does not support step=0, received 0"),
    ((3,), {"repeat": 0}, "Check failed: param.repeat > 0: Range only supports repeat > 0, received 0"),
])
def test_arange_refusals_observed_on_mxnet(args, kwargs, message):
    with pytest.raises(mx.MXNetError) as e:
        nd.arange(*args, **kwargs)
    assert str(e.value) == message


def test_linspace_refuses_a_negative_count():
    with pytest.raises(mx.MXNetError) as e:
        nd.linspace(0, 1, -1)
    assert str(e.value) == ("Check failed: param.num >= 0 (-1 vs. 0) : Number of sequence should be non-negative, "
                            "received -1")
