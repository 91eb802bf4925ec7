"""topk, sort, argsort, one_hot, pick, take, where (spec/ndarray.md section 7 and the MXNet oracle)."""
import numpy as np
import pytest

import ndx as mx
from ndx import nd

X = np.array([[1, 5, 3], [4, 2, 6]], dtype=np.float32)


def test_topk(ctx):
    x = nd.array(X, ctx=ctx)
    idx = nd.topk(x)
    assert idx.dtype is np.float32 and idx.shape == (2, 1)
    np.testing.assert_array_equal(idx.asnumpy(), np.argsort(-X, axis=-1)[:, :1])
    np.testing.assert_array_equal(nd.topk(x, k=2, ret_typ="value").asnumpy(), -np.sort(-X, axis=-1)[:, :2])
    values, indices = nd.topk(x, k=2, ret_typ="both")
    np.testing.assert_array_equal(values.asnumpy(), [[5, 3], [6, 4]])
    np.testing.assert_array_equal(indices.asnumpy(), [[1, 2], [2, 0]])
    np.testing.assert_array_equal(nd.topk(x, k=2, ret_typ="mask").asnumpy(), [[0, 1, 1], [1, 0, 1]])
    np.testing.assert_array_equal(nd.topk(x, axis=0, ret_typ="value").asnumpy(), X.max(axis=0, keepdims=True))
    np.testing.assert_array_equal(nd.topk(x, axis=None, k=2).asnumpy(), [5, 1])
    np.testing.assert_array_equal(nd.topk(x, k=1, is_ascend=True).asnumpy(), np.argmin(X, axis=1)[:, None])
    i32 = nd.topk(nd.array([1, 3, 2], ctx=ctx, dtype="int32"), k=2, ret_typ="value")
    assert i32.dtype is np.int32 and i32.asnumpy().tolist() == [3, 2]


def test_sort_and_argsort(ctx):
    x = nd.array(X, ctx=ctx)
    np.testing.assert_array_equal(nd.sort(x).asnumpy(), np.sort(X, axis=-1))
    np.testing.assert_array_equal(nd.sort(x, axis=0, is_ascend=False).asnumpy(), -np.sort(-X, axis=0))
    a = nd.argsort(x)
    assert a.dtype is np.float32
    np.testing.assert_array_equal(a.asnumpy(), np.argsort(X, axis=-1))
    np.testing.assert_array_equal(nd.argsort(nd.array([3, 1, 2], ctx=ctx), is_ascend=False).asnumpy(), [0, 2, 1])
    assert nd.argsort(nd.array([1, 3, 2], ctx=ctx, dtype="int32")).dtype is np.float32


def test_one_hot(ctx):
    got = nd.one_hot(nd.array([0, 2, -1, 5], ctx=ctx), 3)
    assert got.dtype is np.float32
    np.testing.assert_array_equal(got.asnumpy(), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])  # out of range: zeros
    custom = nd.one_hot(nd.array([1, 0], ctx=ctx), 3, on_value=5, off_value=-1, dtype="int32")
    assert custom.dtype is np.int32
    np.testing.assert_array_equal(custom.asnumpy(), [[-1, 5, -1], [5, -1, -1]])


def test_pick(ctx):
    data = nd.array([[1, 2], [3, 4]], ctx=ctx)
    np.testing.assert_array_equal(nd.pick(data, nd.array([0, 1], ctx=ctx)).asnumpy(), [1, 4])
    np.testing.assert_array_equal(nd.pick(data, nd.array([5, -1], ctx=ctx)).asnumpy(), [2, 3])  # clip
    np.testing.assert_array_equal(nd.pick(data, nd.array([3, -1], ctx=ctx), mode="wrap").asnumpy(), [2, 4])
    kept = nd.pick(data, nd.array([1, 0], ctx=ctx), axis=1, keepdims=True)
    np.testing.assert_array_equal(kept.asnumpy(), [[2], [3]])
    np.testing.assert_array_equal(nd.pick(data, nd.array([1, 0], ctx=ctx), axis=0).asnumpy(), [3, 2])


def test_take(ctx):
    host = np.array([[1, 2], [3, 4], [5, 6]], np.float32)
    a = nd.array(host, ctx=ctx)
    idx = np.array([[0, 2], [1, 5]])
    np.testing.assert_array_equal(nd.take(a, nd.array(idx, ctx=ctx)).asnumpy(), host[np.clip(idx, 0, 2)])
    np.testing.assert_array_equal(nd.take(nd.array([1, 2, 3], ctx=ctx), nd.array([4, -1], ctx=ctx),
                                          mode="wrap").asnumpy(), [2, 3])
    np.testing.assert_array_equal(nd.take(a, nd.array([1], ctx=ctx), axis=1).asnumpy(), host[:, [1]])


def test_where(ctx):
    cond = nd.array([[1, 0], [0, 1]], ctx=ctx)
    a, b = nd.array([[1, 2], [3, 4]], ctx=ctx), nd.array([[5, 6], [7, 8]], ctx=ctx)
    np.testing.assert_array_equal(nd.where(cond, a, b).asnumpy(), [[1, 6], [7, 4]])
    # a 1-D condition picks whole rows
    np.testing.assert_array_equal(nd.where(nd.array([1, 0], ctx=ctx), a, b).asnumpy(), [[1, 2], [7, 8]])
    with pytest.raises(AssertionError, match="Argument x must have NDArray type, but got 1"):
        nd.where(cond, 1, 2)


def test_topk_k_below_one_takes_all_and_above_size_is_refused(ctx):
    """Observed on MXNet 1.9.1: k=0 and k=-1 return every index; k past the axis length is an error."""
    host = np.array([[1, 5, 3], [4, 2, 6]], dtype=np.float32)
    x = nd.array(host, ctx=ctx)
    for k in (0, -1):
        got = nd.topk(x, k=k)
        np.testing.assert_array_equal(got.asnumpy(), np.argsort(-host, axis=-1, kind="stable").astype(np.float32))
    with pytest.raises(Exception) as e:
        nd.topk(x, k=5)
    assert str(e.value) == "Check failed: *k >= 0 && *k <= *element_num: k must be smaller than 3, get k = 5"


def test_clip_with_min_above_max(ctx):
    """MXNet 1.9.1: clip([1, 5, 10], 6, 2) is [6. 2. 2.] (the upper bound wins where both apply)."""
    for dtype in ("float32", "int32"):
        got = nd.clip(nd.array([1, 5, 10], dtype=dtype, ctx=ctx), 6, 2)
        np.testing.assert_array_equal(got.asnumpy(), np.array([6, 2, 2], dtype=dtype))


def test_where_refuses_shapes_that_need_broadcasting(ctx):
    """MXNet 1.9.1 does not broadcast in where: the condition is x's shape or 1-D over x's first axis."""
    with pytest.raises(Exception) as e:
        nd.where(nd.array([1, 0], ctx=ctx), nd.array([1, 2, 3], ctx=ctx), nd.array([1, 2, 3], ctx=ctx))
    assert str(e.value) == ("Operator where inferring shapes failed.\ninput shapes:\n[2]\n[3]\n[3]\n"
                            "output shapes:\n[3]\noperator attributes:\n")
    with pytest.raises(Exception, match="output shapes:\nNone"):
        nd.where(nd.array([1, 0, 1], ctx=ctx), nd.array([1, 2, 3], ctx=ctx), nd.array([1, 2], ctx=ctx))
    with pytest.raises(Exception, match="inferring shapes failed"):
        nd.where(nd.array([[1, 0], [0, 1]], ctx=ctx), nd.array([1, 2], ctx=ctx), nd.array([4, 5], ctx=ctx))


@pytest.mark.parametrize("index_shape, axis, inferred", [
    ((2, 3, 4), -1, "[2,3,1]"),   # same ndim as data: expected with the axis kept as 1
    ((2, 1, 1), -1, "[2,3,1]"),   # no broadcasting of the index
    ((2, 3), 1, "[2,4]"),         # fewer dims: expected with the axis dropped
    ((2,), 0, "[3,4]"),
])
def test_pick_index_shape_errors(ctx, index_shape, axis, inferred):
    # Messages observed on MXNet 1.9.1.
    data = nd.ones((2, 3, 4), ctx=ctx)
    with pytest.raises(mx.MXNetError) as e:
        nd.pick(data, nd.zeros(index_shape, ctx=ctx), axis=axis)
    provided = ",".join(map(str, index_shape))
    assert str(e.value) == f"MXNetError: Shape inconsistent, Provided = [{provided}], inferred shape={inferred}"


def test_take_raise_mode_and_bad_mode(ctx):
    """Observed on MXNet 1.9.1: mode='raise' refuses out-of-range (and negative) indices; unknown modes are refused."""
    x = nd.array([[1, 5, 3], [4, 2, 6]], ctx=ctx)
    np.testing.assert_array_equal(nd.take(x, nd.array([1, 0], ctx=ctx), mode="raise").asnumpy(),
                                  x.asnumpy()[[1, 0]])
    for idx, axis in (([3, -1], 0), ([-1, 0], 0), ([3], 1)):
        with pytest.raises(Exception) as e:
            nd.take(x, nd.array(idx, ctx=ctx), axis=axis, mode="raise")
        assert str(e.value) == "Check failed: is_valid: take operator contains indices out of bound"
    with pytest.raises(Exception) as e:
        nd.take(x, nd.array([1], ctx=ctx), mode="bogus")
    assert str(e.value) == ("MXNetError: Invalid Input: 'bogus', valid values are: {'clip', 'raise', 'wrap'}, "
                            "in operator take(name=\"\", mode=\"bogus\")")


def test_argument_refusals_observed_on_mxnet(ctx):
    x = nd.array(X, ctx=ctx)
    cases = [
        (lambda: nd.topk(x, ret_typ="foo"), "MXNetError: Invalid Input: 'foo', valid values are: {'both', 'indices', "
                                            "'mask', 'value'}, in operator topk(name=\"\", ret_typ=\"foo\")"),
        (lambda: nd.pick(x, nd.array([4], ctx=ctx), axis=None),
         "axis=None is not supported by pick yet. Must specify an axis."),
        (lambda: nd.take(x, nd.array([1], ctx=ctx), axis=2),
         "Check failed: param.axis >= -1 * arrshape.ndim() && param.axis < arrshape.ndim(): Axis should be in the "
         "range of [-r, r-1] where r is the rank of input tensor"),
        (lambda: nd.clip(x, None, 1), "MXNetError: Invalid Parameter format for a_min expect float but value='None', "
                                      "in operator clip(name=\"\", a_max=\"1\", a_min=\"None\")"),
        (lambda: nd.where(nd.array([1, 0, 1], ctx=ctx), x, x),
         "Check failed: (*in_attrs)[0].Size() == static_cast<size_t>(tshape[0]) (3 vs. 2) : "),
    ]
    for call, message in cases:
        with pytest.raises(mx.MXNetError) as e:
            call()
        assert str(e.value) == message
    np.testing.assert_array_equal(nd.take(x, nd.array([1], ctx=ctx), axis=-1).asnumpy(), X[:, [1]])


def test_sort_and_argsort_refuse_float16_but_topk_takes_it(ctx):
    """MXNet 1.9.1: sort and argsort have no float16 kernel (the text names no device); topk has one."""
    x = nd.array([[3, 1, 2], [0, 5, 4]], dtype="float16", ctx=ctx)
    for call in (lambda: nd.sort(x), lambda: nd.sort(x, axis=None), lambda: x.sort(), lambda: nd.argsort(x),
                 lambda: x.argsort(dtype="float16")):
        with pytest.raises(mx.base.MXNetError) as e:
            call()
        assert str(e.value) == "MXNetError: This operation does not support float16"
    np.testing.assert_array_equal(nd.topk(x, ret_typ="value").asnumpy(), [[3], [5]])
    assert nd.topk(x).dtype is np.float32
    assert nd.argsort(nd.array([3, 1, 2], ctx=ctx), dtype="float16").dtype is np.float16
